import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class GptGeApi implements ICredentialType {
	name = 'gptGeApi';

	displayName = 'GPT.GE API';

	icon: Icon = { light: 'file:../nodes/GptGe/gptge.svg', dark: 'file:../nodes/GptGe/gptge.dark.svg' };

	documentationUrl = 'https://github.com/gptge/n8n-nodes-gptge#credentials';

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
			description:
				'Where the GPT.GE API is served. Change it only if your provider serves the same API on another host.',
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

	// Read-only and free: proves the token without starting (and paying for) a video.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/dashboard/billing/subscription',
			method: 'GET',
			// n8n's credential tester sends this one, not the node: the token stays on the Base
			// URL's origin here too (a redirect fails the test instead of being followed).
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
	};
}
