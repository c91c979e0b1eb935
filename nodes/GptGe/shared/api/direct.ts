import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { apiErrorOf, type AnswerCheck } from '../apiResponse';
import { accountOf, CREDENTIAL_TYPE, requestOptionsFor, type AnyContext } from './account';
import { attemptUntilSettled, itemOf, noteAnswer, outcomeOfAnswer, outcomeOfNoAnswer } from './attempts';
import type { CallPolicy } from './policy';

/*
 * Calls to the API outside the routing: status checks, the voice picker, uploads, the usage of
 * Get Quota. Never a create: a passing failure sends the call again, so a body must be one that
 * can be sent twice (see files/upload.ts).
 */

export interface DirectCall extends Omit<CallPolicy, 'createsTask' | 'download'> {
	qs?: IDataObject;
	body?: unknown;
	headers?: IDataObject;
	/** What a successful answer looks like, if not `code: "success"`. */
	isSuccess?: AnswerCheck;
}

/**
 * Resolves with an answer that `isSuccess` accepts, or rejects with the API's error once the
 * policy gives up.
 */
export async function apiCall(
	context: AnyContext,
	method: 'GET' | 'POST',
	path: string,
	{ qs, body, headers, isSuccess, ...policy }: DirectCall,
): Promise<IN8nHttpFullResponse> {
	const account = await accountOf(context);
	return await attemptUntilSettled<IN8nHttpFullResponse>(context, account, { ...policy, createsTask: false }, async (attempt) => {
		const options = requestOptionsFor(account, attempt);
		const request: IHttpRequestOptions = {
			...options,
			method,
			url: options.url || path,
			qs,
			...(body === undefined ? {} : { body }),
			...(headers ? { headers } : {}),
		};
		let response: IN8nHttpFullResponse;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				request,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			return { failed: outcomeOfNoAnswer(error), error: error as Error };
		}
		if (attempt.ticket) noteAnswer(attempt.ticket, response);
		const error = apiErrorOf(context.getNode(), response, itemOf(context).itemIndex, isSuccess);
		return error ? { failed: outcomeOfAnswer(response), error } : { value: response };
	});
}

/** A GET on the API outside the routing (see apiCall). */
export async function apiGet(
	context: AnyContext,
	path: string,
	call: Omit<DirectCall, 'body' | 'headers'>,
): Promise<IN8nHttpFullResponse> {
	return await apiCall(context, 'GET', path, call);
}
