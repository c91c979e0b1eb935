'use strict';
// The dialects the stand-in answers in: the forms GPT.GE's documentation examples show
// ('examples'), the forms its schemas and another gateway's pages show ('schema'), and a seeded
// per-answer mix of them all ('mixed'). Pure functions: a form is picked for one answer
// (formOf), then the routes render their values in it. README.md, "Dialects", says where each
// form comes from.

const DIALECTS = ['examples', 'schema', 'mixed'];

// The success codes the pages show, in the order 'mixed' draws them.
const SUCCESS_CODES = ['success', 200, '200', 0, '0'];

const EXAMPLES = {
	code: 'success',
	time: 'seconds',
	paths: 'both',
	voiceType: 'number',
	labels: 'array',
	uploadUrl: true,
};
const SCHEMA = {
	code: 200,
	time: 'ms',
	paths: 'named',
	voiceType: 'string',
	labels: 'string',
	uploadUrl: false,
};

// The choices 'mixed' draws from, one draw per field per answer, in this order.
const MIXED_CHOICES = [
	['code', SUCCESS_CODES],
	['time', ['seconds', 'ms', 'iso']],
	['paths', ['both', 'named']],
	['voiceType', ['number', 'string']],
	['labels', ['array', 'string']],
	['uploadUrl', [true, false]],
];

function checkDialect(value) {
	if (!DIALECTS.includes(value)) {
		throw new TypeError(`dialect must be 'examples', 'schema' or 'mixed', not ${JSON.stringify(value)}`);
	}
	return value;
}

/**
 * The forms of one success answer in `dialect`. 'mixed' draws every field from `random` (a
 * () => [0, 1) generator), the same number of draws for every answer, so a seed and a sequence
 * of requests give the same answers.
 */
function formOf(dialect, random) {
	if (dialect === 'schema') return { ...SCHEMA };
	if (dialect !== 'mixed') return { ...EXAMPLES };
	return Object.fromEntries(
		MIXED_CHOICES.map(([field, choices]) => [field, choices[Math.floor(random() * choices.length)]]),
	);
}

/**
 * A time (epoch ms) in the form's unit: whole seconds, whole milliseconds or an ISO string.
 * `undefined` (not happened yet) is 0 in seconds and milliseconds, null as an ISO string.
 */
function timeIn(form, ms) {
	if (ms === undefined) return form.time === 'iso' ? null : 0;
	if (form.time === 'ms') return Math.floor(ms);
	if (form.time === 'iso') return new Date(Math.floor(ms)).toISOString();
	return Math.floor(ms / 1000);
}

/** The work object in the form: 'named' leaves out work_video_path (only the two named paths). */
function workIn(form, work) {
	if (form.paths === 'both') return work;
	const { work_video_path: _left, ...named } = work;
	return named;
}

/** A voice of the list in the form: type a number or a string, labels a list or "A,B". */
function voiceIn(form, voice) {
	return {
		...voice,
		labels: form.labels === 'string' ? voice.labels.join(',') : voice.labels,
		type: form.voiceType === 'string' ? String(voice.type) : voice.type,
	};
}

module.exports = { DIALECTS, SUCCESS_CODES, checkDialect, formOf, timeIn, voiceIn, workIn };
