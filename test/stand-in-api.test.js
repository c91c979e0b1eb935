// The stand-in's API routes (stand-in/routes.js) answer as the documented contract says.
const { AUDIO, AVATAR, call, callJson, invalidRequest, pollTask, sharedStandIn, sleep, startStandIn, submit, TASK_MS, TOKEN, unixNow, waitUntilFinal } = require('./helpers/stand-in');

const standIn = sharedStandIn();

/** The work object of a finished task as the stand-in answers it, with `mainVideo` as its work_video_path. */
const finishedWork = (cdnUrl, taskId, submitTime, mainVideo) => ({
	id: taskId,
	work_name: 'Digital human 1',
	work_video_path: mainVideo,
	wm_work_video_path: `${cdnUrl}/videos/${taskId}-wm.mp4`,
	no_wm_work_video_path: `${cdnUrl}/videos/${taskId}.mp4`,
	work_webp_path: `${cdnUrl}/images/${taskId}.webp`,
	web_work_status: 200,
	create_time: submitTime,
	user_image_url: AVATAR,
});

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
		expect(answer).toStrictEqual(invalidRequest(message));
		expect(standIn.tasks.size).toBe(tasksBefore);
	});

	test('malformed JSON → 400 invalid_request', async () => {
		const { status, body } = await callJson('POST', '/avatar/generation', { body: '{"avatar_url": ' });
		expect(status).toBe(400);
		expect(body).toStrictEqual(invalidRequest('request body is not valid JSON'));
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
					// no_watermark not asked → the watermarked video is the main one.
					data: finishedWork(slow.cdnUrl, taskId, submitTime, `${slow.cdnUrl}/videos/${taskId}-wm.mp4`),
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
				data: finishedWork(flat.cdnUrl, taskId, submitTime, `${flat.cdnUrl}/videos/${taskId}.mp4`),
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

	test('an unsupported language → 400 naming language (a missing one lists every voice: stand-in-dialects.test.js)', async () => {
		const { status, body } = await callJson('GET', '/avatar/voice?language=fr');
		expect(status).toBe(400);
		expect(body).toStrictEqual(invalidRequest('language must be one of zh, en'));
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
		['POST', '/v1/embeddings'], // /v1/models is served: the chat API (stand-in-chat.test.js)
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
