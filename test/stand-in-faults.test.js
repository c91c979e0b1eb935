// The stand-in's fault knobs (stand-in/faults.js), its HTTP control endpoints and close().
const net = require('node:net');
const { AUDIO, AVATAR, call, callJson, rateLimitedBody, readJson, sharedStandIn, sleep, startStandIn, TOKEN } = require('./helpers/stand-in');

const standIn = sharedStandIn();

describe('fault knobs', () => {
	const BILLING = '/v1/dashboard/billing/subscription';

	test('429 with Retry-After, in the gateway error format', async () => {
		standIn.setFault({ path: '/avatar/generation', status: 429, retryAfter: 7 });
		const { status, headers, body } = await callJson('POST', '/avatar/generation', {
			body: { avatar_url: AVATAR, audio_url: AUDIO },
		});
		expect(status).toBe(429);
		expect(headers.get('retry-after')).toBe('7');
		expect(body).toStrictEqual(rateLimitedBody('Too many requests, please try again later'));
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

	test('after lets that many matching requests through first: a fault mid-batch', async () => {
		standIn.setFault({ path: BILLING, status: 500, after: 2, times: 1 });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await call('GET', BILLING)).status);
		expect(statuses).toStrictEqual([200, 200, 500, 200]);
		expect(() => standIn.setFault({ path: BILLING, status: 500, after: -1 })).toThrow('fault.after must be a whole number');
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
