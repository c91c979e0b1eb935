import {
	NodeOperationError,
	type IDataObject,
	type IExecuteSingleFunctions,
	type IHttpRequestOptions,
} from 'n8n-workflow';

/** What is wrong with one field of one item's input. */
export interface InputProblem {
	field: string;
	reason: string;
}

/** A parameter's value as it resolves for one item (expressions evaluated). */
export type ParameterReader = (name: string) => unknown;

/** Looks at one item's parameters; returns the first problem, if any. */
export type InputCheck = (read: ParameterReader) => InputProblem | undefined;

type PreSendAction = (
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
) => Promise<IHttpRequestOptions>;

// One verdict per node run, shared by the run's items: the engine starts each item's request
// as soon as that item is built, so without it an invalid later item would be found only after
// the earlier items had been sent (and paid for).
const verdictOfRun = new WeakMap<object, NodeOperationError | null>();

/**
 * A `preSend` step that refuses to send anything the API must reject.
 * Under "Continue On Fail" only the item itself is checked (the other items go on);
 * otherwise every item of the run is checked before the first request leaves.
 */
export function checkInputBeforeSending(check: InputCheck): PreSendAction {
	return async function (this: IExecuteSingleFunctions, requestOptions: IHttpRequestOptions) {
		const error = this.continueOnFail()
			? problemOfItem(this, check, this.getItemIndex(), this.getNode().parameters)
			: firstProblemOfRun(this, check);
		if (error) throw error;
		return requestOptions;
	};
}

function firstProblemOfRun(
	context: IExecuteSingleFunctions,
	check: InputCheck,
): NodeOperationError | null {
	const run = context.getExecuteData() as object | undefined;
	const known = run && verdictOfRun.get(run);
	if (known !== undefined) return known;

	const parameters = context.getNode().parameters;
	const itemCount = context.getExecuteData()?.data?.main?.[0]?.length ?? context.getItemIndex() + 1;
	let verdict: NodeOperationError | null = null;
	for (let itemIndex = 0; itemIndex < itemCount && !verdict; itemIndex++) {
		verdict = problemOfItem(context, check, itemIndex, parameters);
	}
	if (run) verdictOfRun.set(run, verdict);
	return verdict;
}

function problemOfItem(
	context: IExecuteSingleFunctions,
	check: InputCheck,
	itemIndex: number,
	parameters: IDataObject,
): NodeOperationError | null {
	const read: ParameterReader = (name) => {
		const raw = parameters[name];
		return typeof raw === 'string' && raw.startsWith('=')
			? context.evaluateExpression(raw.slice(1), itemIndex)
			: raw;
	};
	let problem: InputProblem | undefined;
	try {
		problem = check(read);
	} catch (error) {
		problem = { field: 'an expression', reason: (error as Error).message };
	}
	if (!problem) return null;
	return new NodeOperationError(context.getNode(), `Invalid ${problem.field} [item ${itemIndex}]`, {
		itemIndex,
		description: `${problem.reason} Nothing was sent to GPT.GE.`,
	});
}

/* The checks the GPT.GE endpoints need. Each returns a problem or undefined. */

export function checkHttpUrl(field: string, value: unknown): InputProblem | undefined {
	if (typeof value !== 'string' || value.trim() === '') {
		return { field, reason: `${field} is empty.` };
	}
	if (!/^https?:\/\/[^\s/]+\S*$/i.test(value)) {
		return {
			field,
			reason: `"${value}" is not an http(s) URL. GPT.GE downloads the file from this address, so it must start with http:// or https://.`,
		};
	}
	return undefined;
}

export function checkNotEmpty(field: string, value: unknown): InputProblem | undefined {
	if (typeof value === 'number') return undefined;
	if (typeof value !== 'string' || value.trim() === '') {
		return { field, reason: `${field} is empty.` };
	}
	return undefined;
}

export function checkOneOf(
	field: string,
	value: unknown,
	allowed: readonly string[],
): InputProblem | undefined {
	if (typeof value === 'string' && allowed.includes(value)) return undefined;
	return {
		field,
		reason: `"${String(value)}" is not supported; use one of: ${allowed.join(', ')}.`,
	};
}
