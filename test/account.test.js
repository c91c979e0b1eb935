// Account → Get Quota through n8n-core's RoutingNode: the token's quota, usage and what is left,
// in USD, from GET /v1/dashboard/billing/subscription and /usage (see ../shared/api/README.md).
const nock = require('nock');
const { NodeApiError } = require('n8n-workflow');
const { runNode, TOKEN } = require('./helpers/engine');
const { API, recordRequests } = require('./helpers/api');
const { startStandIn } = require('../stand-in/server');

const getQuota = { resource: 'account', operation: 'getQuota' };
// The documentation's examples.
const SUBSCRIPTION = { object: 'billing_subscription', has_payment_method: true, soft_limit_usd: 5, hard_limit_usd: 5, system_hard_limit_usd: 5, access_until: 0 };
const USAGE = { object: 'list', total_usage: 695.9646 };

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

function interceptBilling({ subscription = [200, SUBSCRIPTION], usage = [200, USAGE] } = {}) {
	return {
		// persist: an answer that is not JSON counts as a passing failure, asked again a few times.
		subscriptions: recordRequests(nock(API).persist().get('/v1/dashboard/billing/subscription'), () => subscription),
		usages: recordRequests(nock(API).get('/v1/dashboard/billing/usage'), () => usage),
	};
}

describe('Account → Get Quota', () => {
	test("the documentation's answers: quota 5, used 695.9646 cents → used 6.959646, left -1.959646 USD", async () => {
		const { subscriptions, usages } = interceptBilling();

		const output = await runNode({ parameters: getQuota });

		expect([...subscriptions, ...usages].map((request) => [request.method, request.path, request.headers.authorization])).toStrictEqual([
			['GET', '/v1/dashboard/billing/subscription', `Bearer ${TOKEN}`],
			['GET', '/v1/dashboard/billing/usage', `Bearer ${TOKEN}`],
		]);
		expect(output).toStrictEqual([
			{
				json: {
					unlimited: false,
					quotaUsd: 5,
					usedUsd: 6.959646,
					leftUsd: -1.959646,
					expiresAt: null,
					subscription: SUBSCRIPTION,
					usage: USAGE,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('an unlimited token (100000000) comes out as unlimited, with no quota or amount left, not as a huge number', async () => {
		interceptBilling({ subscription: [200, { ...SUBSCRIPTION, hard_limit_usd: 100000000, soft_limit_usd: 100000000 }], usage: [200, { object: 'list', total_usage: 1234 }] });

		const [item] = await runNode({ parameters: getQuota });

		expect(item.json).toMatchObject({ unlimited: true, quotaUsd: null, usedUsd: 12.34, leftUsd: null });
	});

	test('a host that reports used_usd and balance_usd itself: those are used, and usage is not asked', async () => {
		const { usages } = interceptBilling({ subscription: [200, { ...SUBSCRIPTION, hard_limit_usd: 20, used_usd: 3.5, balance_usd: 16.25, access_until: 1767225600 }] });

		const [item] = await runNode({ parameters: getQuota });

		expect(usages).toStrictEqual([]);
		expect(item.json).toMatchObject({ unlimited: false, quotaUsd: 20, usedUsd: 3.5, leftUsd: 16.25, expiresAt: '2026-01-01T00:00:00.000Z', usage: null });
	});

	test('balance_usd without used_usd: left is what the host says, used comes from usage', async () => {
		interceptBilling({ subscription: [200, { ...SUBSCRIPTION, balance_usd: 1.25 }] });

		const [item] = await runNode({ parameters: getQuota });

		expect(item.json).toMatchObject({ quotaUsd: 5, usedUsd: 6.959646, leftUsd: 1.25 });
	});

	test("a refused token: the gateway's own message and what to check", async () => {
		interceptBilling({ subscription: [401, { error: { message: 'Invalid token (request id: 2026112312)', type: 'new_api_error' } }] });

		const error = await runNode({ parameters: getQuota }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: Invalid token (request id: 2026112312)');
		expect(error.description).toMatch(/^GPT\.GE did not accept the API token\. .*\(GPT\.GE answered with HTTP 401\.\)/);
	});

	test("a failing usage query is the node's error, with the API's message", async () => {
		interceptBilling({ usage: [403, { error: { message: 'this token may not read usage' } }] });

		const error = await runNode({ parameters: getQuota }).catch((e) => e);

		expect(error.message).toBe('GPT.GE: this token may not read usage');
		expect(error.httpCode).toBe('403');
	});

	test('a 200 that is not the billing answer (a web site at Base URL) is an error saying so, not a quota of NaN', async () => {
		const { subscriptions } = interceptBilling({ subscription: [200, '<!doctype html><title>GPT.GE</title>'] });

		const error = await runNode({ parameters: getQuota }).catch((e) => e);

		expect(error.message).toBe('GPT.GE: <!doctype html><title>GPT.GE</title>');
		expect(subscriptions).toHaveLength(4);
		expect(error.description).toContain('(GPT.GE answered with no "hard_limit_usd" in its answer (is Base URL the API\'s address, not the web site\'s?).)');
	}, 10_000); // three back-offs of 0.5, 1 and 2 s, each jittered by 0.5 to 1.5 ×: up to 5.25 s

	test('Continue On Fail: the error is an item paired with its input', async () => {
		interceptBilling({ subscription: [401, { error: { message: 'Invalid token' } }] });

		const output = await runNode({ parameters: getQuota, continueOnFail: true });

		expect(output.map((item) => [item.json, item.pairedItem])).toStrictEqual([
			[{ error: 'GPT.GE: Invalid token', details: { description: expect.stringMatching(/^GPT\.GE did not accept the API token\. .*\(GPT\.GE answered with HTTP 401\.\)$/) } }, { item: 0 }],
		]);
	});

	test('against the stand-in: every video created is counted in what is used', async () => {
		nock.enableNetConnect(/127\.0\.0\.1|localhost/);
		const standIn = await startStandIn({ taskDurationMs: 100, quotaUsd: 2, usedCents: 50 });
		try {
			const credentials = { apiToken: standIn.token, baseUrl: standIn.url };
			await runNode({
				parameters: { resource: 'avatar', operation: 'generate', avatarUrl: 'https://example.com/a.jpg', audioUrl: 'https://example.com/a.mp3' },
				items: [{ json: {} }, { json: {} }, { json: {} }],
				credentials,
			});

			const [item] = await runNode({ parameters: getQuota, credentials });

			expect(item.json).toMatchObject({ unlimited: false, quotaUsd: 2, usedUsd: 0.8, leftUsd: 1.2 });
		} finally {
			await standIn.close();
		}
	});
});
