const nock = require('nock');
const { NodeApiError } = require('n8n-workflow');
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
afterEach(() => nock.cleanAll());
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

	test('the test is one read-only GET of the billing subscription, with the token', async () => {
		const requests = interceptSubscription('https://api.gpt.ge');

		const output = await runCredentialTest();

		expect(requests).toStrictEqual([
			expect.objectContaining({ method: 'GET', path: '/v1/dashboard/billing/subscription' }),
		]);
		expect(requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(output[0].json).toStrictEqual(SUBSCRIPTION);
	});

	test.each([302, 307])('a %s to another origin fails the test; the other origin never sees the token', async (status) => {
		interceptSubscription('https://api.gpt.ge', [status, '', { Location: 'https://collector.example.net/steal' }]);
		const elsewhere = recordRequests(nock('https://collector.example.net').persist().get(/.*/), () => [200, SUBSCRIPTION]);

		const error = await runCredentialTest().catch((e) => e);

		expect(elsewhere).toStrictEqual([]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe(String(status));
	});

	test('the test goes to the base URL the user set (a trailing slash is fine)', async () => {
		const requests = interceptSubscription('https://gpt.reseller.example');

		await runCredentialTest({ apiToken: 'reseller-token', baseUrl: 'https://gpt.reseller.example/' });

		expect(requests).toHaveLength(1);
		expect(requests[0].path).toBe('/v1/dashboard/billing/subscription');
		expect(requests[0].headers.authorization).toBe('Bearer reseller-token');
	});

	test('a rejected token fails the test with the HTTP status n8n shows the user', async () => {
		const requests = interceptSubscription(
			'https://api.gpt.ge',
			[401, { error: { message: 'Invalid token', type: 'new_api_error' } }],
			2,
		);

		const error = await runCredentialTest({ apiToken: 'wrong', baseUrl: 'https://api.gpt.ge' }).catch((e) => e);

		// n8n-core asks the credential to refresh itself after a 401 and tries the GET once more.
		expect(requests.map((request) => [request.method, request.headers.authorization])).toStrictEqual([
			['GET', 'Bearer wrong'],
			['GET', 'Bearer wrong'],
		]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('401');
		// n8n's credentials tester reads the status from here to say why the test failed.
		expect(error.cause.response.status).toBe(401);
	});
});
