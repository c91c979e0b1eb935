import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { checkedAnswer } from './answerError';
import type { Endpoint } from './answers';
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
	/** The endpoint its answer comes from (answers.ts reads it). */
	endpoint: Endpoint;
}

/**
 * Resolves with an answer that reads as a success for its endpoint, or rejects with the API's error once the
 * policy gives up.
 */
export async function apiCall(
	context: AnyContext,
	method: 'GET' | 'POST',
	path: string,
	{ qs, body, headers, endpoint, ...policy }: DirectCall,
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
		const { error } = checkedAnswer(context.getNode(), response, endpoint, account.secrets, itemOf(context).itemIndex);
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
