import type { IDataObject } from 'n8n-workflow';
import { isObject, isoTime } from './values';

/** Task states a following IF/Switch node can test without knowing the API. */
export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'unknown';

/** A task as this node outputs it: the same fields whichever shape the API answered in. */
export interface TaskSummary extends IDataObject {
	taskId: string;
	status: TaskStatus;
	progress: number | null;
	videoUrl: string | null;
	failReason: string | null;
	submittedAt: string | null;
	startedAt: string | null;
	finishedAt: string | null;
	task: IDataObject;
}

const statusByApiStatus: Record<string, TaskStatus> = {
	NOT_START: 'queued',
	SUBMITTED: 'queued',
	QUEUED: 'queued',
	IN_PROGRESS: 'processing',
	SUCCESS: 'succeeded',
	FAILURE: 'failed',
	UNKNOWN: 'unknown',
};

export function isFinal(status: TaskStatus): boolean {
	return status === 'succeeded' || status === 'failed';
}

function statusOf(apiStatus: unknown, webWorkStatus: unknown): TaskStatus {
	if (typeof apiStatus === 'string' && statusByApiStatus[apiStatus]) {
		return statusByApiStatus[apiStatus];
	}
	// The work object's own code: 200 is done and negative is failed (seen in clients of the
	// upstream service; the docs give no table). Anything else is still being worked on.
	const code = typeof webWorkStatus === 'string' ? Number(webWorkStatus) : webWorkStatus;
	if (typeof code === 'number' && Number.isFinite(code)) {
		if (code === 200) return 'succeeded';
		if (code < 0) return 'failed';
		return 'processing';
	}
	return 'unknown';
}

function percent(progress: unknown): number | null {
	if (typeof progress === 'number' && Number.isFinite(progress)) return progress;
	if (typeof progress !== 'string') return null;
	const value = parseFloat(progress);
	return Number.isFinite(value) ? value : null;
}

export function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** The task envelope (status, progress, …) and the work object (the video's paths), whichever shape came. */
export function partsOf(task: IDataObject): { envelope: IDataObject; work: IDataObject } {
	const isEnvelope = 'status' in task || 'task_id' in task || isObject(task.data);
	if (!isEnvelope) return { envelope: {}, work: task };
	return { envelope: task, work: isObject(task.data) ? task.data : {} };
}

/**
 * Normalises the `data` of GET /avatar/task/{id}. The docs show two shapes: a task envelope
 * (`status`, `progress`, … with the work object under `data`) and the work object itself.
 */
export function summarizeTask(requestedTaskId: string, data: unknown): TaskSummary {
	const task = isObject(data) ? data : {};
	const { envelope, work } = partsOf(task);

	const status = statusOf(envelope.status, work.web_work_status);
	const withWatermark = text(work.wm_work_video_path);
	const withoutWatermark = text(work.no_wm_work_video_path);
	const summary: TaskSummary = {
		taskId: text(envelope.task_id) ?? text(work.id) ?? requestedTaskId,
		status,
		progress: percent(envelope.progress) ?? (status === 'succeeded' ? 100 : null),
		videoUrl: text(work.work_video_path) ?? withoutWatermark ?? withWatermark,
		failReason: text(envelope.fail_reason) ?? text(work.fail_reason),
		submittedAt: isoTime(envelope.submit_time) ?? isoTime(work.create_time),
		startedAt: isoTime(envelope.start_time),
		finishedAt: isoTime(envelope.finish_time),
		task,
	};
	if (withWatermark) summary.videoUrlWithWatermark = withWatermark;
	if (withoutWatermark) summary.videoUrlWithoutWatermark = withoutWatermark;
	return summary;
}
