// The stand-in's settings (stand-in/settings.js, control.js) and its environment variables (server.js).
const { spawn } = require('node:child_process');
const path = require('node:path');
const { optionsFromEnv } = require('../stand-in/server');
const { BILLING, call, readJson, startStandIn, statusOf, TASK_MS, withStandIn } = require('./helpers/stand-in');

describe('settings: configure() and /__stand-in/settings', () => {
	const DEFAULTS = {
		taskDurationMs: TASK_MS,
		taskShape: 'envelope',
		dialect: 'examples',
		createCode: null,
		echoAuthorization: false,
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
				dialect: 'examples',
				createCode: null,
				echoAuthorization: false,
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
