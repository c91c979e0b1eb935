// What the stand-in tests (test/stand-in-*.test.js) share: the stand-in of a test file, a
// stand-in of a test's own, and the calls they make to them.
const { startStandIn } = require('../../stand-in/server');

const TOKEN = 'test-token';
const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const TASK_MS = 400;

// Filled in before a file's first test by sharedStandIn(); the calls below default to it.
const standIn = {};

/**
 * The stand-in a test file's tests share, as the calls below use it by default: started before
 * its first test, its faults cleared after each test, closed after the last.
 */
function sharedStandIn() {
	beforeAll(async () => {
		Object.assign(standIn, await startStandIn({ token: TOKEN, taskDurationMs: TASK_MS }));
	});
	afterEach(() => standIn.clearFaults());
	afterAll(() => standIn.close());
	return standIn;
}

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

/** The API's own error body for a request it refuses (HTTP 400). */
const invalidRequest = (message) => ({ code: 'invalid_request', message, data: null });
/** The gateway's error body for a rate-limited request (HTTP 429). */
const rateLimitedBody = (message) => ({ error: { message, type: 'new_api_error', code: 'rate_limit_exceeded' } });

module.exports = {
	AUDIO,
	AVATAR,
	BILLING,
	TASK_MS,
	TOKEN,
	call,
	callJson,
	invalidRequest,
	rateLimitedBody,
	pollTask,
	queryOutcome,
	readJson,
	sharedStandIn,
	sleep,
	sleepUntil,
	startStandIn,
	statusOf,
	submit,
	unixNow,
	waitUntilFinal,
	withStandIn,
};
