'use strict';
// The API's routes, as the GPT.GE documentation describes them: creating a task, its status,
// the voice list, billing, and file uploads; then the chat API's (chat.js). Each handler takes the stand-in's state and the
// request's exchange ({ req, res, pathname, searchParams, rawBody, bodyBytes, params }).

const crypto = require('node:crypto');
const path = require('node:path');
const { isPlainObject } = require('./checks');
const { faultsAt } = require('./faults');
const { gatewayError, sendInvalid, sendJson } = require('./http');
const { multipartParts } = require('./multipart');
const { VOICES, LANGUAGES, validateGeneration } = require('./contract');
const { formOf, timeIn, voiceIn, workIn } = require('./dialects');
const { findChatRoute } = require('./chat');

/** The route of a request, with its path parameters; undefined for an unknown one. */
function findRoute(method, pathname) {
	if (method === 'POST' && pathname === '/avatar/generation') return { handle: submitTask };
	if (method === 'GET' && pathname === '/avatar/voice') return { handle: listVoices };
	if (method === 'POST' && pathname === '/v1/files') return { handle: uploadFile };
	if (method === 'GET' && pathname === '/v1/dashboard/billing/subscription') {
		return { handle: (state, { res }) => sendJson(res, 200, billingSubscription(state.settings, usedCents(state))) };
	}
	if (method === 'GET' && pathname === '/v1/dashboard/billing/usage') {
		return { handle: (state, { res }) => sendJson(res, 200, { object: 'list', total_usage: usedCents(state) }) };
	}
	const taskMatch = /^\/avatar\/task\/([^/]+)$/.exec(pathname);
	if (method === 'GET' && taskMatch) {
		return { handle: queryTask, params: { taskId: taskMatch[1] } };
	}
	// The OpenAI-compatible chat API the same gateway serves (chat.js).
	return findChatRoute(method, pathname);
}

async function submitTask(state, exchange) {
	const { res, rawBody } = exchange;
	let body;
	try {
		body = JSON.parse(rawBody);
	} catch {
		return sendInvalid(res, 'request body is not valid JSON');
	}
	const problem = validateGeneration(body);
	if (problem) return sendInvalid(res, problem);
	const refused = await faultsAt('create', state, { ...exchange, body });
	if (refused) return refused.outcome;

	const taskId = crypto.randomBytes(16).toString('hex');
	state.tasks.set(taskId, {
		id: taskId,
		sequence: state.tasks.size,
		body,
		submittedAt: Date.now(),
		failReason: state.settings.failWhen(body) || undefined,
	});
	const bodyKey = canonicalJson(body);
	if (state.createdBodies.has(bodyKey)) state.duplicateCreates += 1;
	else state.createdBodies.add(bodyKey);
	const { createCode } = state.settings;
	const { code } = answerForm(state);
	return sendJson(res, 200, { code: createCode === null ? code : createCode, message: '', data: taskId });
}

// The forms of this success answer in the dialect set (dialects.js); 'mixed' draws them.
function answerForm(state) {
	return formOf(state.settings.dialect, state.dialectRandom);
}

async function queryTask(state, exchange) {
	const { res, params } = exchange;
	const faulted = await faultsAt('task query', state, exchange);
	if (faulted) return faulted.outcome;
	const task = state.tasks.get(params.taskId);
	if (!task) {
		return sendJson(res, 404, { code: 'task_not_exist', message: 'task_not_exist', data: null });
	}
	const form = answerForm(state);
	const view = describeTask(state, task, form);
	const { taskShape } = state.settings;
	const useEnvelope = taskShape === 'envelope' || (taskShape === 'alternate' && task.sequence % 2 === 0);
	const data = useEnvelope
		? {
				task_id: task.id,
				action: 'avatar-generate',
				status: view.status,
				fail_reason: view.status === 'FAILURE' ? task.failReason : '',
				submit_time: timeIn(form, task.submittedAt),
				start_time: timeIn(form, view.startedAt),
				finish_time: timeIn(form, view.finishedAt),
				progress: view.progress,
				data: view.work,
			}
		: view.work;
	return sendJson(res, 200, { code: form.code, message: '', data });
}

// The task's state is a pure function of the time since it was submitted; its work object is in
// the answer's form.
function describeTask({ settings, cdnUrl }, task, form) {
	const { taskDurationMs } = settings;
	const elapsed = Date.now() - task.submittedAt;
	const fraction = taskDurationMs > 0 ? elapsed / taskDurationMs : 1;
	const startedAt = fraction >= 0.3 ? task.submittedAt + 0.3 * taskDurationMs : undefined;
	const finishedAt = fraction >= 1 ? task.submittedAt + taskDurationMs : undefined;

	let status;
	let progress;
	let webWorkStatus;
	if (fraction < 0.1) [status, progress, webWorkStatus] = ['SUBMITTED', '0%', 0];
	else if (fraction < 0.3) [status, progress, webWorkStatus] = ['QUEUED', '0%', 0];
	else if (fraction < 1) {
		[status, progress, webWorkStatus] = ['IN_PROGRESS', `${Math.floor(fraction * 100)}%`, 100];
	} else if (task.failReason) [status, progress, webWorkStatus] = ['FAILURE', '100%', -1];
	else [status, progress, webWorkStatus] = ['SUCCESS', '100%', 200];

	const done = status === 'SUCCESS';
	const noWatermarkVideo = `${cdnUrl}/videos/${task.id}.mp4`;
	const watermarkedVideo = `${cdnUrl}/videos/${task.id}-wm.mp4`;
	const work = workIn(form, {
		id: task.id,
		work_name: `Digital human ${task.sequence + 1}`,
		work_video_path: done ? (task.body.no_watermark === true ? noWatermarkVideo : watermarkedVideo) : null,
		wm_work_video_path: done ? watermarkedVideo : null,
		no_wm_work_video_path: done ? noWatermarkVideo : null,
		work_webp_path: done ? `${cdnUrl}/images/${task.id}.webp` : null,
		web_work_status: webWorkStatus,
		create_time: timeIn(form, task.submittedAt),
		user_image_url: task.body.avatar_url,
	});
	return { status, progress, startedAt, finishedAt, work };
}

// POST /v1/files (multipart/form-data: file, purpose): keeps the file and serves it from the
// CDN host under an unguessable path, as GPT.GE's answer example shows.
function uploadFile(state, { res, bodyBytes, req }) {
	const { settings } = state;
	const parts = multipartParts(req.headers['content-type'], bodyBytes);
	if (!parts) return sendInvalid(res, 'the body is not multipart/form-data');
	const file = parts.find((part) => part.name === 'file' && part.filename !== undefined);
	if (!file) return sendInvalid(res, 'file is required');
	if (file.content.length > settings.maxUploadBytes) {
		return sendJson(
			res,
			413,
			gatewayError(`file is too large: at most ${settings.maxUploadBytes} bytes`, 'invalid_request_error', 'file_too_large'),
		);
	}
	const id = `file-${crypto.randomBytes(12).toString('hex')}`;
	const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
	const extension = path.extname(file.filename).replace(/[^.\w]/g, '');
	const filePath = `/file/cdn/${day}/${crypto.randomBytes(15).toString('base64url')}${extension}`;
	state.files.set(filePath, { id, content: file.content, contentType: file.contentType || 'application/octet-stream' });
	const purpose = parts.find((part) => part.name === 'purpose' && part.filename === undefined);
	// The dialect's form decides too: the schema does not require url.
	const hasUrl = settings.uploadAnswerHasUrl && answerForm(state).uploadUrl;
	return sendJson(res, 200, {
		id,
		object: 'file',
		bytes: file.content.length,
		created_at: unixSeconds(Date.now()),
		filename: file.filename,
		purpose: purpose ? purpose.content.toString('utf8') : null,
		...(hasUrl ? { url: state.cdnUrl + filePath } : {}),
	});
}

// `language` is optional (the voice list's schema): without it (or empty), every voice.
function listVoices(state, { res, searchParams }) {
	const language = searchParams.get('language');
	if (language && !LANGUAGES.includes(language)) {
		return sendInvalid(res, `language must be one of ${LANGUAGES.join(', ')}`);
	}
	const form = answerForm(state);
	const audioList = VOICES.filter((entry) => !language || entry.language === language).map((entry) =>
		voiceIn(form, entry),
	);
	return sendJson(res, 200, { code: form.code, message: '', data: { audio_list: audioList } });
}

// The documentation's subscription answer; 'reseller' billingFields add used_usd and balance_usd.
function billingSubscription({ quotaUsd, billingFields }, cents) {
	return {
		object: 'billing_subscription',
		has_payment_method: true,
		soft_limit_usd: quotaUsd,
		hard_limit_usd: quotaUsd,
		system_hard_limit_usd: quotaUsd,
		access_until: 0,
		...(billingFields === 'reseller' ? { used_usd: cents / 100, balance_usd: quotaUsd - cents / 100 } : {}),
	};
}

function usedCents({ settings, tasks }) {
	return settings.usedCents + tasks.size * settings.videoCostCents;
}

// JSON with object keys sorted, so bodies that differ only in key order compare equal.
function canonicalJson(value) {
	return JSON.stringify(value, (_key, item) =>
		isPlainObject(item) ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, item[key]])) : item,
	);
}

function unixSeconds(ms) {
	return Math.floor(ms / 1000);
}

module.exports = { findRoute };
