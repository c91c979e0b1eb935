// The probe's requests to GPT.GE and what the node makes of each answer: every reading goes
// through the node's own functions in dist/ (answers.ts, task.ts, voices.ts, getQuota.ts), never
// a copy of them. The token goes only to the Base URL's origin, and no redirect is followed.
'use strict';
const { readAnswer } = require('../dist/nodes/GptGe/shared/api/answers');
const { maskDeep } = require('../dist/nodes/GptGe/shared/secrets');
const { summarizeTask } = require('../dist/nodes/GptGe/shared/task');
const { voicesOf } = require('../dist/nodes/GptGe/shared/voices');
const { quotaOf, needsUsage } = require('../dist/nodes/GptGe/resources/account/getQuota');
const endpoints = require('../dist/nodes/GptGe/shared/endpoints');
const { shapeOfBody, statusesOf } = require('./shape');

/** Why a request got no answer, in a few words: ECONNREFUSED, ENOTFOUND, no answer within 20 s… */
function reasonOf(error, timeoutMs) {
	if (error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
	const cause = error && error.cause;
	if (cause && cause.code) return cause.code;
	if (cause && cause.message) return cause.message;
	return (error && error.message) || String(error);
}

/**
 * Sends one request: `Authorization` only when the URL is on the Base URL's origin, redirects not
 * followed, `timeoutMs` for the whole answer. Resolves with { url, status, location?, body } (body:
 * parsed JSON, else the text), or { url, error } when no answer came.
 */
async function send(probe, method, path, json) {
	const url = `${probe.root}${path}`;
	const headers = { accept: 'application/json' };
	if (new URL(url).origin === new URL(probe.root).origin) headers.authorization = `Bearer ${probe.token}`;
	if (json !== undefined) headers['content-type'] = 'application/json';
	try {
		const response = await fetch(url, {
			method,
			headers,
			body: json === undefined ? undefined : JSON.stringify(json),
			redirect: 'manual',
			signal: AbortSignal.timeout(probe.timeoutMs),
		});
		const text = await response.text();
		let body = text;
		try {
			body = text === '' ? undefined : JSON.parse(text);
		} catch {
			// Not JSON: the text itself is the answer.
		}
		const location = response.headers.get('location');
		return { url, status: response.status, ...(location ? { location } : {}), body };
	} catch (error) {
		return { url, error: reasonOf(error, probe.timeoutMs) };
	}
}

const originOf = (url) => {
	try {
		return `${new URL(url).origin}/…`;
	} catch {
		return 'present';
	}
};

/** What Avatar → Get Task would output, without the raw task and with URLs cut to their host. */
function taskSummaryOf(taskId, body) {
	const { task: _raw, ...summary } = summarizeTask(taskId, body.data);
	for (const key of ['videoUrl', 'videoUrlWithWatermark', 'videoUrlWithoutWatermark']) {
		if (summary[key]) summary[key] = originOf(summary[key]);
	}
	return summary;
}

/** What Voice → List would output: how many voices, by language. */
function voiceCountOf(body) {
	const voices = voicesOf(body);
	const byLanguage = {};
	for (const voice of voices) byLanguage[voice.language || '(none)'] = (byLanguage[voice.language || '(none)'] || 0) + 1;
	return { voices: voices.length, byLanguage };
}

/** The probe's requests, in order: each the node's endpoint, its path, and what the node makes of it. */
function checksFor(options) {
	const checks = [
		{ name: 'subscription', endpoint: 'subscription', method: 'GET', path: endpoints.SUBSCRIPTION_PATH },
		{ name: 'usage', endpoint: 'usage', method: 'GET', path: endpoints.USAGE_PATH },
		{ name: 'voices', endpoint: 'voices', method: 'GET', path: endpoints.VOICES_PATH, node: voiceCountOf },
		{ name: 'voices (en)', endpoint: 'voices', method: 'GET', path: `${endpoints.VOICES_PATH}?language=en`, node: voiceCountOf },
	];
	if (options.createVideo) {
		const [avatarUrl, audioUrl] = options.createVideo;
		checks.push({
			name: 'create',
			endpoint: 'create',
			method: 'POST',
			path: endpoints.GENERATION_PATH,
			json: { avatar_url: avatarUrl, audio_url: audioUrl },
		});
	}
	return checks;
}

/** The check of a task: the one asked for, else the one just created. */
function taskCheck(taskId) {
	return { name: 'task', endpoint: 'task', method: 'GET', path: endpoints.taskPath(taskId), node: (body) => taskSummaryOf(taskId, body) };
}

/**
 * One request and its entry in the report, masked: the HTTP status (or why there was none), the
 * answer's `code`, task statuses and shape, the node's reading, and what the node makes of it.
 */
async function run(probe, check) {
	const answer = await send(probe, check.method, check.path, check.json);
	const entry = { name: check.name, request: `${check.method} ${check.path}` };
	if (answer.error) {
		entry.error = answer.error;
		return { entry: maskDeep(entry, [probe.token]), answer };
	}
	const { status, body } = answer;
	entry.status = status;
	if (answer.location) entry.redirect = answer.location;
	if (body && typeof body === 'object' && 'code' in body) entry.code = body.code;
	const statuses = statusesOf(body);
	if (Object.keys(statuses).length) entry.statuses = statuses;
	entry.shape = shapeOfBody(body);
	entry.reading = readAnswer(check.endpoint, status, body);
	if (entry.reading.ok && check.node) entry.node = check.node(body);
	return { entry: maskDeep(entry, [probe.token]), answer };
}

/** What Account → Get Quota would output from the two billing answers, or null when it could not. */
function quotaFrom(subscription, usage) {
	if (!subscription.entry.reading || !subscription.entry.reading.ok) return null;
	const needed = needsUsage(subscription.answer.body);
	if (needed && !(usage.entry.reading && usage.entry.reading.ok)) return null;
	return { ...quotaOf(subscription.answer.body, needed ? usage.answer.body : null), usageNeeded: needed };
}

module.exports = { apiRootOf: endpoints.apiRootOf, checksFor, quotaFrom, run, send, taskCheck };
