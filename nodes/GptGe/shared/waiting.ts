import {
	NodeApiError,
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteSingleFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { isOutOfTime, pause } from './api/attempts';
import { apiGet } from './api/direct';
import { downloadStream } from './api/download';
import type { ItemState } from './api/items';
import { DeadlineReached } from './api/pacer';
import { asNodeError } from './api/routed';
import { isToolMode } from './api/toolMode';
import { taskPath } from './endpoints';
import { isFinal, summarizeTask, type TaskSummary } from './task';

interface WaitSettings {
	intervalMs: number;
	deadline: number;
	returnLatestOnTimeout: boolean;
	/** When no status check answered before the wait is up: answer with the task as created (a tool), not fail. */
	answerUnseen: boolean;
}

/** A poll is put off by a progress estimate to at most this many poll intervals. */
const MAX_ESTIMATE_INTERVALS = 5;

/** A tool polls more often than a workflow: a model waits for its answer within a minute. */
const TOOL_POLL_INTERVAL_MS = 2000;

/** How long a tool waits (its Tool Wait): 0 answers with what the request returned. */
const toolWaitMs = (context: IExecuteSingleFunctions) =>
	Math.max(context.getNodeParameter('toolWaitSeconds', 0) as number, 0) * 1000;

function waitSettingsOf(context: IExecuteSingleFunctions): WaitSettings {
	if (isToolMode(context)) {
		// A tool answers with the latest status when its wait is up; the model asks again later.
		return { intervalMs: TOOL_POLL_INTERVAL_MS, deadline: Date.now() + toolWaitMs(context), returnLatestOnTimeout: true, answerUnseen: true };
	}
	const intervalSeconds = context.getNodeParameter('pollInterval', 10) as number;
	const maxWaitMinutes = context.getNodeParameter('maxWait', 15) as number;
	return {
		intervalMs: Math.max(intervalSeconds, 0) * 1000,
		deadline: Date.now() + Math.max(maxWaitMinutes, 0) * 60_000,
		returnLatestOnTimeout: context.getNodeParameter('onTimeout', 'fail') === 'returnLatest',
		answerUnseen: false,
	};
}

/** What a wait ends with when the execution is stopped: no retry, no further poll. */
function cancelled(context: IExecuteSingleFunctions, taskId: string, cause: Error): NodeOperationError {
	return new NodeOperationError(context.getNode(), cause, {
		message: `Stopped waiting for task ${taskId}: the execution was cancelled`,
		itemIndex: context.getItemIndex(),
	});
}

/** Progress seen at a point in time: where the estimate of the time left starts from. */
interface Sighting {
	at: number;
	progress: number;
}

/**
 * The pause before the next status check: the poll interval, or longer when the progress so
 * far says the task cannot be done sooner. Fewer useless polls leave the shared rate limit to
 * the tasks that are finishing.
 */
function nextPollDelay(intervalMs: number, first: Sighting, latest: TaskSummary | undefined): number {
	const progress = latest?.progress;
	if (typeof progress !== 'number' || progress <= first.progress || progress >= 100) return intervalMs;
	const perMs = (progress - first.progress) / (Date.now() - first.at);
	const estimateMs = (100 - progress) / perMs;
	return Math.min(Math.max(intervalMs, estimateMs), intervalMs * MAX_ESTIMATE_INTERVALS);
}

/** Notes what a status check found in the item's state: a failed run's error lists it. */
function noteStatus(state: ItemState, summary: TaskSummary) {
	state.status = summary.status === 'failed' && summary.failReason ? `failed: ${summary.failReason}` : summary.status;
	state.videoUrl = summary.videoUrl;
}

/**
 * Polls until the task succeeds or fails, or the wait budget runs out. The request layer retries a
 * status check that failed for a passing reason within the budget; anything else ends the
 * wait. The execution's cancel signal ends the pause and the check in progress at once.
 */
async function pollUntilFinal(
	context: IExecuteSingleFunctions,
	state: ItemState,
	taskId: string,
	latest: TaskSummary | undefined,
): Promise<TaskSummary | undefined> {
	const { intervalMs, deadline, returnLatestOnTimeout, answerUnseen } = waitSettingsOf(context);
	const signal = context.getExecutionCancelSignal();
	const first: Sighting = { at: Date.now(), progress: latest?.progress ?? 0 };
	let lastFailure: Error | undefined;

	while (!latest || !isFinal(latest.status)) {
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) {
			if (returnLatestOnTimeout && latest) return { ...latest, timedOut: true };
			if (answerUnseen) return undefined;
			throw new NodeOperationError(context.getNode(), `Task ${taskId} did not finish in time`, {
				itemIndex: context.getItemIndex(),
				description:
					`Its last known status was "${latest?.status ?? 'not known'}"` +
					(lastFailure ? ` and the last status check failed: ${lastFailure.message}` : '') +
					'. Raise "Max Wait", or set "On Timeout" to return the latest status and check again later with Get Task.',
			});
		}
		try {
			await pause(Math.min(nextPollDelay(intervalMs, first, latest), remainingMs), signal);
		} catch (error) {
			throw cancelled(context, taskId, error as Error);
		}
		try {
			const response = await apiGet(context, taskPath(taskId), {
				priority: 'background',
				endpoint: 'task',
				deadline,
			});
			latest = summarizeTask(taskId, (response.body as IDataObject).data);
			lastFailure = undefined;
			noteStatus(state, latest);
		} catch (error) {
			// The abort's reason, not the request layer's error: n8n would hand that one back unchanged.
			if (signal?.aborted) throw cancelled(context, taskId, signal.reason as Error);
			if (!isOutOfTime(error)) throw asNodeError(context, error);
			if (!(error instanceof DeadlineReached)) lastFailure = error as Error;
		}
	}
	return { ...latest, timedOut: false };
}

/** Download Video's File Name, `<taskId>.mp4` when empty; `.mp4` is added to a name without extension. */
function videoFileName(context: IExecuteSingleFunctions, taskId: string): string {
	const name = String(context.getNodeParameter('videoFileName', '') ?? '').trim();
	if (!name) return `${taskId}.mp4`;
	return /\.[a-z0-9]{1,5}$/i.test(name) ? name : `${name}.mp4`;
}

/** Streams the finished video into the item's binary data, from the CDN, without the token. */
async function downloadVideo(
	context: IExecuteSingleFunctions,
	summary: TaskSummary,
): Promise<IBinaryData> {
	const what = `the video of task ${summary.taskId}`;
	const stream = await downloadStream(context, summary.videoUrl as string, what);
	return await context.helpers.prepareBinaryData(stream as Buffer, videoFileName(context, summary.taskId), 'video/mp4');
}

/**
 * `postReceive` step shared by Generate and Get Task: with "Wait for Completion" on, polls the
 * task to its end; with "Download Video" on, adds the finished video as binary data.
 * Each item waits inside its own request, so n8n's engine runs the items' waits side by side.
 */
export async function waitForTask(
	context: IExecuteSingleFunctions,
	state: ItemState,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	// A tool waits as long as its Tool Wait, downloads nothing and tells a failed task to the model.
	const tool = isToolMode(context);
	const waiting = tool ? toolWaitMs(context) > 0 : (context.getNodeParameter('waitForCompletion', false) as boolean);
	const downloading = !tool && (context.getNodeParameter('downloadVideo', false) as boolean);
	if (!waiting && !downloading) return items;

	const [item] = items;
	const taskId = item.json.taskId as string;
	let summary = typeof item.json.status === 'string' ? (item.json as TaskSummary) : undefined;
	if (waiting) {
		summary = await pollUntilFinal(context, state, taskId, summary);
		if (!summary) return [{ ...item, json: { ...item.json, timedOut: true } }];
		if (summary.status === 'failed' && !context.continueOnFail() && !tool) {
			throw new NodeApiError(context.getNode(), summary.task as JsonObject, {
				message: `GPT.GE could not make the video: ${summary.failReason ?? 'no reason given'}`,
				description: `Task ${taskId} failed. Check the avatar (a photo must show a face) and the voice input.`,
				itemIndex: context.getItemIndex(),
			});
		}
	}
	if (!summary) return items;

	const result: INodeExecutionData = { ...item, json: { ...item.json, ...summary } };
	if (downloading && summary.status === 'succeeded' && summary.videoUrl) {
		const propertyName = context.getNodeParameter('binaryPropertyName', 'data') as string;
		result.binary = { ...item.binary, [propertyName]: await downloadVideo(context, summary) };
	}
	return [result];
}
