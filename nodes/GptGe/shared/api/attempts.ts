import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IN8nHttpFullResponse,
	type JsonObject,
} from 'n8n-workflow';
import { addToDescription, setDescription } from '../errors';
import type { Account, AnyContext } from './account';
import { DeadlineReached, type Pacer } from './pacer';
import { decide, NO_ATTEMPTS, type CallPolicy, type Counters, type Outcome, type Words } from './policy';

/*
 * The one loop every call goes through, API calls and downloads alike: wait for the pacer (API
 * calls), make an attempt with a timeout that never outlives the wait it is made for, and apply
 * the policy's decision (policy.ts) to what came back. A cancelled execution ends it at once.
 */

/** Shortest timeout a request made for a wait gets, even at the very end of the wait. */
const MIN_TIMEOUT_MS = 1_000;

/** Which pacer let a send go, and when: what the answer teaches is reported against it. */
export interface Ticket {
	pacer: Pacer;
	permittedAt: number;
}

/** The terms of one attempt. */
export interface Attempt {
	/** Where a redirect within the origin points; otherwise the call's own URL applies. */
	redirectTo?: string;
	timeout: number;
	signal?: AbortSignal;
	/** Set for API calls: the answer is reported with noteAnswer. */
	ticket?: Ticket;
}

/** What one attempt came to: the call's value, or a failure for the policy to judge and its error. */
export type Attempted<T> = { value: T } | { failed: Outcome; error: Error };

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

/** Tells the pacer what the API answered to the request it let go. */
export function noteAnswer({ pacer, permittedAt }: Ticket, response: IN8nHttpFullResponse) {
	if (response.statusCode === 429) pacer.refused(permittedAt, retryAfterMs(response));
	else pacer.accepted(permittedAt);
}

/** An answer that is not a success, as the policy sees it. */
export function outcomeOfAnswer(response: IN8nHttpFullResponse): Outcome {
	const header = response.headers?.location;
	const location = Array.isArray(header) ? header[0] : header;
	return {
		status: response.statusCode,
		retryAfterMs: retryAfterMs(response),
		location: typeof location === 'string' && location ? location : undefined,
		objectBody: typeof response.body === 'object' && response.body !== null,
	};
}

/** A request that got no answer, as the policy sees it: the network's error code, if any. */
export function outcomeOfNoAnswer(error: unknown): Outcome {
	for (let cause = error as { code?: unknown; cause?: unknown } | undefined; cause; ) {
		if (typeof cause.code === 'string' && /^E[A-Z_]+$/.test(cause.code)) return { noAnswer: true, code: cause.code };
		cause = cause.cause as typeof cause;
	}
	return { noAnswer: true };
}

export function itemOf(context: AnyContext): { itemIndex?: number } {
	return 'getItemIndex' in context ? { itemIndex: context.getItemIndex() } : {};
}

function cancelSignalOf(context: AnyContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

export function cancelledError(context: AnyContext, cause: unknown): NodeOperationError {
	return new NodeOperationError(context.getNode(), cause as Error, {
		message: 'The execution was cancelled',
		...itemOf(context),
	});
}

/** Errors given up on because the wait's time ran out: the wait decides what that means. */
const outOfTime = new WeakSet<Error>();

export function isOutOfTime(error: unknown): boolean {
	return error instanceof Error && outOfTime.has(error);
}

/** The error a failed call is reported with, in the policy's words. */
function errorInWords(context: AnyContext, error: Error, words: Words | undefined): Error {
	if (!words) return error;
	if ('add' in words) return addToDescription(error, words.add);
	if ('replace' in words) return setDescription(error, words.replace);
	const { message, description, json, httpCode, withCause } = words.newError;
	return new NodeApiError(context.getNode(), (json ?? error) as JsonObject, {
		message,
		description: withCause ? `${description} ${error.message}` : description,
		...(httpCode ? { httpCode } : {}),
		...itemOf(context),
	});
}

/**
 * Makes attempts at one call until one succeeds or the policy gives up. API calls wait for the
 * account's pacer before each attempt; `attempt` makes one send and says what came back.
 */
export async function attemptUntilSettled<T>(
	context: AnyContext,
	account: Account,
	policy: CallPolicy,
	attempt: (terms: Attempt) => Promise<Attempted<T>>,
): Promise<T> {
	const signal = cancelSignalOf(context);
	const deadline = policy.deadline ?? Infinity;
	let counters: Counters = NO_ATTEMPTS;
	let redirectTo: string | undefined;
	let lastError: Error | undefined;
	for (;;) {
		let ticket: Ticket | undefined;
		if (!policy.download) {
			try {
				ticket = { pacer: account.pacer, permittedAt: await account.gate.permit(policy.priority, signal, deadline) };
			} catch (error) {
				if (!(error instanceof DeadlineReached)) throw cancelledError(context, error);
				// Without an earlier failure, DeadlineReached itself: nothing failed, time ran out.
				const given = lastError ?? error;
				outOfTime.add(given);
				throw given;
			}
		}
		const timeout = Math.min(account.timeoutMs, Math.max(MIN_TIMEOUT_MS, deadline - Date.now()));
		const result = await attempt({ redirectTo, timeout, signal, ticket });
		if ('value' in result) return result.value;
		if (signal?.aborted) throw cancelledError(context, signal.reason);

		lastError = result.error;
		const url = new URL(redirectTo || '/', `${account.baseUrl}/`).href;
		const place = { url, origin: account.origin, now: Date.now(), random: Math.random() };
		const decision = decide(result.failed, policy, counters, place);
		if (decision.act === 'fail') {
			const error = errorInWords(context, result.error, decision.words);
			if (decision.outOfTime) outOfTime.add(error);
			throw error;
		}
		counters = decision.counters;
		if (decision.act === 'follow') redirectTo = decision.url;
		else if (decision.afterMs > 0) {
			try {
				await pause(decision.afterMs, signal);
			} catch (error) {
				throw cancelledError(context, error);
			}
		}
	}
}
