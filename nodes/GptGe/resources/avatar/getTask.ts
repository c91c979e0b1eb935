import type {
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import type { ItemState } from '../../shared/api/items';
import { routedThroughDoor, type RoutedRequest } from '../../shared/api/routed';
import { checkNotEmpty } from '../../shared/checks';
import { apiOptionsField, waitAndDownloadFields } from '../../shared/descriptions';
import { taskPath } from '../../shared/endpoints';
import { simplifyField, toolWaitField } from '../../shared/outputFields';
import { summarizeTask } from '../../shared/task';
import { shapeTaskOutput } from '../../shared/taskOutput';
import { inputCheck } from '../../shared/validation';
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
	},
	...waitAndDownloadFields(showOnlyForGetTask, false),
	// A tool answers at once: the model asks again when it wants to.
	toolWaitField(showOnlyForGetTask, 0),
	simplifyField(showOnlyForGetTask),
	apiOptionsField(showOnlyForGetTask),
];

/** The task the item asks for, read once (its ID can be an expression). */
function readTaskId(context: IExecuteSingleFunctions, state: ItemState) {
	const value = context.getNodeParameter('taskId');
	state.taskId = value === undefined || value === null ? '' : String(value);
}

/** The status query of the item's task. */
async function queryTask(_context: IExecuteSingleFunctions, state: ItemState, request: RoutedRequest): Promise<RoutedRequest> {
	return { ...request, url: taskPath(state.taskId as string) };
}

/** The task, normalised, paired with the input item that named it. */
async function toTaskSummaryItem(
	_context: IExecuteSingleFunctions,
	state: ItemState,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const data = (response.body as { data?: unknown }).data;
	return [{ json: summarizeTask(state.taskId as string, data), pairedItem: { item: state.itemIndex } }];
}

export const avatarGetTaskRouting = routedThroughDoor(
	{
		createsTask: false,
		endpoint: 'task',
		identify: readTaskId,
		checkInput: inputCheck((input) => checkNotEmpty(input, 'taskId'), avatarGetTaskDescription, (_request, state) => ({
			taskId: state.taskId,
		})),
		prepare: queryTask,
	},
	{ request: { method: 'GET' }, postReceive: [toTaskSummaryItem, waitForTask, shapeTaskOutput] },
);
