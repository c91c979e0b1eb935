import {
	NodeOperationError,
	type IExecuteSingleFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';
import { apiRootOf } from '../endpoints';
import { perRun } from '../run';
import { capFor, capKey, pacerFor, type Pacer } from './pacer';

/*
 * The account a call goes to, read from the GPT.GE API credential once per run: where requests
 * may go (the Base URL's origin, the only one that gets the token), how long one may take, and
 * the pacer that lets it go.
 */

export const CREDENTIAL_TYPE = 'gptGeApi';

/** Timeout of one request unless the user set Request Options → Timeout. */
const API_TIMEOUT_MS = 60_000;

export type AnyContext = IExecuteSingleFunctions | ILoadOptionsFunctions;

export interface Account {
	baseUrl: string;
	origin: string;
	timeoutMs: number;
	/** The account's pacer: it learns from every answer. */
	pacer: Pacer;
	/** What a request waits for before it is sent: the node's own cap if it has one, else the pacer. */
	gate: Pacer;
	/** What no message, error or item may show (secrets.ts masks it): the token. */
	secrets: string[];
}

/** The credential's fields (Rate Limit is optional: credentials saved before it lack it). */
interface Credential {
	baseUrl: string;
	apiToken: string;
	rateLimit?: number;
}

function numberParameter(context: AnyContext, name: string): number | undefined {
	let value: unknown;
	try {
		value = context.getNodeParameter(name, undefined);
	} catch {
		return undefined; // not a parameter of this operation or context
	}
	return positive(value);
}

const positive = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);

// One account per run: the credential is read once, not per request.
const accountOfRun = perRun<{ account?: Promise<Account> }>(() => ({}));

/** The secrets to mask in what the context shows: none when its credential cannot be read. */
export async function secretsOf(context: AnyContext): Promise<string[]> {
	try {
		return (await accountOf(context)).secrets;
	} catch {
		return [];
	}
}

export async function accountOf(context: AnyContext): Promise<Account> {
	const state = 'getExecuteData' in context ? accountOfRun(context) : undefined;
	if (!state) return await readAccount(context);
	state.account ??= readAccount(context);
	return await state.account;
}

async function readAccount(context: AnyContext): Promise<Account> {
	const { baseUrl, apiToken, rateLimit } = await context.getCredentials<Credential>(CREDENTIAL_TYPE);
	// Spaces, a trailing slash and a trailing /v1 (as OpenAI-compatible clients take it) are dropped.
	const trimmed = apiRootOf(baseUrl).root;
	const origin = originOfBaseUrl(context, trimmed);
	const pacer = pacerFor(trimmed, apiToken, positive(rateLimit));
	const nodeCap = numberParameter(context, 'options.maxRequestsPerSecond');
	const node = context.getNode();
	const key = capKey(trimmed, apiToken, String(context.getWorkflow().id ?? ''), node.id ?? node.name);
	return {
		baseUrl: trimmed,
		origin,
		timeoutMs: numberParameter(context, 'requestOptions.timeout') ?? API_TIMEOUT_MS,
		pacer,
		gate: nodeCap === undefined ? pacer : capFor(pacer, key, nodeCap),
		secrets: [String(apiToken ?? '').trim()].filter(Boolean),
	};
}

/** The Base URL's origin; a Base URL that is not an http(s) address fails before anything is sent. */
function originOfBaseUrl(context: AnyContext, baseUrl: string): string {
	let url: URL | undefined;
	try {
		url = new URL(baseUrl);
	} catch {
		url = undefined;
	}
	if (!url || !['http:', 'https:'].includes(url.protocol)) {
		throw new NodeOperationError(context.getNode(), `Base URL "${baseUrl}" is not a web address`, {
			description:
				"Set Base URL in the GPT.GE API credential to the API's address with http:// or https://, e.g. https://api.gpt.ge. Nothing was sent to GPT.GE.",
		});
	}
	return url.origin;
}

/**
 * What every request to the account carries, whoever builds it: the Base URL, the attempt's
 * timeout and the execution's signal. Redirects are followed (or refused) by the request layer
 * itself, on every n8n version: n8n-core before 1.122.18 puts the token back on any redirect.
 */
export function requestOptionsFor(
	account: Account,
	attempt: { timeout: number; signal?: AbortSignal; redirectTo?: string },
): IHttpRequestOptions {
	return {
		url: attempt.redirectTo ?? '',
		baseURL: account.baseUrl,
		timeout: attempt.timeout,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
		json: true,
		...(attempt.signal ? { abortSignal: attempt.signal } : {}),
	};
}
