// The dialects of the stand-in's answers (stand-in/dialects.js, the `dialect` setting), the
// createCode knob and the echoAuthorization fault.
const { optionsFromEnv } = require('../stand-in/server');
const { AUDIO, AVATAR, BILLING, TOKEN, call, callJson, invalidRequest, readJson, withStandIn } = require('./helpers/stand-in');

const GOOD = { avatar_url: AVATAR, audio_url: AUDIO };
// Long enough that a task does not move on its own during a test: ageTask() moves it.
const FROZEN = { taskDurationMs: 1e9, randomSeed: 7 };

async function createText(own, body = GOOD, token = TOKEN) {
	const response = await call('POST', '/avatar/generation', { body, token, target: own });
	return { status: response.status, text: await response.text() };
}

async function createTask(own, body = GOOD) {
	const { status, text } = await createText(own, body);
	expect(status).toBe(200);
	return JSON.parse(text).data;
}

/** Puts a task `fraction` of the way through its life (1.5: finished); returns its submittedAt. */
function ageTask(own, taskId, fraction) {
	const task = own.tasks.get(taskId);
	task.submittedAt = Date.now() - fraction * own.settings().taskDurationMs;
	return task.submittedAt;
}

const query = (own, taskId) => callJson('GET', `/avatar/task/${taskId}`, { target: own });
const voices = (own, search = '') => callJson('GET', `/avatar/voice${search}`, { target: own });

function upload(own) {
	const form = new FormData();
	form.append('file', new Blob(['RIFF'], { type: 'audio/wav' }), 'voice.wav');
	return fetch(`${own.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form }).then(
		async (response) => ({ status: response.status, body: await readJson(response) }),
	);
}

// What each fixed dialect answers, written out.
const FORMS = {
	examples: { code: 'success', time: (ms) => Math.floor(ms / 1000), named: false, type: (n) => n, labels: (l) => l },
	schema: { code: 200, time: (ms) => ms, named: true, type: (n) => String(n), labels: (l) => l.join(',') },
};

function expectedWork(own, taskId, submittedAt, { status, form }) {
	const done = status === 'SUCCESS';
	const video = `${own.cdnUrl}/videos/${taskId}.mp4`;
	const watermarked = `${own.cdnUrl}/videos/${taskId}-wm.mp4`;
	return {
		id: taskId,
		work_name: 'Digital human 1',
		...(form.named ? {} : { work_video_path: done ? watermarked : null }),
		wm_work_video_path: done ? watermarked : null,
		no_wm_work_video_path: done ? video : null,
		work_webp_path: done ? `${own.cdnUrl}/images/${taskId}.webp` : null,
		web_work_status: { SUCCESS: 200, IN_PROGRESS: 100 }[status],
		create_time: form.time(submittedAt),
		user_image_url: AVATAR,
	};
}

describe.each(Object.keys(FORMS))("dialect '%s': exact answers", (dialect) => {
	const form = FORMS[dialect];
	const options = { ...FROZEN, dialect };

	test('create: {code, message, data: task id}, byte for byte', async () => {
		await withStandIn(options, async (own) => {
			const { status, text } = await createText(own);
			const [taskId] = own.tasks.keys();
			expect(status).toBe(200);
			expect(text).toBe(`{"code":${JSON.stringify(form.code)},"message":"","data":"${taskId}"}`);
		});
	});

	test.each([
		['IN_PROGRESS', 0.5, '50%'],
		['SUCCESS', 1.5, '100%'],
	])('task, envelope and flat shapes, %s', async (status, fraction, progress) => {
		await withStandIn(options, async (own) => {
			const taskId = await createTask(own);
			const submittedAt = ageTask(own, taskId, fraction);
			const work = expectedWork(own, taskId, submittedAt, { status, form });
			const duration = FROZEN.taskDurationMs;
			expect(await query(own, taskId)).toMatchObject({ status: 200 });
			expect((await query(own, taskId)).body).toStrictEqual({
				code: form.code,
				message: '',
				data: {
					task_id: taskId,
					action: 'avatar-generate',
					status,
					fail_reason: '',
					submit_time: form.time(submittedAt),
					start_time: form.time(submittedAt + 0.3 * duration),
					finish_time: status === 'SUCCESS' ? form.time(submittedAt + duration) : 0,
					progress,
					data: work,
				},
			});
			own.configure({ taskShape: 'flat' });
			expect((await query(own, taskId)).body).toStrictEqual({ code: form.code, message: '', data: work });
		});
	});

	test('voices: with a language its three, without one all six (the API default)', async () => {
		await withStandIn(options, async (own) => {
			const zh = await voices(own, '?language=zh');
			expect(zh.status).toBe(200);
			expect(zh.body.code).toStrictEqual(form.code);
			expect(zh.body.data.audio_list.map((voice) => voice.name)).toStrictEqual(['Yue Hua', 'Jun Hao', 'Xiao Yu']);
			expect(zh.body.data.audio_list[2]).toStrictEqual({
				audio_id: 'b6e2d4f8a0c14e3b9d7f5a2c8e6b0d41',
				audio_url: 'server/ranker/main/zh/xiao_yu.wav',
				labels: form.labels(['Female', 'Young']),
				language: 'zh',
				name: 'Xiao Yu',
				vip_enable: true,
				voice_engine_id: 'engine-zh-b6e2d4f8',
				type: form.type(2),
			});
			for (const search of ['', '?language=']) {
				const all = await voices(own, search);
				expect(all.status).toBe(200);
				expect(all.body).toStrictEqual({
					code: form.code,
					message: '',
					data: { audio_list: [...zh.body.data.audio_list, ...(await voices(own, '?language=en')).body.data.audio_list] },
				});
				expect(all.body.data.audio_list.map((voice) => voice.language)).toStrictEqual(['zh', 'zh', 'zh', 'en', 'en', 'en']);
			}
			expect(await voices(own, '?language=fr')).toMatchObject({
				status: 400,
				body: invalidRequest('language must be one of zh, en'),
			});
		});
	});

	test('upload: url only in the examples dialect; billing the same in every dialect', async () => {
		await withStandIn(options, async (own) => {
			const { status, body } = await upload(own);
			expect(status).toBe(200);
			expect(Object.keys(body)).toStrictEqual(
				['id', 'object', 'bytes', 'created_at', 'filename', 'purpose', ...(form.named ? [] : ['url'])],
			);
			expect(body).toMatchObject({ object: 'file', bytes: 4, filename: 'voice.wav', purpose: null });
			expect(body.created_at).toBeLessThan(1e11); // seconds, as the files API gives it
			const billing = await call('GET', BILLING, { target: own });
			expect(await billing.text()).toBe(
				'{"object":"billing_subscription","has_payment_method":true,"soft_limit_usd":5,"hard_limit_usd":5,"system_hard_limit_usd":5,"access_until":0}',
			);
			const usage = await callJson('GET', '/v1/dashboard/billing/usage', { target: own });
			expect(usage.body).toStrictEqual({ object: 'list', total_usage: 0 });
		});
	});

	test('errors keep their form', async () => {
		await withStandIn(options, async (own) => {
			expect(await createText(own, { avatar_url: AVATAR })).toStrictEqual({
				status: 400,
				text: JSON.stringify(invalidRequest('one of audio_url, create_voice or use_voice is required')),
			});
			expect(await query(own, 'nope')).toMatchObject({
				status: 404,
				body: { code: 'task_not_exist', message: 'task_not_exist', data: null },
			});
			expect((await callJson('GET', BILLING, { target: own, token: 'wrong' })).body).toStrictEqual({
				error: { message: 'Invalid token', type: 'new_api_error', code: 'invalid_token' },
			});
		});
	});
});

describe("dialect 'schema' beside the other knobs", () => {
	test("uploadAnswerHasUrl: true does not bring url back; 'examples' with false leaves it out", async () => {
		await withStandIn({ dialect: 'schema', uploadAnswerHasUrl: true }, async (own) => {
			expect((await upload(own)).body.url).toBeUndefined();
			own.configure({ dialect: 'examples' });
			expect((await upload(own)).body.url).toMatch(new RegExp(`^${own.cdnUrl}/file/cdn/`));
			own.configure({ uploadAnswerHasUrl: false });
			expect((await upload(own)).body.url).toBeUndefined();
		});
	});

	test("a running task's unset times are 0, in the alternate shape too", async () => {
		await withStandIn({ ...FROZEN, dialect: 'schema', taskShape: 'alternate' }, async (own) => {
			const even = await createTask(own);
			const odd = await createTask(own);
			const submittedAt = own.tasks.get(even).submittedAt;
			expect((await query(own, even)).body.data).toMatchObject({
				status: 'SUBMITTED',
				submit_time: submittedAt,
				start_time: 0,
				finish_time: 0,
			});
			expect((await query(own, odd)).body).toMatchObject({ code: 200, data: { id: odd, web_work_status: 0 } });
		});
	});

	test('is set at runtime by POST /__stand-in/settings, and a bad value is refused', async () => {
		await withStandIn({}, async (own) => {
			const post = (body) =>
				fetch(`${own.url}/__stand-in/settings`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
					status: r.status,
					body: await readJson(r),
				}));
			expect((await post({ dialect: 'schema' })).body).toMatchObject({ dialect: 'schema', createCode: null });
			expect(JSON.parse((await createText(own)).text).code).toBe(200);
			expect(await post({ dialect: 'json' })).toStrictEqual({
				status: 400,
				body: { error: `dialect must be 'examples', 'schema' or 'mixed', not "json"` },
			});
			expect(own.settings().dialect).toBe('schema');
			expect(() => own.configure({ dialect: 2 })).toThrow("dialect must be 'examples', 'schema' or 'mixed', not 2");
		});
	});
});

describe("dialect 'mixed'", () => {
	const TIME_FIELDS = ['submit_time', 'start_time', 'finish_time'];
	const unitOf = (value) =>
		typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)
			? 'iso'
			: Number.isInteger(value) && value > 1e11
				? 'ms'
				: Number.isInteger(value) && value > 1e9
					? 'seconds'
					: `unexpected ${JSON.stringify(value)}`;

	// What one run of requests shows of the forms it met, answer by answer.
	async function formsSeen(own, rounds) {
		const seen = [];
		for (let round = 0; round < rounds; round++) {
			const { text } = await createText(own);
			const taskId = JSON.parse(text).data;
			ageTask(own, taskId, 1.5);
			seen.push({ create: JSON.parse(text).code });
			const { body } = await query(own, taskId);
			const units = [...TIME_FIELDS.map((field) => body.data[field]), body.data.data.create_time].map(unitOf);
			seen.push({ task: body.code, units, named: !('work_video_path' in body.data.data) });
			const list = (await voices(own)).body;
			seen.push({
				voices: list.code,
				type: typeof list.data.audio_list[0].type,
				labels: Array.isArray(list.data.audio_list[0].labels) ? 'array' : typeof list.data.audio_list[0].labels,
			});
			seen.push({ url: 'url' in (await upload(own)).body });
		}
		return seen;
	}

	test('the same seed and requests give the same forms; another seed others; a new seed restarts', async () => {
		const options = { ...FROZEN, dialect: 'mixed', randomSeed: 11 };
		const first = await withStandIn(options, (own) => formsSeen(own, 8));
		const again = await withStandIn(options, (own) => formsSeen(own, 8));
		const other = await withStandIn({ ...options, randomSeed: 12 }, (own) => formsSeen(own, 8));
		expect(again).toStrictEqual(first);
		expect(other).not.toStrictEqual(first);
		await withStandIn(options, async (own) => {
			await formsSeen(own, 3);
			own.configure({ randomSeed: 11 });
			expect(await formsSeen(own, 8)).toStrictEqual(first);
			own.configure({ dialect: 'mixed' });
			expect(await formsSeen(own, 8)).toStrictEqual(first);
		});
	});

	test('over enough answers it covers every form, one time unit per answer, and every create makes a task', async () => {
		await withStandIn({ ...FROZEN, dialect: 'mixed', randomSeed: 3 }, async (own) => {
			const seen = await formsSeen(own, 40);
			const codes = new Set(
				seen
					.flatMap((answer) => [answer.create, answer.task, answer.voices])
					.filter((code) => code !== undefined)
					.map((code) => JSON.stringify(code)),
			);
			expect([...codes].sort()).toStrictEqual(['"0"', '"200"', '"success"', '0', '200']);
			const tasks = seen.filter((answer) => answer.task !== undefined);
			for (const { units } of tasks) expect(new Set(units).size).toBe(1);
			expect(new Set(tasks.map(({ units }) => units[0]))).toStrictEqual(new Set(['seconds', 'ms', 'iso']));
			expect(new Set(tasks.map(({ named }) => named))).toStrictEqual(new Set([true, false]));
			const lists = seen.filter((answer) => answer.voices !== undefined);
			expect(new Set(lists.map(({ type }) => type))).toStrictEqual(new Set(['number', 'string']));
			expect(new Set(lists.map(({ labels }) => labels))).toStrictEqual(new Set(['array', 'string']));
			expect(new Set(seen.filter((a) => 'url' in a).map(({ url }) => url))).toStrictEqual(new Set([true, false]));
			expect(own.counts().created).toBe(40);
		});
	});

	test('an ISO answer gives null for a time that has not come yet', async () => {
		await withStandIn({ ...FROZEN, dialect: 'mixed', randomSeed: 3 }, async (own) => {
			const taskId = await createTask(own);
			for (let i = 0; i < 30; i++) {
				const { body } = await query(own, taskId);
				if (typeof body.data.submit_time !== 'string') continue;
				expect([body.data.start_time, body.data.finish_time]).toStrictEqual([null, null]);
				expect(body.data.submit_time).toBe(new Date(own.tasks.get(taskId).submittedAt).toISOString());
				return;
			}
			throw new Error('no ISO answer in 30 task queries');
		});
	});

	test('the mix leaves the random task-query faults as they were', async () => {
		const outcomes = (dialect) =>
			withStandIn({ ...FROZEN, dialect, randomSeed: 5, taskQueryFaultRate: 0.5 }, async (own) => {
				const taskId = await createTask(own);
				const statuses = [];
				for (let i = 0; i < 12; i++) {
					statuses.push(await call('GET', `/avatar/task/${taskId}`, { target: own }).then((r) => r.status, () => 'reset'));
				}
				return statuses;
			});
		const plain = await outcomes('examples');
		expect(plain).toContain(200);
		expect(plain).toContain(500);
		expect(await outcomes('mixed')).toStrictEqual(plain);
	});
});

describe('createCode', () => {
	test.each([['accepted'], [500], ['200'], [{ status: 'queued' }]])(
		'%j: the create answer carries it and its task id, and the task exists',
		async (code) => {
			await withStandIn({ ...FROZEN, dialect: 'schema', createCode: code }, async (own) => {
				const { status, text } = await createText(own);
				const [taskId] = own.tasks.keys();
				expect(status).toBe(200);
				expect(text).toBe(`{"code":${JSON.stringify(code)},"message":"","data":"${taskId}"}`);
				expect(own.counts().created).toBe(1);
				// Only creates: the task answer keeps the dialect's code.
				expect((await query(own, taskId)).body).toMatchObject({ code: 200, data: { task_id: taskId } });
				expect((await createText(own, { avatar_url: AVATAR })).text).toBe(
					JSON.stringify(invalidRequest('one of audio_url, create_voice or use_voice is required')),
				);
			});
		},
	);

	test('null gives back the dialect\'s code; a value JSON cannot carry is refused', async () => {
		await withStandIn({ createCode: 'accepted' }, async (own) => {
			expect(own.configure({ createCode: null }).createCode).toBeNull();
			expect(JSON.parse((await createText(own)).text).code).toBe('success');
			for (const bad of [Number.NaN, Infinity, () => 1]) {
				expect(() => own.configure({ createCode: bad })).toThrow("createCode must be a JSON value (null for the dialect's)");
			}
			expect(own.settings().createCode).toBeNull();
		});
	});
});

describe('echoAuthorization', () => {
	const echoed = (message, token = TOKEN) => `${message} (Authorization: Bearer ${token})`;

	test('creates answer 400 repeating the Authorization header verbatim, and create nothing', async () => {
		await withStandIn({ echoAuthorization: true }, async (own) => {
			expect(await createText(own)).toStrictEqual({
				status: 400,
				text: `{"error":{"message":"invalid request (Authorization: Bearer ${TOKEN})","type":"invalid_request_error"}}`,
			});
			expect(own.counts()).toMatchObject({ created: 0, byStatus: { 400: 1 } });
		});
	});

	test('every error answer repeats it; success answers are untouched', async () => {
		await withStandIn({ echoAuthorization: false }, async (own) => {
			const taskId = await createTask(own);
			own.configure({ echoAuthorization: true });
			expect(await createText(own, GOOD, 'wrong-token')).toStrictEqual({
				status: 401,
				text: JSON.stringify({ error: { message: echoed('Invalid token', 'wrong-token'), type: 'new_api_error', code: 'invalid_token' } }),
			});
			expect((await createText(own, { ...GOOD, avatar_url: 'https://x.example/rejected.jpg' })).text).toBe(
				JSON.stringify(invalidRequest(echoed('avatar_url could not be read: the image host answered 403 Forbidden'))),
			);
			expect((await createText(own, { avatar_url: AVATAR })).text).toBe(
				JSON.stringify(invalidRequest(echoed('one of audio_url, create_voice or use_voice is required'))),
			);
			expect((await query(own, 'nope')).body.message).toBe(echoed('task_not_exist'));
			own.setFault({ path: BILLING, status: 503, times: 1 });
			expect((await callJson('GET', BILLING, { target: own })).body.error.message).toBe(echoed('Service Unavailable'));
			expect((await query(own, taskId)).body).toMatchObject({ code: 'success', data: { task_id: taskId } });
			expect((await voices(own, '?language=en')).status).toBe(200);
			expect((await callJson('GET', BILLING, { target: own })).body.object).toBe('billing_subscription');

			own.configure({ echoAuthorization: false });
			expect(JSON.parse((await createText(own, GOOD, 'wrong-token')).text).error.message).toBe('Invalid token');
			expect(await createTask(own)).toMatch(/^[0-9a-f]{32}$/);
		});
	});

	test('an error answer to a request without the header has nothing to echo', async () => {
		await withStandIn({ echoAuthorization: true }, async (own) => {
			expect((await callJson('GET', BILLING, { target: own, token: null })).body.error.message).toBe('Invalid token');
		});
	});
});

describe('environment variables', () => {
	test('STAND_IN_DIALECT, STAND_IN_CREATE_CODE (JSON, else the text), STAND_IN_ECHO_AUTHORIZATION', () => {
		expect(
			optionsFromEnv({ STAND_IN_DIALECT: 'mixed', STAND_IN_CREATE_CODE: 'accepted', STAND_IN_ECHO_AUTHORIZATION: 'true' }),
		).toStrictEqual({ dialect: 'mixed', createCode: 'accepted', echoAuthorization: true });
		expect(optionsFromEnv({ STAND_IN_DIALECT: 'schema', STAND_IN_CREATE_CODE: '500' })).toStrictEqual({
			dialect: 'schema',
			createCode: 500,
		});
		expect(optionsFromEnv({ STAND_IN_CREATE_CODE: '"200"', STAND_IN_ECHO_AUTHORIZATION: '0' })).toStrictEqual({
			createCode: '200',
			echoAuthorization: false,
		});
		expect(optionsFromEnv({ STAND_IN_CREATE_CODE: 'null', STAND_IN_DIALECT: ' ' })).toStrictEqual({ createCode: null });
	});

	test.each([
		[{ STAND_IN_DIALECT: 'yaml' }, `STAND_IN_DIALECT=yaml: dialect must be 'examples', 'schema' or 'mixed', not "yaml"`],
		[{ STAND_IN_DIALECT: 'Schema' }, `STAND_IN_DIALECT=Schema: dialect must be 'examples', 'schema' or 'mixed', not "Schema"`],
		[{ STAND_IN_ECHO_AUTHORIZATION: 'maybe' }, 'STAND_IN_ECHO_AUTHORIZATION=maybe: must be 1 or 0 (true or false)'],
	])('%j is refused, naming the variable', (env, message) => {
		expect(() => optionsFromEnv(env)).toThrow(message);
	});

	test('a stand-in started with them answers in that dialect', async () => {
		await withStandIn(optionsFromEnv({ STAND_IN_DIALECT: 'schema', STAND_IN_CREATE_CODE: '0' }), async (own) => {
			const { text } = await createText(own);
			expect(text).toBe(`{"code":0,"message":"","data":"${[...own.tasks.keys()][0]}"}`);
			expect((await voices(own)).body.code).toBe(200);
		});
	});
});
