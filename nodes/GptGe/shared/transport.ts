import type {
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'gptGeApi';

/** The credential's base URL, trimmed as the node's requestDefaults.baseURL expression does. */
export async function apiBaseUrl(
	this: IExecuteSingleFunctions | ILoadOptionsFunctions,
): Promise<string> {
	const { baseUrl } = await this.getCredentials<{ baseUrl: string }>(CREDENTIAL_TYPE);
	return baseUrl.replace(/\/+$/, '');
}

/**
 * A GET on the GPT.GE API outside the declarative routing (polling, list search), authenticated
 * by the credential and sent to its base URL only. HTTP errors come back as responses so the
 * caller decides what is transient; the execution's cancel signal is attached by n8n-core.
 */
export async function gptGeGet(
	this: IExecuteSingleFunctions | ILoadOptionsFunctions,
	path: string,
	qs?: IHttpRequestOptions['qs'],
): Promise<IN8nHttpFullResponse> {
	return (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
		method: 'GET',
		url: `${await apiBaseUrl.call(this)}${path}`,
		qs,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as IN8nHttpFullResponse;
}
