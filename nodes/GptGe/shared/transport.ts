import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type DeclarativeRestApiSettings,
	type IDataObject,
	type IExecutePaginationFunctions,
	type IExecuteSingleFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IN8nHttpFullResponse,
	type INodeExecutionData,
	type INodePropertyRouting,
	type JsonObject,
	type PostReceiveAction,
	type PreSendAction,
} from 'n8n-workflow';
import { apiErrorOf, type AnswerCheck } from './apiResponse';
import { taskOfItem, uploadsOfItem, withLedger } from './ledger';
import { DeadlineReached, pacerFor, type Pacer, type Priority } from './pacer';
import { perRun } from './run';
import type { RequestCheck } from './validation';

/*
 * The one door to GPT.GE. Every request of the node goes through here, routed ones (Generate,
 * Get Task, Voice → List) and direct ones (status checks, the voice picker, the video
 * download), and this module alone decides where a request may go, how long it may take, when
 * it is sent (pacing) and whether it is sent again (retries):
 *
 * - The token goes to the origin of the credential's Base URL only. Redirects are never
 *   followed by the HTTP client (n8n-core before 1.122.18 puts the token back on any
 *   redirect); a redirect within the origin is followed here, one to another origin is an error.
 * - Every request has a timeout; one made for a wait never outlives that wait.
 * - All requests to one account share one adaptive pacer (see pacer.ts).
 * - A request that may have created a task is never repeated: only a 429 or a connection that
 *   was refused before anything was sent prove that nothing was created. Reads are retried on
 *   passing failures, with back-off and jitter.
 */

const CREDENTIAL_TYPE = 'gptGeApi';

/** Timeout of one request unless the user set Request Options → Timeout. */
const API_TIMEOUT_MS = 60_000;
/** Shortest timeout a request made for a wait gets, even at the very end of the wait. */
const MIN_TIMEOUT_MS = 1_000;
/** 429s in a row after which one request gives up. */
const MAX_RATE_LIMITED_ATTEMPTS = 12;
/** Longest Retry-After a request without a wait budget honours before it gives up. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Sends of one read that failed for a passing reason, when no wait budget bounds them. */
const MAX_TRANSIENT_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
const MAX_REDIRECTS = 5;
/** Network errors that happen before a request is sent: nothing can have been created. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

type AnyContext = IExecuteSingleFunctions | ILoadOptionsFunctions;

/** How one call may be retried and paced. */
export interface CallPolicy {
	/** The call may create (and pay for) a task. */
	createsTask: boolean;
	/** Status checks are 'background': they never hold up a create or a list call. */
	priority: Priority;
	/** Epoch ms by which the call must be over (a wait's end), if any. */
	deadline?: number;
}

interface Account {
	baseUrl: string;
	origin: string;
	pacer: Pacer;
	timeoutMs: number;
}

function numberParameter(context: AnyContext, name: string): number | undefined {
	let value: unknown;
	try {
		value = context.getNodeParameter(name, undefined);
	} catch {
		return undefined; // not a parameter of this operation or context
	}
	return typeof value === 'number' && value > 0 ? value : undefined;
}

// One account per run: the credential is read once, not per request.
const accountOfRun = perRun<{ account?: Promise<Account> }>(() => ({}));

async function accountOf(context: AnyContext): Promise<Account> {
	const state = 'getExecuteData' in context ? accountOfRun(context) : undefined;
	if (!state) return await readAccount(context);
	state.account ??= readAccount(context);
	return await state.account;
}

async function readAccount(context: AnyContext): Promise<Account> {
	const { baseUrl, apiToken } = await context.getCredentials<{ baseUrl: string; apiToken: string }>(
		CREDENTIAL_TYPE,
	);
	const trimmed = String(baseUrl ?? '').trim().replace(/\/+$/, '');
	return {
		baseUrl: trimmed,
		origin: originOfBaseUrl(context, trimmed),
		pacer: pacerFor(trimmed, apiToken, numberParameter(context, 'options.maxRequestsPerSecond')),
		timeoutMs: numberParameter(context, 'requestOptions.timeout') ?? API_TIMEOUT_MS,
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

function cancelSignalOf(context: AnyContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/**
 * Waits `ms`, or until the execution is cancelled (then rejects). n8n 1.x's `sleep` ignores its
 * signal, so the signal is also listened to here.
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw signal.reason;
	let onAbort = () => {};
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Retry-After in milliseconds (seconds or an HTTP date), undefined when absent. */
function retryAfterMs(response: IN8nHttpFullResponse): number | undefined {
	const header = response.headers?.['retry-after'];
	const value = String((Array.isArray(header) ? header[0] : header) ?? '');
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function networkCodeOf(error: unknown): string | undefined {
	for (let cause = error as { code?: unknown; cause?: unknown } | undefined; cause; ) {
		if (typeof cause.code === 'string' && /^E[A-Z_]+$/.test(cause.code)) return cause.code;
		cause = cause.cause as typeof cause;
	}
	return undefined;
}

/** The API could not answer properly for a passing reason: worth asking again (reads only). */
function isPassingFailure(response: IN8nHttpFullResponse): boolean {
	const { statusCode, body } = response;
	return statusCode >= 500 || typeof body !== 'object' || body === null;
}

function backoffMs(failures: number, response?: IN8nHttpFullResponse): number {
	const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
	const jittered = exponential * (0.5 + Math.random());
	return Math.max(jittered, (response && retryAfterMs(response)) ?? 0);
}

/** Which pacer let a send go, and when: what the answer teaches is reported against it. */
interface Ticket {
	pacer: Pacer;
	permittedAt: number;
}

/** One send's outcome: a good answer, a bad answer, or no answer at all. */
type Outcome<T> =
	| { value: T }
	| { response: IN8nHttpFullResponse; error: NodeApiError }
	| { noAnswer: Error };

/** Options every request to the API carries, whoever builds it. */
function apiRequestOptions(account: Account, timeout: number, signal?: AbortSignal): IHttpRequestOptions {
	return {
		url: '',
		baseURL: account.baseUrl,
		timeout,
		// Redirects are followed (or refused) by the door itself, on every n8n version.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
		json: true,
		...(signal ? { abortSignal: signal } : {}),
	};
}

function cancelledError(context: AnyContext, cause: unknown): NodeOperationError {
	return new NodeOperationError(context.getNode(), cause as Error, {
		message: 'The execution was cancelled',
		...itemOf(context),
	});
}

function itemOf(context: AnyContext): { itemIndex?: number } {
	return 'getItemIndex' in context ? { itemIndex: context.getItemIndex() } : {};
}

/** Errors the door gave up on because the wait's time ran out: the wait decides what that means. */
const outOfTime = new WeakSet<Error>();

export function isOutOfTime(error: unknown): boolean {
	return error instanceof Error && outOfTime.has(error);
}

/**
 * Sends one call through the policy. `send(options)` makes one attempt with the door's request
 * options merged in and reports what came back; the pacer learns from every answer.
 */
async function callApi<T>(
	context: AnyContext,
	policy: CallPolicy,
	send: (options: IHttpRequestOptions, ticket: Ticket) => Promise<Outcome<T>>,
): Promise<T> {
	const account = await accountOf(context);
	const signal = cancelSignalOf(context);
	const deadline = policy.deadline ?? Infinity;
	let redirectTo: string | undefined;
	let redirects = 0;
	let rateLimited = 0;
	let failures = 0;
	let lastError: Error | undefined;

	const giveUp = (error: Error): Error => {
		if (policy.deadline !== undefined) outOfTime.add(error);
		return error;
	};

	for (;;) {
		let permittedAt: number;
		try {
			permittedAt = await account.pacer.permit(policy.priority, signal, deadline);
		} catch (error) {
			if (error instanceof DeadlineReached) {
				// Without an earlier failure, DeadlineReached itself: nothing failed, time ran out.
				throw giveUp(lastError ?? error);
			}
			throw cancelledError(context, error);
		}
		const timeout = Math.min(account.timeoutMs, Math.max(MIN_TIMEOUT_MS, deadline - Date.now()));
		const options = apiRequestOptions(account, timeout, signal);
		if (redirectTo) options.url = redirectTo;

		const outcome = await send(options, { pacer: account.pacer, permittedAt });
		if ('value' in outcome) return outcome.value;
		if (signal?.aborted) throw cancelledError(context, signal.reason);

		let waitMs: number;
		if ('response' in outcome) {
			const { response, error } = outcome;
			lastError = error;
			if (response.statusCode === 429) {
				// Refused before anything was done: safe to send again, creates included.
				rateLimited++;
				const retryAfter = retryAfterMs(response) ?? 0;
				// A wait's own budget bounds its retries; other calls give up after a while.
				if (!policy.deadline && (rateLimited >= MAX_RATE_LIMITED_ATTEMPTS || retryAfter > MAX_RETRY_AFTER_MS)) {
					throw rateLimitedError(error, rateLimited, retryAfter, policy);
				}
				// The pacer holds every request of this account until Retry-After has passed.
				waitMs = 0;
			} else if (response.statusCode >= 300 && response.statusCode < 400) {
				const location = redirectLocation(response, options, account);
				if (!location || new URL(location).origin !== account.origin || ++redirects > MAX_REDIRECTS) {
					throw redirectError(context, response, location, account, policy);
				}
				redirectTo = location;
				continue;
			} else if (!policy.createsTask && isPassingFailure(response)) {
				failures++;
				waitMs = backoffMs(failures, response);
			} else {
				throw policy.createsTask && response.statusCode >= 500 ? mayHaveCreated(error) : error;
			}
		} else {
			const code = networkCodeOf(outcome.noAnswer);
			lastError = outcome.noAnswer;
			if (policy.createsTask && !NOT_SENT_CODES.includes(code ?? '')) {
				throw mayHaveCreated(outcome.noAnswer);
			}
			if (policy.createsTask) notCreated(outcome.noAnswer);
			failures++;
			waitMs = backoffMs(failures);
		}
		if (failures >= MAX_TRANSIENT_ATTEMPTS && !policy.deadline) throw lastError;
		if (Date.now() + waitMs >= deadline) throw giveUp(lastError);
		if (waitMs > 0) {
			try {
				await pause(waitMs, signal);
			} catch (error) {
				throw cancelledError(context, error);
			}
		}
	}
}

function redirectLocation(
	response: IN8nHttpFullResponse,
	options: IHttpRequestOptions,
	account: Account,
): string | undefined {
	const header = response.headers?.location;
	const location = Array.isArray(header) ? header[0] : header;
	if (typeof location !== 'string' || !location) return undefined;
	try {
		return new URL(location, new URL(options.url || '/', `${account.baseUrl}/`)).href;
	} catch {
		return undefined;
	}
}

function redirectError(
	context: AnyContext,
	response: IN8nHttpFullResponse,
	location: string | undefined,
	account: Account,
	policy: CallPolicy,
): NodeApiError {
	const where = location ? new URL(location).origin : 'an address it did not give';
	return new NodeApiError(context.getNode(), { location: location ?? null } as JsonObject, {
		message: `GPT.GE redirected the request to ${where}`,
		description:
			`The API token is sent to the Base URL's origin (${account.origin}) only, so the redirect ` +
			`(HTTP ${response.statusCode}) was not followed${policy.createsTask ? ' and nothing was created' : ''}. ` +
			'If the API has moved there, change the Base URL in the GPT.GE API credential.',
		httpCode: String(response.statusCode),
		...itemOf(context),
	});
}

function rateLimitedError(
	error: NodeApiError,
	attempts: number,
	retryAfter: number,
	policy: CallPolicy,
): NodeApiError {
	error.description =
		`GPT.GE refused the request ${attempts} time${attempts > 1 ? 's' : ''} for its rate limit` +
		(retryAfter > MAX_RETRY_AFTER_MS ? ` and asked to wait ${Math.round(retryAfter / 1000)} s` : '') +
		(policy.createsTask ? ', so nothing was created for this item' : '') +
		'. Run it again later, or lower Options → Max Requests per Second ' +
		'(in queue mode: on each worker) if other workflows or workers use the same token.';
	return error;
}

/** A create that failed after it was sent: the task may exist, and is not sent again. */
function mayHaveCreated<E extends Error>(error: E): E {
	const note =
		'The request reached GPT.GE (or may have) but no usable answer came back, so the video may have been ' +
		'created and paid for. It was not sent again. Check your GPT.GE account\'s tasks and usage before ' +
		'running this row again.';
	const withDescription = error as E & { description?: string | null };
	withDescription.description = [withDescription.description, note].filter(Boolean).join(' ');
	return error;
}

/** A create whose connection was refused: nothing reached GPT.GE. */
function notCreated(error: Error) {
	const withDescription = error as Error & { description?: string | null };
	withDescription.description = 'The connection was refused before the request was sent, so nothing was created.';
}

function noteAnswer({ pacer, permittedAt }: Ticket, response: IN8nHttpFullResponse) {
	if (response.statusCode === 429) pacer.refused(permittedAt, retryAfterMs(response));
	else pacer.accepted();
}

/**
 * A call to the API outside the routing (status checks, the voice picker, uploads). Resolves with
 * an answer that `isSuccess` accepts (by default one with `code: "success"`), or rejects with the
 * API's error once the policy gives up. Never a create: a passing failure sends it again, so a
 * body must be one that can be sent twice (see files.ts).
 */
export async function apiCall(
	context: AnyContext,
	method: 'GET' | 'POST',
	path: string,
	policy: Omit<CallPolicy, 'createsTask'> & {
		qs?: IDataObject;
		body?: unknown;
		headers?: IDataObject;
		isSuccess?: AnswerCheck;
	},
): Promise<IN8nHttpFullResponse> {
	const { qs, body, headers, isSuccess, ...callPolicy } = policy;
	return await callApi<IN8nHttpFullResponse>(context, { ...callPolicy, createsTask: false }, async (options, ticket) => {
		const request: IHttpRequestOptions = {
			...options,
			method,
			url: options.url || path,
			qs,
			...(body === undefined ? {} : { body }),
			...(headers ? { headers } : {}),
		};
		let response: IN8nHttpFullResponse;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				request,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			return { noAnswer: error as Error };
		}
		noteAnswer(ticket, response);
		const error = apiErrorOf(context.getNode(), response, itemOf(context).itemIndex, isSuccess);
		return error ? { response, error } : { value: response };
	});
}

/** A GET on the API outside the routing (see apiCall). */
export async function apiGet(
	context: AnyContext,
	path: string,
	policy: Omit<CallPolicy, 'createsTask'> & { qs?: IDataObject; isSuccess?: AnswerCheck },
): Promise<IN8nHttpFullResponse> {
	return await apiCall(context, 'GET', path, policy);
}

/*
 * Routed requests. The routing builds a request per item; n8n-core hands it to the operation's
 * `requestOperations.pagination` function (with `send.paginate` on), the one hook where a
 * declarative node makes the call itself, through `makeRoutingRequest`, which sends it and runs
 * the postReceive steps. `checkApiAnswer`, the first of those steps, tells the door what the API
 * answered, so that only the answer to this very request can cause it to be sent again.
 */

interface Attempt extends Ticket {
	response?: IN8nHttpFullResponse;
	error?: NodeApiError;
}

// Per run and item: the attempt in flight.
const attemptsOf = perRun(() => new Map<number, Attempt>());

/** First postReceive step of every operation: reports the answer, then throws if it is a failure. */
function answerCheckStep(isSuccess?: AnswerCheck) {
	return async function checkApiAnswer(
		this: IExecuteSingleFunctions,
		items: INodeExecutionData[],
		response: IN8nHttpFullResponse,
	): Promise<INodeExecutionData[]> {
		const error = apiErrorOf(this.getNode(), response, this.getItemIndex(), isSuccess);
		const attempt = attemptsOf(this)?.get(this.getItemIndex());
		if (attempt) {
			Object.assign(attempt, { response, error });
			noteAnswer(attempt, response);
		}
		if (error) throw error;
		return items;
	};
}

/**
 * An operation's routing, sent through the door: the engine's pagination hook hands the request
 * to `sendThroughDoor`, and `checkApiAnswer` comes before the operation's own postReceive steps.
 */
export function routedThroughDoor(
	call: RoutedCall,
	routing: { request: INodePropertyRouting['request']; preSend?: PreSendAction[]; postReceive: PostReceiveAction[] },
): INodePropertyRouting {
	return {
		request: routing.request,
		send: { paginate: true, ...(routing.preSend ? { preSend: routing.preSend } : {}) },
		operations: { pagination: sendThroughDoor(call) },
		output: { postReceive: [answerCheckStep(call.isSuccess), ...routing.postReceive] },
	};
}

/** A request as the routing built it. */
export type RoutedRequest = DeclarativeRestApiSettings.HttpRequestOptions;

/** What an operation's request is, for the door. */
export interface RoutedCall {
	createsTask: boolean;
	/** Refuses an item's input before anything is sent (see validation.ts). */
	checkInput?: RequestCheck;
	/** What a successful answer looks like, if not `code: "success"` (the billing endpoints). */
	isSuccess?: AnswerCheck;
	/**
	 * Work the request needs once its item's input is checked and before it is sent, such as
	 * uploading the item's files (see files.ts). Runs once per item: a retry does not repeat it.
	 */
	prepare?: (context: IExecuteSingleFunctions, request: RoutedRequest) => Promise<RoutedRequest>;
}

/** The error as n8n shows it, naming the item. */
export function asNodeError(
	context: IExecuteSingleFunctions,
	error: unknown,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= context.getItemIndex();
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex: context.getItemIndex() });
}

/**
 * The `requestOperations.pagination` function of an operation: sends its routed request through
 * the door. A failed item becomes an error item paired with its row under Continue On Fail
 * (with the task ID if one was created, and the URLs of files it uploaded); otherwise its error lists the tasks the run created.
 */
function sendThroughDoor(call: RoutedCall) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const itemIndex = this.getItemIndex();
		try {
			const problem = await call.checkInput?.(this, requestData.options);
			if (problem) throw problem;
			if (call.prepare) requestData.options = await call.prepare(this, requestData.options);
			// A GET creates nothing, whatever the operation (Generate resuming a task reads it).
			const createsTask = call.createsTask && String(requestData.options.method ?? 'GET').toUpperCase() !== 'GET';
			return await callApi<INodeExecutionData[]>(this, { createsTask, priority: 'normal' }, async (options, ticket) => {
				const attempt: Attempt = { ...ticket };
				attemptsOf(this)?.set(itemIndex, attempt);
				const { url, ...policyOptions } = options;
				try {
					const items = await this.makeRoutingRequest({
						...requestData,
						options: { ...requestData.options, ...policyOptions, ...(url ? { url } : {}) },
					});
					return { value: items };
				} catch (error) {
					if (attempt.error && attempt.error === error) return { response: attempt.response!, error: attempt.error };
					if (!attempt.response) return { noAnswer: error as Error };
					// A later step (waiting, downloading) failed: final, never a reason to send again.
					throw asNodeError(this, error);
				}
			});
		} catch (error) {
			const nodeError = asNodeError(this, error);
			if (this.continueOnFail()) {
				// n8n's engine replaces the JSON of an item that carries `error` with { error: message },
				// dropping the why and the task ID. Without it, and with only keys n8n's error output
				// recognises (error, details), the item keeps both and still reaches that output.
				const taskId = taskOfItem(this);
				const uploaded = uploadsOfItem(this);
				const details = {
					...(nodeError.description ? { description: nodeError.description } : {}),
					...(taskId ? { taskId } : {}),
					...(uploaded ? { uploaded } : {}),
				};
				const json: IDataObject = { error: nodeError.message, ...(Object.keys(details).length ? { details } : {}) };
				return [{ json, pairedItem: { item: itemIndex } }];
			}
			throw withLedger(this, nodeError);
		} finally {
			attemptsOf(this)?.delete(itemIndex);
		}
	};
}

/**
 * Downloads a file (the finished video) as a stream: no token (it comes from a CDN), redirects
 * followed, a timeout per request, passing failures retried a few times. A relative path is
 * the API's own, on the Base URL. `what` names the file in the error.
 */
export async function downloadStream(
	context: IExecuteSingleFunctions,
	path: string,
	what: string,
): Promise<unknown> {
	const { baseUrl, timeoutMs } = await accountOf(context);
	const url = /^https?:\/\//i.test(path) ? path : `${baseUrl}/${path.replace(/^\/+/, '')}`;
	const signal = cancelSignalOf(context);
	for (let failures = 1; ; failures++) {
		try {
			// httpRequest, not httpRequestWithAuthentication: the video host never gets the token.
			return await context.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				timeout: timeoutMs,
				...(signal ? { abortSignal: signal } : {}),
			});
		} catch (error) {
			if (signal?.aborted) throw cancelledError(context, error);
			const status = (error as { response?: { status?: number } }).response?.status;
			const passing = status === undefined || status === 429 || status >= 500;
			if (!passing || failures >= MAX_TRANSIENT_ATTEMPTS) {
				throw new NodeApiError(context.getNode(), error as JsonObject, {
					message: `Could not download ${what}`,
					description: `Downloading ${url} failed: ${(error as Error).message}`,
					itemIndex: context.getItemIndex(),
				});
			}
			try {
				await pause(backoffMs(failures), signal);
			} catch (abort) {
				throw cancelledError(context, abort);
			}
		}
	}
}
