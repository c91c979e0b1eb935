import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { accountOf } from './account';
import { attemptUntilSettled, outcomeOfNoAnswer } from './attempts';

/**
 * Downloads a file (the finished video) as a stream: no token (it comes from a CDN), redirects
 * followed by the client, a timeout per request, passing failures retried a few times. A
 * relative path is the API's own, on the Base URL. `what` names the file in the error.
 */
export async function downloadStream(context: IExecuteSingleFunctions, path: string, what: string): Promise<unknown> {
	const account = await accountOf(context);
	const url = /^https?:\/\//i.test(path) ? path : `${account.baseUrl}/${path.replace(/^\/+/, '')}`;
	const policy = { createsTask: false, priority: 'normal' as const, download: { what, url } };
	return await attemptUntilSettled(context, account, policy, async ({ timeout, signal }) => {
		try {
			// httpRequest, not httpRequestWithAuthentication: the video host never gets the token.
			const stream: unknown = await context.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				timeout,
				...(signal ? { abortSignal: signal } : {}),
			});
			return { value: stream };
		} catch (error) {
			const status = (error as { response?: { status?: number } }).response?.status;
			const failed = status === undefined ? outcomeOfNoAnswer(error) : { status, objectBody: false };
			return { failed, error: error as Error };
		}
	});
}
