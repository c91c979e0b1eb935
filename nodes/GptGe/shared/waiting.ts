import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IBinaryData,
	type IDataObject,
	type IExecuteSingleFunctions,
	type IN8nHttpFullResponse,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { apiErrorOf } from './apiResponse';
import { isFinal, summarizeTask, type TaskSummary } from './task';
import { apiBaseUrl, gptGeGet } from './transport';

interface WaitSettings {
	intervalMs: number;
	deadline: number;
	returnLatestOnTimeout: boolean;
}

/** Longest pause between two polls after transient failures, whatever the interval. */
const MAX_BACKOFF_MS = 5 * 60_000;

function waitSettingsOf(context: IExecuteSingleFunctions): WaitSettings {
	const intervalSeconds = context.getNodeParameter('pollInterval', 10) as number;
	const maxWaitMinutes = context.getNodeParameter('maxWait', 15) as number;
	return {
		intervalMs: Math.max(intervalSeconds, 0) * 1000,
		deadline: Date.now() + Math.max(maxWaitMinutes, 0) * 60_000,
		returnLatestOnTimeout: context.getNodeParameter('onTimeout', 'fail') === 'returnLatest',
	};
}

function isTransient(response: IN8nHttpFullResponse): boolean {
	const { statusCode, body } = response;
	return statusCode === 429 || statusCode >= 500 || typeof body !== 'object' || body === null;
}

/** Retry-After in milliseconds, when the API sent it as seconds. */
function retryAfterMs(response: IN8nHttpFullResponse): number {
	const header = response.headers?.['retry-after'];
	const seconds = Number(Array.isArray(header) ? header[0] : header);
	return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** What a wait ends with when the execution is stopped: no retry, no further poll. */
function cancelled(context: IExecuteSingleFunctions, taskId: string, cause: Error): NodeOperationError {
	return new NodeOperationError(context.getNode(), cause, {
		message: `Stopped waiting for task ${taskId}: the execution was cancelled`,
		itemIndex: context.getItemIndex(),
	});
}

/** One poll of GET /avatar/task/{id}: a summary, or the transient failure to retry after. */
async function pollTask(
	context: IExecuteSingleFunctions,
	taskId: string,
): Promise<{ summary: TaskSummary } | { transient: Error; retryAfterMs: number }> {
	let response: IN8nHttpFullResponse;
	try {
		response = await gptGeGet.call(context, `/avatar/task/${encodeURIComponent(taskId)}`);
	} catch (error) {
		// No answer at all (network, timeout). A cancelled execution is not retried.
		if (context.getExecutionCancelSignal()?.aborted) throw cancelled(context, taskId, error as Error);
		return { transient: error as Error, retryAfterMs: 0 };
	}
	const error = apiErrorOf(context.getNode(), response, context.getItemIndex());
	if (isTransient(response)) {
		const transient =
			error ??
			new NodeApiError(context.getNode(), { body: String(response.body) } as JsonObject, {
				message: 'GPT.GE answered the task query with a body that is not JSON',
				itemIndex: context.getItemIndex(),
			});
		return { transient, retryAfterMs: retryAfterMs(response) };
	}
	if (error) throw error;
	return { summary: summarizeTask(taskId, (response.body as IDataObject).data) };
}

/**
 * Polls until the task succeeds or fails, or the wait budget runs out. Transient failures
 * (429, 5xx, no answer) are retried with a growing pause; anything else ends the wait.
 * The execution's cancel signal ends the pause and the poll in progress at once.
 */
async function pollUntilFinal(
	context: IExecuteSingleFunctions,
	taskId: string,
	latest: TaskSummary | undefined,
): Promise<TaskSummary> {
	const { intervalMs, deadline, returnLatestOnTimeout } = waitSettingsOf(context);
	const signal = context.getExecutionCancelSignal();
	let pauseMs = intervalMs;
	let transientFailures = 0;
	let lastFailure: Error | undefined;

	while (!latest || !isFinal(latest.status)) {
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) {
			if (returnLatestOnTimeout && latest) return { ...latest, timedOut: true };
			throw new NodeOperationError(context.getNode(), `Task ${taskId} did not finish in time`, {
				itemIndex: context.getItemIndex(),
				description:
					`Its last known status was "${latest?.status ?? 'not known'}"` +
					(lastFailure ? ` and the last poll failed: ${lastFailure.message}` : '') +
					'. Raise "Max Wait", or set "On Timeout" to return the latest status and check again later with Get Task.',
			});
		}
		try {
			await sleep(Math.min(pauseMs, remainingMs), signal);
		} catch (error) {
			throw cancelled(context, taskId, error as Error);
		}

		const result = await pollTask(context, taskId);
		if ('summary' in result) {
			latest = result.summary;
			transientFailures = 0;
			lastFailure = undefined;
			pauseMs = intervalMs;
		} else {
			transientFailures++;
			lastFailure = result.transient;
			pauseMs = Math.min(
				Math.max(intervalMs * 2 ** transientFailures, result.retryAfterMs),
				MAX_BACKOFF_MS,
			);
		}
	}
	return { ...latest, timedOut: false };
}

/** Streams the finished video into the item's binary data, from the CDN, without the token. */
async function downloadVideo(
	context: IExecuteSingleFunctions,
	summary: TaskSummary,
): Promise<IBinaryData> {
	const videoUrl = summary.videoUrl as string;
	// A relative path is the API's own; resolve it against the credential's base URL.
	const url = /^https?:\/\//i.test(videoUrl)
		? videoUrl
		: `${await apiBaseUrl.call(context)}/${videoUrl.replace(/^\/+/, '')}`;
	try {
		// httpRequest, not httpRequestWithAuthentication: the CDN never gets the API token.
		const stream = await context.helpers.httpRequest({ method: 'GET', url, encoding: 'stream' });
		return await context.helpers.prepareBinaryData(stream, `${summary.taskId}.mp4`, 'video/mp4');
	} catch (error) {
		if (context.getExecutionCancelSignal()?.aborted) {
			throw cancelled(context, summary.taskId, error as Error);
		}
		throw new NodeApiError(context.getNode(), error as JsonObject, {
			message: `Could not download the video of task ${summary.taskId}`,
			description: `Downloading ${url} failed: ${(error as Error).message}`,
			itemIndex: context.getItemIndex(),
		});
	}
}

/**
 * `postReceive` step shared by Generate and Get Task: with "Wait for Completion" on, polls the
 * task to its end; with "Download Video" on, adds the finished video as binary data.
 * Each item waits inside its own request, so n8n's engine runs the items' waits side by side.
 */
export async function waitForTask(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const waiting = this.getNodeParameter('waitForCompletion', false) as boolean;
	const downloading = this.getNodeParameter('downloadVideo', false) as boolean;
	if (!waiting && !downloading) return items;

	const [item] = items;
	const taskId = item.json.taskId as string;
	let summary = typeof item.json.status === 'string' ? (item.json as TaskSummary) : undefined;
	if (waiting) {
		summary = await pollUntilFinal(this, taskId, summary);
		if (summary.status === 'failed' && !this.continueOnFail()) {
			throw new NodeApiError(this.getNode(), summary.task as JsonObject, {
				message: `GPT.GE could not make the video: ${summary.failReason ?? 'no reason given'}`,
				description: `Task ${taskId} failed. Check the avatar (a photo must show a face) and the voice input.`,
				itemIndex: this.getItemIndex(),
			});
		}
	}
	if (!summary) return items;

	const result: INodeExecutionData = { ...item, json: { ...item.json, ...summary } };
	if (downloading && summary.status === 'succeeded' && summary.videoUrl) {
		const propertyName = this.getNodeParameter('binaryPropertyName', 'data') as string;
		result.binary = { ...item.binary, [propertyName]: await downloadVideo(this, summary) };
	}
	return [result];
}
