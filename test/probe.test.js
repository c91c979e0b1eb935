// npm run probe (probe/probe.js), run as a user runs it: a child process with its environment,
// against the stand-in in each of its dialects. What it prints, its exit code, its report, and what
// the stand-in saw: no POST without --create-video, the token never shown. Needs `npm run build`.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { AUDIO, AVATAR, TOKEN, submit, waitUntilFinal, withStandIn } = require('./helpers/stand-in');

const PROBE = path.join(__dirname, '..', 'probe', 'probe.js');
const REPORT = 'gptge-probe-report.json';
const WRONG_TOKEN = 'wrong-token-4567';

let folder;
beforeEach(() => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-probe-test-'));
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

/** The environment a user's shell would give: none of the outer GPTGE_ variables, these added. */
function envWith(variables) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GPTGE_')));
	return { ...env, ...variables };
}

/**
 * Runs the probe in `folder` (asynchronously: the stand-in answers from this process). Resolves with
 * its exit code, output and the report it wrote (parsed, with its raw text), if any.
 */
function runProbe(variables, args = [], reportPath = path.join(folder, REPORT)) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [PROBE, ...args], { cwd: folder, env: envWith(variables), stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			const reportText = fs.existsSync(reportPath) ? fs.readFileSync(reportPath, 'utf8') : null;
			resolve({ code, stdout, stderr, reportText, report: reportText && JSON.parse(reportText) });
		});
	});
}

const lines = (text) => text.split('\n').filter((line) => line !== '');
const byName = (report) => Object.fromEntries(report.entries.map((entry) => [entry.name, entry]));

/** The requests the stand-in recorded from index `from` on: method, path and query, Authorization. */
const seen = (standIn, from = 0) =>
	standIn.requests.slice(from).map((request) => [request.method, request.path, request.query, request.headers.authorization]);

/** A loopback port nothing listens on. */
async function closedPort() {
	const server = net.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** What the probe must print and write for a task the stand-in finished, in a dialect. */
describe.each([
	// dialect, what GPTGE_BASE_URL adds to the stand-in's address, the voice lists' and task's codes
	['examples', '', ['success', 'success', 'success']],
	['schema', '/v1/', [200, 200, 200]],
	// The seeded draws of the 'mixed' dialect for the probe's five requests (randomSeed 10): three forms, none of them "success".
	['mixed', '/', [0, '200', '0']],
])('the %s dialect', (dialect, suffix, [voicesCode, englishCode, taskCode]) => {
	test('every endpoint reads as OK; the report has each answer, the voice counts and the task; nothing is POSTed', async () => {
		await withStandIn({ dialect, randomSeed: 10 }, async (standIn) => {
			const taskId = await submit({ avatar_url: AVATAR, audio_url: AUDIO }, standIn);
			await waitUntilFinal(taskId, standIn);
			standIn.configure({ randomSeed: 10 }); // the mixed draws start again: the same codes every run
			const from = standIn.requests.length;

			const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: `${standIn.url}${suffix}`, GPTGE_TASK_ID: taskId });

			expect([run.code, run.stderr]).toStrictEqual([0, '']);
			expect(seen(standIn, from)).toStrictEqual([
				['GET', '/v1/dashboard/billing/subscription', {}, `Bearer ${TOKEN}`],
				['GET', '/v1/dashboard/billing/usage', {}, `Bearer ${TOKEN}`],
				['GET', '/avatar/voice', {}, `Bearer ${TOKEN}`],
				['GET', '/avatar/voice', { language: 'en' }, `Bearer ${TOKEN}`],
				['GET', `/avatar/task/${taskId}`, {}, `Bearer ${TOKEN}`],
			]);
			const { report } = run;
			expect(report.entries.map(({ name, request, status, code, reading }) => [name, request, status, code, reading])).toStrictEqual([
				['subscription', 'GET /v1/dashboard/billing/subscription', 200, undefined, { ok: true }],
				['usage', 'GET /v1/dashboard/billing/usage', 200, undefined, { ok: true }],
				['voices', 'GET /avatar/voice', 200, voicesCode, { ok: true }],
				['voices (en)', 'GET /avatar/voice?language=en', 200, englishCode, { ok: true }],
				['task', `GET /avatar/task/${taskId}`, 200, taskCode, { ok: true }],
			]);
			const entries = byName(report);
			expect(entries.voices.node).toStrictEqual({ voices: 6, byLanguage: { zh: 3, en: 3 } });
			expect(entries['voices (en)'].node).toStrictEqual({ voices: 3, byLanguage: { en: 3 } });
			expect(entries.task.statuses).toStrictEqual({ status: 'SUCCESS', web_work_status: 200 });
			expect(entries.task.node).toMatchObject({ taskId, status: 'succeeded', progress: 100, failReason: null });
			expect(entries.task.node.videoUrl).toBe(`${standIn.cdnUrl}/…`);
			expect(entries.task.shape.data.status).toBe('string "SUCCESS"');
			expect(entries.voices.shape.code).toBe(`${typeof voicesCode} ${JSON.stringify(voicesCode)}`);
			expect(entries.voices.shape.data.audio_list[0]).toBe('6 ×');
			// One task of 10 cents used of the stand-in's 5 USD.
			expect(report.quota).toStrictEqual({ unlimited: false, quotaUsd: 5, usedUsd: 0.1, leftUsd: 4.9, expiresAt: null, usageNeeded: true });
			expect(report).toMatchObject({ baseUrl: standIn.url, strippedV1: suffix === '/v1/', taskId, allRead: true });

			const out = lines(run.stdout);
			expect(out).toContain(`GET /avatar/task/${taskId} → HTTP 200, code ${JSON.stringify(taskCode)}, status "SUCCESS", web_work_status 200`);
			expect(out).toContain('  the node reads it: yes → Voice → List: 6 voices (zh 3, en 3)');
			expect(out).toContain('Account → Get Quota: quota 5 USD, used 0.1 USD, left 4.9 USD');
			expect(out.slice(-2)).toStrictEqual([
				'The node reads all 5 answers.',
				`Report written to ${path.join(fs.realpathSync(folder), REPORT)} (the token masked): attach it to a bug report.`,
			]);
			expect(`${run.stdout}${run.reportText}`).not.toContain(TOKEN);
		});
	});
});

describe('a token or a host that does not work: one line, a non-zero exit code, no stack, no report', () => {
	test('a wrong token (401), echoed by the gateway: the line names the address and the variable, the token masked', async () => {
		await withStandIn({ echoAuthorization: true }, async (standIn) => {
			const run = await runProbe({ GPTGE_API_TOKEN: WRONG_TOKEN, GPTGE_BASE_URL: standIn.url });

			expect(run.code).toBe(1);
			expect(run.stdout).toBe('');
			expect(lines(run.stderr)).toStrictEqual([
				`GPT.GE refused the token (HTTP 401) at ${standIn.url}/v1/dashboard/billing/subscription: check GPTGE_API_TOKEN ` +
					'(GPT.GE said: Invalid token (Authorization: Bearer ***))',
			]);
			// It was sent, and echoed: the mask is what hides it.
			expect(seen(standIn)).toStrictEqual([['GET', '/v1/dashboard/billing/subscription', {}, `Bearer ${WRONG_TOKEN}`]]);
			expect(fs.readdirSync(folder)).toStrictEqual([]);
		});
	});

	test('a port nothing listens on: "Could not reach …: ECONNREFUSED"', async () => {
		const port = await closedPort();

		const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: `http://127.0.0.1:${port}` });

		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(lines(run.stderr)).toStrictEqual([`Could not reach http://127.0.0.1:${port}/v1/dashboard/billing/subscription: ECONNREFUSED`]);
		expect(fs.readdirSync(folder)).toStrictEqual([]);
	});

	test('a host that never answers: the line says how long the probe waited (--timeout)', async () => {
		await withStandIn({}, async (standIn) => {
			standIn.setFault({ stall: true });

			const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: standIn.url }, ['--timeout', '0.3']);

			expect(run.code).toBe(1);
			expect(lines(`${run.stdout}${run.stderr}`)).toStrictEqual([
				`Could not reach ${standIn.url}/v1/dashboard/billing/subscription: no answer within 0.3 s`,
			]);
		});
	});

	test.each([['unset', undefined], ['empty', '  ']])('GPTGE_API_TOKEN %s: one line saying how to run it, and no request', async (_case, token) => {
		await withStandIn({}, async (standIn) => {
			const run = await runProbe({ ...(token === undefined ? {} : { GPTGE_API_TOKEN: token }), GPTGE_BASE_URL: standIn.url });

			expect(run.code).toBe(2);
			expect(run.stdout).toBe('');
			expect(lines(run.stderr)).toStrictEqual(['probe: GPTGE_API_TOKEN is not set. Run: GPTGE_API_TOKEN=<your token> npm run probe (--help for the options)']);
			expect(standIn.requests).toStrictEqual([]);
		});
	});

	test('an unknown argument or a Base URL that is not http(s): what is wrong, and no request', async () => {
		const unknown = await runProbe({ GPTGE_API_TOKEN: TOKEN }, ['--create-videos', AVATAR]);
		const ftp = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: 'ftp://api.gpt.ge' });

		expect([unknown.code, lines(unknown.stderr)[0]]).toStrictEqual([2, 'probe: unknown argument "--create-videos"']);
		expect(lines(unknown.stderr)[1]).toMatch(/^Usage: GPTGE_API_TOKEN=<token> .*npm run probe -- \[--report <file>\]/);
		expect([ftp.code, lines(ftp.stderr)]).toStrictEqual([2, ['probe: GPTGE_BASE_URL must be an http(s) address such as https://api.gpt.ge, not "ftp://api.gpt.ge"']]);
	});
});

test('the token never shows, though the gateway echoes it in every error: a missing task is reported as such, to --report <file>', async () => {
	await withStandIn({ echoAuthorization: true }, async (standIn) => {
		const reportPath = path.join(folder, 'reports', 'mine.json');
		fs.mkdirSync(path.dirname(reportPath));

		const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: standIn.url, GPTGE_TASK_ID: 'no-such-task' }, ['--report', reportPath], reportPath);

		// One answer the node does not read: exit code 1, and the report says which.
		expect(run.code).toBe(1);
		const task = byName(run.report).task;
		expect(task).toMatchObject({ status: 404, code: 'task_not_exist' });
		expect(task.reading).toStrictEqual({ ok: false, what: 'HTTP 404', apiMessage: 'task_not_exist (Authorization: Bearer ***)' });
		expect(task.shape.message).toBe('string "task_not_exist (Authorization: Bearer ***)"');
		expect(run.report.allRead).toBe(false);
		expect(lines(run.stdout)).toContain('  the node reads it: NO: HTTP 404 (GPT.GE said: task_not_exist (Authorization: Bearer ***))');
		expect(lines(run.stdout)).toContain('The node does NOT read 1 of 5 answers: task.');
		expect(lines(run.stdout).pop()).toBe(`Report written to ${reportPath} (the token masked): attach it to a bug report.`);
		expect(fs.existsSync(path.join(folder, REPORT))).toBe(false);
		expect(standIn.requests.at(-1).headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(`${run.stdout}${run.stderr}${run.reportText}`).not.toContain(TOKEN);
	});
});

test('a redirect is reported as one, not followed: nothing reaches the other origin', async () => {
	await withStandIn({ redirect: 302 }, async (standIn) => {
		const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: standIn.url });

		expect(run.code).toBe(1);
		expect(run.report.entries.map((entry) => [entry.status, entry.redirect, entry.reading.ok])).toStrictEqual([
			[302, `${standIn.cdnUrl}/v1/dashboard/billing/subscription`, false],
			[302, `${standIn.cdnUrl}/v1/dashboard/billing/usage`, false],
			[302, `${standIn.cdnUrl}/avatar/voice`, false],
			[302, `${standIn.cdnUrl}/avatar/voice?language=en`, false],
		]);
		expect(lines(run.stdout)).toContain(
			`GET /avatar/voice → HTTP 302, a redirect to ${standIn.cdnUrl}/avatar/voice, not followed (the token goes to the Base URL only)`,
		);
		expect(lines(run.stdout)).toContain('Account → Get Quota: cannot say (the billing answers above are not read)');
		expect(standIn.cdnRequests).toStrictEqual([]);
	});
});

describe('--create-video <avatar_url> <audio_url>', () => {
	test('says it bills the account before creating, prints the task ID, and reads the task it created', async () => {
		await withStandIn({ dialect: 'schema' }, async (standIn) => {
			const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: standIn.url }, ['--create-video', AVATAR, AUDIO]);

			expect([run.code, run.stderr]).toStrictEqual([0, '']);
			expect(standIn.counts().created).toBe(1);
			const [taskId] = standIn.tasks.keys();
			const posts = standIn.requests.filter((request) => request.method === 'POST');
			expect(posts.map((request) => [request.path, request.body])).toStrictEqual([['/avatar/generation', { avatar_url: AVATAR, audio_url: AUDIO }]]);
			const out = lines(run.stdout);
			const billing = out.indexOf('--create-video: creating a video BILLS your GPT.GE account. Sending POST /avatar/generation with avatar_url and audio_url…');
			expect(billing).toBeGreaterThan(-1);
			expect(out.indexOf('POST /avatar/generation → HTTP 200, code 200')).toBe(billing + 1);
			expect(out).toContain(`Created task ID: ${taskId}`);
			// The billing line comes before the request: the stand-in saw the POST after the voice lists.
			expect(seen(standIn).map(([method, requestPath]) => `${method} ${requestPath}`).slice(-2)).toStrictEqual([
				'POST /avatar/generation',
				`GET /avatar/task/${taskId}`,
			]);
			const entries = byName(run.report);
			expect(entries.create).toMatchObject({ status: 200, code: 200, reading: { ok: true, taskId } });
			expect(entries.task).toMatchObject({ request: `GET /avatar/task/${taskId}`, reading: { ok: true } });
			expect(run.report.taskId).toBe(taskId);
		});
	});

	test('a create answer with a code the node does not know: the task ID is printed all the same, with the warning', async () => {
		await withStandIn({ createCode: 'accepted' }, async (standIn) => {
			const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: standIn.url }, ['--create-video', AVATAR, AUDIO]);

			const [taskId] = standIn.tasks.keys();
			expect(standIn.counts().created).toBe(1);
			expect(lines(run.stdout)).toContain(`Created task ID: ${taskId}`);
			expect(byName(run.report).create.reading).toMatchObject({ ok: true, taskId, warning: expect.stringContaining('"accepted"') });
		});
	});

	test('a refused create: no task ID, said so, nothing created', async () => {
		await withStandIn({ echoAuthorization: true }, async (standIn) => {
			const run = await runProbe({ GPTGE_API_TOKEN: TOKEN, GPTGE_BASE_URL: standIn.url }, ['--create-video', AVATAR, AUDIO]);

			expect(run.code).toBe(1);
			expect(standIn.counts().created).toBe(0);
			expect(lines(run.stdout)).toContain('GPT.GE refused the create (HTTP 400) and named no task ID: most likely no video was created.');
			expect(`${run.stdout}${run.reportText}`).not.toContain(TOKEN);
		});
	});
});

test('the shape of an answer: types, the values that tell forms apart, long strings cut, arrays by their first element', () => {
	const { shapeOf, shapeOfBody, renderShape } = require('../probe/shape');
	const long = 'x'.repeat(100);

	expect(shapeOf({ code: '0', message: long, data: { id: 'secret-id', list: [{ type: 2 }, {}], empty: [], n: null } })).toStrictEqual({
		code: 'string "0"',
		message: `string "${'x'.repeat(60)}…"`,
		data: { id: 'string', list: ['2 ×', { type: 'number 2' }], empty: [], n: 'null' },
	});
	expect(shapeOfBody('<html>Bad gateway</html>')).toBe('text (24 characters) "<html>Bad gateway</html>"');
	expect(shapeOfBody(undefined)).toBe('empty');
	expect(renderShape({ a: 'number', b: ['2 ×', 'string'] })).toBe('{a: number, b: [2 × string]}');
	expect(renderShape({ alpha: 'string', beta: { gamma: 'number' } }, '', 0, 24)).toBe('{alpha: string,\n  beta: {gamma: number}}');
});
