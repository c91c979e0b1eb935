const nock = require('nock');
const { runCredentialTest, TOKEN } = require('./helpers/engine');
const { recordRequests } = require('./helpers/api');
const { GptGeApi } = require('../credentials/GptGeApi.credentials');

const SUBSCRIPTION = {
	object: 'billing_subscription',
	has_payment_method: true,
	soft_limit_usd: 5,
	hard_limit_usd: 5,
	system_hard_limit_usd: 5,
	access_until: 0,
};

function interceptSubscription(host, reply = [200, SUBSCRIPTION], times = 1) {
	return recordRequests(nock(host).get('/v1/dashboard/billing/subscription').times(times), () => reply);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

describe('GPT.GE API credential', () => {
	test('declares a password token, a changeable base URL and Bearer authentication', () => {
		const credential = new GptGeApi();

		expect(credential.name).toBe('gptGeApi');
		expect(credential.displayName).toBe('GPT.GE API');
		const token = credential.properties.find((property) => property.name === 'apiToken');
		expect(token.typeOptions).toStrictEqual({ password: true });
		const baseUrl = credential.properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl.default).toBe('https://api.gpt.ge');
		expect(credential.authenticate).toStrictEqual({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken}}' } },
		});
	});

	test('has an optional Rate Limit for the account, 0 (learn it) by default, after the token and Base URL', () => {
		const credential = new GptGeApi();

		expect(credential.properties.map((property) => [property.name, property.type, property.default, property.required ?? false])).toStrictEqual([
			['apiToken', 'string', '', true],
			['baseUrl', 'string', 'https://api.gpt.ge', true],
			['rateLimit', 'number', 0, false],
		]);
		const rateLimit = credential.properties.at(-1);
		expect(rateLimit.displayName).toBe('Rate Limit (Requests per Second)');
		expect(rateLimit.typeOptions).toStrictEqual({ minValue: 0 });
		expect(rateLimit.hint).toBe("0: the node learns the limit from GPT.GE's answers");
	});

	const REFUSED_401 =
		"GPT.GE refused the token (HTTP 401). GPT.GE did not accept the API token. Check the API Token in the GPT.GE API credential (copy it again from your GPT.GE account). If the token comes from a reseller, set Base URL to that reseller's API address.";
	const USE_API_ADDRESS =
		"Set Base URL to the API's address without a path (a trailing /v1 is fine): https://api.gpt.ge for GPT.GE itself, or your reseller's API address.";

	test('the test is one read-only GET of the billing subscription, with the token, and passes', async () => {
		const requests = interceptSubscription('https://api.gpt.ge');

		const result = await runCredentialTest();

		expect(requests).toStrictEqual([
			expect.objectContaining({ method: 'GET', path: '/v1/dashboard/billing/subscription' }),
		]);
		expect(requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(result).toMatchObject({ status: 'OK' });
		expect(result.output[0].json).toStrictEqual(SUBSCRIPTION);
	});

	test.each([302, 307])('a %s to another origin fails the test; the other origin never sees the token', async (status) => {
		interceptSubscription('https://api.gpt.ge', [status, '', { Location: 'https://collector.example.net/steal' }]);
		const elsewhere = recordRequests(nock('https://collector.example.net').persist().get(/.*/), () => [200, SUBSCRIPTION]);

		const result = await runCredentialTest();

		expect(elsewhere).toStrictEqual([]);
		expect(result).toMatchObject({
			status: 'Error',
			message: `The Base URL redirected the test to another address, and the token was not sent there. ${USE_API_ADDRESS}`,
		});
	});

	test('the test goes to the base URL the user set (spaces and a trailing slash are fine)', async () => {
		const requests = interceptSubscription('https://gpt.reseller.example');

		const result = await runCredentialTest({ apiToken: 'reseller-token', baseUrl: ' https://gpt.reseller.example/ ' });

		expect(result.status).toBe('OK');
		expect(requests).toHaveLength(1);
		expect(requests[0].path).toBe('/v1/dashboard/billing/subscription');
		expect(requests[0].headers.authorization).toBe('Bearer reseller-token');
	});

	test('a wrong token fails the test saying what to check, not just "Unauthorized"', async () => {
		// n8n-core asks the credential to refresh itself after a 401 and tries the GET once more.
		const requests = interceptSubscription('https://api.gpt.ge', [401, { error: { message: 'Invalid token', type: 'new_api_error' } }], 2);

		const result = await runCredentialTest({ apiToken: 'wrong', baseUrl: 'https://api.gpt.ge' });

		expect(requests.map((request) => request.headers.authorization)).toStrictEqual(['Bearer wrong', 'Bearer wrong']);
		expect(result).toMatchObject({ status: 'Error', message: REFUSED_401 });
	});

	test.each([
		[
			403,
			"GPT.GE refused the token (HTTP 403). The token may not do this: it may be disabled, expired or limited to other models. Check it in your GPT.GE account; if it comes from a reseller, check Base URL too.",
		],
		[
			402,
			"GPT.GE refused the test (HTTP 402). The GPT.GE account behind this token is out of credit: top it up, or raise the token's quota, then run again.",
		],
		[404, `There is no GPT.GE API at this Base URL (HTTP 404 for Base URL + /v1/dashboard/billing/subscription). ${USE_API_ADDRESS}`],
	])('HTTP %s fails the test saying what to do', async (status, message) => {
		interceptSubscription('https://api.gpt.ge', [status, { error: { message: 'whatever the gateway says' } }]);

		const result = await runCredentialTest({ apiToken: 'wrong', baseUrl: 'https://api.gpt.ge' });

		expect(result).toMatchObject({ status: 'Error', message });
	});

	test.each([
		['an HTML page', '<!DOCTYPE html><html><head><title>GPT.GE</title></head></html>', { 'Content-Type': 'text/html' }],
		['JSON that is not a subscription', { status: 'ok' }, {}],
	])('a Base URL that answers 200 with %s (the web site) fails the test and says to use the API address', async (_what, body, headers) => {
		recordRequests(nock('https://gpt.ge').get('/v1/dashboard/billing/subscription'), () => [200, body, headers]);

		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: 'https://gpt.ge' });

		expect(result).toMatchObject({
			status: 'Error',
			message: `The Base URL answered, but not as the GPT.GE API (no billing subscription came back; is it the web site?). ${USE_API_ADDRESS}`,
		});
	});

	test('an unlimited token (hard limit 100000000) passes', async () => {
		interceptSubscription('https://api.gpt.ge', [200, { ...SUBSCRIPTION, hard_limit_usd: 100000000 }]);

		expect((await runCredentialTest()).status).toBe('OK');
	});

	test('a Base URL that is not a web address fails the test and sends nothing (n8n\'s tester says "Invalid URL")', async () => {
		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: 'api.gpt.ge' });

		expect(result).toMatchObject({ status: 'Error', message: 'Invalid URL' });
	});
});
