/*
 * What to do after one attempt of a call: send again (now or after a pause), follow a redirect,
 * or give up, and with which words. A pure function of the attempt's outcome, the call's policy
 * and its counters, so every rule is one row of a table (test/policy.test.js). The loop that
 * applies it is attempts.ts; nothing here sends, sleeps or reads the clock.
 */

/** Status checks are 'background': the pacer never lets them hold up a create or a list call. */
export type Priority = 'normal' | 'background';

/** How one call may be sent again. */
export interface CallPolicy {
	/** The call may create (and pay for) a task. */
	createsTask: boolean;
	priority: Priority;
	/** Epoch ms by which the call must be over (a wait's end), if any. */
	deadline?: number;
	/** A file downloaded from the CDN (no token, no pacing): what the error calls it, and its URL. */
	download?: { what: string; url: string };
}

/** What came back from one attempt. */
export type Outcome =
	/** An answer that is not a success: its status, Retry-After in ms, Location, whether its body is an object. */
	| { status: number; retryAfterMs?: number; location?: string; objectBody: boolean }
	/** No answer: the connection failed (`code`, e.g. ECONNREFUSED) or the request timed out. */
	| { noAnswer: true; code?: string };

/** What the call has been through so far. */
export interface Counters {
	rateLimited: number;
	failures: number;
	redirects: number;
}

export const NO_ATTEMPTS: Counters = { rateLimited: 0, failures: 0, redirects: 0 };

/** Where the call stands: its URL (for a relative Location) and the origin the token may go to. */
export interface Place {
	url: string;
	origin: string;
	/** Epoch ms now, and a number in [0, 1) for the jitter. */
	now: number;
	random: number;
}

/**
 * The words a failure is reported with: added to the error's description, in its place, or a new
 * error (with the JSON it shows, else the failed attempt's error; `withCause`: the description ends
 * with that error's message).
 */
export type Words =
	| { add: string }
	| { replace: string }
	| { newError: { message: string; description: string; json?: Record<string, string | null>; httpCode?: string; withCause?: boolean } };

export type Decision =
	| { act: 'retry'; afterMs: number; counters: Counters }
	| { act: 'follow'; url: string; counters: Counters }
	| { act: 'fail'; words?: Words; outOfTime?: boolean };

/** 429s in a row after which one call gives up. */
const MAX_RATE_LIMITED_ATTEMPTS = 12;
/** Longest Retry-After a call without a wait budget honours before it gives up. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Sends of one call that failed for a passing reason, when no wait budget bounds them. */
const MAX_TRANSIENT_ATTEMPTS = 4;
const MAX_REDIRECTS = 5;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** Network errors that happen before a request is sent: nothing can have been created. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

export const MAY_HAVE_CREATED =
	'The request reached GPT.GE (or may have) but no usable answer came back, so the video may have been ' +
	"created and paid for. It was not sent again. Check your GPT.GE account's tasks and usage before " +
	'running this row again.';
export const NOT_CREATED = 'The connection was refused before the request was sent, so nothing was created.';

/**
 * Whether a create that came to this may have made (and billed) a task: no answer after the
 * request may have gone out, or a server error. A 429, a redirect, a 4xx and a connection refused
 * before sending prove it did not.
 */
export function mayHaveCreated(outcome: Outcome): boolean {
	if ('noAnswer' in outcome) return !NOT_SENT_CODES.includes(outcome.code ?? '');
	return outcome.status >= 500;
}

/** Exponential back-off with jitter, never shorter than the answer's Retry-After. */
export function backoffMs(failures: number, random: number, retryAfterMs = 0): number {
	const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
	return Math.max(exponential * (0.5 + random), retryAfterMs);
}

function rateLimitedWords(attempts: number, retryAfterMs: number, policy: CallPolicy): Words {
	return {
		replace:
			`GPT.GE refused the request ${attempts} time${attempts > 1 ? 's' : ''} for its rate limit` +
			(retryAfterMs > MAX_RETRY_AFTER_MS ? ` and asked to wait ${Math.round(retryAfterMs / 1000)} s` : '') +
			(policy.createsTask ? ', so nothing was created for this item' : '') +
			". Run it again later, or set Rate Limit in the GPT.GE API credential to your plan's limit " +
			'if other workflows or queue-mode workers use the same token.',
	};
}

/** The Location as an absolute URL, or undefined when there is none that parses. */
function resolvedLocation(location: string | undefined, place: Place): string | undefined {
	if (!location) return undefined;
	try {
		return new URL(location, place.url).href;
	} catch {
		return undefined;
	}
}

function redirectedWords(status: number, to: string | undefined, place: Place, policy: CallPolicy): Words {
	const where = to ? new URL(to).origin : 'an address it did not give';
	return {
		newError: {
			json: { location: to ?? null },
			httpCode: String(status),
			message: `GPT.GE redirected the request to ${where}`,
			description:
				`The API token is sent to the Base URL's origin (${place.origin}) only, so the redirect ` +
				`(HTTP ${status}) was not followed${policy.createsTask ? ' and nothing was created' : ''}. ` +
				'If the API has moved there, change the Base URL in the GPT.GE API credential.',
		},
	};
}

/** Giving up, with the words to report it in (none: the failed attempt's own error as it is). */
const fail = (words?: Words, outOfTime = false): Decision => ({
	act: 'fail',
	...(words ? { words } : {}),
	...(outOfTime ? { outOfTime } : {}),
});

/** A pause before the next attempt, unless the limits or the wait's end say to give up. */
function retryOrGiveUp(afterMs: number, counters: Counters, policy: CallPolicy, place: Place, words?: Words): Decision {
	if (counters.failures >= MAX_TRANSIENT_ATTEMPTS && policy.deadline === undefined) return fail(words);
	if (place.now + afterMs >= (policy.deadline ?? Infinity)) return fail(words, true);
	return { act: 'retry', afterMs, counters };
}

/** A download from the CDN: no token, redirects followed by the client; passing failures retried. */
function decideDownload(
	outcome: Outcome,
	policy: CallPolicy,
	{ what, url }: NonNullable<CallPolicy['download']>,
	counters: Counters,
	place: Place,
): Decision {
	const status = 'status' in outcome ? outcome.status : undefined;
	const passing = status === undefined || status === 429 || status >= 500;
	const failures = counters.failures + 1;
	if (!passing || failures >= MAX_TRANSIENT_ATTEMPTS) {
		return fail({ newError: { message: `Could not download ${what}`, description: `Downloading ${url} failed:`, withCause: true } });
	}
	return retryOrGiveUp(backoffMs(failures, place.random), { ...counters, failures }, policy, place);
}

/** The decision after an attempt that did not succeed. */
export function decide(outcome: Outcome, policy: CallPolicy, counters: Counters, place: Place): Decision {
	if (policy.download) return decideDownload(outcome, policy, policy.download, counters, place);
	if ('noAnswer' in outcome) {
		if (policy.createsTask && mayHaveCreated(outcome)) return fail({ add: MAY_HAVE_CREATED });
		const failures = counters.failures + 1;
		const words: Words | undefined = policy.createsTask ? { replace: NOT_CREATED } : undefined;
		return retryOrGiveUp(backoffMs(failures, place.random), { ...counters, failures }, policy, place, words);
	}
	const { status, retryAfterMs } = outcome;
	if (status === 429) {
		// Refused before anything was done: safe to send again, creates included. The pacer holds
		// every request of the account until Retry-After has passed, so no pause of its own.
		const rateLimited = counters.rateLimited + 1;
		const tooLong = (retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS;
		// A wait's own budget bounds its retries; other calls give up after a while.
		if (policy.deadline === undefined && (rateLimited >= MAX_RATE_LIMITED_ATTEMPTS || tooLong)) {
			return fail(rateLimitedWords(rateLimited, retryAfterMs ?? 0, policy));
		}
		return retryOrGiveUp(0, { ...counters, rateLimited }, policy, place);
	}
	if (status >= 300 && status < 400) {
		const to = resolvedLocation(outcome.location, place);
		const redirects = counters.redirects + 1;
		if (!to || new URL(to).origin !== place.origin || redirects > MAX_REDIRECTS) {
			return fail(redirectedWords(status, to, place, policy));
		}
		return { act: 'follow', url: to, counters: { ...counters, redirects } };
	}
	const passing = status >= 500 || !outcome.objectBody;
	if (!policy.createsTask && passing) {
		const failures = counters.failures + 1;
		return retryOrGiveUp(backoffMs(failures, place.random, retryAfterMs), { ...counters, failures }, policy, place);
	}
	return fail(policy.createsTask && mayHaveCreated(outcome) ? { add: MAY_HAVE_CREATED } : undefined);
}
