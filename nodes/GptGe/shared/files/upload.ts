import { NodeApiError, type IDataObject, type IExecuteSingleFunctions, type JsonObject } from 'n8n-workflow';
import { apiCall } from '../api/direct';
import { UPLOAD_PATH } from '../endpoints';
import { isObject } from '../values';
import type { BinaryFile } from './binary';
import { MultipartBody } from './multipart';

/*
 * Uploads to GPT.GE (POST /v1/files): GPT.GE takes a photo or a recording only as a URL, and the
 * upload answers with one on its CDN.
 */

/** What an uploaded file is, for the output item. */
export interface UploadedFile extends IDataObject {
	url: string;
	fileId: string | null;
	bytes: number;
	fileName: string;
	mimeType: string;
}

/**
 * The uploaded file as the answer describes it. An answer without a URL (the API's schema does
 * not require one) is useless to GPT.GE's other endpoints, which take URLs only: an error that
 * shows the answer.
 */
export function uploadedFileOf(
	context: IExecuteSingleFunctions,
	body: unknown,
	file: BinaryFile,
): UploadedFile {
	const answer = isObject(body) ? body : {};
	const url = answer.url;
	if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
		throw new NodeApiError(context.getNode(), answer as JsonObject, {
			message: 'GPT.GE stored the file but gave no URL for it',
			description:
				`GPT.GE's other endpoints take files by URL only, so "${file.fileName}" cannot be used from here. ` +
				`GPT.GE answered: ${JSON.stringify(body).slice(0, 500)}`,
			itemIndex: context.getItemIndex(),
		});
	}
	return {
		url,
		fileId: typeof answer.id === 'string' ? answer.id : null,
		bytes: typeof answer.bytes === 'number' ? answer.bytes : file.bytes,
		fileName: typeof answer.filename === 'string' && answer.filename ? answer.filename : file.fileName,
		mimeType: file.mimeType,
	};
}

/**
 * Uploads `file` (POST /v1/files, through the door: paced, with a timeout, and sent again after
 * a passing failure, as an upload is not a paid task) and returns it as the answer describes it.
 */
export async function uploadFile(
	context: IExecuteSingleFunctions,
	file: BinaryFile,
	fields: Record<string, string> = {},
): Promise<UploadedFile> {
	const response = await apiCall(context, 'POST', UPLOAD_PATH, {
		priority: 'normal',
		...uploadRequestOf(file, fields),
		endpoint: 'file',
	});
	return uploadedFileOf(context, response.body, file);
}

/** The body and header of an upload of `file` (its form field is `file`, as the API names it). */
export function uploadRequestOf(file: BinaryFile, fields: Record<string, string> = {}) {
	const body = new MultipartBody(fields, 'file', file);
	return { body, headers: { 'Content-Type': body.type } };
}
