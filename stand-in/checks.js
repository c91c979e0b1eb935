'use strict';
// Checks of option values, shared by the settings table and the faults: each returns the value
// to store or throws a TypeError naming the option.

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

function isPlainObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegative(value, name) {
	if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
		throw new TypeError(`${name} must be a number of 0 or more, not ${JSON.stringify(value)}`);
	}
	return value;
}

function wholeNumber(value, name, max = Number.MAX_SAFE_INTEGER) {
	if (!Number.isInteger(value) || value < 0 || value > max) {
		const range = max === Number.MAX_SAFE_INTEGER ? 'of 0 or more' : `from 0 to ${max}`;
		throw new TypeError(`${name} must be a whole number ${range}, not ${JSON.stringify(value)}`);
	}
	return value;
}

function aBoolean(value, name) {
	if (typeof value !== 'boolean') {
		throw new TypeError(`${name} must be true or false, not ${JSON.stringify(value)}`);
	}
	return value;
}

function aFunction(value, name) {
	if (typeof value !== 'function') {
		throw new TypeError(`${name} must be a function (body) => string | undefined`);
	}
	return value;
}

function redirectStatus(value, name) {
	if (!REDIRECT_STATUSES.includes(value)) {
		throw new TypeError(`${name} must be one of ${REDIRECT_STATUSES.join(', ')}, not ${JSON.stringify(value)}`);
	}
	return value;
}

// Parsers of environment variable text, for optionsFromEnv.

function splitList(text) {
	return text
		.split(',')
		.map((item) => item.trim())
		.filter(Boolean);
}

function toNumber(text) {
	const value = Number(text);
	if (text === '' || Number.isNaN(value)) throw new TypeError('must be a number');
	return value;
}

function toFlag(text) {
	if (/^(1|true|yes|on)$/i.test(text)) return true;
	if (/^(0|false|no|off)$/i.test(text)) return false;
	throw new TypeError('must be 1 or 0 (true or false)');
}

module.exports = {
	aBoolean,
	aFunction,
	isPlainObject,
	nonNegative,
	redirectStatus,
	splitList,
	toFlag,
	toNumber,
	wholeNumber,
};
