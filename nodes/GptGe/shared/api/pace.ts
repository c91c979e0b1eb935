/*
 * The pacer's decisions (pacer.ts applies them): how fast to send, what a 429 teaches and how
 * long it pauses. Pure functions of the pace so far and what happened, so every rule is a row of
 * a table (test/pace.test.js); nothing here reads the clock or draws a random number.
 *
 * The model: the gateway counts a token's requests in a sliding one-second window (the stand-in
 * does; a 429 with none of this process's requests in that window waits the whole Retry-After).
 * Before anything is refused the rate triples every second. A 429 says the window was full: what
 * this process had in it is the limit, or its share of it when other workers use the same token.
 * The pacer then runs just under that, and from then on no window holds more of this process's
 * requests than that whole number (a ramp or a burst leaves a window full at its end; three workers at 6.5 a
 * second each would put 6 or 7 each into a window, by chance 21 together). Ten seconds after a
 * cut it probes upwards, slowly at first and faster the longer nothing is refused, so a share
 * freed by a worker that finished is taken up; the wait, because with workers sharing a limit
 * every step up of one of them refuses a request of someone's. The pause after a 429 lasts until
 * the oldest request this process had in the window leaves it, never longer than Retry-After, as
 * long as the gateway bears that model out: a 429 for a request let go in such a shortened pause
 * (before its Retry-After would have ended), twice in a row, says the gateway does not count that
 * way, and every pause after it lasts all of Retry-After. Once is not enough: requests granted
 * before a stall of this process's event loop (a garbage collection) reach the gateway together
 * after it, and one of them can be refused in any pause.
 */

/** Requests per second before anything is known about the limit. */
export const START_RATE = 20;
const MIN_RATE = 0.2;
/** Before the first 429: the rate grows by this many per accepted request (× 3 a second). */
const SLOW_START_STEP = 2;
/** After a 429: this share of what the window held, so arrival jitter does not tip it over. */
const MARGIN = 0.02;
/** A 429 with none of this process's requests in the window: this share of the rate. */
const NOTHING_COUNTED_CUT = 0.8;
/** Probing above the estimate: this share of it per second at first, doubling every PROBE_DOUBLING_MS. */
const PROBE_START = 0.0005;
const PROBE_DOUBLING_MS = 1_000;
/** Probing starts this long after a cut. */
const PROBE_HOLD_MS = 10_000;
/** Probing adds at most this share of the rate a second. */
const PROBE_MAX_GROWTH = 0.5;
/** A little over a second: requests reach the gateway a few ms after their permit. */
export const WINDOW_MS = 1_020;
/** Early pauses disproved in a row (see Pace.disproofs) before every pause lasts all of Retry-After. */
const DISPROOFS_FOR_WHOLE_PAUSES = 2;
/** Pause after a 429 without Retry-After. */
const DEFAULT_PAUSE_MS = 1_000;
/** A rate this close under a whole number of requests a window lets that number go. */
const WHOLE_SLACK = 0.05;
/** At the user's limit (the credential's Rate Limit, a node's cap): a little slack for jitter. */
const CAPPED_SLACK = 1.03;

export interface Pace {
	/** Permits per second now. */
	rate: number;
	/** What the last 429 taught: the requests per second this process may send (its share). */
	limit?: number;
	/** A known limit (the credential's Rate Limit, a node's cap): never exceeded, never learnt. */
	maximum?: number;
	/** Epoch ms of the last cut (0: none yet). */
	cutAt: number;
	/** The last pause ended before its Retry-After did, which was then: a 429 for a request let go before it disproves the early end. */
	earlyUntil?: number;
	/** Early ends disproved in a row: a 429 for a request let go before `earlyUntil`; one let go after it resets the count. */
	disproofs?: number;
	/** Early ends were disproved DISPROOFS_FOR_WHOLE_PAUSES times in a row: every pause lasts all of Retry-After. */
	wholePauses?: true;
}

/** A 429 as the pacer saw it. */
export interface Refusal {
	now: number;
	/** When the refused request was let go. */
	permittedAt: number;
	retryAfterMs?: number;
	/** This process's requests the gateway counted in the window before the refused one. */
	counted: number;
	/** When the answer to the oldest of them came back: the gateway counted it before then (undefined: none, or no answer yet). */
	oldestAnsweredAt?: number;
}

export const startPace = (maximum?: number): Pace => ({ rate: maximum ?? START_RATE, maximum, cutAt: 0 });

const capped = (pace: Pace, rate: number): Pace => ({ ...pace, rate: Math.min(Math.max(rate, MIN_RATE), pace.maximum ?? Infinity) });

/** A new known limit (or none: learn it); what was learnt stays. */
export function withMaximum(pace: Pace, maximum: number | undefined): Pace {
	if (maximum === pace.maximum) return pace;
	return { ...pace, maximum, rate: maximum ?? Math.min(pace.rate, pace.limit ?? START_RATE) };
}

/** The pace after a request was answered with something other than 429, `now`. */
export function afterAccepted(pace: Pace, now: number): Pace {
	if (pace.limit === undefined) return capped(pace, pace.rate + SLOW_START_STEP);
	const target = pace.limit * (1 - MARGIN);
	// Back to just under the limit within a fifth of a second.
	if (pace.rate < target) return capped(pace, Math.min(target, pace.rate + pace.limit / 5 / Math.max(pace.rate, 1)));
	// Probing: after a hold, per second a share of the limit that doubles every second without a
	// 429; one accepted request adds its part of that second; at least as fast as at START_RATE, so
	// a small share grows back as fast as a large one. The hold: with other workers every step up
	// refuses a request of someone's (three probing from the cut on refused 3.5 % of their
	// requests); alone, the limit was just found. Never more than half the rate a second: one not
	// refused for long does not take the others' shares in a few leaps, each refusing one of them.
	const probingFrom = pace.cutAt + PROBE_HOLD_MS;
	if (now < probingFrom) return pace;
	const probe = Math.max(pace.limit, START_RATE) * PROBE_START * 2 ** ((now - probingFrom) / PROBE_DOUBLING_MS);
	const perSecond = Math.min(probe, PROBE_MAX_GROWTH * pace.rate);
	return capped(pace, pace.rate + perSecond / pace.rate);
}

/**
 * The pace after a 429, and until when every request waits. A 429 for a request let go before
 * the last cut is part of the same event, which the cut already paused for. What the window held
 * of ours is the new limit: the refused request would have been one more, so a worker refused
 * within its share gives up one request a window, the room another worker probed into.
 */
export function afterRefused(pace: Pace, refusal: Refusal): { pace: Pace; pausedUntil: number } {
	const { now, permittedAt, retryAfterMs = DEFAULT_PAUSE_MS, counted, oldestAnsweredAt } = refusal;
	const retryAt = now + retryAfterMs;
	if (permittedAt < pace.cutAt) return { pace, pausedUntil: 0 };
	// Nothing of ours in the window: others fill it; a fifth less than we sent is a guess.
	const limit = Math.max(MIN_RATE, counted > 0 ? counted : pace.rate * NOTHING_COUNTED_CUT);
	const disproofs = permittedAt < (pace.earlyUntil ?? 0) ? (pace.disproofs ?? 0) + 1 : 0;
	const wholePauses = pace.wholePauses ?? (disproofs >= DISPROOFS_FOR_WHOLE_PAUSES || undefined);
	// Counted when it arrived, which was before its answer came back: a bound a busy event loop
	// (a request let go, then sent late) cannot push the wrong way.
	const freesAt = oldestAnsweredAt === undefined ? retryAt : oldestAnsweredAt + WINDOW_MS;
	const pausedUntil = counted === 0 || wholePauses ? retryAt : Math.min(retryAt, Math.max(now, freesAt));
	const rest: Pace = { ...pace };
	delete rest.earlyUntil;
	delete rest.wholePauses;
	delete rest.disproofs;
	const next: Pace = {
		...rest,
		limit,
		cutAt: now,
		...(pausedUntil < retryAt ? { earlyUntil: retryAt } : {}),
		...(wholePauses ? { wholePauses } : disproofs ? { disproofs } : {}),
	};
	return { pace: capped(next, limit * (1 - MARGIN)), pausedUntil };
}

/** Sending at the known limit (the credential's Rate Limit, a node's cap). */
export const atMaximum = (pace: Pace): boolean => pace.maximum !== undefined && pace.rate >= pace.maximum;

/**
 * After a cut: when the next permit keeps this process's permits (`sentAt`, oldest first) in any
 * WINDOW_MS at a whole number: the learnt limit (in a window 2 % longer than the gateway's, so at
 * 98 % of it, the pace the interval keeps), or when probing above it what the rate lets go in
 * one. After a ramp or a burst the gateway's window holds more requests at its end than the rate
 * spaces out, and frees them in that order; and workers sharing a limit stay within it only if
 * each window holds a whole number of each one's requests, not 6 in one and 7 in the next.
 * Back at the known maximum, the interval alone, as before any cut: it keeps under the maximum,
 * and a whole number would hold a fractional one (a Rate Limit of 20 ÷ 3 workers) at 6 for good.
 */
export function windowFreesAt(sentAt: readonly number[], pace: Pace): number {
	if (!pace.cutAt || atMaximum(pace)) return 0;
	// Up to the learnt limit, the limit; probing above it, what the rate lets go in a window.
	const perWindow = pace.limit !== undefined && pace.rate <= pace.limit ? pace.limit : (pace.rate * WINDOW_MS) / 1000;
	const allowed = Math.max(1, Math.floor(perWindow + WHOLE_SLACK));
	return sentAt.length < allowed ? 0 : sentAt[sentAt.length - allowed] + WINDOW_MS;
}

/** Milliseconds between two permits. */
export function intervalOf(pace: Pace): number {
	return (1000 / pace.rate) * (atMaximum(pace) ? CAPPED_SLACK : 1);
}

/**
 * What the gateway counted of this process's requests in the window before the one let go at
 * `permittedAt`: let go within WINDOW_MS before it and not refused. Both lists are oldest first.
 */
export function countedBefore(sentAt: readonly number[], refusedAt: readonly number[], permittedAt: number): { counted: number; oldestAt?: number } {
	const inWindow = (at: number) => at > permittedAt - WINDOW_MS && at < permittedAt;
	const refused = new Set(refusedAt.filter(inWindow));
	const counted = sentAt.filter((at) => inWindow(at) && !refused.has(at));
	return counted.length ? { counted: counted.length, oldestAt: counted[0] } : { counted: 0 };
}
