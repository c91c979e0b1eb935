const nock = require('nock');
const { loadNodeType, runCredentialTest, TOKEN } = require('./helpers/engine');
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

	test('the credential has no request test of its own: the node tests it (testedBy), to show what to do', () => {
		expect(new GptGeApi().test).toBeUndefined();
		const { credentials } = loadNodeType().description;
		expect(credentials).toStrictEqual([{ name: 'gptGeApi', required: true, testedBy: 'testGptGeCredential' }]);
	});

	test('the test is one read-only GET of the billing subscription, with the token', async () => {
		const requests = interceptSubscription('https://api.gpt.ge');

		const result = await runCredentialTest();

		expect(requests).toStrictEqual([
			expect.objectContaining({ method: 'GET', path: '/v1/dashboard/billing/subscription' }),
		]);
		expect(requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(result).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
	});

	test.each([302, 307])('a %s to another origin fails the test; the other origin never sees the token', async (status) => {
		interceptSubscription('https://api.gpt.ge', [status, '', { Location: 'https://collector.example.net/steal' }]);
		const elsewhere = recordRequests(nock('https://collector.example.net').persist().get(/.*/), () => [200, SUBSCRIPTION]);

		const result = await runCredentialTest();

		expect(elsewhere).toStrictEqual([]);
		expect(result).toStrictEqual({
			status: 'Error',
			message:
				'https://api.gpt.ge redirected the test to https://collector.example.net/steal; the token was not sent there. Set Base URL to the address the API answers on itself.',
		});
	});

	test('the test goes to the base URL the user set (a trailing slash is fine)', async () => {
		const requests = interceptSubscription('https://gpt.reseller.example');

		const result = await runCredentialTest({ apiToken: 'reseller-token', baseUrl: 'https://gpt.reseller.example/' });

		expect(result.status).toBe('OK');
		expect(requests).toHaveLength(1);
		expect(requests[0].path).toBe('/v1/dashboard/billing/subscription');
		expect(requests[0].headers.authorization).toBe('Bearer reseller-token');
	});

	test.each([
		[
			401,
			{ error: { message: 'Invalid token', type: 'new_api_error' } },
			'GPT.GE refused the token (HTTP 401): "Invalid token". GPT.GE did not accept the API token. Check the API Token in the GPT.GE API credential (copy it again from your GPT.GE account). If the token comes from a reseller, set Base URL to that reseller\'s API address.',
		],
		[
			403,
			{ message: 'token disabled' },
			'GPT.GE refused the token (HTTP 403): "token disabled". The token may not do this: it may be disabled, expired or limited to other models. Check it in your GPT.GE account; if it comes from a reseller, check Base URL too.',
		],
		[
			402,
			{ error: { message: 'insufficient balance' } },
			'GPT.GE answered the test with HTTP 402: "insufficient balance". The GPT.GE account behind this token is out of credit: top it up, or raise the token\'s quota, then run again.',
		],
		[
			404,
			'<html><body>Not Found</body></html>',
			'https://api.gpt.ge has no GPT.GE API at /v1/dashboard/billing/subscription (HTTP 404). Set Base URL to the API\'s address without a path, e.g. https://api.gpt.ge.',
		],
	])('HTTP %s fails the test with GPT.GE\'s own message and what to do', async (status, body, message) => {
		const requests = interceptSubscription('https://api.gpt.ge', [status, body]);

		const result = await runCredentialTest({ apiToken: 'wrong', baseUrl: 'https://api.gpt.ge' });

		expect(requests).toHaveLength(1);
		expect(result).toStrictEqual({ status: 'Error', message });
	});

	test('a Base URL pointing at a web site (an HTML page) fails the test and says to use the API address', async () => {
		recordRequests(nock('https://gpt.ge').get('/v1/dashboard/billing/subscription'), () => [
			200,
			'<!DOCTYPE html><html><head><title>GPT.GE</title></head></html>',
			{ 'Content-Type': 'text/html' },
		]);

		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: 'https://gpt.ge' });

		expect(result).toStrictEqual({
			status: 'Error',
			message:
				'https://gpt.ge answered with a web page, not the GPT.GE API. Set Base URL to the API\'s address (https://api.gpt.ge for GPT.GE itself), not the web site\'s.',
		});
	});

	test.each(['api.gpt.ge', 'ftp://api.gpt.ge', '', 'https://'])(
		'Base URL "%s" is refused before anything is sent',
		async (baseUrl) => {
			const result = await runCredentialTest({ apiToken: TOKEN, baseUrl });

			expect(result).toStrictEqual({
				status: 'Error',
				message: `Base URL "${baseUrl.replace(/\/+$/, '')}" is not a web address. Enter the API's address with http:// or https://, e.g. https://api.gpt.ge.`,
			});
		},
	);

	test('an unreachable Base URL says which address could not be reached', async () => {
		nock.enableNetConnect('127.0.0.1:9'); // nothing listens on the discard port

		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: 'http://127.0.0.1:9' });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)\. Check the Base URL, and that this n8n can reach it\.$/);
	}, 20_000);
});
