import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { perRun } from '../run';

/*
 * What the request layer knows of one item of a run, handed to every hook of its operation: the
 * task it created or went on with, the files it uploaded. The run's items together are its
 * ledger (ledger.ts): every error lists the tasks they created.
 */

export interface ItemState {
	readonly itemIndex: number;
	/** The task this item created, read (Get Task) or went on with. */
	taskId?: string;
	/** The item went on with a task it already had (Existing Task ID): not created, not paid for here. */
	resumed: boolean;
	/** Whether the item created its task in this run (paid for). */
	created: boolean;
	/** GPT.GE answered the create with an error that carried this task ID: the video may exist. */
	uncertain?: boolean;
	/** n8n's Retry On Fail ran the node again and this item went on with the task its earlier try created. */
	resumedAfterRetry?: boolean;
	/** The URLs of the files it uploaded, by input (avatar, audio). */
	uploads: Record<string, string>;
	/** What waiting last learnt of its task. */
	status?: string;
	videoUrl?: string | null;
}

const statesOfRun = perRun(() => new Map<number, ItemState>());

/** The state of the context's item, made on first use (a context outside a run gets its own). */
export function itemStateOf(context: Pick<IExecuteSingleFunctions, 'getExecuteData' | 'getItemIndex'>): ItemState {
	const itemIndex = context.getItemIndex();
	const states = statesOfRun(context);
	let state = states?.get(itemIndex);
	if (!state) {
		state = { itemIndex, resumed: false, created: false, uploads: {} };
		states?.set(itemIndex, state);
	}
	return state;
}

/** The states of the run's items so far, in item order. */
export function itemStatesOfRun(context: Pick<IExecuteSingleFunctions, 'getExecuteData'>): ItemState[] | undefined {
	const states = statesOfRun(context);
	return states && [...states.values()].sort((a, b) => a.itemIndex - b.itemIndex);
}

/** The task an item has, created or gone on with: what its error item names. */
export const taskOfItem = (state: ItemState): string | undefined =>
	state.created || state.resumed ? state.taskId : undefined;
