import type {
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
	INodePropertyRouting,
} from 'n8n-workflow';
import { throwOnApiError } from '../../shared/apiResponse';
import { waitAndDownloadFields } from '../../shared/descriptions';
import { summarizeTask } from '../../shared/task';
import { checkInputBeforeSending, checkNotEmpty } from '../../shared/validation';
import { waitForTask } from '../../shared/waiting';

const showOnlyForGetTask = {
	resource: ['avatar'],
	operation: ['getTask'],
};

export const avatarGetTaskDescription: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		// Chains straight after Generate, whose items carry taskId.
		default: '={{ $json.taskId }}',
		required: true,
		description: 'The ID Generate returned for the video',
		displayOptions: { show: showOnlyForGetTask },
		routing: { request: { url: '=/avatar/task/{{ encodeURIComponent($value) }}' } },
	},
	...waitAndDownloadFields(showOnlyForGetTask, false),
];

/** The task, normalised, paired with the input item that named it. */
async function toTaskSummaryItem(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const taskId = this.getNodeParameter('taskId') as string;
	const data = (response.body as { data?: unknown }).data;
	return [{ json: summarizeTask(taskId, data), pairedItem: { item: this.getItemIndex() } }];
}

export const avatarGetTaskRouting: INodePropertyRouting = {
	request: {
		method: 'GET',
		ignoreHttpStatusErrors: true,
	},
	send: {
		preSend: [
			checkInputBeforeSending((input) => checkNotEmpty(input, 'taskId'), avatarGetTaskDescription),
		],
	},
	output: {
		postReceive: [throwOnApiError, toTaskSummaryItem, waitForTask],
	},
};
