import {
	NodeOperationError,
	type IDataObject,
	type IExecuteSingleFunctions,
	type IN8nHttpFullResponse,
	type INodeExecutionData,
} from 'n8n-workflow';
import { readAnswer } from '../../shared/api/answers';
import type { ItemState } from '../../shared/api/items';
import type { RoutedRequest } from '../../shared/api/routed';
import {
	checkBinaryFile,
	checkHttpUrl,
	checkNotEmpty,
	checkOneOf,
	checkPickedVoiceLanguage,
	checkVoiceIds,
} from '../../shared/checks';
import { addToDescription } from '../../shared/errors';
import { binaryFileOf, maxUploadBytes } from '../../shared/files/binary';
import { uploadFile } from '../../shared/files/upload';
import { taskPath } from '../../shared/endpoints';
import { summarizeTask } from '../../shared/task';
import type { InputCheck, InputProblem, ItemInput } from '../../shared/validation';
import { directUrlOf } from '../../shared/urls';
import { setValueAt, valueAt } from '../../shared/values';
import { languageCodes } from '../../shared/voices';
import { fileInputsFor, type FileInput, type VoiceSource } from './generateBody';

/*
 * What Generate does around its request (generate.ts holds its fields and routing): a row with
 * an Existing Task ID reads that task instead of paying again; the others are checked, their
 * files uploaded, and their task noted as created the moment its ID is known.
 */

/** Options → Existing Task ID: the row goes on with that task, nothing is created. */
export function resumeExistingTask(context: IExecuteSingleFunctions, state: ItemState) {
	const existing = String(context.getNodeParameter('options.existingTaskId', '') ?? '').trim();
	if (!existing) return;
	state.taskId = existing;
	state.resumed = true;
}

function checkSpeech(input: ItemInput): InputProblem | undefined {
	return checkOneOf(input, 'language', languageCodes) ?? checkNotEmpty(input, 'text');
}

/** A file's URL, or its binary field, is one that can be sent; a problem names the field by the label it is shown under. */
async function checkFileInput(input: ItemInput, file: FileInput): Promise<InputProblem | undefined> {
	if (input.value(file.choice) !== 'binary') {
		const problem = checkHttpUrl(input, file.urlField);
		return problem && { ...problem, label: file.labels.url };
	}
	const maxBytes = maxUploadBytes(input.value('options.maxUploadSize'));
	const problem = await checkBinaryFile(input, file.binaryField, maxBytes, file.accepted);
	return problem && { ...problem, label: file.labels.binary };
}

/**
 * The rules of POST /avatar/generation that can be checked before paying for a request (or
 * uploading its files). A row that resumes its task sends none of these fields.
 */
export const checkGenerateInput: InputCheck = async (input, _request, state) => {
	if (state.resumed) return undefined;
	const voiceSource = input.value('voiceSource') as VoiceSource;
	for (const file of fileInputsFor(voiceSource, input.typeVersion)) {
		const problem = await checkFileInput(input, file);
		if (problem) return problem;
	}
	switch (voiceSource) {
		case 'createVoice':
			return checkSpeech(input);
		case 'useVoice':
			return checkVoiceIds(input, 'voice') ?? checkSpeech(input) ?? checkPickedVoiceLanguage(input, 'voice', 'language');
		default:
			return undefined;
	}
};

/** The URL a URL field's value is sent as (the input check has refused those without one). */
function sentUrlOf(value: unknown): string {
	const direct = directUrlOf(value);
	return 'url' in direct ? direct.url : String(value);
}

/** Uploads one file from the item's binary data; its URL goes where the body wants it. */
async function uploadFileInput(context: IExecuteSingleFunctions, state: ItemState, fileInput: FileInput, body: IDataObject) {
	const field = String(context.getNodeParameter(fileInput.binaryField)).trim();
	const file = await binaryFileOf(context, context.getInputData(), field);
	// The input check has made sure it is there; this only guards against a change since.
	if (!file) {
		throw new NodeOperationError(context.getNode(), `The item has no binary field "${field}"`, {
			itemIndex: context.getItemIndex(),
		});
	}
	try {
		const uploaded = await uploadFile(context, file);
		state.uploads[fileInput.name] = uploaded.url;
		setValueAt(body, fileInput.bodyPath, uploaded.url);
	} catch (error) {
		const failure = error as Error;
		failure.message = `Could not upload the ${fileInput.name} file "${file.fileName}": ${failure.message}`;
		throw addToDescription(failure, 'No video was created for this item.');
	}
}

/**
 * Once the item's input is checked, the request it sends: a resumed row's is its task's status
 * query (a GET without body); the others upload their files from binary data first.
 */
export async function prepareGenerate(
	context: IExecuteSingleFunctions,
	state: ItemState,
	request: RoutedRequest,
): Promise<RoutedRequest> {
	if (state.resumed) {
		const statusQuery: RoutedRequest = { ...request, method: 'GET', url: taskPath(state.taskId as string) };
		delete statusQuery.body;
		return statusQuery;
	}
	const body = (request.body ?? {}) as IDataObject;
	const voiceSource = context.getNodeParameter('voiceSource') as VoiceSource;
	for (const fileInput of fileInputsFor(voiceSource, context.getNode().typeVersion)) {
		if (context.getNodeParameter(fileInput.choice) === 'binary') await uploadFileInput(context, state, fileInput, body);
		// The URL as pasted (spaces, an unencoded path, a share page) becomes the one the check accepted.
		else setValueAt(body, fileInput.bodyPath, sentUrlOf(valueAt(body, fileInput.bodyPath)));
	}
	return { ...request, body };
}

/**
 * One item per created task, paired with the input item it was made from. A resumed row's
 * answer is its task's status: the item is that task, as Get Task outputs it, marked resumed.
 */
export async function toTaskItem(
	context: IExecuteSingleFunctions,
	state: ItemState,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const pairedItem = { item: state.itemIndex };
	if (state.resumed) {
		const summary = summarizeTask(state.taskId as string, (response.body as IDataObject).data);
		const afterRetry = state.resumedAfterRetry ? { resumedAfterRetry: true } : {};
		return [{ json: { ...summary, resumed: true, ...afterRetry }, pairedItem }];
	}
	// checkApiAnswer let only a create that reads as a task through (answers.ts): read it the same way,
	// flagged when its code was one the node does not know.
	const reading = readAnswer('create', response.statusCode, response.body);
	if (!reading.ok || !reading.taskId) throw new NodeOperationError(context.getNode(), 'checkApiAnswer let an answer without a task through');
	const { taskId } = reading;
	const warning = reading.warning ? { warning: reading.warning } : {};
	// Paid for from here on: the run's errors list it even if this item fails later.
	Object.assign(state, { taskId, created: true });
	const uploaded = Object.keys(state.uploads).length ? { uploaded: { ...state.uploads } } : {};
	return [
		{
			json: {
				taskId,
				avatarUrl: state.uploads.avatar ?? sentUrlOf(context.getNodeParameter('avatarUrl')),
				voiceSource: context.getNodeParameter('voiceSource') as string,
				noWatermark: context.getNodeParameter('noWatermark') as boolean,
				resumed: false,
				...warning,
				// The URLs of the files uploaded from binary data for this video, by input.
				...uploaded,
			},
			pairedItem,
		},
	];
}
