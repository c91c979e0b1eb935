import type {
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import type { ItemState } from '../../shared/api/items';
import { routedThroughDoor } from '../../shared/api/routed';
import { checkBinaryFile } from '../../shared/checks';
import { apiOptionsField, binaryFieldName, maxUploadSizeOption } from '../../shared/descriptions';
import { binaryFileOf, maxUploadBytes, type BinaryFile } from '../../shared/files/binary';
import { UPLOAD_PATH } from '../../shared/endpoints';
import { uploadRequestOf, uploadedFileOf } from '../../shared/files/upload';
import { inputCheck, type InputCheck } from '../../shared/validation';

const showOnlyForUpload = {
	resource: ['file'],
	operation: ['upload'],
};

export const fileUploadDescription: INodeProperties[] = [
	binaryFieldName('Input Binary Field', 'binaryPropertyName', showOnlyForUpload, 'file to upload'),
	apiOptionsField(showOnlyForUpload, [
		maxUploadSizeOption,
		{
			displayName: 'Purpose',
			name: 'purpose',
			type: 'string',
			default: '',
			description:
				"Sent as the upload's purpose field. GPT.GE's documentation lists it as optional without saying what it does: leave it out unless your provider asks for it.",
		},
	]),
];

/** The file this item uploads, read from its binary field (undefined when it has none). */
async function fileOfItem(context: IExecuteSingleFunctions): Promise<BinaryFile | undefined> {
	const field = String(context.getNodeParameter('binaryPropertyName', 'data') ?? '').trim();
	return await binaryFileOf(context, context.getInputData(), field);
}

const checkUploadInput: InputCheck = async (input) =>
	await checkBinaryFile(input, 'binaryPropertyName', maxUploadBytes(input.value('options.maxUploadSize')));

/** Makes the request a multipart upload of the item's file, streamed when it is sent. */
async function attachBinaryFile(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const file = await fileOfItem(this);
	// Without the file the input check refuses the item, naming the fields it does have.
	if (!file) return requestOptions;
	const purpose = String(this.getNodeParameter('options.purpose', '') ?? '').trim();
	const { body, headers } = uploadRequestOf(file, purpose ? { purpose } : {});
	return { ...requestOptions, body, headers: { ...requestOptions.headers, ...headers } };
}

/** One item per upload: the file's URL on GPT.GE's CDN, its ID, size, name and type. */
async function toFileItem(
	context: IExecuteSingleFunctions,
	state: ItemState,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const file = (await fileOfItem(context)) as BinaryFile;
	return [{ json: uploadedFileOf(context, response.body, file), pairedItem: { item: state.itemIndex } }];
}

// Sent by the request layer (shared/api/): paced, and sent again after a passing failure, since
// an upload is not a paid task.
export const fileUploadRouting = routedThroughDoor(
	{ createsTask: false, checkInput: inputCheck(checkUploadInput, fileUploadDescription), endpoint: 'file' },
	{ request: { method: 'POST', url: UPLOAD_PATH }, preSend: [attachBinaryFile], postReceive: [toFileItem] },
);
