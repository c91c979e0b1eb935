import type { INodeProperties } from 'n8n-workflow';
import { avatarGenerateDescription, avatarGenerateRouting } from './generate';

const showOnlyForAvatars = {
	resource: ['avatar'],
};

export const avatarDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: {
			show: showOnlyForAvatars,
		},
		options: [
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate a talking avatar video',
				description: 'Start a video of a person speaking, from a photo or video and a voice',
				routing: avatarGenerateRouting,
			},
		],
		default: 'generate',
	},
	...avatarGenerateDescription,
];
