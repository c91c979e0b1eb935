import type {
	IDataObject,
	IExecuteSingleFunctions,
	INodeExecutionData,
	INodeParameters,
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

/** An argument a model fills: `$fromAI('name', 'description', …)` in a parameter's value. */
export interface ModelArgument {
	name: string;
	description?: string;
}

// n8n accepts $fromAI, $fromAi and $fromai; the key and the description are string literals.
const FROM_AI = /\$from(?:AI|Ai|ai)\(\s*(['"`])((?:\\.|(?!\1).)*)\1(?:\s*,\s*(['"`])((?:\\.|(?!\3).)*)\3)?/;

/** The argument a parameter's value asks the model for, if it is one ($fromAI); a resource locator's by its value. */
export function modelArgumentOf(value: unknown): ModelArgument | undefined {
	const raw = value && typeof value === 'object' && '__rl' in value ? (value as IDataObject).value : value;
	const match = typeof raw === 'string' ? FROM_AI.exec(raw) : null;
	if (!match) return undefined;
	const unquote = (text: string) => text.replace(/\\(.)/g, '$1');
	return { name: unquote(match[2]), ...(match[4] ? { description: unquote(match[4]) } : {}) };
}

/**
 * What the model reads when an input check refused its call: the argument it gave (not an item
 * or a sheet row, which mean nothing in a chat), why, and what to send instead. A parameter the
 * model did not fill is named by its label: the tool's author has to change it.
 */
export function inputProblemText(problem: { label: string; reason: string }, argument: ModelArgument | undefined): string {
	if (!argument) return `The tool's ${problem.label} (set in the workflow, not an argument): ${problem.reason}`;
	const instead = argument.description ? ` Send ${argument.name} as: ${argument.description.replace(/[.\s]*$/, '.')}` : '';
	return `Argument ${argument.name}: ${problem.reason}${instead}`;
}

/**
 * An error as a tool's answer: what went wrong and why in one text, the argument the model
 * filled wrongly (when an input check found it), and whether a task was created (paid for).
 */
export function toolErrorItem(
	error: NodeApiError | NodeOperationError,
	state: ItemState,
	parameters: INodeParameters,
): INodeExecutionData {
	const { parameter, label, reason } = error.context;
	const taskId = taskOfItem(state);
	const problem = typeof parameter === 'string' && typeof reason === 'string' ? { parameter, label: String(label ?? parameter), reason } : undefined;
	const argument = problem ? modelArgumentOf(parameters[problem.parameter]) : undefined;
	const json: IDataObject = {
		error: problem
			? joinDescription([inputProblemText(problem, argument), 'Nothing was sent to GPT.GE.'])
			: joinDescription([error.message.trim().replace(/[.:]?$/, '.'), error.description]),
		...(problem ? { field: argument?.name ?? problem.parameter } : {}),
		...(taskId ? { taskId } : {}),
		nothingCreated: !state.created,
	};
	return { json, pairedItem: { item: state.itemIndex } };
}
