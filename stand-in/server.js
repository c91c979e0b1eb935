'use strict';
// A loopback stand-in of the GPT.GE Digital Human API (and of the CDN its videos come from),
// built from the contract in the API documentation, for end-to-end tests and manual runs.
// Plain CommonJS on node: built-ins only, so it runs anywhere the package's tests run.

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, 'sample.mp4'));
const LANGUAGES = ['zh', 'en'];
const VOICE_SOURCES = ['audio_url', 'create_voice', 'use_voice'];
const CONTROL_PREFIX = '/__stand-in/';

// The documentation's billing answers. The quota is a setting (quotaUsd; 100000000 is how an
// unlimited token reports); usage is usedCents plus videoCostCents per task created (the docs
// give no price: 10 cents is made up). billingFields 'reseller' adds the fields some resellers'
// hosts report themselves (used_usd, balance_usd).
function billingSubscription({ quotaUsd, billingFields }, usedCents) {
	return {
		object: 'billing_subscription',
		has_payment_method: true,
		soft_limit_usd: quotaUsd,
		hard_limit_usd: quotaUsd,
		system_hard_limit_usd: quotaUsd,
		access_until: 0,
		...(billingFields === 'reseller' ? { used_usd: usedCents / 100, balance_usd: quotaUsd - usedCents / 100 } : {}),
	};
}

const VOICES = [
	voice('cffcff22110049a487aa4fa7a382e3dc', 'zh', 'Yue Hua', ['Female'], false, 1),
	voice('3a1f0c9e8b7d4e6fa2c5b8d1e4f70a93', 'zh', 'Jun Hao', ['Male'], false, 1),
	voice('b6e2d4f8a0c14e3b9d7f5a2c8e6b0d41', 'zh', 'Xiao Yu', ['Female', 'Young'], true, 2),
	voice('5d9c7b3a1e0f48d2b6a4c8e2f0d6b9a7', 'en', 'Emma', ['Female'], false, 1),
	voice('e0a2c4e6f8b04d1a9c3e5b7d9f1a3c5e', 'en', 'James', ['Male'], false, 1),
	voice('7f3b5d9e1c2a4b6d8f0e2c4a6b8d0f12', 'en', 'Olivia', ['Female', 'Narration'], true, 2),
];

function voice(audioId, language, name, labels, vipEnable, type) {
	return {
		audio_id: audioId,
		audio_url: `server/ranker/main/${language}/${name.toLowerCase().replace(/\s+/g, '_')}.wav`,
		labels,
		language,
		name,
		vip_enable: vipEnable,
		voice_engine_id: `engine-${language}-${audioId.slice(0, 8)}`,
		type,
	};
}

const defaultFailWhen = (body) =>
	typeof body.avatar_url === 'string' && body.avatar_url.includes('no-face')
		? 'No face detected in the avatar image'
		: undefined;

// A row the API refuses outright (400, no task, nothing billed), the way it refuses a photo it
// cannot download: a bulk run must report it and go on, never retry it.
const defaultRejectWhen = (body) =>
	typeof body.avatar_url === 'string' && body.avatar_url.includes('rejected')
		? 'avatar_url could not be read: the image host answered 403 Forbidden'
		: undefined;

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const WINDOW_MS = 1000;

// The options that can change while the stand-in runs (configure(), POST /__stand-in/settings),
// each with its default and a check that returns the value to store or throws.
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
	rejectWhen: [defaultRejectWhen, (value) => aFunction(value, 'rejectWhen')],
	rateLimitPerSecond: [0, (value) => wholeNumber(value, 'rateLimitPerSecond')],
	stallTaskQueries: [false, (value) => aBoolean(value, 'stallTaskQueries')],
	redirect: [
		0,
		(value) => {
			if (value === 0 || value === false || value === null) return 0;
			return redirectStatus(value, 'redirect');
		},
	],
	redirectPaths: [
		null,
		(value) => {
			if (value === null) return null;
			const list = typeof value === 'string' ? splitList(value) : value;
			const prefixes =
				Array.isArray(list) && list.every((item) => typeof item === 'string' && item.startsWith('/'));
			if (!prefixes || list.length === 0) {
				throw new TypeError(
					'redirectPaths must be null (every API route) or a non-empty list of path prefixes starting with /',
				);
			}
			return [...list];
		},
	],
	taskQueryFaultRate: [
		0,
		(value) => {
			if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
				throw new TypeError(`taskQueryFaultRate must be a number from 0 to 1, not ${JSON.stringify(value)}`);
			}
			return value;
		},
	],
	randomSeed: [undefined, (value) => wholeNumber(value, 'randomSeed', 2 ** 32 - 1)],
	quotaUsd: [5, (value) => nonNegative(value, 'quotaUsd')],
	usedCents: [0, (value) => nonNegative(value, 'usedCents')],
	videoCostCents: [10, (value) => nonNegative(value, 'videoCostCents')],
	// POST /v1/files: the largest file it takes (the one size GPT.GE's docs mention, 100 MB), and
	// whether its answer carries the file's URL (the docs' schema does not require one).
	maxUploadBytes: [100 * 1024 * 1024, (value) => wholeNumber(value, 'maxUploadBytes')],
	uploadAnswerHasUrl: [true, (value) => aBoolean(value, 'uploadAnswerHasUrl')],
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
// Functions cannot travel as JSON: configure() sets them, the settings endpoint neither shows nor takes them.
const FUNCTION_SETTINGS = ['failWhen', 'rejectWhen'];
const START_ONLY = ['port', 'cdnPort', 'token'];

// Environment variable → option, for `node stand-in/server.js` and `npm start` alike.
const ENV_OPTIONS = [
	['STAND_IN_PORT', 'port', (text) => wholeNumber(toNumber(text), 'port', 65535)],
	['STAND_IN_CDN_PORT', 'cdnPort', (text) => wholeNumber(toNumber(text), 'cdnPort', 65535)],
	['STAND_IN_TOKEN', 'token', (text) => text],
	['STAND_IN_TASK_SECONDS', 'taskDurationMs', (text) => toNumber(text) * 1000],
	['STAND_IN_RATE_LIMIT', 'rateLimitPerSecond', toNumber],
	['STAND_IN_STALL_TASK_QUERIES', 'stallTaskQueries', toFlag],
	['STAND_IN_REDIRECT', 'redirect', toNumber],
	['STAND_IN_REDIRECT_PATHS', 'redirectPaths', splitList],
	['STAND_IN_TASK_FAULT_RATE', 'taskQueryFaultRate', toNumber],
	['STAND_IN_SEED', 'randomSeed', toNumber],
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

async function startStandIn(options = {}) {
	const { port = 0, cdnPort = 0, token = 'stand-in-token' } = options;
	let settings = checkSettings(
		Object.fromEntries(Object.entries(SETTINGS).map(([name, [fallback]]) => [name, fallback])),
		Object.fromEntries(Object.entries(options).filter(([name]) => !START_ONLY.includes(name))),
	);
	// Without a seed, pick one, and show it in the settings so a run can be repeated.
	if (settings.randomSeed === undefined) settings.randomSeed = crypto.randomInt(0, 2 ** 32);
	let random = seededRandom(settings.randomSeed);

	const requests = [];
	const cdnRequests = [];
	const tasks = new Map();
	// Uploaded files by their CDN path.
	const files = new Map();
	let faults = [];
	// Delayed answers must not keep the process (or jest) alive after close().
	const pendingTimers = new Set();
	// Arrival times (performance.now()) of the requests the rate limit let through, oldest first;
	// those before acceptedHead have left the window.
	let accepted = [];
	let acceptedHead = 0;
	const byStatus = {};
	// Canonical JSON of every body that created a task: a second create with the same body is
	// a video paid twice.
	const createdBodies = new Set();
	let duplicateCreates = 0;

	const apiServer = http.createServer((req, res) => {
		handleApiRequest(req, res).catch((error) => {
			if (!res.headersSent) sendJson(res, 500, gatewayError(String(error), 'stand_in_error'));
			else res.destroy();
		});
	});
	const cdnServer = http.createServer((req, res) => {
		readBody(req).then(
			(bodyBytes) => {
				const record = recordOf(req, isMultipart(req.headers['content-type']) ? '' : bodyBytes.toString('utf8'), bodyBytes);
				cdnRequests.push(record);
				record.status = handleCdnRequest(req, res);
			},
			() => res.destroy(),
		);
	});

	await listen(apiServer, port);
	try {
		await listen(cdnServer, cdnPort);
	} catch (error) {
		// A failed start must not leave the API port taken.
		await shutDown(apiServer);
		throw error;
	}
	const url = `http://127.0.0.1:${apiServer.address().port}`;
	// A different host name for the same loopback, so a client that leaks the API token to
	// "any URL it was given" is caught: the CDN is another origin, as it is in production.
	const cdnUrl = `http://localhost:${cdnServer.address().port}`;

	async function handleApiRequest(req, res) {
		const bodyBytes = await readBody(req);
		// An upload is parsed from its bytes: decoding hundreds of MB as text would cost the stand-in
		// ~40 ms of CPU per MB (bench/file-upload.js measured it).
		const rawBody = isMultipart(req.headers['content-type']) ? '' : bodyBytes.toString('utf8');
		const { pathname, searchParams } = new URL(req.url, url);

		if (pathname.startsWith(CONTROL_PREFIX)) return handleControl(req, res, pathname, rawBody);

		const record = recordOf(req, rawBody, bodyBytes);
		record.status = null; // until answered
		requests.push(record);
		let outcome;
		try {
			outcome = await answerApi(req, res, { pathname, searchParams, rawBody, bodyBytes });
		} catch (error) {
			if (!res.headersSent) sendJson(res, 500, gatewayError(String(error), 'stand_in_error'));
			else res.destroy();
		}
		// Set after the answer is written but before the event loop can deliver it to a client.
		const status = typeof outcome === 'string' ? outcome : res.headersSent ? res.statusCode : 'reset';
		record.status = status;
		byStatus[status] = (byStatus[status] || 0) + 1;
	}

	// Answers one API request; returns 'stalled', 'reset' or 'aborted' when it sent no status.
	async function answerApi(req, res, { pathname, searchParams, rawBody, bodyBytes }) {
		// The gateway limits first: before faults, before it looks at the token.
		const retryAfter = rateLimitRetryAfter();
		if (retryAfter) {
			return sendJson(
				res,
				429,
				gatewayError(
					`Rate limit reached: at most ${settings.rateLimitPerSecond} requests per second`,
					'new_api_error',
					'rate_limit_exceeded',
				),
				{ 'retry-after': String(retryAfter) },
			);
		}

		const fault = takeFault(req.method, pathname);
		if (fault && fault.delayMs) await sleep(fault.delayMs);
		if (res.destroyed) return 'aborted';
		if (fault && fault.stall) return 'stalled';
		if (fault && fault.redirect) return sendRedirect(res, fault.redirect, fault.location || cdnUrl + req.url);
		if (fault && fault.malformed) {
			res.writeHead(fault.status || 200, { 'content-type': 'application/json' });
			return res.end('{"code":"success", broken');
		}
		if (fault && fault.status) return sendFault(res, fault);

		if (
			settings.redirect &&
			(!settings.redirectPaths || settings.redirectPaths.some((prefix) => pathname.startsWith(prefix)))
		) {
			return sendRedirect(res, settings.redirect, cdnUrl + req.url);
		}

		const route = findRoute(req.method, pathname);
		if (!route) {
			return sendJson(
				res,
				404,
				gatewayError(`Invalid URL (${req.method} ${pathname})`, 'invalid_request_error', ''),
			);
		}
		if (req.headers.authorization !== `Bearer ${token}`) {
			return sendJson(res, 401, gatewayError('Invalid token', 'new_api_error', 'invalid_token'));
		}
		return route.handle(res, { rawBody, bodyBytes, headers: req.headers, searchParams, params: route.params });
	}

	// 0 when the request may pass (and then it counts in the window), else the Retry-After seconds.
	function rateLimitRetryAfter() {
		const limit = settings.rateLimitPerSecond;
		if (!limit) return 0;
		const now = performance.now();
		while (acceptedHead < accepted.length && accepted[acceptedHead] <= now - WINDOW_MS) acceptedHead += 1;
		// Drop the expired times now and then, so a long run does not keep them all.
		if (acceptedHead > 1024 && acceptedHead * 2 > accepted.length) {
			accepted = accepted.slice(acceptedHead);
			acceptedHead = 0;
		}
		if (accepted.length - acceptedHead >= limit) {
			// A slot frees when the limit-th newest accepted request leaves the window.
			return Math.max(1, Math.ceil((accepted[accepted.length - limit] + WINDOW_MS - now) / 1000));
		}
		accepted.push(now);
		return 0;
	}

	function findRoute(method, pathname) {
		if (method === 'POST' && pathname === '/avatar/generation') return { handle: submitTask };
		if (method === 'GET' && pathname === '/avatar/voice') return { handle: listVoices };
		if (method === 'POST' && pathname === '/v1/files') return { handle: uploadFile };
		if (method === 'GET' && pathname === '/v1/dashboard/billing/subscription') {
			return { handle: (res) => sendJson(res, 200, billingSubscription(settings, usedCents())) };
		}
		if (method === 'GET' && pathname === '/v1/dashboard/billing/usage') {
			return { handle: (res) => sendJson(res, 200, { object: 'list', total_usage: usedCents() }) };
		}
		const taskMatch = /^\/avatar\/task\/([^/]+)$/.exec(pathname);
		if (method === 'GET' && taskMatch) {
			return { handle: queryTask, params: { taskId: taskMatch[1] } };
		}
		return undefined;
	}

	function submitTask(res, { rawBody }) {
		let body;
		try {
			body = JSON.parse(rawBody);
		} catch {
			return sendInvalid(res, 'request body is not valid JSON');
		}
		const problem = validateGeneration(body) || settings.rejectWhen(body);
		if (problem) return sendInvalid(res, problem);

		const taskId = crypto.randomBytes(16).toString('hex');
		tasks.set(taskId, {
			id: taskId,
			sequence: tasks.size,
			body,
			submittedAt: Date.now(),
			failReason: settings.failWhen(body) || undefined,
		});
		const bodyKey = canonicalJson(body);
		if (createdBodies.has(bodyKey)) duplicateCreates += 1;
		else createdBodies.add(bodyKey);
		return sendJson(res, 200, { code: 'success', message: '', data: taskId });
	}

	function queryTask(res, { params }) {
		// An upstream that hangs: the gateway holds the connection and never answers.
		if (settings.stallTaskQueries) return 'stalled';
		if (settings.taskQueryFaultRate > 0) {
			const draw = random();
			if (draw < settings.taskQueryFaultRate / 2) {
				return sendJson(
					res,
					500,
					gatewayError('upstream error: do request failed', 'new_api_error', 'do_request_failed'),
				);
			}
			if (draw < settings.taskQueryFaultRate) {
				// A TCP RST, so the client sees ECONNRESET rather than a clean close.
				if (res.socket) res.socket.resetAndDestroy();
				else res.destroy();
				return 'reset';
			}
		}
		const task = tasks.get(params.taskId);
		if (!task) {
			return sendJson(res, 404, { code: 'task_not_exist', message: 'task_not_exist', data: null });
		}
		const view = describeTask(task);
		const { taskShape } = settings;
		const useEnvelope = taskShape === 'envelope' || (taskShape === 'alternate' && task.sequence % 2 === 0);
		const data = useEnvelope
			? {
					task_id: task.id,
					action: 'avatar-generate',
					status: view.status,
					fail_reason: view.status === 'FAILURE' ? task.failReason : '',
					submit_time: unixSeconds(task.submittedAt),
					start_time: view.startedAt ? unixSeconds(view.startedAt) : 0,
					finish_time: view.finishedAt ? unixSeconds(view.finishedAt) : 0,
					progress: view.progress,
					data: view.work,
				}
			: view.work;
		return sendJson(res, 200, { code: 'success', message: '', data });
	}

	// The task's state is a pure function of the time since it was submitted.
	function describeTask(task) {
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
		const work = {
			id: task.id,
			work_name: `Digital human ${task.sequence + 1}`,
			work_video_path: done ? (task.body.no_watermark === true ? noWatermarkVideo : watermarkedVideo) : null,
			wm_work_video_path: done ? watermarkedVideo : null,
			no_wm_work_video_path: done ? noWatermarkVideo : null,
			work_webp_path: done ? `${cdnUrl}/images/${task.id}.webp` : null,
			web_work_status: webWorkStatus,
			create_time: unixSeconds(task.submittedAt),
			user_image_url: task.body.avatar_url,
		};
		return { status, progress, startedAt, finishedAt, work };
	}

	// POST /v1/files (multipart/form-data: file, purpose): keeps the file and serves it from the
	// CDN host under an unguessable path, as GPT.GE's answer example shows.
	function uploadFile(res, { bodyBytes, headers }) {
		const parts = multipartParts(headers['content-type'], bodyBytes);
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
		files.set(filePath, { id, content: file.content, contentType: file.contentType || 'application/octet-stream' });
		const purpose = parts.find((part) => part.name === 'purpose' && part.filename === undefined);
		return sendJson(res, 200, {
			id,
			object: 'file',
			bytes: file.content.length,
			created_at: unixSeconds(Date.now()),
			filename: file.filename,
			purpose: purpose ? purpose.content.toString('utf8') : null,
			...(settings.uploadAnswerHasUrl ? { url: cdnUrl + filePath } : {}),
		});
	}

	function listVoices(res, { searchParams }) {
		const language = searchParams.get('language');
		if (!LANGUAGES.includes(language)) {
			return sendInvalid(res, `language must be one of ${LANGUAGES.join(', ')}`);
		}
		const audioList = VOICES.filter((entry) => entry.language === language);
		return sendJson(res, 200, { code: 'success', message: '', data: { audio_list: audioList } });
	}

	// Returns the status it answered with, for the request record.
	function handleCdnRequest(req, res) {
		const { pathname } = new URL(req.url, cdnUrl);
		const file = files.get(pathname);
		if (file && (req.method === 'GET' || req.method === 'HEAD')) {
			res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.content.length });
			res.end(req.method === 'HEAD' ? undefined : file.content);
			return 200;
		}
		if ((req.method === 'GET' || req.method === 'HEAD') && /^\/videos\/[^/]+\.mp4$/.test(pathname)) {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SAMPLE_VIDEO.length });
			res.end(req.method === 'HEAD' ? undefined : SAMPLE_VIDEO);
			return 200;
		}
		// Where a redirected create lands when a client follows the API's redirect: it "works",
		// and cdnRequests shows the request and whatever Authorization header came with it.
		if (req.method === 'POST' && pathname === '/avatar/generation') {
			sendJson(res, 200, { code: 'success', message: '', data: 'redirected-task' });
			return 200;
		}
		res.writeHead(404, { 'content-type': 'text/plain' });
		res.end('Not Found');
		return 404;
	}

	function handleControl(req, res, pathname, rawBody) {
		if (pathname === '/__stand-in/faults' && req.method === 'POST') {
			let fault;
			try {
				fault = JSON.parse(rawBody);
				setFault(fault);
			} catch (error) {
				return sendJson(res, 400, { error: error.message });
			}
			return sendJson(res, 201, { faults: faults.length });
		}
		if (pathname === '/__stand-in/faults' && req.method === 'DELETE') {
			clearFaults();
			return sendJson(res, 200, { faults: 0 });
		}
		if (pathname === '/__stand-in/requests' && req.method === 'GET') {
			return sendJson(res, 200, requests);
		}
		if (pathname === '/__stand-in/cdn-requests' && req.method === 'GET') {
			return sendJson(res, 200, cdnRequests);
		}
		if (pathname === '/__stand-in/settings' && req.method === 'GET') {
			return sendJson(res, 200, publicSettings());
		}
		if (pathname === '/__stand-in/settings' && req.method === 'POST') {
			try {
				const partial = JSON.parse(rawBody);
				if (!isPlainObject(partial)) throw new TypeError('settings must be a JSON object');
				const functions = FUNCTION_SETTINGS.filter((name) => name in partial);
				if (functions.length) {
					throw new TypeError(`${functions.join(', ')} can only be set with configure() in JS`);
				}
				return sendJson(res, 200, configure(partial));
			} catch (error) {
				return sendJson(res, 400, { error: error.message });
			}
		}
		if (pathname === '/__stand-in/counts' && req.method === 'GET') {
			return sendJson(res, 200, counts());
		}
		return sendJson(res, 404, { error: `no control endpoint ${req.method} ${pathname}` });
	}

	function setFault(fault) {
		if (!fault || typeof fault !== 'object' || Array.isArray(fault)) {
			throw new TypeError('a fault must be an object');
		}
		const {
			method,
			path: pathMatch,
			status,
			retryAfter,
			delayMs,
			malformed,
			stall,
			redirect,
			location,
			times = Infinity,
		} = fault;
		if (pathMatch !== undefined && typeof pathMatch !== 'string' && !(pathMatch instanceof RegExp)) {
			throw new TypeError('fault.path must be a string prefix or a RegExp');
		}
		if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
			throw new TypeError('fault.status must be an HTTP status code');
		}
		if (redirect !== undefined) redirectStatus(redirect, 'fault.redirect');
		if (location !== undefined && typeof location !== 'string') {
			throw new TypeError('fault.location must be a URL string');
		}
		if (!status && !delayMs && !malformed && stall !== true && !redirect) {
			throw new TypeError('a fault needs status, delayMs, malformed, stall or redirect');
		}
		faults.push({
			method: method && method.toUpperCase(),
			path: pathMatch,
			status,
			retryAfter,
			delayMs,
			malformed: malformed === true,
			stall: stall === true,
			redirect,
			location,
			remaining: times === null ? Infinity : times,
		});
	}

	function clearFaults() {
		faults = [];
	}

	function takeFault(method, pathname) {
		const fault = faults.find(
			(candidate) =>
				candidate.remaining > 0 &&
				(!candidate.method || candidate.method === method) &&
				(candidate.path === undefined ||
					(candidate.path instanceof RegExp
						? candidate.path.test(pathname)
						: pathname.startsWith(candidate.path))),
		);
		if (fault) fault.remaining -= 1;
		return fault;
	}

	function sleep(ms) {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				pendingTimers.delete(timer);
				resolve();
			}, ms);
			pendingTimers.add(timer);
		});
	}

	/** Changes settings while running; returns them all. Checks everything before changing anything. */
	function configure(partial) {
		if (!isPlainObject(partial)) throw new TypeError('configure() takes an object of settings');
		const startOnly = Object.keys(partial).filter((name) => START_ONLY.includes(name));
		if (startOnly.length) throw new TypeError(`${startOnly.join(', ')} can only be set at start`);
		settings = checkSettings(settings, partial);
		// Setting a seed (even the same one) restarts its sequence, so a run can be replayed.
		if (partial.randomSeed !== undefined) random = seededRandom(settings.randomSeed);
		return publicSettings();
	}

	function publicSettings() {
		return Object.fromEntries(
			Object.entries(settings)
				.filter(([name]) => !FUNCTION_SETTINGS.includes(name))
				.map(([name, value]) => [name, Array.isArray(value) ? [...value] : value]),
		);
	}

	function usedCents() {
		return settings.usedCents + tasks.size * settings.videoCostCents;
	}

	function counts() {
		return { requests: requests.length, byStatus: { ...byStatus }, created: tasks.size, duplicateCreates };
	}

	async function close() {
		for (const timer of pendingTimers) clearTimeout(timer);
		pendingTimers.clear();
		// Stalled answers hold no timer: closing their connections is all it takes.
		await Promise.all([shutDown(apiServer), shutDown(cdnServer)]);
	}

	return {
		url,
		cdnUrl,
		token,
		requests,
		cdnRequests,
		setFault,
		clearFaults,
		tasks,
		files,
		configure,
		settings: publicSettings,
		counts,
		close,
	};
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

// Returns the problem with a POST /avatar/generation body, naming the field, or undefined.
function validateGeneration(body) {
	if (!isPlainObject(body)) return 'request body must be a JSON object';
	const avatarProblem = httpUrlProblem(body.avatar_url, 'avatar_url');
	if (avatarProblem) return avatarProblem;
	if (body.no_watermark !== undefined && typeof body.no_watermark !== 'boolean') {
		return 'no_watermark must be a boolean';
	}

	const given = VOICE_SOURCES.filter((source) => body[source] !== undefined && body[source] !== null);
	if (given.length === 0) return 'one of audio_url, create_voice or use_voice is required';
	if (given.length > 1) {
		return `only one of audio_url, create_voice or use_voice may be given, not ${given.join(' and ')}`;
	}

	const [source] = given;
	if (source === 'audio_url') return httpUrlProblem(body.audio_url, 'audio_url');
	const voiceSpec = body[source];
	if (!isPlainObject(voiceSpec)) return `${source} must be an object`;
	if (source === 'create_voice') {
		return (
			httpUrlProblem(voiceSpec.audio_url, 'create_voice.audio_url') ||
			languageProblem(voiceSpec.language, 'create_voice.language') ||
			textProblem(voiceSpec.text, 'create_voice.text')
		);
	}
	return (
		textProblem(voiceSpec.voice_engine_id, 'use_voice.voice_engine_id') ||
		textProblem(voiceSpec.audio_id, 'use_voice.audio_id') ||
		languageProblem(voiceSpec.language, 'use_voice.language') ||
		textProblem(voiceSpec.text, 'use_voice.text')
	);
}

function httpUrlProblem(value, field) {
	if (value === undefined || value === null || value === '') return `${field} is required`;
	if (typeof value !== 'string' || !/^https?:\/\/[^\s/]+/i.test(value)) {
		return `${field} must be an http(s) URL`;
	}
	return undefined;
}

function languageProblem(value, field) {
	if (value === undefined || value === null || value === '') return `${field} is required`;
	return LANGUAGES.includes(value) ? undefined : `${field} must be one of ${LANGUAGES.join(', ')}`;
}

function textProblem(value, field) {
	if (value === undefined || value === null || value === '') return `${field} is required`;
	if (typeof value !== 'string' || value.trim() === '') return `${field} must be a non-empty string`;
	return undefined;
}

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

// mulberry32: a tiny PRNG, so a seeded run draws the same faults every time.
function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// JSON with object keys sorted, so bodies that differ only in key order compare equal.
function canonicalJson(value) {
	return JSON.stringify(value, (_key, item) =>
		isPlainObject(item)
			? Object.fromEntries(Object.keys(item).sort().map((key) => [key, item[key]]))
			: item,
	);
}

function gatewayError(message, type, code = null) {
	return { error: { message, type, code } };
}

function sendInvalid(res, message) {
	return sendJson(res, 400, { code: 'invalid_request', message, data: null });
}

function sendFault(res, fault) {
	const headers = {};
	if (fault.status === 429 && fault.retryAfter !== undefined)
		headers['retry-after'] = String(fault.retryAfter);
	const body =
		fault.status === 429
			? gatewayError('Too many requests, please try again later', 'new_api_error', 'rate_limit_exceeded')
			: gatewayError(http.STATUS_CODES[fault.status] || 'Error', 'new_api_error', 'stand_in_fault');
	return sendJson(res, fault.status, body, headers);
}

function sendRedirect(res, status, location) {
	res.writeHead(status, { location, 'content-length': 0 });
	res.end();
}

function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function recordOf(req, rawBody, bodyBytes) {
	let body;
	const parts = multipartParts(req.headers['content-type'], bodyBytes);
	if (parts) {
		// What was sent, part by part; a file's bytes as their size and SHA-256.
		body = {
			multipart: parts.map(({ name, filename, contentType, rawHeaders, content }) => ({
				name,
				filename,
				contentType,
				rawHeaders,
				...(filename === undefined
					? { value: content.toString('utf8') }
					: { bytes: content.length, sha256: crypto.createHash('sha256').update(content).digest('hex') }),
			})),
		};
	} else if (rawBody !== '') {
		try {
			body = JSON.parse(rawBody);
		} catch {
			body = rawBody;
		}
	}
	const { pathname, searchParams } = new URL(req.url, 'http://stand-in');
	return {
		method: req.method,
		path: pathname,
		query: Object.fromEntries(searchParams),
		headers: { ...req.headers },
		body,
		at: Date.now(),
	};
}

const isMultipart = (contentType) => /^multipart\//i.test(contentType || '');

/**
 * The parts of a multipart/form-data body ({ name, filename, contentType, rawHeaders, content }),
 * or null when the content type is not multipart or the body does not follow it.
 */
function multipartParts(contentType, bodyBytes) {
	const boundary = /^multipart\/form-data;.*\bboundary=("?)([^";]+)\1/i.exec(contentType || '')?.[2];
	if (!boundary || !bodyBytes) return null;
	const delimiter = Buffer.from(`--${boundary}`);
	const parts = [];
	let at = bodyBytes.indexOf(delimiter);
	if (at !== 0) return null;
	for (;;) {
		at += delimiter.length;
		if (bodyBytes.subarray(at, at + 2).toString() === '--') return parts;
		if (bodyBytes.subarray(at, at + 2).toString() !== '\r\n') return null;
		const headersEnd = bodyBytes.indexOf('\r\n\r\n', at);
		const next = bodyBytes.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd);
		if (headersEnd < 0 || next < 0) return null;
		const rawHeaders = bodyBytes.subarray(at + 2, headersEnd).toString('utf8');
		const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(rawHeaders)?.[1] ?? '';
		parts.push({
			name: /;\s*name="([^"]*)"/i.exec(disposition)?.[1],
			filename: /;\s*filename="([^"]*)"/i.exec(disposition)?.[1],
			contentType: /^content-type:\s*(.+)$/im.exec(rawHeaders)?.[1]?.trim(),
			rawHeaders,
			content: bodyBytes.subarray(headersEnd + 4, next),
		});
		at = next + 2;
	}
}

function unixSeconds(ms) {
	return Math.floor(ms / 1000);
}

function listen(server, port) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
}

function shutDown(server) {
	return new Promise((resolve) => {
		server.close(() => resolve());
		// close() drops idle keep-alive sockets itself; a delayed answer still in flight would hold it open.
		server.closeAllConnections();
	});
}

module.exports = { startStandIn, optionsFromEnv };

if (require.main === module) {
	Promise.resolve()
		.then(() =>
			startStandIn({ port: 4010, cdnPort: 4011, taskDurationMs: 3000, ...optionsFromEnv(process.env) }),
		)
		.then(
			(standIn) => {
				console.log(`GPT.GE stand-in API: ${standIn.url}`);
				console.log(`stand-in CDN: ${standIn.cdnUrl}`);
				console.log(`token: ${standIn.token}`);
				console.log(`settings: ${JSON.stringify(standIn.settings())}`);
				const stop = () => standIn.close().then(() => process.exit(0));
				process.once('SIGINT', stop);
				process.once('SIGTERM', stop);
			},
			(error) => {
				console.error(`stand-in could not start: ${error.message}`);
				process.exit(1);
			},
		);
}
