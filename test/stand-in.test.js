// The loopback stand-in of the GPT.GE API (stand-in/server.js) behaves as the documented contract says.
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { optionsFromEnv, startStandIn } = require('../stand-in/server');

const TOKEN = 'test-token';
const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const TASK_MS = 400;

let standIn;

beforeAll(async () => {
	standIn = await startStandIn({ token: TOKEN, taskDurationMs: TASK_MS });
});
afterEach(() => standIn.clearFaults());
afterAll(() => standIn.close());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function call(method, path, { body, token = TOKEN, headers = {}, target = standIn } = {}) {
	const init = { method, headers: { ...headers } };
	if (token !== null) init.headers.authorization = `Bearer ${token}`;
	if (body !== undefined) {
		init.headers['content-type'] = 'application/json';
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
	}
	return fetch(`${target.url}${path}`, init);
}

// Parsed here rather than with response.json(): Node's fetch builds objects in another realm,
// whose prototypes make toStrictEqual fail on equal values.
const readJson = async (response) => JSON.parse(await response.text());

async function callJson(method, path, options) {
	const response = await call(method, path, options);
	return { status: response.status, headers: response.headers, body: await readJson(response) };
}

async function submit(body, target = standIn) {
	const { status, body: answer } = await callJson('POST', '/avatar/generation', { body, target });
	expect(status).toBe(200);
	return answer.data;
}

const pollTask = (taskId, target = standIn) => callJson('GET', `/avatar/task/${taskId}`, { target });

async function waitUntilFinal(taskId, target = standIn) {
	for (;;) {
		const { body } = await pollTask(taskId, target);
		const status = body.data.status;
		const workStatus = (body.data.data || body.data).web_work_status;
		if (status === 'SUCCESS' || status === 'FAILURE' || workStatus === 200 || workStatus === -1) return body;
		await sleep(20);
	}
}

const unixNow = () => Math.floor(Date.now() / 1000);

describe('authentication', () => {
	test.each([
		['no Authorization header', null],
		['a wrong token', 'wrong-token'],
	])('%s → 401 in the gateway error format', async (_label, token) => {
		for (const [method, path] of [
			['GET', '/v1/dashboard/billing/subscription'],
			['GET', '/avatar/voice?language=en'],
			['GET', '/avatar/task/00000000000000000000000000000000'],
			['POST', '/avatar/generation'],
		]) {
			const { status, body } = await callJson(method, path, { token });
			expect([method, path, status]).toStrictEqual([method, path, 401]);
			expect(body).toStrictEqual({
				error: { message: 'Invalid token', type: 'new_api_error', code: 'invalid_token' },
			});
		}
	});

	test('a non-Bearer scheme with the right token is refused too', async () => {
		const response = await call('GET', '/v1/dashboard/billing/subscription', {
			token: null,
			headers: { authorization: TOKEN },
		});
		expect(response.status).toBe(401);
	});
});

describe('POST /avatar/generation', () => {
	test.each([
		['audio_url', { audio_url: AUDIO }],
		[
			'create_voice',
			{ create_voice: { audio_url: 'http://cdn.example.com/sample.wav', language: 'zh', text: '大家好' } },
		],
		[
			'use_voice',
			{ use_voice: { voice_engine_id: 'engine-1', audio_id: 'audio-1', language: 'en', text: 'Hello' } },
		],
	])('accepts %s as the voice source and stores the task', async (_source, voiceSource) => {
		const body = { avatar_url: AVATAR, no_watermark: true, ...voiceSource };
		const before = Date.now();
		const { status, body: answer } = await callJson('POST', '/avatar/generation', { body });

		expect(status).toBe(200);
		expect(answer).toStrictEqual({
			code: 'success',
			message: '',
			data: expect.stringMatching(/^[0-9a-f]{32}$/),
		});
		const task = standIn.tasks.get(answer.data);
		expect(task.body).toStrictEqual(body);
		expect(task.submittedAt).toBeGreaterThanOrEqual(before);
		expect(task.submittedAt).toBeLessThanOrEqual(Date.now());
	});

	test('each task gets its own id', async () => {
		const first = await submit({ avatar_url: AVATAR, audio_url: AUDIO });
		const second = await submit({ avatar_url: AVATAR, audio_url: AUDIO });
		expect(first).not.toBe(second);
	});

	const useVoice = { voice_engine_id: 'engine-1', audio_id: 'audio-1', language: 'en', text: 'Hello' };
	test.each([
		['missing avatar_url', { audio_url: AUDIO }, 'avatar_url is required'],
		[
			'non-http avatar_url',
			{ avatar_url: 'ftp://cdn.example.com/a.jpg', audio_url: AUDIO },
			'avatar_url must be an http(s) URL',
		],
		['avatar_url not a string', { avatar_url: 42, audio_url: AUDIO }, 'avatar_url must be an http(s) URL'],
		[
			'non-boolean no_watermark',
			{ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: 'yes' },
			'no_watermark must be a boolean',
		],
		['no voice source', { avatar_url: AVATAR }, 'one of audio_url, create_voice or use_voice is required'],
		[
			'two voice sources',
			{ avatar_url: AVATAR, audio_url: AUDIO, use_voice: useVoice },
			'only one of audio_url, create_voice or use_voice may be given, not audio_url and use_voice',
		],
		[
			'non-http audio_url',
			{ avatar_url: AVATAR, audio_url: 'speech.mp3' },
			'audio_url must be an http(s) URL',
		],
		[
			'create_voice without text',
			{ avatar_url: AVATAR, create_voice: { audio_url: AUDIO, language: 'en' } },
			'create_voice.text is required',
		],
		[
			'create_voice with a bad language',
			{ avatar_url: AVATAR, create_voice: { audio_url: AUDIO, language: 'fr', text: 'Bonjour' } },
			'create_voice.language must be one of zh, en',
		],
		[
			'create_voice with a non-http sample',
			{ avatar_url: AVATAR, create_voice: { audio_url: 'file:///x.wav', language: 'en', text: 'Hi' } },
			'create_voice.audio_url must be an http(s) URL',
		],
		[
			'create_voice not an object',
			{ avatar_url: AVATAR, create_voice: 'clone it' },
			'create_voice must be an object',
		],
		[
			'use_voice without audio_id',
			{ avatar_url: AVATAR, use_voice: { ...useVoice, audio_id: undefined } },
			'use_voice.audio_id is required',
		],
		[
			'use_voice with an empty voice_engine_id',
			{ avatar_url: AVATAR, use_voice: { ...useVoice, voice_engine_id: '' } },
			'use_voice.voice_engine_id is required',
		],
		[
			'use_voice with a bad language',
			{ avatar_url: AVATAR, use_voice: { ...useVoice, language: 'EN' } },
			'use_voice.language must be one of zh, en',
		],
		[
			'use_voice with blank text',
			{ avatar_url: AVATAR, use_voice: { ...useVoice, text: '   ' } },
			'use_voice.text must be a non-empty string',
		],
		['a JSON array body', [], 'request body must be a JSON object'],
	])('rejects %s with 400 naming the field', async (_label, body, message) => {
		const tasksBefore = standIn.tasks.size;
		const { status, body: answer } = await callJson('POST', '/avatar/generation', { body });

		expect(status).toBe(400);
		expect(answer).toStrictEqual({ code: 'invalid_request', message, data: null });
		expect(standIn.tasks.size).toBe(tasksBefore);
	});

	test('malformed JSON → 400 invalid_request', async () => {
		const { status, body } = await callJson('POST', '/avatar/generation', { body: '{"avatar_url": ' });
		expect(status).toBe(400);
		expect(body).toStrictEqual({
			code: 'invalid_request',
			message: 'request body is not valid JSON',
			data: null,
		});
	});
});

describe('GET /avatar/task/:taskId', () => {
	test('walks SUBMITTED → QUEUED → IN_PROGRESS → SUCCESS, then shows the CDN video', async () => {
		// A slower task than the shared stand-in's, so every stage lasts long enough to be seen.
		const slow = await startStandIn({ token: TOKEN, taskDurationMs: 1500 });
		try {
			const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO }, slow);
			const seen = [];
			let last;
			do {
				last = (await pollTask(taskId, slow)).body;
				const { status, progress, data: work } = last.data;
				if (seen.at(-1)?.status !== status)
					seen.push({ status, progress, webWorkStatus: work.web_work_status });
				if (status === 'IN_PROGRESS') {
					expect(progress).toMatch(/^(3\d|[4-9]\d)%$/);
					expect(last.data.start_time).toBeGreaterThan(0);
					expect(last.data.finish_time).toBe(0);
					expect(work.work_video_path).toBeNull();
				}
				await sleep(15);
			} while (last.data.status !== 'SUCCESS');

			expect(seen).toStrictEqual([
				{ status: 'SUBMITTED', progress: '0%', webWorkStatus: 0 },
				{ status: 'QUEUED', progress: '0%', webWorkStatus: 0 },
				{ status: 'IN_PROGRESS', progress: expect.any(String), webWorkStatus: 100 },
				{ status: 'SUCCESS', progress: '100%', webWorkStatus: 200 },
			]);
			const task = slow.tasks.get(taskId);
			const submitTime = Math.floor(task.submittedAt / 1000);
			expect(last).toStrictEqual({
				code: 'success',
				message: '',
				data: {
					task_id: taskId,
					action: 'avatar-generate',
					status: 'SUCCESS',
					fail_reason: '',
					submit_time: submitTime,
					start_time: Math.floor((task.submittedAt + 450) / 1000),
					finish_time: Math.floor((task.submittedAt + 1500) / 1000),
					progress: '100%',
					data: {
						id: taskId,
						work_name: 'Digital human 1',
						// no_watermark not asked → the watermarked video is the main one.
						work_video_path: `${slow.cdnUrl}/videos/${taskId}-wm.mp4`,
						wm_work_video_path: `${slow.cdnUrl}/videos/${taskId}-wm.mp4`,
						no_wm_work_video_path: `${slow.cdnUrl}/videos/${taskId}.mp4`,
						work_webp_path: `${slow.cdnUrl}/images/${taskId}.webp`,
						web_work_status: 200,
						create_time: submitTime,
						user_image_url: AVATAR,
					},
				},
			});
		} finally {
			await slow.close();
		}
	});

	test('while not finished, the envelope has no finish time and the work no video', async () => {
		const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO });
		const { status, body } = await pollTask(taskId);

		expect(status).toBe(200);
		expect(body.data.status).toBe('SUBMITTED');
		expect(body.data.submit_time).toBeGreaterThanOrEqual(unixNow() - 1);
		expect(body.data.start_time).toBe(0);
		expect(body.data.finish_time).toBe(0);
		expect(body.data.fail_reason).toBe('');
		expect(body.data.data.work_video_path).toBeNull();
		expect(body.data.data.wm_work_video_path).toBeNull();
		expect(body.data.data.no_wm_work_video_path).toBeNull();
		expect(body.data.data.work_webp_path).toBeNull();
	});

	test('no_watermark: true → work_video_path is the no-watermark video', async () => {
		const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: true });
		const work = (await waitUntilFinal(taskId)).data.data;
		expect(work.work_video_path).toBe(`${standIn.cdnUrl}/videos/${taskId}.mp4`);
		expect(work.no_wm_work_video_path).toBe(`${standIn.cdnUrl}/videos/${taskId}.mp4`);
		expect(work.wm_work_video_path).toBe(`${standIn.cdnUrl}/videos/${taskId}-wm.mp4`);
	});

	test('an avatar without a face ends in FAILURE with the reason, not before it would have finished', async () => {
		const avatar = 'https://cdn.example.com/no-face.jpg';
		const taskId = await submit({ avatar_url: avatar, audio_url: AUDIO });

		expect((await pollTask(taskId)).body.data.status).toBe('SUBMITTED');
		const final = await waitUntilFinal(taskId);
		expect(Date.now() - standIn.tasks.get(taskId).submittedAt).toBeGreaterThanOrEqual(TASK_MS);
		expect(final.data).toMatchObject({
			status: 'FAILURE',
			fail_reason: 'No face detected in the avatar image',
			progress: '100%',
			finish_time: expect.any(Number),
		});
		expect(final.data.finish_time).toBeGreaterThan(0);
		expect(final.data.data).toMatchObject({
			web_work_status: -1,
			work_video_path: null,
			wm_work_video_path: null,
			no_wm_work_video_path: null,
			user_image_url: avatar,
		});
	});

	test('a custom failWhen decides which tasks fail and why', async () => {
		const picky = await startStandIn({
			token: TOKEN,
			taskDurationMs: 0,
			failWhen: (body) => (body.no_watermark ? 'Insufficient quota for no-watermark videos' : undefined),
		});
		try {
			const failing = await submit({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: true }, picky);
			const passing = await submit({ avatar_url: 'https://x.example/no-face.jpg', audio_url: AUDIO }, picky);
			expect((await pollTask(failing, picky)).body.data).toMatchObject({
				status: 'FAILURE',
				fail_reason: 'Insufficient quota for no-watermark videos',
			});
			expect((await pollTask(passing, picky)).body.data.status).toBe('SUCCESS');
		} finally {
			await picky.close();
		}
	});

	test('unknown task id → 404 task_not_exist', async () => {
		const { status, body } = await callJson('GET', '/avatar/task/ffffffffffffffffffffffffffffffff');
		expect(status).toBe(404);
		expect(body).toStrictEqual({ code: 'task_not_exist', message: 'task_not_exist', data: null });
	});
});

describe('task response shapes', () => {
	test("'flat' puts the work object directly under data, with no status field", async () => {
		const flat = await startStandIn({ token: TOKEN, taskDurationMs: 200, taskShape: 'flat' });
		try {
			const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: true }, flat);
			const early = (await pollTask(taskId, flat)).body;
			expect(early.code).toBe('success');
			expect(early.data.status).toBeUndefined();
			expect(early.data.task_id).toBeUndefined();
			expect(early.data.web_work_status).toBe(0);

			const final = await waitUntilFinal(taskId, flat);
			const submitTime = Math.floor(flat.tasks.get(taskId).submittedAt / 1000);
			expect(final).toStrictEqual({
				code: 'success',
				message: '',
				data: {
					id: taskId,
					work_name: 'Digital human 1',
					work_video_path: `${flat.cdnUrl}/videos/${taskId}.mp4`,
					wm_work_video_path: `${flat.cdnUrl}/videos/${taskId}-wm.mp4`,
					no_wm_work_video_path: `${flat.cdnUrl}/videos/${taskId}.mp4`,
					work_webp_path: `${flat.cdnUrl}/images/${taskId}.webp`,
					web_work_status: 200,
					create_time: submitTime,
					user_image_url: AVATAR,
				},
			});

			const failed = await submit({ avatar_url: 'https://x.example/no-face.png', audio_url: AUDIO }, flat);
			const failure = await waitUntilFinal(failed, flat);
			expect(failure.data.web_work_status).toBe(-1);
			expect(failure.data.status).toBeUndefined();
		} finally {
			await flat.close();
		}
	});

	test("'alternate' gives the envelope to even-numbered tasks and the flat shape to odd ones", async () => {
		const alternate = await startStandIn({ token: TOKEN, taskShape: 'alternate' });
		try {
			const ids = [];
			for (let i = 0; i < 4; i++) ids.push(await submit({ avatar_url: AVATAR, audio_url: AUDIO }, alternate));
			const shapes = [];
			for (const id of ids) {
				const { data } = (await pollTask(id, alternate)).body;
				shapes.push(
					data.action === 'avatar-generate' && data.data.id === id
						? 'envelope'
						: data.id === id
							? 'flat'
							: '?',
				);
			}
			expect(shapes).toStrictEqual(['envelope', 'flat', 'envelope', 'flat']);
		} finally {
			await alternate.close();
		}
	});

	test('an unknown taskShape is refused at start', async () => {
		await expect(startStandIn({ taskShape: 'nested' })).rejects.toThrow(
			"taskShape must be 'envelope', 'flat' or 'alternate', not 'nested'",
		);
	});
});

describe('GET /avatar/voice', () => {
	test.each(['en', 'zh'])('language=%s lists three voices of that language', async (language) => {
		const { status, body } = await callJson('GET', `/avatar/voice?language=${language}`);

		expect(status).toBe(200);
		expect(body.code).toBe('success');
		expect(body.message).toBe('');
		const voices = body.data.audio_list;
		expect(voices).toHaveLength(3);
		for (const voice of voices) {
			expect(voice).toStrictEqual({
				audio_id: expect.stringMatching(/^[0-9a-f]{32}$/),
				audio_url: expect.stringMatching(/^server\/ranker\/main\/.+\.wav$/),
				labels: expect.arrayContaining([expect.any(String)]),
				language,
				name: expect.any(String),
				vip_enable: expect.any(Boolean),
				voice_engine_id: expect.any(String),
				type: expect.any(Number),
			});
			expect(Number.isInteger(voice.type)).toBe(true);
		}
		expect(new Set(voices.map((voice) => voice.audio_id)).size).toBe(3);
	});

	test('the documented example voice is there', async () => {
		const { body } = await callJson('GET', '/avatar/voice?language=zh');
		expect(body.data.audio_list[0]).toMatchObject({
			audio_id: 'cffcff22110049a487aa4fa7a382e3dc',
			labels: ['Female'],
			language: 'zh',
			name: 'Yue Hua',
			vip_enable: false,
		});
	});

	test.each([
		['missing', '/avatar/voice'],
		['unsupported', '/avatar/voice?language=fr'],
	])('%s language → 400 naming language', async (_label, path) => {
		const { status, body } = await callJson('GET', path);
		expect(status).toBe(400);
		expect(body).toStrictEqual({
			code: 'invalid_request',
			message: 'language must be one of zh, en',
			data: null,
		});
	});
});

describe('other routes', () => {
	test('GET /v1/dashboard/billing/subscription → the documented body, exactly', async () => {
		const response = await call('GET', '/v1/dashboard/billing/subscription');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(await response.text()).toBe(
			'{"object":"billing_subscription","has_payment_method":true,"soft_limit_usd":5,"hard_limit_usd":5,"system_hard_limit_usd":5,"access_until":0}',
		);
	});

	test.each([
		['GET', '/v1/models'],
		['GET', '/avatar/generation'],
		['DELETE', '/avatar/task/abc'],
	])('%s %s → 404 in the gateway error format', async (method, path) => {
		const { status, body } = await callJson(method, path);
		expect(status).toBe(404);
		expect(body).toStrictEqual({
			error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', code: '' },
		});
	});
});

describe('the CDN', () => {
	test('is another host name on the loopback', () => {
		expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(standIn.cdnUrl).toMatch(/^http:\/\/localhost:\d+$/);
		expect(new URL(standIn.cdnUrl).port).not.toBe(new URL(standIn.url).port);
	});

	test('serves a real MP4 for a finished task and records the request with its headers', async () => {
		const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: true });
		const videoUrl = (await waitUntilFinal(taskId)).data.data.work_video_path;
		const before = standIn.cdnRequests.length;

		const response = await fetch(videoUrl, { headers: { 'x-probe': 'cdn-check' } });
		const bytes = Buffer.from(await response.arrayBuffer());

		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('video/mp4');
		expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
		expect(bytes.length).toBeGreaterThan(1000);
		expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');

		expect(standIn.cdnRequests).toHaveLength(before + 1);
		const recorded = standIn.cdnRequests.at(-1);
		expect(recorded).toMatchObject({
			method: 'GET',
			path: `/videos/${taskId}.mp4`,
			query: {},
			body: undefined,
		});
		expect(recorded.headers['x-probe']).toBe('cdn-check');
		expect(recorded.headers.host).toBe(new URL(standIn.cdnUrl).host);
		expect(recorded.headers.authorization).toBeUndefined();
		expect(recorded.at).toBeGreaterThanOrEqual(Date.now() - 5000);
	});

	test('records an Authorization header if a client leaks one, so a test can catch it', async () => {
		await fetch(`${standIn.cdnUrl}/videos/leak.mp4?x=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
		expect(standIn.cdnRequests.at(-1)).toMatchObject({
			path: '/videos/leak.mp4',
			query: { x: '1' },
			headers: { authorization: `Bearer ${TOKEN}` },
		});
	});

	test.each(['/videos/', '/videos/a.webm', '/images/a.webp', '/'])('%s → 404', async (path) => {
		const response = await fetch(`${standIn.cdnUrl}${path}`);
		expect(response.status).toBe(404);
		expect(standIn.cdnRequests.at(-1).path).toBe(path);
	});
});

describe('request recording', () => {
	test('every API request is recorded with method, path, query, lower-case headers and body', async () => {
		const before = standIn.requests.length;
		const body = { avatar_url: AVATAR, audio_url: AUDIO };
		await call('POST', '/avatar/generation', { body, headers: { 'X-Trace-Id': 'trace-1' } });
		await call('GET', '/avatar/voice?language=en&page=2', { token: null });
		await call('POST', '/avatar/generation', { body: 'not json' });
		await call('GET', '/nowhere');

		const recorded = standIn.requests.slice(before);
		expect(
			recorded.map(({ method, path, query, body: sent }) => ({ method, path, query, body: sent })),
		).toStrictEqual([
			{ method: 'POST', path: '/avatar/generation', query: {}, body },
			{ method: 'GET', path: '/avatar/voice', query: { language: 'en', page: '2' }, body: undefined },
			{ method: 'POST', path: '/avatar/generation', query: {}, body: 'not json' },
			{ method: 'GET', path: '/nowhere', query: {}, body: undefined },
		]);
		expect(recorded[0].headers).toMatchObject({
			authorization: `Bearer ${TOKEN}`,
			'content-type': 'application/json',
			'x-trace-id': 'trace-1',
		});
		expect(recorded[1].headers.authorization).toBeUndefined();
		for (const request of recorded) {
			expect(Object.keys(request.headers).every((name) => name === name.toLowerCase())).toBe(true);
			expect(request.at).toBeGreaterThan(0);
		}
	});
});

describe('request recording: status', () => {
	test('each record carries the status it was answered with', async () => {
		const before = standIn.requests.length;
		await call('POST', '/avatar/generation', { body: { avatar_url: AVATAR, audio_url: AUDIO } });
		await call('GET', '/avatar/voice?language=en', { token: null });
		await call('GET', '/avatar/voice?language=fr');
		await call('GET', '/nowhere');
		expect(standIn.requests.slice(before).map((request) => request.status)).toStrictEqual([200, 401, 400, 404]);
	});

	test('a request still waiting for its answer has status null', async () => {
		standIn.setFault({ path: '/v1/', delayMs: 200, times: 1 });
		const pending = call('GET', '/v1/dashboard/billing/subscription');
		await sleep(50);
		expect(standIn.requests.at(-1)).toMatchObject({ path: '/v1/dashboard/billing/subscription', status: null });
		expect((await pending).status).toBe(200);
		expect(standIn.requests.at(-1).status).toBe(200);
	});
});

describe('fault knobs', () => {
	const BILLING = '/v1/dashboard/billing/subscription';

	test('429 with Retry-After, in the gateway error format', async () => {
		standIn.setFault({ path: '/avatar/generation', status: 429, retryAfter: 7 });
		const { status, headers, body } = await callJson('POST', '/avatar/generation', {
			body: { avatar_url: AVATAR, audio_url: AUDIO },
		});
		expect(status).toBe(429);
		expect(headers.get('retry-after')).toBe('7');
		expect(body).toStrictEqual({
			error: {
				message: 'Too many requests, please try again later',
				type: 'new_api_error',
				code: 'rate_limit_exceeded',
			},
		});
	});

	test('503 without Retry-After', async () => {
		standIn.setFault({ path: BILLING, status: 503 });
		const { status, headers, body } = await callJson('GET', BILLING);
		expect(status).toBe(503);
		expect(headers.get('retry-after')).toBeNull();
		expect(body).toStrictEqual({
			error: { message: 'Service Unavailable', type: 'new_api_error', code: 'stand_in_fault' },
		});
	});

	test('a fault applies before the token check, as an overloaded gateway would', async () => {
		standIn.setFault({ path: BILLING, status: 503 });
		expect((await call('GET', BILLING, { token: 'wrong' })).status).toBe(503);
	});

	test('delayMs answers slowly, with the normal answer', async () => {
		standIn.setFault({ path: BILLING, delayMs: 300 });
		const started = Date.now();
		const { status, body } = await callJson('GET', BILLING);
		expect(Date.now() - started).toBeGreaterThanOrEqual(300);
		expect(status).toBe(200);
		expect(body.object).toBe('billing_subscription');

		standIn.clearFaults();
		const fastStart = Date.now();
		await callJson('GET', BILLING);
		expect(Date.now() - fastStart).toBeLessThan(300);
	});

	test('delayMs with a status answers slowly with that status', async () => {
		standIn.setFault({ path: BILLING, delayMs: 200, status: 502 });
		const started = Date.now();
		const response = await call('GET', BILLING);
		expect(Date.now() - started).toBeGreaterThanOrEqual(200);
		expect(response.status).toBe(502);
	});

	test('malformed answers 200 with a broken JSON body', async () => {
		standIn.setFault({ path: '/avatar/task/', malformed: true });
		const response = await call('GET', '/avatar/task/anything');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json');
		const text = await response.text();
		expect(text).toBe('{"code":"success", broken');
		expect(() => JSON.parse(text)).toThrow(SyntaxError);
	});

	test('times limits how many requests a fault affects', async () => {
		standIn.setFault({ path: BILLING, status: 503, times: 2 });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await call('GET', BILLING)).status);
		expect(statuses).toStrictEqual([503, 503, 200, 200]);
	});

	test('the first matching fault with times left applies', async () => {
		standIn.setFault({ path: BILLING, status: 429, times: 1 });
		standIn.setFault({ path: '/v1/', status: 503, times: 1 });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await call('GET', BILLING)).status);
		expect(statuses).toStrictEqual([429, 503, 200]);
	});

	test('method and RegExp path narrow a fault', async () => {
		standIn.setFault({ method: 'post', path: /^\/avatar\/gen/, status: 500 });
		expect((await call('GET', '/avatar/voice?language=en')).status).toBe(200);
		expect((await call('GET', '/avatar/generation')).status).toBe(404);
		expect((await call('POST', '/avatar/generation', { body: {} })).status).toBe(500);
	});

	test('a fault without a path matches every API route', async () => {
		standIn.setFault({ status: 500, times: 2 });
		expect((await call('GET', BILLING)).status).toBe(500);
		expect((await call('GET', '/avatar/voice?language=zh')).status).toBe(500);
		expect((await call('GET', BILLING)).status).toBe(200);
	});

	test('clearFaults removes them all', async () => {
		standIn.setFault({ path: BILLING, status: 503 });
		standIn.clearFaults();
		expect((await call('GET', BILLING)).status).toBe(200);
	});

	test('a fault that would do nothing is refused', () => {
		expect(() => standIn.setFault({ path: BILLING })).toThrow(
			'a fault needs status, delayMs, malformed, stall or redirect',
		);
		expect(() => standIn.setFault({ status: 42 })).toThrow('fault.status must be an HTTP status code');
	});
});

describe('HTTP control endpoints', () => {
	const control = (method, path, body) =>
		fetch(`${standIn.url}/__stand-in/${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});

	test('POST /__stand-in/faults sets a fault, DELETE clears it, and neither is recorded', async () => {
		const before = standIn.requests.length;

		const setResponse = await control('POST', 'faults', {
			path: '/avatar/voice',
			status: 429,
			retryAfter: 3,
			times: 1,
		});
		expect(setResponse.status).toBe(201);
		expect(await readJson(setResponse)).toStrictEqual({ faults: 1 });
		const limited = await call('GET', '/avatar/voice?language=en');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('3');
		expect((await call('GET', '/avatar/voice?language=en')).status).toBe(200);

		expect((await control('POST', 'faults', { path: '/avatar/voice', status: 503 })).status).toBe(201);
		expect((await call('GET', '/avatar/voice?language=en')).status).toBe(503);
		const cleared = await control('DELETE', 'faults');
		expect(cleared.status).toBe(200);
		expect((await call('GET', '/avatar/voice?language=en')).status).toBe(200);

		expect(standIn.requests.slice(before).map((request) => request.path)).toStrictEqual([
			'/avatar/voice',
			'/avatar/voice',
			'/avatar/voice',
			'/avatar/voice',
		]);
	});

	test('POST /__stand-in/faults refuses a bad fault with 400', async () => {
		const response = await control('POST', 'faults', { status: 'soon' });
		expect(response.status).toBe(400);
		expect(await readJson(response)).toStrictEqual({ error: 'fault.status must be an HTTP status code' });
	});

	test('GET /__stand-in/requests returns the recorded API requests, without control calls', async () => {
		await call('GET', '/avatar/voice?language=zh', { headers: { 'x-marker': 'recorded' } });
		const response = await control('GET', 'requests');
		expect(response.status).toBe(200);
		const recorded = await readJson(response);

		expect(recorded).toHaveLength(standIn.requests.length);
		expect(recorded.at(-1)).toMatchObject({
			method: 'GET',
			path: '/avatar/voice',
			query: { language: 'zh' },
			headers: { 'x-marker': 'recorded', authorization: `Bearer ${TOKEN}` },
		});
		expect(recorded.some((request) => request.path.startsWith('/__stand-in/'))).toBe(false);
	});

	test('GET /__stand-in/cdn-requests returns the recorded CDN requests', async () => {
		await fetch(`${standIn.cdnUrl}/videos/control-check.mp4`);
		const recorded = await readJson(await control('GET', 'cdn-requests'));
		expect(recorded).toHaveLength(standIn.cdnRequests.length);
		expect(recorded.at(-1).path).toBe('/videos/control-check.mp4');
	});
});

describe('close()', () => {
	test('frees both ports', async () => {
		const shortLived = await startStandIn();
		const apiPort = Number(new URL(shortLived.url).port);
		const cdnPort = Number(new URL(shortLived.cdnUrl).port);
		// A kept-alive connection must not hold close() open.
		expect(
			(
				await call('GET', '/v1/dashboard/billing/subscription', {
					target: shortLived,
					token: 'stand-in-token',
				})
			).status,
		).toBe(200);
		await shortLived.close();

		await expect(fetch(`${shortLived.url}/v1/dashboard/billing/subscription`)).rejects.toThrow();
		for (const port of [apiPort, cdnPort]) {
			const server = net.createServer();
			await new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, '127.0.0.1', resolve);
			});
			await new Promise((resolve) => server.close(resolve));
		}
	});

	test('does not wait for a delayed answer still in flight', async () => {
		const shortLived = await startStandIn();
		shortLived.setFault({ delayMs: 10_000 });
		const pending = fetch(`${shortLived.url}/v1/dashboard/billing/subscription`);
		await sleep(50);
		expect(shortLived.requests).toHaveLength(1);

		const started = Date.now();
		await shortLived.close();
		expect(Date.now() - started).toBeLessThan(1000);
		await expect(pending).rejects.toThrow();
	});

	test('a start that fails on a taken CDN port leaves the API port free', async () => {
		const taken = net.createServer();
		await new Promise((resolve) => taken.listen(0, '127.0.0.1', resolve));
		const probe = net.createServer();
		await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const apiPort = probe.address().port;
		await new Promise((resolve) => probe.close(resolve));
		try {
			await expect(startStandIn({ port: apiPort, cdnPort: taken.address().port })).rejects.toThrow(
				'EADDRINUSE',
			);
			const again = await startStandIn({ port: apiPort });
			await again.close();
		} finally {
			await new Promise((resolve) => taken.close(resolve));
		}
	});

	test('starts on the given ports', async () => {
		const probe = net.createServer();
		await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const [apiPort] = [probe.address().port];
		await new Promise((resolve) => probe.close(resolve));

		const fixed = await startStandIn({ port: apiPort });
		try {
			expect(fixed.url).toBe(`http://127.0.0.1:${apiPort}`);
			expect(fixed.token).toBe('stand-in-token');
		} finally {
			await fixed.close();
		}
	});
});

// ---- The bulk-run knobs: rate limit, stalls, redirects, rejected rows, random faults. ----

const BILLING = '/v1/dashboard/billing/subscription';

/** A stand-in for one test, closed when the callback ends. */
async function withStandIn(options, callback) {
	const own = await startStandIn({ token: TOKEN, taskDurationMs: TASK_MS, ...options });
	try {
		return await callback(own);
	} finally {
		await own.close();
	}
}

const statusOf = async (promise) => {
	const response = await promise;
	await response.arrayBuffer();
	return response.status;
};

// What a client sees of a task query: its HTTP status, or 'reset' when the connection was cut.
const queryOutcome = (taskId, target) =>
	call('GET', `/avatar/task/${taskId}`, { target }).then(
		async (response) => {
			await response.arrayBuffer();
			return response.status;
		},
		(error) => {
			expect(error.cause.code).toBe('ECONNRESET');
			return 'reset';
		},
	);

const sleepUntil = (time) => sleep(Math.max(0, time - Date.now()));

describe('rate limit (rateLimitPerSecond)', () => {
	test('limit 5: five pass, the sixth is 429 (Retry-After 1), a slot frees as the window slides', async () => {
		await withStandIn({ rateLimitPerSecond: 5 }, async (limited) => {
			const statuses = [await statusOf(call('GET', BILLING, { target: limited }))];
			// The first request entered the window no later than now.
			const firstInWindow = Date.now();
			await sleep(300);
			for (let i = 0; i < 4; i++) statuses.push(await statusOf(call('GET', BILLING, { target: limited })));

			const { status, headers, body } = await callJson('GET', BILLING, { target: limited });
			statuses.push(status);
			expect(headers.get('retry-after')).toBe('1');
			expect(body).toStrictEqual({
				error: {
					message: 'Rate limit reached: at most 5 requests per second',
					type: 'new_api_error',
					code: 'rate_limit_exceeded',
				},
			});
			statuses.push(await statusOf(call('POST', '/avatar/generation', { target: limited, body: {} })));

			// The first request leaves the window; the other four (300 ms younger) are still in it.
			await sleepUntil(firstInWindow + 1030);
			statuses.push(await statusOf(call('GET', BILLING, { target: limited })));
			statuses.push(await statusOf(call('GET', BILLING, { target: limited })));

			expect(statuses).toStrictEqual([200, 200, 200, 200, 200, 429, 429, 200, 429]);
			expect(limited.requests.map((request) => request.status)).toStrictEqual(statuses);
			expect(limited.counts().byStatus).toStrictEqual({ 200: 6, 429: 3 });
		});
	});

	test('a 429 is not counted in the window', async () => {
		await withStandIn({ rateLimitPerSecond: 2 }, async (limited) => {
			const get = () => statusOf(call('GET', BILLING, { target: limited }));
			const statuses = [await get(), await get()];
			const acceptedBy = Date.now();
			await sleep(500);
			statuses.push(await get(), await get(), await get());
			// Were the three 429s counted, they would fill the window until 500 ms from now.
			await sleepUntil(acceptedBy + 1030);
			statuses.push(await get(), await get(), await get());
			expect(statuses).toStrictEqual([200, 200, 429, 429, 429, 200, 200, 429]);
		});
	});

	test('limits before faults and the token check; control endpoints and the CDN are not limited', async () => {
		await withStandIn({ rateLimitPerSecond: 1 }, async (limited) => {
			limited.setFault({ status: 503 });
			expect(await statusOf(call('GET', BILLING, { target: limited, token: 'wrong' }))).toBe(503);
			expect(await statusOf(call('GET', BILLING, { target: limited, token: 'wrong' }))).toBe(429);
			for (let i = 0; i < 3; i++) {
				expect(await statusOf(fetch(`${limited.url}/__stand-in/settings`))).toBe(200);
				expect(await statusOf(fetch(`${limited.cdnUrl}/videos/any.mp4`))).toBe(200);
			}
			expect(limited.counts()).toStrictEqual({
				requests: 2,
				byStatus: { 503: 1, 429: 1 },
				created: 0,
				duplicateCreates: 0,
			});
		});
	});

	test('stays exact over thousands of requests at 50 per second', async () => {
		const LIMIT = 50;
		const TOTAL = 3000;
		await withStandIn({ rateLimitPerSecond: LIMIT }, async (limited) => {
			let sent = 0;
			// Eight clients as fast as they can: far above 50/s even on a loaded machine.
			const hammer = async () => {
				while (sent < TOTAL) {
					sent += 1;
					await statusOf(call('GET', BILLING, { target: limited }));
				}
			};
			await Promise.all(Array.from({ length: 8 }, hammer));

			const records = limited.requests;
			expect(records).toHaveLength(TOTAL);
			const accepted = records.filter((request) => request.status === 200).map((request) => request.at);
			const refused = records.filter((request) => request.status === 429).map((request) => request.at);
			expect(accepted.length + refused.length).toBe(TOTAL);
			expect(accepted.length).toBeGreaterThanOrEqual(LIMIT);
			expect(refused.length).toBeGreaterThan(0);
			// Never more than LIMIT in any second (`at` is whole milliseconds, hence 999)...
			for (let i = 0; i + LIMIT < accepted.length; i++) {
				expect(accepted[i + LIMIT] - accepted[i]).toBeGreaterThanOrEqual(999);
			}
			// ...and never a 429 while the window had room.
			for (const at of refused) {
				const inWindow = accepted.filter((time) => time >= at - 1001 && time <= at + 1).length;
				expect(inWindow).toBeGreaterThanOrEqual(LIMIT);
			}
			const counted = await readJson(await fetch(`${limited.url}/__stand-in/counts`));
			expect(counted).toStrictEqual({
				requests: TOTAL,
				byStatus: { 200: accepted.length, 429: refused.length },
				created: 0,
				duplicateCreates: 0,
			});
		});
	}, 60_000);
});

describe('stalled answers (stallTaskQueries, fault stall)', () => {
	const stillWaiting = (promise, ms) =>
		Promise.race([promise.then(() => 'answered', () => 'failed'), sleep(ms).then(() => 'waiting')]);

	test('stallTaskQueries holds task queries open; other routes answer; close() is prompt', async () => {
		const stalled = await startStandIn({ token: TOKEN, stallTaskQueries: true });
		const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO }, stalled);
		const pending = pollTask(taskId, stalled);
		pending.catch(() => {});

		expect(await stillWaiting(pending, 400)).toBe('waiting');
		expect(stalled.requests.at(-1)).toMatchObject({ path: `/avatar/task/${taskId}`, status: 'stalled' });
		expect(await statusOf(call('GET', BILLING, { target: stalled }))).toBe(200);
		expect(stalled.counts().byStatus).toStrictEqual({ 200: 2, stalled: 1 });

		const started = Date.now();
		await stalled.close();
		expect(Date.now() - started).toBeLessThan(500);
		await expect(pending).rejects.toThrow();
	});

	test('configure({ stallTaskQueries: false }) lets task queries answer again', async () => {
		await withStandIn({ stallTaskQueries: true }, async (own) => {
			const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO }, own);
			const abort = new AbortController();
			const pending = fetch(`${own.url}/avatar/task/${taskId}`, {
				headers: { authorization: `Bearer ${TOKEN}` },
				signal: abort.signal,
			});
			expect(await stillWaiting(pending, 200)).toBe('waiting');
			abort.abort();
			own.configure({ stallTaskQueries: false });
			expect((await pollTask(taskId, own)).status).toBe(200);
		});
	});

	test('a stall fault holds any route, as many times as asked', async () => {
		await withStandIn({}, async (own) => {
			own.setFault({ method: 'POST', path: '/avatar/generation', stall: true, times: 1 });
			const pending = call('POST', '/avatar/generation', {
				target: own,
				body: { avatar_url: AVATAR, audio_url: AUDIO },
			});
			pending.catch(() => {});
			expect(await stillWaiting(pending, 300)).toBe('waiting');
			expect(own.tasks.size).toBe(0);
			const body = { avatar_url: AVATAR, audio_url: AUDIO };
			expect(await statusOf(call('POST', '/avatar/generation', { target: own, body }))).toBe(200);
			expect(own.requests.map((request) => request.status)).toStrictEqual(['stalled', 200]);
		});
	});
});

describe('redirects to another origin (redirect, fault redirect)', () => {
	const noFollow = (target, method, path, body) =>
		fetch(`${target.url}${path}`, {
			method,
			redirect: 'manual',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});

	test.each([302, 307])('redirect: %i sends every API route to the CDN, path and query kept', async (code) => {
		await withStandIn({ redirect: code }, async (own) => {
			for (const [method, path, body] of [
				['POST', '/avatar/generation', { avatar_url: AVATAR, audio_url: AUDIO }],
				['GET', '/avatar/task/abc?trace=1'],
				['GET', '/avatar/voice?language=en'],
				['GET', BILLING],
			]) {
				const response = await noFollow(own, method, path, body);
				expect([path, response.status]).toStrictEqual([path, code]);
				expect(response.headers.get('location')).toBe(`${own.cdnUrl}${path}`);
				expect(new URL(response.headers.get('location')).origin).not.toBe(new URL(own.url).origin);
			}
			expect(own.tasks.size).toBe(0);
			expect(own.requests.map((request) => request.status)).toStrictEqual([code, code, code, code]);
		});
	});

	test('a client following a 307 re-sends the POST, token and all, to the CDN, which records it', async () => {
		await withStandIn({ redirect: 307 }, async (own) => {
			const body = JSON.stringify({ avatar_url: AVATAR, audio_url: AUDIO });
			const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
			// A careless client: follows the Location with the same method, body and headers.
			const send = (target) =>
				new Promise((resolve, reject) => {
					const request = http.request(target, { method: 'POST', headers }, (response) => {
						let text = '';
						response.on('data', (chunk) => (text += chunk));
						response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, text }));
					});
					request.on('error', reject);
					request.end(body);
				});
			const first = await send(`${own.url}/avatar/generation`);
			expect(first.status).toBe(307);
			const second = await send(first.headers.location);
			expect(second.status).toBe(200);
			expect(JSON.parse(second.text)).toStrictEqual({ code: 'success', message: '', data: 'redirected-task' });
			expect(own.cdnRequests.at(-1)).toMatchObject({
				method: 'POST',
				path: '/avatar/generation',
				body: { avatar_url: AVATAR, audio_url: AUDIO },
				headers: { authorization: `Bearer ${TOKEN}` },
				status: 200,
			});
			expect(own.tasks.size).toBe(0);
		});
	});

	test('fetch following a 302 turns the POST into a GET, which the CDN answers 404', async () => {
		await withStandIn({ redirect: 302 }, async (own) => {
			const response = await call('POST', '/avatar/generation', {
				target: own,
				body: { avatar_url: AVATAR, audio_url: AUDIO },
			});
			expect(response.status).toBe(404);
			expect(response.url).toBe(`${own.cdnUrl}/avatar/generation`);
			expect(own.cdnRequests.map(({ method, path: at, status }) => [method, at, status])).toStrictEqual([
				['GET', '/avatar/generation', 404],
			]);
		});
	});

	test('redirectPaths limits the redirect to those prefixes', async () => {
		await withStandIn({ redirect: 302, redirectPaths: ['/avatar/generation', '/v1/'] }, async (own) => {
			expect((await noFollow(own, 'POST', '/avatar/generation', {})).status).toBe(302);
			expect((await noFollow(own, 'GET', BILLING)).status).toBe(302);
			expect((await noFollow(own, 'GET', '/avatar/voice?language=zh')).status).toBe(200);
			expect((await noFollow(own, 'GET', '/avatar/task/abc')).status).toBe(404);
		});
	});

	test('a redirect fault: to the CDN by default, or to its location', async () => {
		await withStandIn({}, async (own) => {
			own.setFault({ path: '/avatar/task/', redirect: 307, times: 1 });
			own.setFault({ path: '/avatar/voice', redirect: 302, location: 'https://elsewhere.example/voices' });
			const redirected = await noFollow(own, 'GET', '/avatar/task/abc?x=1');
			expect(redirected.status).toBe(307);
			expect(redirected.headers.get('location')).toBe(`${own.cdnUrl}/avatar/task/abc?x=1`);
			expect((await noFollow(own, 'GET', '/avatar/task/abc')).status).toBe(404);
			const elsewhere = await noFollow(own, 'GET', '/avatar/voice?language=en');
			expect(elsewhere.status).toBe(302);
			expect(elsewhere.headers.get('location')).toBe('https://elsewhere.example/voices');
		});
	});

	test('a status that is not a redirect is refused', async () => {
		await expect(startStandIn({ redirect: 200 })).rejects.toThrow(
			'redirect must be one of 301, 302, 303, 307, 308, not 200',
		);
		expect(() => standIn.setFault({ redirect: 404 })).toThrow(
			'fault.redirect must be one of 301, 302, 303, 307, 308, not 404',
		);
	});
});

describe('a row the API rejects for good (rejectWhen)', () => {
	test('an avatar_url containing "rejected" → 400 invalid_request every time, and no task', async () => {
		const tasksBefore = standIn.tasks.size;
		const body = { avatar_url: 'https://cdn.example.com/rejected-photo.jpg', audio_url: AUDIO };
		for (let attempt = 0; attempt < 2; attempt++) {
			const { status, body: answer } = await callJson('POST', '/avatar/generation', { body });
			expect(status).toBe(400);
			expect(answer).toStrictEqual({
				code: 'invalid_request',
				message: 'avatar_url could not be read: the image host answered 403 Forbidden',
				data: null,
			});
		}
		expect(standIn.tasks.size).toBe(tasksBefore);
	});

	test('a custom rejectWhen replaces the default, at start or through configure()', async () => {
		await withStandIn(
			{
				rejectWhen: (body) =>
					body.audio_url.includes('silence') ? 'audio_url has no speech in it' : undefined,
			},
			async (own) => {
				const silent = await callJson('POST', '/avatar/generation', {
					target: own,
					body: { avatar_url: AVATAR, audio_url: 'https://cdn.example.com/silence.mp3' },
				});
				expect(silent.status).toBe(400);
				expect(silent.body).toStrictEqual({
					code: 'invalid_request',
					message: 'audio_url has no speech in it',
					data: null,
				});
				await submit({ avatar_url: 'https://cdn.example.com/rejected.jpg', audio_url: AUDIO }, own);

				own.configure({ rejectWhen: () => undefined });
				await submit({ avatar_url: AVATAR, audio_url: 'https://cdn.example.com/silence.mp3' }, own);
				expect(own.tasks.size).toBe(2);
			},
		);
	});
});

describe('random status-check faults (taskQueryFaultRate, randomSeed)', () => {
	// mulberry32 from seed 7, one draw per task query: under rate/2 → 500, under rate → reset.
	// Written out so a change of generator (which would break repeatable benchmarks) shows here.
	const SEED_7_AT_RATE_HALF = [
		500, 500, 200, 200, 200, 'reset', 'reset', 500, 200, 200, 'reset', 500, 200, 200, 500,
		'reset', 'reset', 200, 'reset', 200, 500, 200, 500, 500, 500, 'reset', 200, 200, 500, 200,
	];
	const SEED_7_AT_RATE_1 = [
		500, 500, 'reset', 'reset', 'reset', 500, 500, 500, 'reset', 'reset',
		500, 500, 'reset', 'reset', 500, 500, 500, 'reset', 500, 'reset',
	];

	async function outcomes(target, count) {
		const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO }, target);
		const seen = [];
		for (let i = 0; i < count; i++) seen.push(await queryOutcome(taskId, target));
		return seen;
	}

	test('a fixed seed gives the same 500s and resets every run, and records them', async () => {
		const options = { taskQueryFaultRate: 0.5, randomSeed: 7 };
		const first = await withStandIn(options, async (own) => {
			const seen = await outcomes(own, 30);
			expect(own.requests.slice(1).map((request) => request.status)).toStrictEqual(seen);
			return seen;
		});
		const second = await withStandIn(options, (own) => outcomes(own, 30));
		const otherSeed = await withStandIn({ ...options, randomSeed: 8 }, (own) => outcomes(own, 30));

		expect(second).toStrictEqual(first);
		expect(otherSeed).not.toStrictEqual(first);
		expect(first).toStrictEqual(SEED_7_AT_RATE_HALF);
	});

	test('at rate 1 every task query fails, as a gateway 500 or a reset; other routes never', async () => {
		await withStandIn({ taskQueryFaultRate: 1, randomSeed: 7 }, async (own) => {
			const { status, body } = await callJson('GET', '/avatar/task/ffffffffffffffffffffffffffffffff', {
				target: own,
			});
			expect(status).toBe(500); // seed 7 draws under 0.5 first
			expect(body).toStrictEqual({
				error: { message: 'upstream error: do request failed', type: 'new_api_error', code: 'do_request_failed' },
			});
			const seen = [status];
			for (let i = 1; i < 20; i++) seen.push(await queryOutcome('ffffffffffffffffffffffffffffffff', own));
			expect(seen).toStrictEqual(SEED_7_AT_RATE_1);
			for (let i = 0; i < 10; i++) expect(await statusOf(call('GET', BILLING, { target: own }))).toBe(200);
			expect(own.counts().byStatus).toStrictEqual({ 200: 10, 500: 11, reset: 9 });
		});
	});

	test('configure({ randomSeed }) replays the sequence', async () => {
		await withStandIn({ taskQueryFaultRate: 0.5, randomSeed: 123 }, async (own) => {
			const before = await outcomes(own, 20);
			own.configure({ randomSeed: 123 });
			expect(await outcomes(own, 20)).toStrictEqual(before);
		});
	});

	test('without a seed one is picked and shown, so the run can be repeated', async () => {
		await withStandIn({}, async (own) => {
			expect(Number.isInteger(own.settings().randomSeed)).toBe(true);
		});
	});
});

describe('counts()', () => {
	test('counts requests by status, tasks created, and creates that repeat an earlier body', async () => {
		await withStandIn({}, async (own) => {
			const rowA = { avatar_url: AVATAR, audio_url: AUDIO, no_watermark: true };
			const rowAReordered = { no_watermark: true, audio_url: AUDIO, avatar_url: AVATAR };
			const rowB = { avatar_url: 'https://cdn.example.com/other.jpg', audio_url: AUDIO };
			const post = (body) => statusOf(call('POST', '/avatar/generation', { target: own, body }));

			expect(await post(rowA)).toBe(200);
			own.setFault({ path: '/avatar/generation', status: 429, times: 1 });
			expect(await post(rowA)).toBe(429); // refused: not a duplicate create
			expect(await post(rowB)).toBe(200);
			expect(await post({ ...rowB, avatar_url: 'https://cdn.example.com/rejected.jpg' })).toBe(400);
			expect(await post(rowAReordered)).toBe(200); // the same row again: paid twice

			const expected = {
				requests: 5,
				byStatus: { 200: 3, 400: 1, 429: 1 },
				created: 3,
				duplicateCreates: 1,
			};
			expect(own.counts()).toStrictEqual(expected);
			const response = await fetch(`${own.url}/__stand-in/counts`);
			expect(response.status).toBe(200);
			expect(await readJson(response)).toStrictEqual(expected);
			expect(own.counts().requests).toBe(5); // the control call is not counted
		});
	});
});

describe('settings: configure() and /__stand-in/settings', () => {
	const DEFAULTS = {
		taskDurationMs: TASK_MS,
		taskShape: 'envelope',
		rateLimitPerSecond: 0,
		stallTaskQueries: false,
		redirect: 0,
		redirectPaths: null,
		taskQueryFaultRate: 0,
		randomSeed: 5,
		quotaUsd: 5,
		usedCents: 0,
		videoCostCents: 10,
		maxUploadBytes: 100 * 1024 * 1024,
		uploadAnswerHasUrl: true,
		billingFields: 'standard',
	};
	const settingsCall = (target, method, body) =>
		fetch(`${target.url}/__stand-in/settings`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		}).then(async (response) => ({ status: response.status, body: await readJson(response) }));

	test('GET returns the current settings, without the functions', async () => {
		await withStandIn({ randomSeed: 5 }, async (own) => {
			expect(await settingsCall(own, 'GET')).toStrictEqual({ status: 200, body: DEFAULTS });
			expect(own.settings()).toStrictEqual(DEFAULTS);
		});
	});

	test('POST changes them at once and answers with them all', async () => {
		await withStandIn({ randomSeed: 5 }, async (own) => {
			const changed = {
				...DEFAULTS,
				rateLimitPerSecond: 2,
				redirect: 307,
				redirectPaths: ['/avatar/generation'],
				taskQueryFaultRate: 0.05,
				randomSeed: 99,
			};
			const answer = await settingsCall(own, 'POST', {
				rateLimitPerSecond: 2,
				redirect: 307,
				redirectPaths: ['/avatar/generation'],
				taskQueryFaultRate: 0.05,
				randomSeed: 99,
			});
			expect(answer).toStrictEqual({ status: 200, body: changed });
			expect(await settingsCall(own, 'GET')).toStrictEqual({ status: 200, body: changed });

			const created = await fetch(`${own.url}/avatar/generation`, {
				method: 'POST',
				body: '{}',
				redirect: 'manual',
			});
			expect([created.status, created.headers.get('location')]).toStrictEqual([
				307,
				`${own.cdnUrl}/avatar/generation`,
			]);
			expect(await statusOf(call('GET', BILLING, { target: own }))).toBe(200);
			expect(await statusOf(call('GET', BILLING, { target: own }))).toBe(429);

			expect((await settingsCall(own, 'POST', { rateLimitPerSecond: 0, redirect: 0 })).body).toMatchObject({
				rateLimitPerSecond: 0,
				redirect: 0,
			});
			expect(await statusOf(call('GET', BILLING, { target: own }))).toBe(200);
		});
	});

	test.each([
		[{ rateLimitPerSecond: 3, redirect: 200 }, 'redirect must be one of 301, 302, 303, 307, 308, not 200'],
		[{ rateLimit: 3 }, "unknown stand-in option 'rateLimit'"],
		[{ port: 1234 }, 'port can only be set at start'],
		[{ rejectWhen: 'x' }, 'rejectWhen can only be set with configure() in JS'],
		[{ taskQueryFaultRate: 1.5 }, 'taskQueryFaultRate must be a number from 0 to 1, not 1.5'],
		[{ stallTaskQueries: 'yes' }, 'stallTaskQueries must be true or false, not "yes"'],
		[{ rateLimitPerSecond: -1 }, 'rateLimitPerSecond must be a whole number of 0 or more, not -1'],
		[
			{ redirectPaths: [] },
			'redirectPaths must be null (every API route) or a non-empty list of path prefixes starting with /',
		],
		[[1], 'settings must be a JSON object'],
	])('POST %j → 400, and nothing changes', async (partial, message) => {
		await withStandIn({ randomSeed: 5 }, async (own) => {
			expect(await settingsCall(own, 'POST', partial)).toStrictEqual({ status: 400, body: { error: message } });
			expect(own.settings()).toStrictEqual(DEFAULTS);
		});
	});

	test('configure() takes the same names, and functions too; bad ones throw', async () => {
		await withStandIn({ randomSeed: 5 }, async (own) => {
			expect(own.configure({ stallTaskQueries: true, taskShape: 'flat' })).toStrictEqual({
				...DEFAULTS,
				stallTaskQueries: true,
				taskShape: 'flat',
			});
			expect(() => own.configure({ token: 'other' })).toThrow('token can only be set at start');
			expect(() => own.configure({ failWhen: 'no' })).toThrow('failWhen must be a function');
			expect(() => own.configure({ taskShape: 'nested' })).toThrow(
				"taskShape must be 'envelope', 'flat' or 'alternate', not 'nested'",
			);
			expect(own.settings().taskShape).toBe('flat');
		});
	});

	test('an unknown option at start is refused', async () => {
		await expect(startStandIn({ rateLimit: 5 })).rejects.toThrow("unknown stand-in option 'rateLimit'");
	});
});

describe('environment variables (optionsFromEnv, node stand-in/server.js)', () => {
	test('each variable maps to its option; unset and empty ones are left out', () => {
		expect(
			optionsFromEnv({
				STAND_IN_PORT: '4020',
				STAND_IN_CDN_PORT: '4021',
				STAND_IN_TOKEN: 'tok',
				STAND_IN_TASK_SECONDS: '1.5',
				STAND_IN_RATE_LIMIT: '5',
				STAND_IN_STALL_TASK_QUERIES: '1',
				STAND_IN_REDIRECT: '307',
				STAND_IN_REDIRECT_PATHS: '/avatar/generation, /avatar/task/',
				STAND_IN_TASK_FAULT_RATE: '0.05',
				STAND_IN_SEED: '42',
				UNRELATED: 'x',
			}),
		).toStrictEqual({
			port: 4020,
			cdnPort: 4021,
			token: 'tok',
			taskDurationMs: 1500,
			rateLimitPerSecond: 5,
			stallTaskQueries: true,
			redirect: 307,
			redirectPaths: ['/avatar/generation', '/avatar/task/'],
			taskQueryFaultRate: 0.05,
			randomSeed: 42,
		});
		expect(optionsFromEnv({ STAND_IN_RATE_LIMIT: '', STAND_IN_STALL_TASK_QUERIES: '0' })).toStrictEqual({
			stallTaskQueries: false,
		});
	});

	test.each([
		[{ STAND_IN_RATE_LIMIT: 'ten' }, 'STAND_IN_RATE_LIMIT=ten: must be a number'],
		[
			{ STAND_IN_REDIRECT: '200' },
			'STAND_IN_REDIRECT=200: redirect must be one of 301, 302, 303, 307, 308, not 200',
		],
		[
			{ STAND_IN_STALL_TASK_QUERIES: 'maybe' },
			'STAND_IN_STALL_TASK_QUERIES=maybe: must be 1 or 0 (true or false)',
		],
		[
			{ STAND_IN_SEED: '1.5' },
			'STAND_IN_SEED=1.5: randomSeed must be a whole number from 0 to 4294967295, not 1.5',
		],
	])('%j is refused, naming the variable', (env, message) => {
		expect(() => optionsFromEnv(env)).toThrow(message);
	});

	test('the standalone server starts with them and shows them at /__stand-in/settings', async () => {
		const child = spawn(process.execPath, [path.join(__dirname, '..', 'stand-in', 'server.js')], {
			env: {
				...process.env,
				STAND_IN_PORT: '0',
				STAND_IN_CDN_PORT: '0',
				STAND_IN_RATE_LIMIT: '7',
				STAND_IN_REDIRECT: '302',
				STAND_IN_REDIRECT_PATHS: '/avatar/generation',
				STAND_IN_TASK_FAULT_RATE: '0.25',
				STAND_IN_SEED: '3',
				STAND_IN_STALL_TASK_QUERIES: 'true',
				STAND_IN_QUOTA_USD: '100000000',
			},
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		try {
			let output = '';
			await new Promise((resolve, reject) => {
				child.stdout.on('data', (chunk) => {
					output += chunk;
					if (/^settings: .*$/m.test(output)) resolve();
				});
				child.once('exit', (code) => reject(new Error(`stand-in exited (${code}): ${output}`)));
			});
			const apiUrl = /GPT\.GE stand-in API: (\S+)/.exec(output)[1];
			const expected = {
				taskDurationMs: 3000,
				taskShape: 'envelope',
				rateLimitPerSecond: 7,
				stallTaskQueries: true,
				redirect: 302,
				redirectPaths: ['/avatar/generation'],
				taskQueryFaultRate: 0.25,
				randomSeed: 3,
				quotaUsd: 100000000,
				usedCents: 0,
				videoCostCents: 10,
				maxUploadBytes: 100 * 1024 * 1024,
				uploadAnswerHasUrl: true,
				billingFields: 'standard',
			};
			expect(JSON.parse(/^settings: (.*)$/m.exec(output)[1])).toStrictEqual(expected);
			expect(await readJson(await fetch(`${apiUrl}/__stand-in/settings`))).toStrictEqual(expected);
		} finally {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		}
	});
});
