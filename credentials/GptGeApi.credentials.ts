import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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

	// The test is the node's (testedBy: nodes/GptGe/shared/credentialTest.ts), so that a failed
	// test can show GPT.GE's own message and what to do about it.
}
