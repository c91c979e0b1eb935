'use strict';
// Every fault the stand-in can play, in one table: what a bulk run meets behind the
// OpenAI-style gateway GPT.GE runs on, and what a test asks for with setFault().
// A new fault is one entry in FAULTS (its settings and environment variables come with it);
// a new kind of setFault() answer is one entry in FAULT_ANSWERS (set-fault.js).

const crypto = require('node:crypto');
const { aBoolean, aFunction, redirectStatus, splitList, toFlag, toNumber, wholeNumber } = require('./checks');
const { ECHO, gatewayError, sendInvalid, sendJson, sendRedirect } = require('./http');
const { FAULT_ANSWERS, clearFaults, seededRandom, setFault, takeFault } = require('./set-fault');

const WINDOW_MS = 1000;

// A row the API refuses outright (400, no task, nothing billed), the way it refuses a photo it
// cannot download: a bulk run must report it and go on, never retry it.
const defaultRejectWhen = (body) =>
	typeof body.avatar_url === 'string' && body.avatar_url.includes('rejected')
		? 'avatar_url could not be read: the image host answered 403 Forbidden'
		: undefined;

/**
 * Each fault has
 * - `settings`: option → [default, check], changeable while the stand-in runs (the check returns
 *   the value to store or throws);
 * - `env`: [variable, option, parse] for optionsFromEnv;
 * - `prepare(state, changed)`: sets up its part of the state, at start and after each configure();
 * - `stage` and `answer(state, exchange)`: where it acts on a request, 'gateway' (every API
 *   request, before the route and token checks), 'task query' (GET /avatar/task/:id, after them)
 *   or 'create' (POST /avatar/generation, after the body checks). `answer` either answers
 *   (returning what to record when it sent no status: 'stalled', 'reset', 'aborted') or leaves
 *   the request alone (returning undefined without writing).
 * Listed in the order the settings show; within a stage they act in this order.
 */
const FAULTS = [
	{
		// Gateways that repeat the request's Authorization header in their error messages: every
		// error answer (any status of 400 or more, sendJson) then carries ` (Authorization: <header>)`
		// at the end of its message. First, so even the rate limit's 429 does it.
		name: 'the Authorization header echoed in error answers',
		settings: { echoAuthorization: [false, (value) => aBoolean(value, 'echoAuthorization')] },
		env: [['STAND_IN_ECHO_AUTHORIZATION', 'echoAuthorization', toFlag]],
		stage: 'gateway',
		answer(state, { req, res }) {
			if (state.settings.echoAuthorization && req.headers.authorization !== undefined) {
				res[ECHO] = req.headers.authorization;
			}
			return undefined;
		},
	},
	{
		name: 'a row rejected for good',
		settings: { rejectWhen: [defaultRejectWhen, (value) => aFunction(value, 'rejectWhen')] },
		stage: 'create',
		answer(state, { res, body }) {
			const problem = state.settings.rejectWhen(body);
			return problem ? sendInvalid(res, problem) : undefined;
		},
	},
	{
		// With echoAuthorization on, every create that passed the checks is refused with 400
		// {"error":{"message":"invalid request (Authorization: Bearer …)","type":"invalid_request_error"}}
		// (the echo is sendJson's): no task, nothing billed.
		name: 'creates refused, echoing the Authorization header',
		stage: 'create',
		answer(state, { res }) {
			if (!state.settings.echoAuthorization) return undefined;
			return sendJson(res, 400, { error: { message: 'invalid request', type: 'invalid_request_error' } });
		},
	},
	{
		// The gateway limits first: before faults, before it looks at the token.
		name: 'rate limit',
		settings: { rateLimitPerSecond: [0, (value) => wholeNumber(value, 'rateLimitPerSecond')] },
		env: [['STAND_IN_RATE_LIMIT', 'rateLimitPerSecond', toNumber]],
		prepare(state) {
			// Arrival times (performance.now()) of the requests the limit let through, oldest first;
			// those before `head` have left the window.
			state.rateWindow ??= { accepted: [], head: 0 };
		},
		stage: 'gateway',
		answer(state, { res }) {
			const retryAfter = rateLimitRetryAfter(state);
			if (!retryAfter) return undefined;
			return sendJson(
				res,
				429,
				gatewayError(
					`Rate limit reached: at most ${state.settings.rateLimitPerSecond} requests per second`,
					'new_api_error',
					'rate_limit_exceeded',
				),
				{ 'retry-after': String(retryAfter) },
			);
		},
	},
	{
		name: 'setFault()',
		prepare(state) {
			state.faults ??= [];
		},
		stage: 'gateway',
		async answer(state, exchange) {
			const fault = takeFault(state, exchange.req.method, exchange.pathname);
			if (fault && fault.delayMs) await sleep(state, fault.delayMs);
			if (exchange.res.destroyed) return 'aborted';
			const action = fault && FAULT_ANSWERS.find(({ field }) => fault[field]);
			return action ? action.answer(state, exchange, fault) : undefined;
		},
	},
	{
		// An upstream that hangs: the gateway holds the connection and never answers.
		name: 'stalled status checks',
		settings: { stallTaskQueries: [false, (value) => aBoolean(value, 'stallTaskQueries')] },
		env: [['STAND_IN_STALL_TASK_QUERIES', 'stallTaskQueries', toFlag]],
		stage: 'task query',
		answer: (state) => (state.settings.stallTaskQueries ? 'stalled' : undefined),
	},
	{
		name: 'redirect to another origin',
		settings: {
			redirect: [
				0,
				(value) => {
					if (value === 0 || value === false || value === null) return 0;
					return redirectStatus(value, 'redirect');
				},
			],
			redirectPaths: [
				null,
				(value) => {
					if (value === null) return null;
					const list = typeof value === 'string' ? splitList(value) : value;
					const prefixes =
						Array.isArray(list) && list.every((item) => typeof item === 'string' && item.startsWith('/'));
					if (!prefixes || list.length === 0) {
						throw new TypeError(
							'redirectPaths must be null (every API route) or a non-empty list of path prefixes starting with /',
						);
					}
					return [...list];
				},
			],
		},
		env: [
			['STAND_IN_REDIRECT', 'redirect', toNumber],
			['STAND_IN_REDIRECT_PATHS', 'redirectPaths', splitList],
		],
		stage: 'gateway',
		answer(state, { req, res, pathname }) {
			const { redirect, redirectPaths } = state.settings;
			if (!redirect || (redirectPaths && !redirectPaths.some((prefix) => pathname.startsWith(prefix)))) {
				return undefined;
			}
			return sendRedirect(res, redirect, state.cdnUrl + req.url);
		},
	},
	{
		name: 'random status-check faults',
		settings: {
			taskQueryFaultRate: [
				0,
				(value) => {
					if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
						throw new TypeError(`taskQueryFaultRate must be a number from 0 to 1, not ${JSON.stringify(value)}`);
					}
					return value;
				},
			],
			randomSeed: [undefined, (value) => wholeNumber(value, 'randomSeed', 2 ** 32 - 1)],
		},
		env: [
			['STAND_IN_TASK_FAULT_RATE', 'taskQueryFaultRate', toNumber],
			['STAND_IN_SEED', 'randomSeed', toNumber],
		],
		prepare(state, changed) {
			// Without a seed, pick one, and show it in the settings so a run can be repeated.
			if (state.settings.randomSeed === undefined) state.settings.randomSeed = crypto.randomInt(0, 2 ** 32);
			// Setting a seed (even the same one) restarts its sequence, so a run can be replayed.
			if (!state.random || changed.randomSeed !== undefined) state.random = seededRandom(state.settings.randomSeed);
			// The 'mixed' dialect's draws (dialects.js) come from a generator of their own, so turning
			// the mix on does not change which task queries fail. Setting the dialect restarts it too.
			if (!state.dialectRandom || changed.randomSeed !== undefined || changed.dialect !== undefined) {
				state.dialectRandom = seededRandom((state.settings.randomSeed ^ 0x5bd1e995) >>> 0);
			}
		},
		stage: 'task query',
		answer(state, { res }) {
			const rate = state.settings.taskQueryFaultRate;
			if (!(rate > 0)) return undefined;
			const draw = state.random();
			if (draw < rate / 2) {
				return sendJson(
					res,
					500,
					gatewayError('upstream error: do request failed', 'new_api_error', 'do_request_failed'),
				);
			}
			if (draw >= rate) return undefined;
			// A TCP RST, so the client sees ECONNRESET rather than a clean close.
			if (res.socket) res.socket.resetAndDestroy();
			else res.destroy();
			return 'reset';
		},
	},
];

/**
 * Lets the faults of `stage` act on a request, in order. Returns undefined when none answered,
 * else { outcome }: what to record when no status was sent ('stalled', 'reset', 'aborted').
 */
async function faultsAt(stage, state, exchange) {
	for (const fault of FAULTS) {
		if (fault.stage !== stage) continue;
		const outcome = await fault.answer(state, exchange);
		if (outcome !== undefined || exchange.res.headersSent) return { outcome };
	}
	return undefined;
}

/** Sets up the faults' parts of the state, at start and after a change of `changed` settings. */
function prepareFaults(state, changed) {
	for (const fault of FAULTS) if (fault.prepare) fault.prepare(state, changed);
}

// 0 when the request may pass (and then it counts in the window), else the Retry-After seconds.
function rateLimitRetryAfter(state) {
	const limit = state.settings.rateLimitPerSecond;
	if (!limit) return 0;
	const window = state.rateWindow;
	const now = performance.now();
	while (window.head < window.accepted.length && window.accepted[window.head] <= now - WINDOW_MS) window.head += 1;
	// Drop the expired times now and then, so a long run does not keep them all.
	if (window.head > 1024 && window.head * 2 > window.accepted.length) {
		window.accepted = window.accepted.slice(window.head);
		window.head = 0;
	}
	if (window.accepted.length - window.head >= limit) {
		// A slot frees when the limit-th newest accepted request leaves the window.
		return Math.max(1, Math.ceil((window.accepted[window.accepted.length - limit] + WINDOW_MS - now) / 1000));
	}
	window.accepted.push(now);
	return 0;
}

// A timer close() can cancel: delayed answers must not keep the process (or jest) alive after it.
function sleep(state, ms) {
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			state.pendingTimers.delete(timer);
			resolve();
		}, ms);
		state.pendingTimers.add(timer);
	});
}

module.exports = { FAULTS, clearFaults, faultsAt, prepareFaults, rateLimitRetryAfter, setFault };
