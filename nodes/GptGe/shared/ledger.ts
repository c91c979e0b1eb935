import type { IDataObject, IExecuteSingleFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { perRun } from './run';

/*
 * Every task a run creates is paid for. n8n fails a node with the error of its first failed
 * item once all items have settled, and drops the other items' results; so the run keeps a
 * ledger of the tasks it created and every error it may raise lists them, as they stand when
 * n8n shows the error. A user can then resume with Get Task instead of paying again.
 */

interface CreatedTask {
	taskId: string;
	/** Not created by this run: the item went on with a task it already had (Existing Task ID). */
	resumed?: boolean;
	status?: string;
	videoUrl?: string | null;
}

interface RunLedger {
	tasks: Map<number, CreatedTask>;
	/** Per item, the URLs of the files it uploaded, by input (avatar, audio). */
	uploads: Map<number, Record<string, string>>;
}

const ledgerOf = perRun((): RunLedger => ({ tasks: new Map(), uploads: new Map() }));

/** Notes that this item uploaded a file for `input` (e.g. avatar): its URL can be used again. */
export function recordUpload(context: IExecuteSingleFunctions, input: string, url: string) {
	const uploads = ledgerOf(context)?.uploads;
	if (!uploads) return;
	const itemIndex = context.getItemIndex();
	uploads.set(itemIndex, { ...uploads.get(itemIndex), [input]: url });
}

/** The URLs of the files this item uploaded, by input, if any. */
export function uploadsOfItem(context: IExecuteSingleFunctions): IDataObject | undefined {
	return ledgerOf(context)?.uploads.get(context.getItemIndex());
}

/** Notes that this item created the task (called as soon as its ID is known). */
export function recordCreatedTask(context: IExecuteSingleFunctions, taskId: string) {
	ledgerOf(context)?.tasks.set(context.getItemIndex(), { taskId });
}

/** Notes that this item goes on with a task made before: not paid for in this run. */
export function recordResumedTask(context: IExecuteSingleFunctions, taskId: string) {
	ledgerOf(context)?.tasks.set(context.getItemIndex(), { taskId, resumed: true });
}

/** Notes what waiting found out about this item's task. */
export function recordTaskStatus(
	context: IExecuteSingleFunctions,
	taskId: string,
	status: string,
	videoUrl?: string | null,
) {
	const tasks = ledgerOf(context)?.tasks;
	const entry = tasks?.get(context.getItemIndex());
	if (entry?.taskId === taskId) Object.assign(entry, { status, videoUrl });
}

/** The task this item resumed (Existing Task ID), if it resumed one. */
export function resumedTaskOf(context: IExecuteSingleFunctions): string | undefined {
	const task = ledgerOf(context)?.tasks.get(context.getItemIndex());
	return task?.resumed ? task.taskId : undefined;
}

/** The task this item created or resumed, if any. */
export function taskOfItem(context: IExecuteSingleFunctions): string | undefined {
	return ledgerOf(context)?.tasks.get(context.getItemIndex())?.taskId;
}

/** Uploads of items that created no task: their URLs save uploading the files again. */
function describeUploads(ledger: RunLedger): string | undefined {
	const unused = [...ledger.uploads.entries()].filter(([itemIndex]) => !ledger.tasks.has(itemIndex));
	if (!unused.length) return undefined;
	const lines = unused
		.sort(([a], [b]) => a - b)
		.flatMap(([itemIndex, urls]) => Object.entries(urls).map(([input, url]) => `item ${itemIndex} ${input} → ${url}`));
	return `Files uploaded for items that created no task (use these URLs instead of uploading again):\n${lines.join('\n')}`;
}

function describeLedger(ledger: RunLedger): string {
	return [describeTasks(ledger), describeUploads(ledger)].filter(Boolean).join('\n\n');
}

function describeTasks(ledger: RunLedger): string {
	const created = [...ledger.tasks.entries()].filter(([, task]) => !task.resumed);
	if (!created.length) return 'No task was created in this run, so nothing was paid for.';
	const lines = created
		.sort(([a], [b]) => a - b)
		.map(([itemIndex, { taskId, status, videoUrl }]) => {
			const details = [status, videoUrl].filter(Boolean).join(', ');
			return `item ${itemIndex} → ${taskId}${details ? ` (${details})` : ''}`;
		});
	return (
		`Tasks this run created (${created.length}, already paid for). ` +
		'Do not generate these rows again: check them with Avatar → Get Task.\n' +
		lines.join('\n')
	);
}

/**
 * Makes the error's description end with the run's ledger, read when the error is shown, so
 * it lists the tasks that other items created after this one failed.
 */
export function withLedger<T extends NodeApiError | NodeOperationError>(
	context: IExecuteSingleFunctions,
	error: T,
): T {
	const ledger = ledgerOf(context);
	if (!ledger || Object.getOwnPropertyDescriptor(error, 'description')?.get) return error;
	let ownDescription = error.description;
	Object.defineProperty(error, 'description', {
		configurable: true,
		enumerable: true,
		get: () => [ownDescription, describeLedger(ledger)].filter(Boolean).join('\n\n'),
		set: (value: string | null | undefined) => {
			ownDescription = value;
		},
	});
	return error;
}
