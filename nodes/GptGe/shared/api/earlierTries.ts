import { createHash } from 'node:crypto';
import { NodeOperationError, type IExecuteSingleFunctions } from 'n8n-workflow';
import type { ItemState } from './items';
import { mayHaveCreated, type Outcome } from './policy';

/*
 * n8n's Retry On Fail runs the whole node again, every item, in the same execution and process.
 * What this execution's creates made is kept here, so that a retry resumes a row's task instead
 * of paying for it again: keyed by execution, node, run, item and the request itself, bounded in
 * time and size so a long-lived worker never grows. A new execution has a new ID: it creates anew.
 * The decisions are pure functions (test/earlier-tries.test.js); the map is the only state.
 */

/** What an earlier try left: the task it created, or a create that may have made one (no ID came back). */
export type EarlierCreate = { taskId: string } | { mayHaveCreated: true };

export type CreateDecision = { act: 'send' } | { act: 'resume'; taskId: string } | { act: 'refuse' };

/** Send a create no earlier try made; resume the task one made; refuse one that may have made one. */
export function decideCreate(earlier: EarlierCreate | undefined): CreateDecision {
	if (!earlier) return { act: 'send' };
	return 'taskId' in earlier ? { act: 'resume', taskId: earlier.taskId } : { act: 'refuse' };
}

/**
 * What a try of a create leaves for the next: its task when an ID came back (with a success or
 * with an error), else whether its last attempt may have created one (policy.ts's rule); nothing
 * when it provably created nothing (refused before sending, a 429, a 4xx).
 */
export function whatTheTryLeft(taskId: string | undefined, lastFailure: Outcome | undefined): EarlierCreate | undefined {
	if (taskId) return { taskId };
	return lastFailure && mayHaveCreated(lastFailure) ? { mayHaveCreated: true } : undefined;
}

/** Where a create comes from: one item of one run of one node in one execution, and what it sends. */
export interface CreateSource {
	executionId: string | undefined;
	nodeId: string;
	runIndex: number;
	itemIndex: number;
	request: { method?: string; url?: string; body?: unknown };
}

/** The key of a create, or undefined outside an execution (nothing to retry there). */
export function keyOf({ executionId, nodeId, runIndex, itemIndex, request }: CreateSource): string | undefined {
	if (!executionId) return undefined;
	const { method, url, body } = request;
	const sent = createHash('sha256').update(JSON.stringify([method, url, body])).digest('hex');
	return [executionId, nodeId, runIndex, itemIndex, sent].join('\n');
}

/** How long a create is remembered: longer than any run of a node, retries included. */
export const REMEMBER_MS = 24 * 60 * 60_000;
/** How many creates are remembered at most (a few hundred bytes each): the oldest go first. */
export const MAX_REMEMBERED = 100_000;

interface Entry {
	earlier: EarlierCreate;
	at: number;
}

/** Creates remembered in insertion order, so the oldest are the first to go. */
export class CreateMemory {
	private readonly entries = new Map<string, Entry>();

	constructor(
		private readonly maxEntries = MAX_REMEMBERED,
		private readonly rememberMs = REMEMBER_MS,
	) {}

	get size(): number {
		return this.entries.size;
	}

	recall(key: string, now: number): EarlierCreate | undefined {
		this.forgetOld(now);
		return this.entries.get(key)?.earlier;
	}

	remember(key: string, earlier: EarlierCreate | undefined, now: number) {
		this.entries.delete(key);
		if (earlier) this.entries.set(key, { earlier, at: now });
		this.forgetOld(now);
	}

	private forgetOld(now: number) {
		for (const [key, { at }] of this.entries) {
			if (this.entries.size <= this.maxEntries && now - at < this.rememberMs) return;
			this.entries.delete(key);
		}
	}
}

/** This process's memory: n8n runs a retry in the process (the worker) that ran the failed try. */
export const createsOfThisProcess = new CreateMemory();

/** The key of an item's create in this execution, from the request as the routing built it (before uploads). */
export function createKeyOf(context: IExecuteSingleFunctions, state: ItemState, request: CreateSource['request']): string | undefined {
	const node = context.getNode();
	// n8n-core's contexts carry their run's index (a loop runs a node again with a new one; a
	// retry keeps it); not part of the functions' interface, so read with care.
	const runIndex = (context as unknown as { runIndex?: unknown }).runIndex;
	return keyOf({
		executionId: context.getExecutionId(),
		nodeId: node.id ?? node.name,
		runIndex: typeof runIndex === 'number' ? runIndex : 0,
		itemIndex: state.itemIndex,
		request: { method: request.method, url: request.url, body: request.body },
	});
}

/**
 * Before an item's create is sent: the task an earlier try of this execution created is resumed
 * (read, waited for and downloaded as Existing Task ID would be); a create that may have made one
 * without telling its ID is refused, as a create that may have been paid for is never sent twice.
 */
export function resumeEarlierCreate(context: IExecuteSingleFunctions, state: ItemState, key: string) {
	const decision = decideCreate(createsOfThisProcess.recall(key, Date.now()));
	if (decision.act === 'resume') {
		Object.assign(state, { taskId: decision.taskId, resumed: true, created: true, resumedAfterRetry: true });
	}
	if (decision.act === 'refuse') {
		throw new NodeOperationError(context.getNode(), 'Not sent again: an earlier try may have created this video', {
			itemIndex: state.itemIndex,
			description:
				"n8n's Retry On Fail ran this node again in the same execution. Its earlier try sent this row's create " +
				'and got no usable answer (no answer, or a server error), so GPT.GE may have created and billed the video ' +
				"without saying its task ID. It was not sent again. Check your GPT.GE account's tasks; to make it anyway, " +
				'run the workflow again (a new execution creates anew).',
		});
	}
}
