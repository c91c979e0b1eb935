// Whose rate limit is whose: the credential's Rate Limit describes the account and holds for every
// workflow that uses it; a node's Options → Max Requests per Second caps that node alone, and
// never lifts or lowers another workflow's pace (once, the last run's option set one shared cap).
// Two workflows on one credential run side by side against the loopback stand-in, which records
// when each create arrived.
const nock = require('nock');
const { runNode } = require('./helpers/engine');
const { withStandIn } = require('./helpers/api');

const generate = (options) => ({
	resource: 'avatar',
	operation: 'generate',
	avatarUrl: '={{ $json.photo }}',
	audioUrl: 'https://cdn.example.com/speech.mp3',
	...(options ? { options } : {}),
});
/** Rows whose photos name their workflow, so each create arrival says whose it was. */
const rowsOf = (workflow, count) =>
	Array.from({ length: count }, (_, row) => ({ json: { photo: `https://cdn.example.com/${workflow}/${row}.jpg` } }));
/** When the creates of `workflow` arrived, in order. */
const arrivalsOf = (standIn, workflow) =>
	standIn.requests.filter((request) => request.method === 'POST' && request.body.avatar_url.includes(`/${workflow}/`)).map((request) => request.at);
const span = (times) => times.at(-1) - times[0];
const gaps = (times) => times.slice(1).map((at, index) => at - times[index]);
/** The most arrivals within any one second. */
const mostInASecond = (times) => Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length));

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

describe('rate caps: the credential for the account, the option for its node', () => {
	test('two workflows with their own Max Requests per Second, side by side: each keeps its own cap', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			await Promise.all([
				runNode({ workflowId: 'slow', parameters: generate({ maxRequestsPerSecond: 2 }), items: rowsOf('slow', 5), credentials }),
				runNode({ workflowId: 'fast', parameters: generate({ maxRequestsPerSecond: 10 }), items: rowsOf('fast', 10), credentials }),
			]);

			const slow = arrivalsOf(standIn, 'slow');
			const fast = arrivalsOf(standIn, 'fast');
			expect([slow.length, fast.length, standIn.counts().created]).toStrictEqual([5, 10, 15]);
			// 2 per second: four gaps of 500 ms. Arrivals jitter on a busy machine (and the first one
			// also opens the connection), so single gaps get some slack, their sum less.
			expect(Math.min(...gaps(slow.slice(1)))).toBeGreaterThanOrEqual(400);
			expect(span(slow.slice(1))).toBeGreaterThanOrEqual(1450);
			// 10 per second, not 2: nine gaps of about 100 ms.
			expect(span(fast.slice(1))).toBeGreaterThanOrEqual(750);
			expect(span(fast)).toBeLessThan(1600);
		});
	});

	test('a workflow without the option neither lifts nor takes the cap of one with it', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			await Promise.all([
				runNode({ workflowId: 'capped', parameters: generate({ maxRequestsPerSecond: 1 }), items: rowsOf('capped', 3), credentials }),
				runNode({ workflowId: 'free', parameters: generate(), items: rowsOf('free', 20), credentials }),
			]);

			const capped = arrivalsOf(standIn, 'capped');
			const free = arrivalsOf(standIn, 'free');
			expect([capped.length, free.length]).toStrictEqual([3, 20]);
			expect(Math.min(...gaps(capped))).toBeGreaterThanOrEqual(900);
			// Learning from 20 per second and doubling: 20 rows in about a second, not 20 seconds.
			expect(span(free)).toBeLessThan(1500);
		});
	});

	test("the credential's Rate Limit holds for both workflows together, whatever their option", async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const limited = { ...credentials, rateLimit: 5 };
			await Promise.all([
				runNode({ workflowId: 'a', parameters: generate({ maxRequestsPerSecond: 10 }), items: rowsOf('a', 5), credentials: limited }),
				runNode({ workflowId: 'b', parameters: generate(), items: rowsOf('b', 5), credentials: limited }),
			]);

			const all = [...arrivalsOf(standIn, 'a'), ...arrivalsOf(standIn, 'b')].sort((x, y) => x - y);
			expect(all).toHaveLength(10);
			// Ten creates at five per second, whichever workflow sent them: nine gaps of 200 ms. Arrivals
			// jitter by some ms on a busy machine, so a one-second window may catch a sixth (unpaced, all ten).
			expect(span(all)).toBeGreaterThanOrEqual(1750);
			expect(mostInASecond(all.slice(1))).toBeLessThanOrEqual(6);
		});
	});
});
