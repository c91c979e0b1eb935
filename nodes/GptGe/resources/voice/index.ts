import type { INodeProperties } from 'n8n-workflow';
import { voiceListDescription, voiceListRouting } from './list';

const showOnlyForVoices = {
	resource: ['voice'],
};

export const voiceDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: {
			show: showOnlyForVoices,
		},
		options: [
			{
				name: 'List',
				value: 'list',
				action: 'List voices',
				description: 'List the ready-made GPT.GE voices of a language, with the IDs Generate needs',
				routing: voiceListRouting,
			},
		],
		default: 'list',
	},
	...voiceListDescription,
];
