import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';
import type { ItemState } from './api/items';
import { isToolMode } from './api/toolMode';
import { partsOf, text } from './task';
import { isObject } from './values';

/*
 * What Generate and Get Task output, last step of both. Version 1 keeps the items it always had;
 * from version 2 Simplify (on by default) makes a flat item a table shows and a sheet stores,
 * and a tool (api/toolMode.ts) answers with that item and a sentence saying what to do next.
 */

/** The watermark the item's video was asked with: Generate knows it, Get Task does not. */
type Watermark = 'with' | 'without' | 'unknown';

/**
 * The video URLs: `videoUrl` is the video as it was asked for, so an expression or a sheet column
 * keeps working when No Watermark changes. Generate knows the watermark choice: its named path,
 * else the API's main one. Get Task does not: the API's main path, else the watermarked one (the
 * API's default), else the other. The named URLs (summarizeTask in task.ts read them) come with
 * it where the API names them.
 */
function videoUrls(json: IDataObject, work: IDataObject, watermark: Watermark): IDataObject {
	const withWatermark = text(json.videoUrlWithWatermark);
	const withoutWatermark = text(json.videoUrlWithoutWatermark);
	const asMade = text(work.work_video_path);
	const asked = { with: withWatermark, without: withoutWatermark, unknown: null }[watermark];
	return {
		videoUrl: asked ?? asMade ?? withWatermark ?? text(json.videoUrl),
		...(withWatermark ? { videoUrlWithWatermark: withWatermark } : {}),
		...(withoutWatermark ? { videoUrlWithoutWatermark: withoutWatermark } : {}),
	};
}

/**
 * The flat item: task ID, status, progress, video URL(s), thumbnail, failure reason, times; a
 * Generate item that was not waited for is a task just queued.
 */
export function simplifiedTask(json: IDataObject, watermark: Watermark): IDataObject {
	const { work } = partsOf(isObject(json.task) ? json.task : {});
	const optional = (key: string) => (json[key] !== undefined ? { [key]: json[key] } : {});
	return {
		taskId: json.taskId,
		status: json.status ?? 'queued',
		progress: json.progress ?? null,
		...videoUrls(json, work, watermark),
		thumbnailUrl: text(work.work_webp_path),
		failReason: json.failReason ?? null,
		submittedAt: json.submittedAt ?? null,
		startedAt: json.startedAt ?? null,
		finishedAt: json.finishedAt ?? null,
		...optional('resumed'),
		...optional('resumedAfterRetry'),
		...optional('timedOut'),
		...optional('uploaded'),
		...optional('warning'),
	};
}

/** What a model should do with a tool's answer, in one sentence. */
export function nextStep(task: IDataObject): string {
	const url = task.videoUrl;
	const checkAgain = `Call the Get Task tool with taskId "${task.taskId}" to check again`;
	if (task.status === 'succeeded') {
		return url ? `The video is ready: ${url}` : `The task succeeded but GPT.GE gave no video URL yet. ${checkAgain}.`;
	}
	if (task.status === 'failed') return `GPT.GE could not make the video: ${task.failReason ?? 'no reason given'}.`;
	const progress = typeof task.progress === 'number' ? `, ${task.progress}% done` : '';
	return `The video is not ready yet (${task.status}${progress}). ${checkAgain} in a minute.`;
}

function watermarkOf(context: IExecuteSingleFunctions): Watermark {
	if (context.getNodeParameter('operation', '') !== 'generate') return 'unknown';
	return context.getNodeParameter('noWatermark', false) ? 'without' : 'with';
}

const simplifies = (context: IExecuteSingleFunctions) =>
	context.getNode().typeVersion >= 2 && (context.getNodeParameter('simplify', true) as boolean);

/** postReceive step: the item as Simplify or a tool's answer has it (binary data kept). */
export async function shapeTaskOutput(
	context: IExecuteSingleFunctions,
	_state: ItemState,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const tool = isToolMode(context);
	if (!tool && !simplifies(context)) return items;
	const watermark = watermarkOf(context);
	return items.map((item) => {
		const task = simplifiedTask(item.json, watermark);
		return { ...item, json: tool ? { ...task, next: nextStep(task) } : task };
	});
}
