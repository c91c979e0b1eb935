'use strict';
// The stand-in's settings: the options that can change while it runs (configure(),
// POST /__stand-in/settings), the start-only ones, and the environment variables behind both.
// The faults bring their own settings and variables (faults.js).

const { aBoolean, aFunction, isPlainObject, nonNegative, toNumber, wholeNumber } = require('./checks');
const { checkDialect } = require('./dialects');
const { FAULTS } = require('./faults');

const defaultFailWhen = (body) =>
	typeof body.avatar_url === 'string' && body.avatar_url.includes('no-face')
		? 'No face detected in the avatar image'
		: undefined;

// Each option with its default and a check that returns the value to store or throws.
const SETTINGS = {
	taskDurationMs: [3000, (value) => nonNegative(value, 'taskDurationMs')],
	taskShape: [
		'envelope',
		(value) => {
			if (!['envelope', 'flat', 'alternate'].includes(value)) {
				throw new TypeError(`taskShape must be 'envelope', 'flat' or 'alternate', not '${value}'`);
			}
			return value;
		},
	],
	failWhen: [defaultFailWhen, (value) => aFunction(value, 'failWhen')],
	// The forms of the answers: 'examples', 'schema' or 'mixed' (dialects.js).
	dialect: ['examples', checkDialect],
	// The `code` of every create's success answer, any JSON value but null; null is the dialect's.
	createCode: [null, checkCreateCode],
	...Object.assign({}, ...FAULTS.map((fault) => fault.settings || {})),
	// The documentation's billing answers. The quota is quotaUsd (100000000 is how an unlimited
	// token reports); usage is usedCents plus videoCostCents per task created (the docs give no
	// price: 10 cents is made up).
	quotaUsd: [5, (value) => nonNegative(value, 'quotaUsd')],
	usedCents: [0, (value) => nonNegative(value, 'usedCents')],
	videoCostCents: [10, (value) => nonNegative(value, 'videoCostCents')],
	// POST /v1/files: the largest file it takes (the one size GPT.GE's docs mention, 100 MB), and
	// whether its answer carries the file's URL (the docs' schema does not require one).
	maxUploadBytes: [100 * 1024 * 1024, (value) => wholeNumber(value, 'maxUploadBytes')],
	uploadAnswerHasUrl: [true, (value) => aBoolean(value, 'uploadAnswerHasUrl')],
	// 'reseller' adds the fields some resellers' hosts report themselves (used_usd, balance_usd).
	billingFields: [
		'standard',
		(value) => {
			if (!['standard', 'reseller'].includes(value)) {
				throw new TypeError(`billingFields must be 'standard' or 'reseller', not '${value}'`);
			}
			return value;
		},
	],
};
// Any JSON value but null (null: the dialect's code), stored as a JSON copy.
function checkCreateCode(value) {
	if (value === null) return null;
	const json =
		typeof value === 'string' ||
		typeof value === 'boolean' ||
		(typeof value === 'number' && Number.isFinite(value)) ||
		Array.isArray(value) ||
		isPlainObject(value);
	if (!json) throw new TypeError(`createCode must be a JSON value (null for the dialect's), not ${String(value)}`);
	return JSON.parse(JSON.stringify(value));
}

// A JSON value, or the text itself when it is not JSON: STAND_IN_CREATE_CODE=accepted is "accepted".
function jsonOrText(text) {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

// Functions cannot travel as JSON: configure() sets them, the settings endpoint neither shows nor takes them.
const FUNCTION_SETTINGS = Object.keys(SETTINGS).filter((name) => typeof SETTINGS[name][0] === 'function');
const START_ONLY = ['port', 'cdnPort', 'token'];

// Environment variable → option, for `node stand-in/server.js` and `npm start` alike.
const ENV_OPTIONS = [
	['STAND_IN_PORT', 'port', (text) => wholeNumber(toNumber(text), 'port', 65535)],
	['STAND_IN_CDN_PORT', 'cdnPort', (text) => wholeNumber(toNumber(text), 'cdnPort', 65535)],
	['STAND_IN_TOKEN', 'token', (text) => text],
	['STAND_IN_TASK_SECONDS', 'taskDurationMs', (text) => toNumber(text) * 1000],
	['STAND_IN_DIALECT', 'dialect', (text) => text],
	['STAND_IN_CREATE_CODE', 'createCode', jsonOrText],
	...FAULTS.flatMap((fault) => fault.env || []),
	['STAND_IN_QUOTA_USD', 'quotaUsd', toNumber],
	['STAND_IN_MAX_UPLOAD_MB', 'maxUploadBytes', (text) => Math.round(toNumber(text) * 1024 * 1024)],
];

/** The startStandIn options set in `env` (unset or empty variables are left out); throws on a bad value. */
function optionsFromEnv(env = process.env) {
	const options = {};
	for (const [name, option, parse] of ENV_OPTIONS) {
		const text = env[name];
		if (text === undefined || text.trim() === '') continue;
		try {
			const value = parse(text.trim());
			options[option] = SETTINGS[option] ? SETTINGS[option][1](value) : value;
		} catch (error) {
			throw new TypeError(`${name}=${text}: ${error.message}`);
		}
	}
	return options;
}

/** The settings at start: the defaults with startStandIn's options (but the start-only ones) applied. */
function startingSettings(options) {
	return checkSettings(
		Object.fromEntries(Object.entries(SETTINGS).map(([name, [fallback]]) => [name, fallback])),
		Object.fromEntries(Object.entries(options).filter(([name]) => !START_ONLY.includes(name))),
	);
}

// The settings with `partial` applied, each value checked; throws on an unknown or bad one.
function checkSettings(current, partial) {
	const next = { ...current };
	for (const [name, value] of Object.entries(partial)) {
		if (!Object.hasOwn(SETTINGS, name)) {
			throw new TypeError(`unknown stand-in option '${name}'`);
		}
		if (value !== undefined) next[name] = SETTINGS[name][1](value);
	}
	return next;
}

// The settings as the settings endpoint shows them: without the functions, lists copied.
function publicSettings(settings) {
	return Object.fromEntries(
		Object.entries(settings)
			.filter(([name]) => !FUNCTION_SETTINGS.includes(name))
			.map(([name, value]) => [name, Array.isArray(value) ? [...value] : value]),
	);
}

module.exports = {
	FUNCTION_SETTINGS,
	START_ONLY,
	checkSettings,
	optionsFromEnv,
	publicSettings,
	startingSettings,
};
