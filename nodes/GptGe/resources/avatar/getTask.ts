import type {
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { apiOptionsField, waitAndDownloadFields } from '../../shared/descriptions';
import { summarizeTask, taskIdOfPath } from '../../shared/task';
import { routedThroughDoor } from '../../shared/transport';
import { checkNotEmpty, inputCheck } from '../../shared/validation';
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
	apiOptionsField(showOnlyForGetTask),
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

export const avatarGetTaskRouting = routedThroughDoor(
	{
		createsTask: false,
		// The Task ID as sent: the rest of the URL its routing built.
		checkInput: inputCheck((input) => checkNotEmpty(input, 'taskId'), avatarGetTaskDescription, ({ url }) => ({
			taskId: taskIdOfPath(url),
		})),
	},
	// The URL comes from the Task ID field's routing.
	{ request: { method: 'GET' }, postReceive: [toTaskSummaryItem, waitForTask] },
);
