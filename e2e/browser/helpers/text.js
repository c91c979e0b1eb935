// Small text helpers for the check's messages and screenshot names.
const same = (a, b) => a.length === b.length && a.every((value, index) => value === b[index]);
const list = (values) => (values.length ? values.map((value) => `"${value}"`).join(', ') : 'nothing');
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = { same, list, slug, escapeRegExp };
