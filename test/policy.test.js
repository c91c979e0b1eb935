// The request layer's decision after each attempt (shared/api/policy.ts), one row per rule: send
// again (after how long), follow a redirect, or give up, and with which words. A pure function,
// so each row gives the outcome, the call's policy and counters, and the exact decision.
const { decide, MAY_HAVE_CREATED, NOT_CREATED, NO_ATTEMPTS } = require('../nodes/GptGe/shared/api/policy');

const NOW = 1_800_000_000_000;
const ORIGIN = 'https://api.gpt.ge';
// random 0.5: the back-off's jitter factor is exactly 1, so a pause reads as 500 ms × 2^(failures-1).
const PLACE = { url: `${ORIGIN}/`, origin: ORIGIN, now: NOW, random: 0.5 };

const read = { createsTask: false, priority: 'normal' };
const create = { createsTask: true, priority: 'normal' };
const statusCheck = { createsTask: false, priority: 'background', deadline: NOW + 60_000 };
const download = { createsTask: false, priority: 'normal', download: { what: 'the video of task t1', url: 'https://cdn.example.com/t1.mp4' } };

const answer = (status, extra = {}) => ({ status, objectBody: true, ...extra });
const noAnswer = (code) => ({ noAnswer: true, ...(code ? { code } : {}) });
const counters = (extra = {}) => ({ ...NO_ATTEMPTS, ...extra });
const retry = (afterMs, extra) => ({ act: 'retry', afterMs, counters: counters(extra) });
const RATE_ADVICE =
	". Run it again later, or set Rate Limit in the GPT.GE API credential to your plan's limit if other workflows or queue-mode workers use the same token.";
const redirected = (where, httpCode, nothingCreated = '') => ({
	act: 'fail',
	words: {
		newError: {
			json: { location: where === 'an address it did not give' ? null : `${where}/collect` },
			httpCode,
			message: `GPT.GE redirected the request to ${where}`,
			description:
				`The API token is sent to the Base URL's origin (${ORIGIN}) only, so the redirect (HTTP ${httpCode}) was not followed${nothingCreated}. ` +
				'If the API has moved there, change the Base URL in the GPT.GE API credential.',
		},
	},
});
const couldNotDownload = {
	act: 'fail',
	words: { newError: { message: 'Could not download the video of task t1', description: 'Downloading https://cdn.example.com/t1.mp4 failed:', withCause: true } },
};

describe('the decision after an attempt, rule by rule', () => {
	test.each([
		// Reads: passing failures are sent again with back-off, at most four sends without a wait budget.
		['a read answered 502 is sent again after 500 ms', answer(502), read, counters(), {}, retry(500, { failures: 1 })],
		['a read answered 200 without a JSON body is sent again', answer(200, { objectBody: false }), read, counters(), {}, retry(500, { failures: 1 })],
		["a read's pause is never shorter than Retry-After", answer(503, { retryAfterMs: 3000 }), read, counters(), {}, retry(3000, { failures: 1 })],
		["a read's third failure waits 2 s", answer(502), read, counters({ failures: 2 }), {}, retry(2000, { failures: 3 })],
		["a read's fourth failure gives up with the API's own error", answer(502), read, counters({ failures: 3 }), {}, { act: 'fail' }],
		['a read answered 400 gives up at once', answer(400), read, counters(), {}, { act: 'fail' }],
		['a read that got no answer is sent again', noAnswer('ETIMEDOUT'), read, counters(), {}, retry(500, { failures: 1 })],
		// Status checks of a wait: its end bounds them, not a count.
		["a status check's fourth failure is sent again within the wait", answer(502), statusCheck, counters({ failures: 3 }), {}, retry(4000, { failures: 4 })],
		['a status check whose pause would pass the wait\'s end gives up, out of time', answer(502), statusCheck, counters({ failures: 3 }), { now: NOW + 57_000 }, { act: 'fail', outOfTime: true }],
		// Creates: only what proves nothing was created is sent again.
		['a create answered 400 gives up with the API\'s words', answer(400), create, counters(), {}, { act: 'fail' }],
		['a create answered 200 without success gives up', answer(200), create, counters(), {}, { act: 'fail' }],
		['a create answered 500 gives up: the video may exist', answer(500), create, counters(), {}, { act: 'fail', words: { add: MAY_HAVE_CREATED } }],
		['a create answered 200 without a JSON body is not sent again', answer(200, { objectBody: false }), create, counters(), {}, { act: 'fail' }],
		['a create dropped after it was sent gives up: the video may exist', noAnswer('ECONNRESET'), create, counters(), {}, { act: 'fail', words: { add: MAY_HAVE_CREATED } }],
		['a create that timed out gives up: the video may exist', noAnswer(), create, counters(), {}, { act: 'fail', words: { add: MAY_HAVE_CREATED } }],
		['a create whose connection was refused is sent again', noAnswer('ECONNREFUSED'), create, counters(), {}, retry(500, { failures: 1 })],
		['a create refused a fourth time gives up: nothing was created', noAnswer('ENOTFOUND'), create, counters({ failures: 3 }), {}, { act: 'fail', words: { replace: NOT_CREATED } }],
		// 429: refused before anything was done, so even a create is sent again (the pacer holds it).
		['a create answered 429 is sent again at once', answer(429, { retryAfterMs: 1000 }), create, counters(), {}, retry(0, { rateLimited: 1 })],
		[
			'the 12th 429 in a row gives up, saying nothing was created',
			answer(429), create, counters({ rateLimited: 11 }), {},
			{ act: 'fail', words: { replace: `GPT.GE refused the request 12 times for its rate limit, so nothing was created for this item${RATE_ADVICE}` } },
		],
		[
			'a Retry-After of over 5 minutes gives up at once',
			answer(429, { retryAfterMs: 360_000 }), read, counters(), {},
			{ act: 'fail', words: { replace: `GPT.GE refused the request 1 time for its rate limit and asked to wait 360 s${RATE_ADVICE}` } },
		],
		['a status check answered 429 a 20th time is sent again within the wait', answer(429), statusCheck, counters({ rateLimited: 19 }), {}, retry(0, { rateLimited: 20 })],
		['a status check answered 429 at the wait\'s end gives up, out of time', answer(429), statusCheck, counters(), { now: NOW + 60_000 }, { act: 'fail', outOfTime: true }],
		// Redirects: followed within the origin only, and not forever.
		['a redirect within the origin is followed', answer(302, { location: '/v2/avatar/generation' }), create, counters(), {}, { act: 'follow', url: `${ORIGIN}/v2/avatar/generation`, counters: counters({ redirects: 1 }) }],
		['a redirect to another origin is refused; nothing was created', answer(307, { location: 'https://collector.example.net/collect' }), create, counters(), {}, redirected('https://collector.example.net', '307', ' and nothing was created')],
		['a read redirected to another origin is refused', answer(302, { location: 'https://collector.example.net/collect' }), read, counters(), {}, redirected('https://collector.example.net', '302')],
		['a redirect without Location is refused', answer(302), read, counters(), {}, redirected('an address it did not give', '302')],
		['a sixth redirect is refused', answer(301, { location: `${ORIGIN}/collect` }), read, counters({ redirects: 5 }), {}, redirected(ORIGIN, '301')],
		// Downloads from the CDN: passing failures sent again, four sends at most, then the file is named.
		['a download answered 503 is sent again', answer(503), download, counters(), {}, retry(500, { failures: 1 })],
		['a download answered 429 is sent again', answer(429), download, counters({ failures: 1 }), {}, retry(1000, { failures: 2 })],
		['a download answered 404 gives up, naming the file', answer(404), download, counters(), {}, couldNotDownload],
		['a download that got no answer a fourth time gives up', noAnswer('ECONNRESET'), download, counters({ failures: 3 }), {}, couldNotDownload],
	])('%s', (_rule, outcome, policy, sofar, place, expected) => {
		expect(decide(outcome, policy, sofar, { ...PLACE, ...place })).toStrictEqual(expected);
	});

	test('the pause grows with jitter between half and one and a half times, up to 30 s', () => {
		const pauses = [0, 0.999].map((random) => decide(answer(502), statusCheck, counters({ failures: 9 }), { ...PLACE, random }));
		expect(pauses.map((decision) => decision.afterMs)).toStrictEqual([15_000, 30_000 * 1.499]);
	});
});
