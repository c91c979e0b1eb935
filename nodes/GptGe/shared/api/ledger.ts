import type { IExecuteSingleFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { itemName, joinDescription } from '../errors';
import { itemStatesOfRun, type ItemState } from './items';

/*
 * Every task a run creates is paid for. n8n fails a node with the error of its first failed
 * item once all items have settled, and drops the other items' results; so every error the run
 * raises lists the tasks its items created (their states, items.ts), as they stand when n8n
 * shows the error. A user can then resume with Get Task instead of paying again.
 */

/** Uploads of items that created no task: their URLs save uploading the files again. */
function describeUploads(states: ItemState[]): string | undefined {
	const unused = states.filter((state) => !state.created && !state.resumed && Object.keys(state.uploads).length);
	if (!unused.length) return undefined;
	const lines = unused.flatMap(({ itemIndex, uploads }) =>
		Object.entries(uploads).map(([input, url]) => `${itemName(itemIndex)} ${input} → ${url}`),
	);
	return `Files uploaded for items that created no task (use these URLs instead of uploading again):\n${lines.join('\n')}`;
}

function describeTasks(states: ItemState[]): string {
	const created = states.filter((state) => state.created);
	if (!created.length) return 'No task was created in this run, so nothing was paid for.';
	const lines = created.map(({ itemIndex, taskId, status, videoUrl, uncertain }) => {
		const details = [uncertain ? 'GPT.GE answered with an error, the video may exist' : status, videoUrl]
			.filter(Boolean)
			.join(', ');
		return `${itemName(itemIndex)} → ${taskId}${details ? ` (${details})` : ''}`;
	});
	return (
		`Tasks this run created (${created.length}, already paid for). ` +
		'Do not generate these rows again: check them with Avatar → Get Task.\n' +
		lines.join('\n')
	);
}

function describeLedger(states: ItemState[]): string {
	return joinDescription([describeTasks(states), describeUploads(states)], '\n\n');
}

/**
 * Makes the error's description end with the run's ledger, read when the error is shown, so
 * it lists the tasks that other items created after this one failed.
 */
export function withLedger<T extends NodeApiError | NodeOperationError>(
	context: IExecuteSingleFunctions,
	error: T,
): T {
	if (!itemStatesOfRun(context) || Object.getOwnPropertyDescriptor(error, 'description')?.get) return error;
	let ownDescription = error.description;
	Object.defineProperty(error, 'description', {
		configurable: true,
		enumerable: true,
		get: () => joinDescription([ownDescription, describeLedger(itemStatesOfRun(context) ?? [])], '\n\n'),
		set: (value: string | null | undefined) => {
			ownDescription = value;
		},
	});
	return error;
}
