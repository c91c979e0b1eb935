import {
	NodeOperationError,
	type IDataObject,
	type IExecuteSingleFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { languageOptions } from './descriptions';
import { binaryFileOf, binaryNamesOf, readableSize, type BinaryFile } from './files';
import { perRun } from './run';

/** One item's parameters, expressions evaluated for that item. */
export interface ItemInput {
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

/** Looks at one item's input (and the request built from it); returns the first problem, if any. */
export type InputCheck = (
	input: ItemInput,
	request: BuiltRequest,
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
export type SentValues = (request: BuiltRequest) => Record<string, unknown>;

/** The door's input check of one item: the error to refuse it with, or null. */
export type RequestCheck = (
	context: IExecuteSingleFunctions,
	request: BuiltRequest,
) => Promise<NodeOperationError | null>;

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
	requests: Map<number, BuiltRequest>;
	itemCount: number;
	allBuilt: Promise<void>;
	built: () => void;
	verdict?: Promise<NodeOperationError | null>;
}

const runRequestsOf = perRun((run): RunRequests | null => {
	const itemCount = run.data?.main?.[0]?.length;
	if (!itemCount) return null;
	let built = () => {};
	const allBuilt = new Promise<void>((resolve) => (built = resolve));
	return { requests: new Map(), itemCount, allBuilt, built };
});

/**
 * The input check of an operation, run by the door on each item's built request before it is
 * sent. Under "Continue On Fail" only the item itself is checked (the other items go on);
 * otherwise no item is sent until every item of the run has been built and checked, so one bad
 * row means no request at all. `fields` give the display names the error messages use.
 */
export function inputCheck(check: InputCheck, fields: INodeProperties[], sentValues?: SentValues): RequestCheck {
	const validator: ItemValidator = {
		check,
		displayNames: new Map(fields.map((field) => [field.name, field.displayName])),
		sentValues,
	};
	return async (context, request) => {
		const itemIndex = context.getItemIndex();
		const runRequests = context.continueOnFail() ? undefined : runRequestsOf(context);
		if (!runRequests) return problemOfItem(context, validator, itemIndex, request);

		runRequests.requests.set(itemIndex, request);
		if (runRequests.requests.size === runRequests.itemCount) runRequests.built();
		await runRequests.allBuilt;
		// One verdict for the run, awaited by every item: none goes on before all are checked.
		runRequests.verdict ??= firstProblem(context, validator, runRequests);
		return await runRequests.verdict;
	};
}

/** The error of the first item of the run whose input has a problem, or null. */
async function firstProblem(
	context: IExecuteSingleFunctions,
	validator: ItemValidator,
	{ itemCount, requests }: RunRequests,
): Promise<NodeOperationError | null> {
	for (let index = 0; index < itemCount; index++) {
		const problem = await problemOfItem(context, validator, index, requests.get(index) ?? {});
		if (problem) return problem;
	}
	return null;
}

async function problemOfItem(
	context: IExecuteSingleFunctions,
	{ check, displayNames, sentValues }: ItemValidator,
	itemIndex: number,
	request: BuiltRequest,
): Promise<NodeOperationError | null> {
	const parameters = context.getNode().parameters;
	const item = context.getExecuteData()?.data?.main?.[0]?.[itemIndex] ?? undefined;
	let sent: Record<string, unknown> | undefined;
	const input: ItemInput = {
		value(parameter) {
			let raw: unknown = parameter
				.split('.')
				.reduce<unknown>((object, key) => (object as IDataObject | undefined)?.[key], parameters);
			// A resource locator ({ __rl, mode, value }) is checked by its value.
			if (raw && typeof raw === 'object' && '__rl' in raw) raw = (raw as IDataObject).value;
			if (typeof raw !== 'string' || !raw.startsWith('=')) return raw;
			sent ??= sentValues?.(request) ?? {};
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
	const problem = await check(input, request);
	if (!problem) return null;
	const field = problem.label ?? displayNames.get(problem.parameter) ?? problem.parameter;
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

/** The Language field's display names, by value. */
const languageNames: Record<string, string> = Object.fromEntries(
	languageOptions.map((option) => [option.value, option.name]),
);

/**
 * A voice picked from the list while another Language was chosen: the editor keeps the pick when
 * the language changes, and the video would speak the text in a voice of the other language. The
 * list names each voice "Name (language, labels…)", and n8n keeps that name with the pick.
 */
export function checkPickedVoiceLanguage(
	input: ItemInput,
	voiceParameter: string,
	languageParameter: string,
): InputProblem | undefined {
	const picked = input.pickedName(voiceParameter);
	const pickedLanguage = picked?.match(/\(([a-z]{2})[,)]/)?.[1];
	const language = input.value(languageParameter);
	if (!picked || !pickedLanguage || !(pickedLanguage in languageNames) || pickedLanguage === language) {
		return undefined;
	}
	const name = picked.replace(/\s*\(.*$/, '');
	const chosen = languageNames[String(language)] ?? String(language);
	return {
		parameter: voiceParameter,
		reason: `"${name}" was picked from the ${languageNames[pickedLanguage]} voices, but Language is ${chosen}. Pick the voice again (the list shows the voices of the chosen Language), or set Language back to ${languageNames[pickedLanguage]}.`,
	};
}

/** The files a binary field may hold, by MIME type: e.g. ['image/', 'video/'], "a photo or a video". */
export interface AcceptedFiles {
	mimeTypes: string[];
	what: string;
}

/**
 * The binary field named by `parameter` holds a file that may be uploaded: it exists, it is of
 * an accepted type (any, without `accepted`), not empty, and not larger than `maxBytes`.
 */
export async function checkBinaryFile(
	input: ItemInput,
	parameter: string,
	maxBytes: number,
	accepted?: AcceptedFiles,
): Promise<InputProblem | undefined> {
	const value = input.value(parameter);
	const name = typeof value === 'string' ? value.trim() : '';
	if (!name) return { parameter, reason: 'The value is empty: enter the name of the binary field that holds the file.' };
	const file = await input.binaryFile(name);
	if (!file) {
		const names = input.binaryNames();
		const has = names.length
			? `Its binary fields are: ${names.join(', ')}.`
			: 'It has no binary data at all: the node before this one must output the file (e.g. Read Files from Disk, or a download).';
		return { parameter, reason: `The item has no binary field "${name}". ${has}` };
	}
	const mimeType = file.mimeType.toLowerCase();
	if (accepted && !accepted.mimeTypes.some((type) => mimeType.startsWith(type))) {
		return {
			parameter,
			reason: `"${file.fileName}" in binary field "${name}" is ${file.mimeType}, not ${accepted.what}.`,
		};
	}
	if (file.bytes === 0) return { parameter, reason: `"${file.fileName}" in binary field "${name}" is empty (0 bytes).` };
	if (file.bytes > maxBytes) {
		return {
			parameter,
			reason: `"${file.fileName}" in binary field "${name}" is ${readableSize(file.bytes)}, larger than Options → Max Upload Size (${readableSize(maxBytes)}).`,
		};
	}
	return undefined;
}
