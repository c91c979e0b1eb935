import { createHash } from 'node:crypto';
import { sleep } from 'n8n-workflow';
import {
	afterAccepted,
	afterRefused,
	atMaximum,
	countedBefore,
	intervalOf,
	startPace,
	WINDOW_MS,
	windowFreesAt,
	withMaximum,
	type Pace,
} from './pace';
import type { Priority } from './policy';

/*
 * Spaces out the requests to one GPT.GE account so a bulk run stays at the gateway's rate limit
 * without being told what it is. One pacer per base URL and token, shared by every item and every
 * run in this process. What it decides (how fast, what a 429 teaches, how long to pause) is
 * pace.ts's; here are the queue and the clock.
 *
 * The credential's Rate Limit caps the account's pacer: it describes the account, so it holds for
 * every workflow. A node's Options → Max Requests per Second caps that node alone: a pacer of
 * its own at that fixed rate, in front of the account's (capFor), so it never lifts or lowers
 * another workflow's pace.
 */

/** Longest single nap of the dispatcher, so a cancelled or expired waiter leaves promptly. */
const MAX_NAP_MS = 200;
/** How often the waiters are looked over for passed deadlines (the first in line at every permit). */
const SWEEP_MS = 100;

interface Waiter {
	priority: Priority;
	deadline: number;
	signal?: AbortSignal;
	/** Granted, refused or cancelled: skipped when it comes up. */
	done: boolean;
	grant: (permittedAt: number) => void;
	refuse: (reason: Error) => void;
}

export class DeadlineReached extends Error {
	constructor() {
		super('The wait ended before the request could be sent');
	}
}

/** Waiters in arrival order; taken from the front without moving the rest. */
class Line {
	private items: Waiter[] = [];

	private head = 0;

	push(waiter: Waiter) {
		this.items.push(waiter);
	}

	/** The first waiter not yet done, or undefined. */
	first(): Waiter | undefined {
		while (this.head < this.items.length && this.items[this.head].done) this.head += 1;
		if (this.head > 1024 && this.head * 2 > this.items.length) {
			this.items = this.items.slice(this.head);
			this.head = 0;
		}
		return this.items[this.head];
	}

	*waiting(): Generator<Waiter> {
		for (let index = this.head; index < this.items.length; index++) if (!this.items[index].done) yield this.items[index];
	}
}

export class Pacer {
	/** How fast, and what was learnt about the limit (pace.ts). */
	pace: Pace;

	private nextPermitAt = 0;

	private pausedUntil = 0;

	/** Permit times of the last second's requests, and of those the API refused (oldest first). */
	private sentAt: number[] = [];

	private refusedAt: number[] = [];

	/** When the answers to those permits came back, by permit time (the last second's). */
	private answeredAt = new Map<number, number>();

	/** Normal requests go before every waiting status check, in arrival order otherwise. */
	private lines: Record<Priority, Line> = { normal: new Line(), background: new Line() };

	private dispatching = false;

	private sweptAt = 0;

	/** `upstream`: the pacer every permit of this one must also get (a node's cap before its account's). */
	constructor(
		maximum?: number,
		readonly upstream?: Pacer,
	) {
		this.pace = startPace(maximum);
	}

	/** Permits per second now. */
	get rate(): number {
		return this.pace.rate;
	}

	/** What the last 429 taught about the limit (this process's share of it). */
	get limit(): number | undefined {
		return this.pace.limit;
	}

	/**
	 * Resolves with the permit time when this request may be sent. Rejects with the signal's
	 * reason when the execution is cancelled, or DeadlineReached when `deadline` passes first.
	 */
	async permit(priority: Priority, signal?: AbortSignal, deadline = Infinity): Promise<number> {
		if (signal?.aborted) throw signal.reason;
		return await new Promise<number>((resolve, reject) => {
			const onAbort = () => waiter.refuse(signal?.reason);
			const settle = () => {
				waiter.done = true;
				signal?.removeEventListener('abort', onAbort);
			};
			const waiter: Waiter = {
				priority,
				deadline,
				signal,
				done: false,
				grant: (permittedAt) => {
					settle();
					resolve(permittedAt);
				},
				refuse: (reason) => {
					settle();
					reject(reason);
				},
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.lines[priority].push(waiter);
			void this.dispatch();
		});
	}

	/** The known limit (the credential's Rate Limit, or a node's cap), or undefined to learn it. */
	setMaximum(maximum: number | undefined) {
		this.pace = withMaximum(this.pace, maximum);
	}

	/** The API answered the request let go at `permittedAt` with something other than 429. */
	accepted(permittedAt: number) {
		const now = Date.now();
		if (!this.answeredAt.has(permittedAt)) this.answeredAt.set(permittedAt, now);
		this.pace = afterAccepted(this.pace, now);
	}

	/** The API answered a request sent at `permittedAt` with 429, and Retry-After if it said. */
	refused(permittedAt: number, retryAfterMs?: number) {
		const now = Date.now();
		const { counted, oldestAt } = countedBefore(this.sentAt, this.refusedAt, permittedAt);
		const oldestAnsweredAt = oldestAt === undefined ? undefined : this.answeredAt.get(oldestAt);
		const { pace, pausedUntil } = afterRefused(this.pace, { now, permittedAt, retryAfterMs, counted, oldestAnsweredAt });
		this.refusedAt.push(permittedAt);
		this.pace = pace;
		this.pausedUntil = Math.max(this.pausedUntil, pausedUntil);
	}

	/** The next waiter: normal ones first. */
	private next(): Waiter | undefined {
		return this.lines.normal.first() ?? this.lines.background.first();
	}

	/** Hands out permits one interval apart, in priority order, while anyone waits. */
	private async dispatch() {
		if (this.dispatching) return;
		this.dispatching = true;
		try {
			for (let waiter = this.next(); waiter; waiter = this.next()) {
				const now = Date.now();
				if (waiter.deadline <= now || now - this.sweptAt >= SWEEP_MS) {
					this.refuseExpired(now);
					continue;
				}
				const due = Math.max(this.nextPermitAt, this.pausedUntil, windowFreesAt(this.sentAt, this.pace));
				if (due > now) {
					await sleep(Math.min(due - now, MAX_NAP_MS));
					continue;
				}
				const interval = intervalOf(this.pace);
				const capped = atMaximum(this.pace);
				waiter.done = true; // taken: a cancel from now on is the upstream's or the caller's to see
				let permittedAt = now;
				if (this.upstream) {
					try {
						permittedAt = await this.upstream.permit(waiter.priority, waiter.signal, waiter.deadline);
					} catch (reason) {
						waiter.refuse(reason as Error);
						continue;
					}
				}
				// Keep the schedule when a nap overslept (never at the user's limit), by up to half an
				// interval: a busy event loop wakes late, and two at once can tip a window over the limit.
				// Measured from when it was due: a pause or the window rule is no lateness to make up.
				this.nextPermitAt = Math.max(due, permittedAt - (capped ? 0 : interval / 2)) + interval;
				this.noteSent(permittedAt);
				waiter.grant(permittedAt);
			}
		} finally {
			this.dispatching = false;
		}
	}

	/** Keeps the permit times a 429 may ask about: the last second's. */
	private noteSent(permittedAt: number) {
		this.sentAt.push(permittedAt);
		const horizon = permittedAt - WINDOW_MS - 100;
		let old = 0;
		while (old < this.sentAt.length && this.sentAt[old] < horizon) this.answeredAt.delete(this.sentAt[old++]);
		if (old) this.sentAt.splice(0, old);
		old = 0;
		while (old < this.refusedAt.length && this.refusedAt[old] < horizon) old += 1;
		if (old) this.refusedAt.splice(0, old);
	}

	private refuseExpired(now: number) {
		this.sweptAt = now;
		for (const line of Object.values(this.lines)) {
			for (const waiter of line.waiting()) if (waiter.deadline <= now) waiter.refuse(new DeadlineReached());
		}
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
