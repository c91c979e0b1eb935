import {
	NodeOperationError,
	type IDataObject,
	type IExecuteSingleFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import type { ItemState } from './api/items';
import type { RequestCheck } from './api/routed';
import { binaryFileOf, binaryNamesOf, type BinaryFile } from './files/binary';
import { perRun } from './run';
import { itemName } from './errors';
import { valueAt } from './values';

/** One item's parameters, expressions evaluated for that item. */
export interface ItemInput {
	/** The node's version: which parameter holds a value can depend on it. */
	readonly typeVersion: number;
	/** A parameter's value; `options.x` reads option x of the Options collection. */
	value(parameter: string): unknown;
	/** The name the editor showed for a value picked from a list (a resource locator's), if any. */
	pickedName(parameter: string): string | undefined;
	/** The file in the item's binary field `name`, if it has one. */
	binaryFile(name: string): Promise<BinaryFile | undefined>;
	/** The names of the item's binary fields. */
	binaryNames(): string[];
}

/** What is wrong with one parameter of one item. */
export interface InputProblem {
	parameter: string;
	reason: string;
	/** The field's label, where the parameter has more than one (by voice source). */
	label?: string;
}

/** Looks at one item's input (the request built from it, its state); returns the first problem, if any. */
export type InputCheck = (
	input: ItemInput,
	request: BuiltRequest,
	state: ItemState,
) => InputProblem | undefined | Promise<InputProblem | undefined>;

/** What the engine built to send for one item: its body, URL and query. */
export interface BuiltRequest {
	method?: string;
	body?: unknown;
	url?: string;
	qs?: unknown;
}

/**
 * Where an operation's parameters ended up in its built request, by parameter name. A
 * parameter given as an expression is checked by the value the engine already evaluated for
 * the request, so no expression is evaluated twice; one missing here is evaluated again.
 */
export type SentValues = (request: BuiltRequest, state: ItemState, typeVersion: number) => Record<string, unknown>;

interface ItemValidator {
	check: InputCheck;
	displayNames: Map<string, string>;
	sentValues?: SentValues;
}

/**
 * The built requests of one node run, until every item has one: the engine builds all items
 * in one go before any of their requests can leave, so waiting for them costs nothing. When
 * the engine fails to build an item (an expression that cannot be evaluated) the run never
 * completes here, and nothing is sent: n8n reports that item's error.
 */
interface RunRequests {
	requests: Map<number, BuiltItem>;
	itemCount: number;
	allBuilt: Promise<void>;
	built: () => void;
	verdict?: Promise<Error | null>;
}

/** One item as it reaches the check: its request, its state, and what failed while reading it. */
interface BuiltItem {
	request: BuiltRequest;
	state: ItemState;
	failure?: Error;
}

const runRequestsOf = perRun((run): RunRequests | null => {
	const itemCount = run.data?.main?.[0]?.length;
	if (!itemCount) return null;
	let built = () => {};
	const allBuilt = new Promise<void>((resolve) => (built = resolve));
	return { requests: new Map(), itemCount, allBuilt, built };
});

/**
 * The input check of an operation, run by the request layer (api/routed.ts) on each item's built
 * request before it is sent. Under "Continue On Fail" only the item itself is checked (the other items go on);
 * otherwise no item is sent until every item of the run has been built and checked, so one bad
 * row means no request at all. `fields` give the display names the error messages use.
 */
export function inputCheck(check: InputCheck, fields: INodeProperties[], sentValues?: SentValues): RequestCheck {
	const validator: ItemValidator = {
		check,
		displayNames: new Map(fields.map((field) => [field.name, field.displayName])),
		sentValues,
	};
	return async (context, request, state, failure) => {
		const itemIndex = context.getItemIndex();
		const runRequests = context.continueOnFail() ? undefined : runRequestsOf(context);
		if (!runRequests) return await problemOfItem(context, validator, { request, state, failure });

		runRequests.requests.set(itemIndex, { request, state, failure });
		if (runRequests.requests.size === runRequests.itemCount) runRequests.built();
		await runRequests.allBuilt;
		// One verdict for the run, awaited by every item: none goes on before all are checked.
		runRequests.verdict ??= firstProblem(context, validator, runRequests);
		return await runRequests.verdict;
	};
}

/** The error of the first item of the run whose input has a problem (or could not be read), or null. */
async function firstProblem(
	context: IExecuteSingleFunctions,
	validator: ItemValidator,
	{ itemCount, requests }: RunRequests,
): Promise<Error | null> {
	for (let index = 0; index < itemCount; index++) {
		const problem = await problemOfItem(context, validator, requests.get(index) as BuiltItem);
		if (problem) return problem;
	}
	return null;
}

async function problemOfItem(
	context: IExecuteSingleFunctions,
	{ check, displayNames, sentValues }: ItemValidator,
	{ request, state, failure }: BuiltItem,
): Promise<Error | null> {
	if (failure) return failure;
	const { itemIndex } = state;
	const { parameters, typeVersion } = context.getNode();
	const item = context.getExecuteData()?.data?.main?.[0]?.[itemIndex] ?? undefined;
	let sent: Record<string, unknown> | undefined;
	const input: ItemInput = {
		typeVersion,
		value(parameter) {
			let raw = valueAt(parameters, parameter);
			// A resource locator ({ __rl, mode, value }) is checked by its value.
			if (raw && typeof raw === 'object' && '__rl' in raw) raw = (raw as IDataObject).value;
			if (typeof raw !== 'string' || !raw.startsWith('=')) return raw;
			sent ??= sentValues?.(request, state, typeVersion) ?? {};
			return parameter in sent ? sent[parameter] : context.evaluateExpression(raw.slice(1), itemIndex);
		},
		pickedName(parameter) {
			const raw = parameters[parameter] as IDataObject | undefined;
			const name = raw && typeof raw === 'object' && raw.mode === 'list' ? raw.cachedResultName : undefined;
			return typeof name === 'string' ? name : undefined;
		},
		binaryFile: async (name) => await binaryFileOf(context, item, name),
		binaryNames: () => binaryNamesOf(item),
	};
	const problem = await check(input, request, state);
	if (!problem) return null;
	const field = problem.label ?? displayNames.get(problem.parameter) ?? problem.parameter;
	const error = new NodeOperationError(context.getNode(), `Invalid ${field} [${itemName(itemIndex)}]`, {
		itemIndex,
		description: `${problem.reason} Nothing was sent to GPT.GE.`,
	});
	// Which parameter, labelled how, and why: a tool's answer says it in the model's terms (api/toolMode.ts).
	Object.assign(error.context, { parameter: problem.parameter, label: field, reason: problem.reason });
	return error;
}
