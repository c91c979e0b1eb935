import { createHash } from 'node:crypto';
import { sleep } from 'n8n-workflow';
import type { Priority } from './policy';

/*
 * Spaces out the requests to one GPT.GE account so a bulk run stays under the gateway's rate
 * limit without being told what it is. One pacer per base URL and token, shared by every item
 * and every run in this process. It learns the limit from the answers: it starts modestly and
 * doubles its rate every second while nothing is refused. On a 429 it takes as the limit what
 * it sent in the second before the refused request (what the gateway counted), pauses for
 * Retry-After (with jitter, so several workers behind one limit do not return in step), goes on
 * just below the limit and probes upwards slowly. A 429 soon after the last one means the
 * estimate was wrong (a longer window, other clients): the rate is then cut much harder.
 *
 * The credential's Rate Limit caps the account's pacer: it describes the account, so it holds for
 * every workflow. A node's Options → Max Requests per Second caps that node alone: a pacer of
 * its own at that fixed rate, in front of the account's (capFor), so it never lifts or lowers
 * another workflow's pace.
 */

/** Requests per second before anything is known about the limit. */
const START_RATE = 20;
const MIN_RATE = 0.2;
/** After a 429: this share of the learnt limit, and after a 429 soon after another one. */
const BACKOFF = 0.92;
const HARD_BACKOFF = 0.8;
/** Within this time of the last cut, another 429 calls for the hard back-off. */
const REPEAT_WINDOW_MS = 5_000;
/** The rate goes back to this share of the learnt limit quickly, then probes. */
const RECOVERED = 0.96;
/** Probing: the share of the limit added per second, plus how far above the limit it already is. */
const PROBE_SHARE_PER_SECOND = 0.001;
/** Pause after a 429 without Retry-After. */
const DEFAULT_PAUSE_MS = 1000;
/** Longest single nap of the dispatcher, so a cancelled or expired waiter leaves promptly. */
const MAX_NAP_MS = 200;


interface Waiter {
	priority: Priority;
	deadline: number;
	signal?: AbortSignal;
	grant: (permittedAt: number) => void;
	refuse: (reason: Error) => void;
}

export class DeadlineReached extends Error {
	constructor() {
		super('The wait ended before the request could be sent');
	}
}

export class Pacer {
	/** Permits per second now. */
	rate: number;

	/** The rate the API accepted when it last refused one: what was learnt about the limit. */
	limit: number | undefined;

	private maximum: number | undefined;

	private nextPermitAt = 0;

	private pausedUntil = 0;

	/** When the rate was last cut: 429s for requests permitted before it are one event. */
	private cutAt = 0;

	/** Permit times of the last second's requests, and of those the API refused. */
	private sentAt: number[] = [];

	private refusedAt: number[] = [];

	private waiters: Waiter[] = [];

	private dispatching = false;

	/** `upstream`: the pacer every permit of this one must also get (a node's cap before its account's). */
	constructor(
		maximum?: number,
		readonly upstream?: Pacer,
	) {
		this.maximum = maximum;
		this.rate = maximum ?? START_RATE;
	}

	/**
	 * Resolves with the permit time when this request may be sent. Rejects with the signal's
	 * reason when the execution is cancelled, or DeadlineReached when `deadline` passes first.
	 */
	async permit(priority: Priority, signal?: AbortSignal, deadline = Infinity): Promise<number> {
		if (signal?.aborted) throw signal.reason;
		return await new Promise<number>((resolve, reject) => {
			const onAbort = () => {
				this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
				reject(signal?.reason);
			};
			const waiter: Waiter = {
				priority,
				deadline,
				signal,
				grant: (permittedAt) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(permittedAt);
				},
				refuse: (reason) => {
					signal?.removeEventListener('abort', onAbort);
					reject(reason);
				},
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			// Normal requests go before every waiting status check, in arrival order otherwise.
			const firstBackground = this.waiters.findIndex((candidate) => candidate.priority === 'background');
			if (priority === 'normal' && firstBackground >= 0) this.waiters.splice(firstBackground, 0, waiter);
			else this.waiters.push(waiter);
			void this.dispatch();
		});
	}

	/** The known limit (the credential's Rate Limit, or a node's cap), or undefined to learn it. */
	setMaximum(maximum: number | undefined) {
		if (maximum === this.maximum) return;
		this.maximum = maximum;
		this.rate = maximum ?? Math.min(this.rate, this.limit ?? START_RATE);
	}

	/** The API answered a request with something other than 429. */
	accepted() {
		if (this.limit === undefined) {
			// Nothing refused yet: one more per accepted request doubles the rate every second.
			this.rate += 1;
		} else if (this.rate < this.limit * RECOVERED) {
			this.rate += this.limit / 50;
		} else {
			const above = Math.max(0, this.rate / this.limit - 1);
			this.rate += ((PROBE_SHARE_PER_SECOND + above) * this.limit) / this.rate;
		}
		if (this.maximum !== undefined) this.rate = Math.min(this.rate, this.maximum);
	}

	/** The API answered a request sent at `permittedAt` with 429, and Retry-After if it said. */
	refused(permittedAt: number, retryAfterMs = DEFAULT_PAUSE_MS) {
		const now = Date.now();
		const jitter = 1 + Math.random() * 0.15;
		this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs * jitter);
		this.refusedAt.push(permittedAt);
		// Requests already on their way when the rate was cut tell nothing new.
		if (permittedAt < this.cutAt) return;
		const repeated = now - this.cutAt < REPEAT_WINDOW_MS;
		this.cutAt = now;
		// A little over a second: requests reach the gateway a few ms after their permit.
		const inWindow = (at: number) => at > permittedAt - 1020 && at < permittedAt;
		const counted = this.sentAt.filter(inWindow).length - this.refusedAt.filter(inWindow).length;
		const estimate = counted > 0 ? Math.min(counted, this.rate) : this.rate;
		this.limit = Math.max(MIN_RATE, repeated ? estimate * HARD_BACKOFF : estimate);
		this.rate = Math.max(MIN_RATE, this.limit * BACKOFF);
	}

	/** Hands out permits one interval apart, in priority order, while anyone waits. */
	private async dispatch() {
		if (this.dispatching) return;
		this.dispatching = true;
		try {
			while (this.waiters.length) {
				const now = Date.now();
				this.dropExpired(now);
				if (!this.waiters.length) break;
				const due = Math.max(this.nextPermitAt, this.pausedUntil);
				if (due > now) {
					await sleep(Math.min(due - now, MAX_NAP_MS));
					continue;
				}
				const capped = this.maximum !== undefined && this.rate >= this.maximum;
				// At the user's limit: a little slack, since requests reach the gateway with some jitter.
				const interval = (1000 / this.rate) * (capped ? 1.03 : 1);
				const waiter = this.waiters.shift() as Waiter;
				let permittedAt = now;
				if (this.upstream) {
					try {
						permittedAt = await this.upstream.permit(waiter.priority, waiter.signal, waiter.deadline);
					} catch (reason) {
						waiter.refuse(reason as Error);
						continue;
					}
				}
				// Keep the schedule when a nap overslept a little (never at the user's limit), but never
				// send two at once: a burst can tip a one-second window over the limit.
				this.nextPermitAt = Math.max(this.nextPermitAt, permittedAt - (capped ? 0 : interval / 4)) + interval;
				this.sentAt.push(permittedAt);
				while (this.sentAt[0] < permittedAt - 1100) this.sentAt.shift();
				while (this.refusedAt.length && this.refusedAt[0] < permittedAt - 1100) this.refusedAt.shift();
				waiter.grant(permittedAt);
			}
		} finally {
			this.dispatching = false;
		}
	}

	private dropExpired(now: number) {
		const expired = this.waiters.filter((waiter) => waiter.deadline <= now);
		if (!expired.length) return;
		this.waiters = this.waiters.filter((waiter) => waiter.deadline > now);
		for (const waiter of expired) waiter.refuse(new DeadlineReached());
	}
}

const pacers = new Map<string, Pacer>();
const caps = new Map<string, Pacer>();

/** A digest of what names an account, so the maps hold no token. */
const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

/**
 * The pacer of one account: the same base URL and token share one, across runs. `maximum` is the
 * credential's Rate Limit (undefined: learn the limit from the answers).
 */
export function pacerFor(baseUrl: string, token: string, maximum?: number): Pacer {
	const key = keyOf(baseUrl, token);
	let pacer = pacers.get(key);
	if (!pacer) {
		pacer = new Pacer(maximum);
		pacers.set(key, pacer);
	}
	pacer.setMaximum(maximum);
	return pacer;
}

/**
 * One node's own cap (Options → Max Requests per Second) in front of its account's pacer: the
 * same node of the same workflow shares one across runs; other nodes and workflows are not slowed.
 */
export function capFor(account: Pacer, node: string, perSecond: number): Pacer {
	let cap = caps.get(node);
	if (!cap || cap.upstream !== account) {
		cap = new Pacer(perSecond, account);
		caps.set(node, cap);
	}
	cap.setMaximum(perSecond);
	return cap;
}

/** The key of a node's cap: the account, the workflow and the node. */
export function capKey(baseUrl: string, token: string, workflowId: string, nodeId: string): string {
	return keyOf(baseUrl, token, workflowId, nodeId);
}

/** Forgets what was learnt about every account (tests start each case from scratch). */
export function forgetPacers() {
	pacers.clear();
	caps.clear();
}
