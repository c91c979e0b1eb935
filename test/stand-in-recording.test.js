// The stand-in's CDN (stand-in/cdn.js), its request records and counts().
const { AUDIO, AVATAR, call, readJson, sharedStandIn, sleep, statusOf, submit, TOKEN, waitUntilFinal, withStandIn } = require('./helpers/stand-in');

const standIn = sharedStandIn();

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
