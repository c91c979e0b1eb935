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

const BILLING_SUBSCRIPTION = {
	object: 'billing_subscription',
	has_payment_method: true,
	soft_limit_usd: 5,
	hard_limit_usd: 5,
	system_hard_limit_usd: 5,
	access_until: 0,
};

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

async function startStandIn(options = {}) {
	const {
		port = 0,
		cdnPort = 0,
		token = 'stand-in-token',
		taskDurationMs = 3000,
		taskShape = 'envelope',
		failWhen = defaultFailWhen,
	} = options;
	if (!['envelope', 'flat', 'alternate'].includes(taskShape)) {
		throw new TypeError(`taskShape must be 'envelope', 'flat' or 'alternate', not '${taskShape}'`);
	}

	const requests = [];
	const cdnRequests = [];
	const tasks = new Map();
	let faults = [];
	// Delayed answers must not keep the process (or jest) alive after close().
	const pendingTimers = new Set();

	const apiServer = http.createServer((req, res) => {
		handleApiRequest(req, res).catch((error) => {
			if (!res.headersSent) sendJson(res, 500, gatewayError(String(error), 'stand_in_error'));
			else res.destroy();
		});
	});
	const cdnServer = http.createServer((req, res) => {
		readBody(req).then(
			(rawBody) => {
				cdnRequests.push(recordOf(req, rawBody));
				handleCdnRequest(req, res);
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
		const rawBody = await readBody(req);
		const { pathname, searchParams } = new URL(req.url, url);

		if (pathname.startsWith(CONTROL_PREFIX)) return handleControl(req, res, pathname, rawBody);

		requests.push(recordOf(req, rawBody));

		const fault = takeFault(req.method, pathname);
		if (fault && fault.delayMs) await sleep(fault.delayMs);
		if (res.destroyed) return;
		if (fault && fault.malformed) {
			res.writeHead(fault.status || 200, { 'content-type': 'application/json' });
			return res.end('{"code":"success", broken');
		}
		if (fault && fault.status) return sendFault(res, fault);

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
		return route.handle(res, { rawBody, searchParams, params: route.params });
	}

	function findRoute(method, pathname) {
		if (method === 'POST' && pathname === '/avatar/generation') return { handle: submitTask };
		if (method === 'GET' && pathname === '/avatar/voice') return { handle: listVoices };
		if (method === 'GET' && pathname === '/v1/dashboard/billing/subscription') {
			return { handle: (res) => sendJson(res, 200, BILLING_SUBSCRIPTION) };
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
		const problem = validateGeneration(body);
		if (problem) return sendInvalid(res, problem);

		const taskId = crypto.randomBytes(16).toString('hex');
		tasks.set(taskId, {
			id: taskId,
			sequence: tasks.size,
			body,
			submittedAt: Date.now(),
			failReason: failWhen(body) || undefined,
		});
		return sendJson(res, 200, { code: 'success', message: '', data: taskId });
	}

	function queryTask(res, { params }) {
		const task = tasks.get(params.taskId);
		if (!task) {
			return sendJson(res, 404, { code: 'task_not_exist', message: 'task_not_exist', data: null });
		}
		const view = describeTask(task);
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

	function listVoices(res, { searchParams }) {
		const language = searchParams.get('language');
		if (!LANGUAGES.includes(language)) {
			return sendInvalid(res, `language must be one of ${LANGUAGES.join(', ')}`);
		}
		const audioList = VOICES.filter((entry) => entry.language === language);
		return sendJson(res, 200, { code: 'success', message: '', data: { audio_list: audioList } });
	}

	function handleCdnRequest(req, res) {
		const { pathname } = new URL(req.url, cdnUrl);
		if ((req.method === 'GET' || req.method === 'HEAD') && /^\/videos\/[^/]+\.mp4$/.test(pathname)) {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SAMPLE_VIDEO.length });
			return res.end(req.method === 'HEAD' ? undefined : SAMPLE_VIDEO);
		}
		res.writeHead(404, { 'content-type': 'text/plain' });
		return res.end('Not Found');
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
		return sendJson(res, 404, { error: `no control endpoint ${req.method} ${pathname}` });
	}

	function setFault(fault) {
		if (!fault || typeof fault !== 'object' || Array.isArray(fault)) {
			throw new TypeError('a fault must be an object');
		}
		const { method, path: pathMatch, status, retryAfter, delayMs, malformed, times = Infinity } = fault;
		if (pathMatch !== undefined && typeof pathMatch !== 'string' && !(pathMatch instanceof RegExp)) {
			throw new TypeError('fault.path must be a string prefix or a RegExp');
		}
		if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
			throw new TypeError('fault.status must be an HTTP status code');
		}
		if (!status && !delayMs && !malformed) {
			throw new TypeError('a fault needs status, delayMs or malformed');
		}
		faults.push({
			method: method && method.toUpperCase(),
			path: pathMatch,
			status,
			retryAfter,
			delayMs,
			malformed: malformed === true,
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

	async function close() {
		for (const timer of pendingTimers) clearTimeout(timer);
		pendingTimers.clear();
		await Promise.all([shutDown(apiServer), shutDown(cdnServer)]);
	}

	return { url, cdnUrl, token, requests, cdnRequests, setFault, clearFaults, tasks, close };
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
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function recordOf(req, rawBody) {
	let body;
	if (rawBody !== '') {
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

module.exports = { startStandIn };

if (require.main === module) {
	startStandIn({
		port: Number(process.env.STAND_IN_PORT || 4010),
		cdnPort: Number(process.env.STAND_IN_CDN_PORT || 4011),
		token: process.env.STAND_IN_TOKEN || 'stand-in-token',
		taskDurationMs: Number(process.env.STAND_IN_TASK_SECONDS || 3) * 1000,
	}).then(
		(standIn) => {
			console.log(`GPT.GE stand-in API: ${standIn.url}`);
			console.log(`stand-in CDN: ${standIn.cdnUrl}`);
			console.log(`token: ${standIn.token}`);
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
