// nock stand-ins for GPT.GE endpoints that record every request they answer.
const nock = require('nock');

const API = 'https://api.gpt.ge';

/**
 * Answers a nock interceptor with `answer(path, body, index)` ([status, body, headers?]) and
 * records every request it answers as { method, path, headers, body }, in order. The list's
 * `scope` is the nock scope, for waiting on 'replied'.
 */
function recordRequests(interceptor, answer) {
	const requests = [];
	const scope = interceptor.reply(function (path, body) {
		const index = requests.length;
		requests.push({ method: this.req.method, path, headers: this.req.headers, body });
		return answer(path, body, index);
	});
	// Not enumerable: the list still compares as a plain array of requests.
	Object.defineProperty(requests, 'scope', { value: scope });
	return requests;
}

/**
 * Intercepts `times` POST /avatar/generation calls. `reply(body, index)` gives [status, body]
 * (default: success with task-<index>). Returns the recorded requests.
 */
function interceptGenerate({ times = 1, host = API, reply } = {}) {
	return recordRequests(nock(host).post('/avatar/generation').times(times), (path, body, index) =>
		reply ? reply(body, index) : [200, { code: 'success', message: '', data: `task-${index}` }],
	);
}

/** The API reached over loopback: the stand-in, and loopback servers of the tests. */
const LOOPBACK = /127\.0\.0\.1|localhost/;

/**
 * Runs `fn(standIn, credentials)` against a fresh loopback stand-in (nock lets loopback through),
 * then closes it. `options` are startStandIn's (tasks take 300 ms unless they say otherwise).
 */
async function withStandIn(options, fn) {
	const { startStandIn } = require('../../stand-in/server');
	nock.enableNetConnect(LOOPBACK);
	const standIn = await startStandIn({ taskDurationMs: 300, ...options });
	try {
		return await fn(standIn, { apiToken: standIn.token, baseUrl: standIn.url });
	} finally {
		await standIn.close();
	}
}

module.exports = { API, LOOPBACK, interceptGenerate, recordRequests, withStandIn };

/**
 * A task that moves through the API's states poll by poll. `states` lists what each poll of
 * the task answers ([status, extra envelope fields]); the last one repeats.
 */
function envelope(taskId, status, { progress, failReason = '', work = {} } = {}) {
	const done = status === 'SUCCESS' || status === 'FAILURE';
	return {
		code: 'success',
		message: '',
		data: {
			task_id: taskId,
			action: 'avatar-generate',
			status,
			fail_reason: failReason,
			submit_time: 1736868741,
			start_time: status === 'SUBMITTED' || status === 'NOT_START' ? 0 : 1736868745,
			finish_time: done ? 1736868801 : 0,
			progress: progress ?? (done ? '100%' : '0%'),
			data: { id: 4711, work_name: 'avatar video', ...work },
		},
	};
}

/**
 * Intercepts GET /avatar/task/<id> for any id: `answer(taskId, pollNumber)` gives
 * [status, body, headers?]. Records every poll as { taskId, headers } in order.
 */
function interceptTaskPolls(answer, { host = API } = {}) {
	const polls = [];
	const pollsOf = new Map();
	polls.scope = nock(host)
		.persist()
		.get(/^\/avatar\/task\/[^/]+$/)
		.reply(function (path) {
			const taskId = decodeURIComponent(path.split('/').pop());
			const pollNumber = (pollsOf.get(taskId) ?? 0) + 1;
			pollsOf.set(taskId, pollNumber);
			polls.push({ taskId, pollNumber, headers: this.req.headers });
			return answer(taskId, pollNumber);
		});
	return polls;
}

module.exports.envelope = envelope;
module.exports.interceptTaskPolls = interceptTaskPolls;
