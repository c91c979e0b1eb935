import type { INodeProperties } from 'n8n-workflow';
import { fileUploadDescription, fileUploadRouting } from './upload';

const showOnlyForFiles = {
	resource: ['file'],
};

export const fileDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: {
			show: showOnlyForFiles,
		},
		options: [
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload a file',
				description: "Upload a photo, video or recording from the item's binary data and get its public URL",
				routing: fileUploadRouting,
			},
		],
		default: 'upload',
	},
	...fileUploadDescription,
];
