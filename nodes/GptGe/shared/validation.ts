import {
	NodeOperationError,
	type IDataObject,
	type IExecuteSingleFunctions,
	type INodeProperties,
} from 'n8n-workflow';

/** One item's parameters, expressions evaluated for that item. */
export interface ItemInput {
	value(parameter: string): unknown;
}

/** What is wrong with one parameter of one item. */
export interface InputProblem {
	parameter: string;
	reason: string;
}

/** Looks at one item's input; returns the first problem, if any. */
export type InputCheck = (input: ItemInput) => InputProblem | undefined;

// One verdict per node run, shared by the run's items: the engine starts each item's request
// as soon as that item is built, so without it an invalid later item would be found only after
// the earlier items had been sent (and paid for).
const verdictOfRun = new WeakMap<object, NodeOperationError | null>();

/**
 * The input check of an operation, run by the door before an item's request is sent: the
 * error to refuse the item with, or null. Under "Continue On Fail" only the item itself is
 * checked (the other items go on); otherwise every item of the run is checked before the first
 * request leaves. `fields` give the display names the error messages use.
 */
export function inputCheck(
	check: InputCheck,
	fields: INodeProperties[],
): (context: IExecuteSingleFunctions) => NodeOperationError | null {
	const displayNames = new Map(fields.map((field) => [field.name, field.displayName]));
	const validator: ItemValidator = { check, displayNames };
	return (context) =>
		context.continueOnFail()
			? problemOfItem(context, validator, context.getItemIndex(), context.getNode().parameters)
			: firstProblemOfRun(context, validator);
}

interface ItemValidator {
	check: InputCheck;
	displayNames: Map<string, string>;
}

function firstProblemOfRun(
	context: IExecuteSingleFunctions,
	validator: ItemValidator,
): NodeOperationError | null {
	const run = context.getExecuteData();
	const known = run && verdictOfRun.get(run);
	if (known !== undefined) return known;

	const parameters = context.getNode().parameters;
	const itemCount = run?.data?.main?.[0]?.length ?? context.getItemIndex() + 1;
	let verdict: NodeOperationError | null = null;
	for (let itemIndex = 0; itemIndex < itemCount && !verdict; itemIndex++) {
		verdict = problemOfItem(context, validator, itemIndex, parameters);
	}
	if (run) verdictOfRun.set(run, verdict);
	return verdict;
}

function problemOfItem(
	context: IExecuteSingleFunctions,
	{ check, displayNames }: ItemValidator,
	itemIndex: number,
	parameters: IDataObject,
): NodeOperationError | null {
	const input: ItemInput = {
		value(parameter) {
			let raw = parameters[parameter];
			// A resource locator ({ __rl, mode, value }) is checked by its value.
			if (raw && typeof raw === 'object' && '__rl' in raw) raw = (raw as IDataObject).value;
			return typeof raw === 'string' && raw.startsWith('=')
				? context.evaluateExpression(raw.slice(1), itemIndex)
				: raw;
		},
	};
	let problem: InputProblem | undefined;
	try {
		problem = check(input);
	} catch {
		// An expression that cannot be evaluated is n8n's to report, for its own item: the engine
		// evaluates the same parameters while building that item and fails the node there. A
		// rejection from here would then be left unhandled.
		return null;
	}
	if (!problem) return null;
	const field = displayNames.get(problem.parameter) ?? problem.parameter;
	return new NodeOperationError(context.getNode(), `Invalid ${field} [item ${itemIndex}]`, {
		itemIndex,
		description: `${problem.reason} Nothing was sent to GPT.GE.`,
	});
}

/* The checks the GPT.GE endpoints need. Each returns a problem or undefined. */

export function checkHttpUrl(input: ItemInput, parameter: string): InputProblem | undefined {
	const value = input.value(parameter);
	if (typeof value !== 'string' || value.trim() === '') {
		return { parameter, reason: 'The value is empty.' };
	}
	if (!/^https?:\/\/[^\s/]+\S*$/i.test(value)) {
		return {
			parameter,
			reason: `"${value}" is not an http(s) URL. GPT.GE downloads the file from this address, so it must start with http:// or https://.`,
		};
	}
	return undefined;
}

export function checkNotEmpty(input: ItemInput, parameter: string): InputProblem | undefined {
	const value = input.value(parameter);
	if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
		return undefined;
	}
	return { parameter, reason: 'The value is empty.' };
}

export function checkOneOf(
	input: ItemInput,
	parameter: string,
	allowed: readonly string[],
): InputProblem | undefined {
	const value = input.value(parameter);
	if (typeof value === 'string' && allowed.includes(value)) return undefined;
	return {
		parameter,
		reason: `"${String(value)}" is not supported; use one of: ${allowed.join(', ')}.`,
	};
}

/** A voice as voice_engine_id:audio_id, the form the Voice picker and Voice → List use. */
export function checkVoiceIds(input: ItemInput, parameter: string): InputProblem | undefined {
	const value = input.value(parameter);
	if (typeof value !== 'string' || value.trim() === '') {
		return { parameter, reason: 'No voice is chosen.' };
	}
	if (!/^[^:\s]+:[^:\s]+$/.test(value)) {
		return {
			parameter,
			reason: `"${value}" is not voice_engine_id:audio_id. Pick a voice from the list, or use the "voice" field of Voice → List.`,
		};
	}
	return undefined;
}
