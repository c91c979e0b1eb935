import {
	NodeApiError,
	type IN8nHttpFullResponse,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

const outOfCredit = /quota|insufficient|balance|credit|余额|额度/i;

/** What a person can do about a failed call, by HTTP status and the API's own message. */
export function hintFor(statusCode: number, apiMessage = ''): string {
	if (statusCode === 402 || outOfCredit.test(apiMessage)) {
		return 'The GPT.GE account behind this token is out of credit: top it up, or raise the token\'s quota, then run again.';
	}
	if (statusCode === 401) {
		return 'GPT.GE did not accept the API token. Check the API Token in the GPT.GE API credential (copy it again from your GPT.GE account). If the token comes from a reseller, set Base URL to that reseller\'s API address.';
	}
	if (statusCode === 403) {
		return 'The token may not do this: it may be disabled, expired or limited to other models. Check it in your GPT.GE account; if it comes from a reseller, check Base URL too.';
	}
	if (statusCode === 429) {
		return 'GPT.GE kept refusing requests for its rate limit. Try again later, or set Rate Limit in the GPT.GE API credential to your plan\'s limit.';
	}
	if (statusCode >= 500) {
		return 'The GPT.GE service failed to process the request. Try again later.';
	}
	if (statusCode >= 400) {
		return 'GPT.GE rejected the request. Check the node\'s input values.';
	}
	return 'GPT.GE did not accept the request. Check the node\'s input values and your account balance.';
}

/** The API's own words in an error answer, if it has any. */
export function apiMessageOf(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
	if (!body || typeof body !== 'object') return undefined;
	const { message, error } = body as { message?: unknown; error?: unknown };
	if (typeof message === 'string' && message) return message;
	if (typeof error === 'string' && error) return error;
	if (error && typeof error === 'object') {
		const nested = (error as { message?: unknown }).message;
		if (typeof nested === 'string' && nested) return nested;
	}
	return undefined;
}

/** Why an answer with an HTTP success is not one (what GPT.GE answered instead), or undefined. */
export type AnswerCheck = (body: unknown) => string | undefined;

/** The task and voice endpoints' success: `code: "success"`. */
export const hasSuccessCode: AnswerCheck = (body) => {
	const code = body && typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
	return code === 'success' ? undefined : `code ${JSON.stringify(code ?? null)}`;
};

/**
 * The error to report for a GPT.GE answer, or undefined when it is a success: anything but an
 * HTTP success that `isSuccess` accepts (by default one carrying `code: "success"`) is a
 * NodeApiError with the API's own message and a hint.
 */
export function apiErrorOf(
	node: INode,
	{ statusCode, body }: IN8nHttpFullResponse,
	itemIndex?: number,
	isSuccess: AnswerCheck = hasSuccessCode,
): NodeApiError | undefined {
	const what = statusCode >= 400 ? `HTTP ${statusCode}` : isSuccess(body);
	if (what === undefined) return undefined;

	const apiMessage = apiMessageOf(body);
	return new NodeApiError(node, (body && typeof body === 'object' ? body : { body }) as JsonObject, {
		message: apiMessage ? `GPT.GE: ${apiMessage}` : `GPT.GE answered with ${what}`,
		description: `${hintFor(statusCode, apiMessage)} (GPT.GE answered with ${what}.)`,
		httpCode: String(statusCode),
		itemIndex,
	});
}

/**
 * The task ID of a successful "create" answer. The docs' example puts it in `data`
 * as a string; their field table calls it `id`. Accept both.
 */
export function taskIdOf(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const { data, id } = body as { data?: unknown; id?: unknown };
	const candidates = [
		data,
		id,
		data && typeof data === 'object' ? (data as { id?: unknown }).id : undefined,
		data && typeof data === 'object' ? (data as { task_id?: unknown }).task_id : undefined,
	];
	const found = candidates.find((value) => typeof value === 'string' && value !== '');
	return found as string | undefined;
}
