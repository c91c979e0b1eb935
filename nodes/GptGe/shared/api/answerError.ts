import { NodeApiError, type IN8nHttpFullResponse, type INode, type JsonObject } from 'n8n-workflow';
import { hintFor } from '../apiResponse';
import { maskDeep, maskText } from '../secrets';
import { readAnswer, type Endpoint, type Reading } from './answers';

/*
 * An answer that is not a success (answers.ts reads it), as the error n8n shows: GPT.GE's own
 * words, a hint, the task ID it carried anyway, and the token masked everywhere in it.
 */

type Failure = Extract<Reading, { ok: false }>;

/** The NodeApiError for a failed reading of `response`. */
export function answerError(
	node: INode,
	{ statusCode, body }: IN8nHttpFullResponse,
	{ what, apiMessage, taskId }: Failure,
	secrets: readonly string[],
	itemIndex?: number,
): NodeApiError {
	const maybeCreated = taskId
		? ` It carried task ID ${taskId} all the same, so a video may exist and may be billed: ` +
			'check it with Avatar → Get Task before running this row again.'
		: '';
	const headline = apiMessage ? `GPT.GE: ${apiMessage}` : `GPT.GE answered with ${what}`;
	const json = maskDeep(structuredClone(body && typeof body === 'object' ? body : { body }), secrets);
	return new NodeApiError(node, json as JsonObject, {
		message: maskText(taskId ? `${headline} (task ${taskId})` : headline, secrets),
		description: maskText(`${hintFor(statusCode, apiMessage)} (GPT.GE answered with ${what}.)${maybeCreated}`, secrets),
		httpCode: String(statusCode),
		itemIndex,
	});
}

/** The answer as read for `endpoint`, and the error to report when it is not a success. */
export function checkedAnswer(
	node: INode,
	response: IN8nHttpFullResponse,
	endpoint: Endpoint,
	secrets: readonly string[],
	itemIndex?: number,
): { reading: Reading; error?: NodeApiError } {
	const reading = readAnswer(endpoint, response.statusCode, response.body);
	return reading.ok ? { reading } : { reading, error: answerError(node, response, reading, secrets, itemIndex) };
}
