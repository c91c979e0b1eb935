// The loopback stand-in of the GPT.GE API (stand-in/server.js) behaves as the documented contract says.
const net = require('node:net');
const { startStandIn } = require('../stand-in/server');

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
		expect(() => standIn.setFault({ path: BILLING })).toThrow('a fault needs status, delayMs or malformed');
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
