import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { apiMessageOf, hintFor } from './apiResponse';

/** Read-only and free: proves the token without starting (and paying for) a video. */
const TEST_PATH = '/v1/dashboard/billing/subscription';
const TEST_TIMEOUT_MS = 15_000;
const API_EXAMPLE = 'https://api.gpt.ge';

interface TestAnswer {
	statusCode: number;
	headers: IDataObject;
	body: string;
}

const failed = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

/**
 * The credential test (the node's `testedBy`), so that a failure says what to do: n8n's
 * request-based test can only show the HTTP status text ("Unauthorized"). One GET of the billing
 * subscription, to the Base URL's origin only: a redirect is reported, never followed.
 */
export async function testGptGeCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const { apiToken, baseUrl } = (credential.data ?? {}) as { apiToken?: string; baseUrl?: string };
	const base = apiBaseOf(baseUrl);
	if (typeof base !== 'string') return base;

	let answer: TestAnswer;
	try {
		answer = answerOf(
			// The credential test context offers only `request` (n8n 1.x and 2.x); `httpRequest`
			// exists in node contexts, not here.
			// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
			await this.helpers.request({
				method: 'GET',
				uri: `${base}${TEST_PATH}`,
				headers: { Authorization: `Bearer ${apiToken ?? ''}`, Accept: 'application/json' },
				followRedirect: false,
				followAllRedirects: false,
				simple: false,
				resolveWithFullResponse: true,
				json: false,
				timeout: TEST_TIMEOUT_MS,
			}),
		);
	} catch (error) {
		const fromError = answerOfError(error);
		if (!fromError) {
			const reason = (error as { code?: string; message?: string }).code ?? (error as Error).message;
			return failed(
				`Could not reach ${base} (${reason}). Check the Base URL, and that this n8n can reach it.`,
			);
		}
		answer = fromError;
	}
	return verdictOf(base, answer);
}

/** The Base URL without trailing slashes, or the test's result when it is not an http(s) URL. */
function apiBaseOf(baseUrl: unknown): string | INodeCredentialTestResult {
	const text = typeof baseUrl === 'string' ? baseUrl.trim().replace(/\/+$/, '') : '';
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname) {
		return failed(
			`Base URL "${text}" is not a web address. Enter the API's address with http:// or https://, e.g. ${API_EXAMPLE}.`,
		);
	}
	return text;
}

function verdictOf(base: string, { statusCode, headers, body }: TestAnswer): INodeCredentialTestResult {
	const location = headers.location;
	if (statusCode >= 300 && statusCode < 400) {
		return failed(
			`${base} redirected the test to ${String(location ?? 'another address')}; the token was not sent there. Set Base URL to the address the API answers on itself.`,
		);
	}
	const json = parsedJson(body);
	const isWebPage = json === undefined && /^\s*</.test(body);
	if (statusCode >= 200 && statusCode < 300) {
		if (json && typeof json === 'object') return { status: 'OK', message: 'Connection successful!' };
		return failed(
			`${base} answered with ${isWebPage ? 'a web page' : 'something other than JSON'}, not the GPT.GE API. Set Base URL to the API's address (${API_EXAMPLE} for GPT.GE itself), not the web site's.`,
		);
	}
	const apiMessage = isWebPage ? undefined : apiMessageOf(json ?? body);
	const said = apiMessage ? `: "${apiMessage}"` : '';
	if (statusCode === 404) {
		return failed(
			`${base} has no GPT.GE API at ${TEST_PATH} (HTTP 404)${said}. Set Base URL to the API's address without a path, e.g. ${API_EXAMPLE}.`,
		);
	}
	if (statusCode === 401 || statusCode === 403) {
		return failed(`GPT.GE refused the token (HTTP ${statusCode})${said}. ${hintFor(statusCode, apiMessage)}`);
	}
	return failed(`GPT.GE answered the test with HTTP ${statusCode}${said}. ${hintFor(statusCode, apiMessage)}`);
}

function parsedJson(body: string): unknown {
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

/** A full response of n8n's legacy `request` helper (request-promise style). */
function answerOf(response: unknown): TestAnswer {
	const { statusCode, headers, body } = (response ?? {}) as { statusCode?: number; headers?: IDataObject; body?: unknown };
	return {
		statusCode: Number(statusCode ?? 0),
		headers: headers ?? {},
		body: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
	};
}

/** Some n8n versions throw on an HTTP error status even with `simple: false`. */
function answerOfError(error: unknown): TestAnswer | undefined {
	const failure = error as {
		statusCode?: number;
		response?: { status?: number; statusCode?: number; headers?: IDataObject; data?: unknown; body?: unknown };
		error?: unknown;
	};
	const statusCode = failure.statusCode ?? failure.response?.status ?? failure.response?.statusCode;
	if (!statusCode) return undefined;
	return answerOf({
		statusCode,
		headers: failure.response?.headers,
		body: failure.response?.data ?? failure.response?.body ?? failure.error,
	});
}
