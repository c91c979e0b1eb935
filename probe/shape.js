// The shape of an answer, for the probe's output and its report: keys and value types, compactly,
// with the values that tell GPT.GE's answer forms apart (`code`, task `status`, `web_work_status`,
// the times' units, the API's own words) and none of the user's data (IDs, URLs, names). Pure.
'use strict';

/** Keys whose values are shown: what tells one answer form from another, and the API's words. */
const SHOWN = new Set([
	'code',
	'status',
	'web_work_status',
	'message',
	'msg',
	'error',
	'type',
	'object',
	'action',
	'progress',
	'fail_reason',
	'language',
	'submit_time',
	'start_time',
	'finish_time',
	'create_time',
	'created_at',
]);

/** Strings are cut to this many characters. */
const MAX_STRING = 60;

/** Deeper than this, an object or array is only named. */
const MAX_DEPTH = 6;

const cut = (text) => (text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text);

const typeOf = (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * The shape of a parsed JSON value: a leaf is its type (`"number"`), with its value for the keys
 * above (`"number 200"`, `'string "SUCCESS"'`); an object is an object of shapes; an array is
 * `["<n> ×", <shape of its first element>]`, or `[]`.
 */
function shapeOf(value, key, depth = 0) {
	if (Array.isArray(value)) {
		if (value.length === 0) return [];
		if (depth >= MAX_DEPTH) return [`${value.length} ×`, typeOf(value[0])];
		return [`${value.length} ×`, shapeOf(value[0], undefined, depth + 1)];
	}
	if (value && typeof value === 'object') {
		if (depth >= MAX_DEPTH) return `object (${Object.keys(value).length} keys)`;
		return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, shapeOf(inner, name, depth + 1)]));
	}
	const type = typeOf(value);
	if (!SHOWN.has(key) || value === null || value === undefined) return type;
	return `${type} ${typeof value === 'string' ? JSON.stringify(cut(value)) : String(value)}`;
}

/** The shape of an answer's body as the probe read it: parsed JSON, text that is not JSON, or nothing. */
function shapeOfBody(body) {
	if (body === undefined || body === '') return 'empty';
	if (typeof body === 'string') return `text (${body.length} characters) ${JSON.stringify(cut(body.trim()))}`;
	return shapeOf(body);
}

/** The values of `status` and `web_work_status` anywhere in a body (a task's envelope and work object). */
function statusesOf(body, found = {}, depth = 0) {
	if (!body || typeof body !== 'object' || depth > MAX_DEPTH) return found;
	for (const [name, value] of Object.entries(body)) {
		if ((name === 'status' || name === 'web_work_status') && (typeof value !== 'object' || value === null)) {
			if (!(name in found)) found[name] = value;
		} else statusesOf(value, found, depth + 1);
	}
	return found;
}

/** One line of a shape, or null when it is too long. */
function inline(shape) {
	if (typeof shape === 'string') return shape;
	if (Array.isArray(shape)) return shape.length ? `[${shape[0]} ${inline(shape[1])}]` : '[]';
	return `{${Object.entries(shape)
		.map(([name, inner]) => `${name}: ${inline(inner)}`)
		.join(', ')}}`;
}

/**
 * A shape as text: one line when it fits in `width` from `column`; else an object's keys fill lines
 * indented under it, and a key whose shape does not fit on a line of its own breaks the same way.
 */
function renderShape(shape, indent = '', column = indent.length, width = 100) {
	const line = inline(shape);
	if (typeof shape === 'string' || column + line.length <= width) return line;
	if (Array.isArray(shape)) return `[${shape[0]} ${renderShape(shape[1], indent, column + shape[0].length + 2, width)}]`;
	const inner = `${indent}  `;
	const lines = [];
	let current = '{';
	let currentColumn = column;
	for (const [name, value] of Object.entries(shape)) {
		const piece = `${name}: ${renderShape(value, inner, inner.length + name.length + 2, width)}`;
		const separator = current === '{' ? '' : ' ';
		if (!piece.includes('\n') && currentColumn + current.length + separator.length + piece.length + 2 <= width) {
			current += `${separator}${piece},`;
			continue;
		}
		lines.push(current);
		const pieceLines = `${inner}${piece},`.split('\n');
		current = pieceLines.pop();
		lines.push(...pieceLines);
		currentColumn = 0;
	}
	lines.push(`${current.replace(/,$/, '')}}`);
	return lines.join('\n');
}

module.exports = { MAX_STRING, renderShape, shapeOf, shapeOfBody, statusesOf };
