import {
	NodeConnectionTypes,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { operationSubtitle } from './shared/descriptions';
import { accountDescription } from './resources/account';
import { avatarDescription } from './resources/avatar';
import { fileDescription } from './resources/file';
import { voiceDescription } from './resources/voice';
import { searchVoices } from './listSearch/searchVoices';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Account',
				value: 'account',
			},
			{
				name: 'Avatar',
				value: 'avatar',
			},
			{
				name: 'File',
				value: 'file',
			},
			{
				name: 'Voice',
				value: 'voice',
			},
		],
		default: 'avatar',
	},
	...accountDescription,
	...avatarDescription,
	...fileDescription,
	...voiceDescription,
];

export class GptGe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'GPT.GE',
		name: 'gptGe',
		icon: { light: 'file:gptge.svg', dark: 'file:gptge.dark.svg' },
		group: ['transform'],
		// 2: Generate and Get Task simplify their items by default (Simplify); 1 keeps its items.
		// 3: Clone Voice From Sample's Voice Sample URL is the Audio URL's parameter (audioUrl), so a
		// value survives switching Voice Source; 1 and 2 keep their own sampleAudioUrl.
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: operationSubtitle(properties),
		description: 'Create talking digital-human videos with the GPT.GE API',
		defaults: {
			name: 'GPT.GE',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'gptGeApi',
				required: true,
			},
		],
		// No baseURL here: the door (shared/transport.ts) sends every request to the credential's
		// origin itself, and an expression would cost two evaluations per row.
		requestDefaults: {
			headers: {
				Accept: 'application/json',
				'Content-Type': 'application/json',
			},
			json: true,
		},
		properties,
	};

	methods = {
		listSearch: {
			searchVoices,
		},
	};
}
