import type {
	IDataObject,
	IExecuteSingleFunctions,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';
import { joinDescription } from '../errors';
import { taskOfItem, type ItemState } from './items';

/*
 * Tool mode: the node used as an AI agent's tool or behind an MCP server (n8n's `usableAsTool`
 * variant, whose type name ends in "Tool", as n8n's own `@tool` display option tests). A model
 * reads its answers, so an error is an answer too: the model can act on it, the run goes on.
 */

export function isToolMode(context: Pick<IExecuteSingleFunctions, 'getNode'>): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * An error as a tool's answer: what went wrong and why in one text, the parameter the model
 * filled wrongly (when an input check found it), and whether a task was created (paid for).
 */
export function toolErrorItem(error: NodeApiError | NodeOperationError, state: ItemState): INodeExecutionData {
	const field = error.context.parameter;
	const taskId = taskOfItem(state);
	const json: IDataObject = {
		error: joinDescription([error.message.trim().replace(/[.:]?$/, '.'), error.description]),
		...(typeof field === 'string' ? { field } : {}),
		...(taskId ? { taskId } : {}),
		nothingCreated: !state.created,
	};
	return { json, pairedItem: { item: state.itemIndex } };
}
