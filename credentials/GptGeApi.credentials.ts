import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	ICredentialTestRequest,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';
import { hintFor } from '../nodes/GptGe/shared/apiResponse';
import { SUBSCRIPTION_PATH as TEST_PATH, VERSION_SUFFIX } from '../nodes/GptGe/shared/endpoints';

export class GptGeApi implements ICredentialType {
	name = 'gptGeApi';

	displayName = 'GPT.GE API';

	icon: Icon = { light: 'file:../nodes/GptGe/gptge.svg', dark: 'file:../nodes/GptGe/gptge.dark.svg' };

	documentationUrl = 'https://github.com/gptge/n8n-nodes-gptge#credential-gptge-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The bearer token from your GPT.GE account',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.gpt.ge',
			placeholder: 'https://api.gpt.ge',
			description:
				"The API's address, not the web site's: https://api.gpt.ge for GPT.GE itself. Change it only if your provider (a reseller) serves the same API on another host.",
			// Said where it is typed: the test's messages are fixed texts and cannot quote the address.
			hint: 'A trailing /v1 (as in OpenAI-compatible clients) is fine: https://api.gpt.ge/v1 is read as https://api.gpt.ge',
		},
		{
			displayName: 'Rate Limit (Requests per Second)',
			name: 'rateLimit',
			type: 'number',
			// No numberPrecision: it would show the default as "0.0". A limit such as 2.5 is still taken
			// (the editor check types one).
			typeOptions: { minValue: 0 },
			default: 0,
			hint: "0: the node learns the limit from GPT.GE's answers",
			description:
				"Your GPT.GE plan's rate limit: every workflow that uses this credential stays under it together. 0 lets the node learn the limit from GPT.GE's answers. In queue mode each worker paces itself, so divide the limit by the number of workers.",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	// Read-only and free: proves the token without starting (and paying for) a video. A request,
	// not a function: n8n's credential-test functions can only use the deprecated `request` helper,
	// which n8n's community-package scanner refuses. So the answers are told apart by status.
	test: ICredentialTestRequest = {
		request: {
			// apiRootOf (endpoints.ts) as an expression: spaces, trailing slashes and a trailing /v1 go.
			baseURL: `={{$credentials.baseUrl.trim().replace(/\\/+$/, "").replace(${VERSION_SUFFIX}, "").replace(/\\/+$/, "")}}`,
			url: TEST_PATH,
			method: 'GET',
			// n8n's credential tester sends this one, not the node: the token stays on the Base
			// URL's origin here too (a redirect fails the test instead of being followed).
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: 15_000,
		},
		// n8n's tester reads both kinds of rule from one list: status rules when the request fails,
		// body rules when it succeeds. The type allows one kind per list. On 1.x the tester never
		// sees a failed request's status (its error wrapper drops it), so n8n's own message shows.
		rules: [
			...[301, 302, 303, 307, 308].map((status) => failsWith(status, REDIRECTED)),
			failsWith(401, `GPT.GE refused the token (HTTP 401). ${hintFor(401)}`),
			failsWith(402, `GPT.GE refused the test (HTTP 402). ${hintFor(402)}`),
			failsWith(403, `GPT.GE refused the token (HTTP 403). ${hintFor(403)}`),
			failsWith(404, `There is no GPT.GE API at this Base URL (HTTP 404 for Base URL + ${TEST_PATH}). ${USE_API_ADDRESS}`),
			{
				// The web site (or anything else that is not the API) answers without the quota.
				type: 'responseSuccessBody',
				properties: {
					key: 'hard_limit_usd',
					value: undefined,
					message: `The Base URL answered, but not as the GPT.GE API (no billing subscription came back; is it the web site?). ${USE_API_ADDRESS}`,
				},
			},
		] as unknown as IAuthenticateRuleResponseCode[],
	};
}

// n8n's tester returns a rule's message as written (no expression): it can name the path, not the address.
const USE_API_ADDRESS =
	"Set Base URL to the API's address without a path (a trailing /v1 is fine): https://api.gpt.ge for GPT.GE itself, or your reseller's API address.";
const REDIRECTED = `The Base URL redirected the test to another address, and the token was not sent there. ${USE_API_ADDRESS}`;

function failsWith(status: number, message: string): IAuthenticateRuleResponseCode {
	return { type: 'responseCode', properties: { value: status, message } };
}
