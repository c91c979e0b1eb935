import { isObject, numberOf } from '../values';

/*
 * What an answer of GPT.GE says: a success, a task (for a create), or a failure with the API's own
 * words. GPT.GE's docs and the gateways serving the same API show several forms: `code` is
 * "success" in the examples, a number in the task schema (200; another gateway shows 0), a string
 * of one elsewhere, and absent on the billing and file endpoints. A pure function of the HTTP
 * status and the body, so every form is one row of a table (test/answers.test.js). Every
 * operation, status check and the probe (probe/) read answers here; nothing else judges success.
 */

/** The endpoint an answer comes from: what its data is. */
export type Endpoint = 'create' | 'task' | 'voices' | 'subscription' | 'usage' | 'file';

export type Reading =
	/** A success; for a create, its task (`warning`: the code was one the node does not know). */
	| { ok: true; taskId?: string; warning?: string }
	/**
	 * A failure: what GPT.GE answered (`what`: "HTTP 404", "code 500"…), its own words, and a
	 * task ID the answer carried anyway (a video may exist).
	 */
	| { ok: false; what: string; apiMessage?: string; taskId?: string };

/** `code` values that say success, in every form the pages show. */
const SUCCESS_CODES: unknown[] = ['success', 200, '200', 0, '0'];

/** Words in a string `code` that say the request failed. */
const FAILURE_WORDS = /fail|error|invalid|denied|forbidden|refuse|reject|not[_ -]?(exist|found)|unauthori[sz]ed|insufficient|quota|limit|expired|disabled/i;

type CodeSays = 'success' | 'failure' | 'unknown' | 'absent';

/** What a `code` says. A number (or a string of one) other than 200 or 0 is an error code. */
export function codeSays(code: unknown): CodeSays {
	if (code === undefined || code === null || code === '') return 'absent';
	const trimmed = typeof code === 'string' ? code.trim() : code;
	if (SUCCESS_CODES.includes(typeof trimmed === 'string' ? trimmed.toLowerCase() : trimmed)) return 'success';
	if (typeof trimmed === 'number' || trimmed === false) return 'failure';
	if (typeof trimmed !== 'string') return 'unknown';
	if (/^-?\d+$/.test(trimmed) || FAILURE_WORDS.test(trimmed)) return 'failure';
	return 'unknown';
}

/**
 * The task ID a create answer carries: the docs' example puts it in `data`, their field table
 * calls it `id`, gateways wrap it as `data.id` or `data.task_id`.
 */
export function taskIdOf(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	const data = body.data;
	const candidates = [data, isObject(data) ? data.id : undefined, isObject(data) ? data.task_id : undefined, body.id];
	const found = candidates.find((value) => typeof value === 'string' && value.trim() !== '');
	return (found as string | undefined)?.trim();
}

/** Each endpoint's data: an answer without a `code` is a success when it is there. */
const DATA_OF: Record<Endpoint, { has: (body: unknown) => boolean; needed: boolean; missing: string }> = {
	create: { has: (body) => taskIdOf(body) !== undefined, needed: true, missing: 'no task ID in its answer' },
	task: { has: (body) => isObject(body) && isObject(body.data), needed: false, missing: 'no task in its answer' },
	voices: {
		has: (body) => isObject(body) && (Array.isArray(body.data) || (isObject(body.data) && Array.isArray(body.data.audio_list))),
		needed: false,
		missing: 'no voice list in its answer',
	},
	subscription: {
		has: (body) => isObject(body) && numberOf(body.hard_limit_usd) !== undefined,
		needed: true,
		missing: 'no "hard_limit_usd" in its answer (is Base URL the API\'s address, not the web site\'s?)',
	},
	usage: {
		has: (body) => isObject(body) && numberOf(body.total_usage) !== undefined,
		needed: true,
		missing: 'no "total_usage" in its answer (is Base URL the API\'s address, not the web site\'s?)',
	},
	file: {
		has: (body) => isObject(body) && (typeof body.id === 'string' || body.object === 'file'),
		needed: true,
		missing: 'no file object in its answer',
	},
};

/** The API's own words in an answer, if it has any. */
export function apiMessageOf(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
	if (!isObject(body)) return undefined;
	const { message, msg, error } = body;
	for (const words of [message, msg, error, isObject(error) ? error.message : undefined]) {
		if (typeof words === 'string' && words.trim()) return words.trim();
	}
	return undefined;
}

function failure(what: string, body: unknown, taskId: string | undefined): Reading {
	const apiMessage = apiMessageOf(body);
	return { ok: false, what, ...(apiMessage ? { apiMessage } : {}), ...(taskId ? { taskId } : {}) };
}

/**
 * What an answer of `endpoint` says. Success is an HTTP 2xx whose `code` says success, or that has
 * no `code` but the endpoint's data. A create's task ID is never dropped: with a code the node
 * does not know it is the task, flagged; with a failure it goes with the error.
 */
export function readAnswer(endpoint: Endpoint, statusCode: number, body: unknown): Reading {
	const data = DATA_OF[endpoint];
	const taskId = endpoint === 'create' ? taskIdOf(body) : undefined;
	const code = isObject(body) ? body.code : undefined;
	if (statusCode < 200 || statusCode >= 300) return failure(`HTTP ${statusCode}`, body, taskId);
	const says = codeSays(code);
	const shown = `code ${JSON.stringify(code)}`;
	if (says === 'failure') return failure(shown, body, taskId);
	if (says === 'absent' && !data.has(body)) return failure(data.missing, body, undefined);
	if (says === 'unknown') {
		if (!taskId) return failure(shown, body, undefined);
		return {
			ok: true,
			taskId,
			warning:
				`GPT.GE answered with ${shown}, which this node does not know, and task ID ${taskId}: ` +
				'the node treats the video as created. Check it with Avatar → Get Task.',
		};
	}
	if (data.needed && !data.has(body)) return failure(data.missing, body, undefined);
	return taskId ? { ok: true, taskId } : { ok: true };
}
