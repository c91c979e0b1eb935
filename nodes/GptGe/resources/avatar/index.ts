import type { INodeProperties } from 'n8n-workflow';
import { avatarGenerateDescription, avatarGenerateRouting } from './generate';
import { avatarGetTaskDescription, avatarGetTaskRouting } from './getTask';

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
			{
				name: 'Get Task',
				value: 'getTask',
				action: 'Get the status of a video task',
				description: 'Get the status of a video task and, once finished, its video',
				routing: avatarGetTaskRouting,
			},
		],
		default: 'generate',
	},
	...avatarGenerateDescription,
	...avatarGetTaskDescription,
];
