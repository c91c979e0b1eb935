import { randomBytes } from 'node:crypto';
import {
	NodeApiError,
	type IBinaryData,
	type IDataObject,
	type IExecuteSingleFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import type { AnswerCheck } from './apiResponse';
import { apiCall } from './transport';
import { isObject } from './values';

/*
 * Files from n8n's binary data, uploaded to GPT.GE (POST /v1/files): GPT.GE takes a photo or a
 * recording only as a URL, and the upload answers with one on its CDN. A file is streamed from
 * n8n's binary data store to the request, never held whole in memory (filesystem binary mode).
 */

/** Where the upload goes, relative to the Base URL. */
export const UPLOAD_PATH = '/v1/files';

/** The one size limit GPT.GE's documentation mentions (a reseller's copy of the generation page). */
export const DEFAULT_MAX_UPLOAD_MB = 100;
const BYTES_PER_MB = 1024 * 1024;

/** A file of an input item's binary data, read afresh each time it is sent (a retry sends it again). */
export interface BinaryFile {
	fileName: string;
	mimeType: string;
	bytes: number;
	read(): AsyncIterable<Uint8Array>;
}

/** The binary field names of an item. */
export function binaryNamesOf(item: INodeExecutionData | undefined): string[] {
	return Object.keys(item?.binary ?? {});
}

/**
 * The file in binary field `property` of `item`, or undefined when the item has none. Its size
 * comes from n8n's metadata, so nothing is read until the file is sent.
 */
export async function binaryFileOf(
	context: IExecuteSingleFunctions,
	item: INodeExecutionData | undefined,
	property: string,
): Promise<BinaryFile | undefined> {
	const binary: IBinaryData | undefined = item?.binary?.[property];
	if (!binary) return undefined;
	const fileName = binary.fileName || `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	const mimeType = binary.mimeType || 'application/octet-stream';
	const { id } = binary;
	if (id) {
		// Filesystem (or S3, database) binary mode: the bytes are in n8n's store, read as a stream.
		const bytes =
			typeof binary.bytes === 'number' ? binary.bytes : (await context.helpers.getBinaryMetadata(id)).fileSize;
		return {
			fileName,
			mimeType,
			bytes,
			async *read() {
				yield* await context.helpers.getBinaryStream(id);
			},
		};
	}
	// Default binary mode: the bytes are in the item already, as base64 (line breaks would make its
	// size look larger and shift the 4-character groups the chunks are cut at).
	const base64 = /\s/.test(binary.data) ? binary.data.replace(/\s+/g, '') : binary.data;
	return {
		fileName,
		mimeType,
		bytes: Buffer.byteLength(base64, 'base64'),
		read: () => base64Chunks(base64),
	};
}

/** Base64 text per decoded chunk (a multiple of 4, so each slice decodes on its own). */
const BASE64_CHUNK = 4 * 256 * 1024;

/** Decodes base64 (without whitespace) a chunk at a time: a big file is never decoded whole. */
async function* base64Chunks(data: string): AsyncGenerator<Buffer> {
	for (let start = 0; start < data.length; start += BASE64_CHUNK) {
		yield Buffer.from(data.slice(start, start + BASE64_CHUNK), 'base64');
	}
}

/** The largest upload Options → Max Upload Size allows, in bytes. */
export function maxUploadBytes(megabytes: unknown): number {
	const value = typeof megabytes === 'number' && megabytes > 0 ? megabytes : DEFAULT_MAX_UPLOAD_MB;
	return Math.floor(value * BYTES_PER_MB);
}

/** A size as people read it: 1.5 MB, 820 KB, 12 bytes. */
export function readableSize(bytes: number): string {
	if (bytes >= BYTES_PER_MB) return `${Number((bytes / BYTES_PER_MB).toFixed(1))} MB`;
	if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
	return `${bytes} bytes`;
}

/** A quoted header parameter as browsers write it (WHATWG): quotes and line breaks escaped. */
const headerParameter = (value: string) =>
	value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * A multipart/form-data body: text fields, then one file. The HTTP client (n8n's, axios) takes
 * it as a Blob: it sends `size` as Content-Length and streams `stream()`, which reads the file
 * afresh on every send. It is not a real Blob because a Blob holds its bytes in memory, and
 * community nodes may not use Node's stream module (n8n Cloud's rules).
 */
export class MultipartBody {
	readonly type: string;

	readonly size: number;

	readonly [Symbol.toStringTag] = 'Blob';

	private readonly head: Buffer;

	private readonly tail: Buffer;

	constructor(
		fields: Record<string, string>,
		fileField: string,
		private readonly file: BinaryFile,
	) {
		const boundary = `----n8n-gptge-${randomBytes(12).toString('hex')}`;
		const textParts = Object.entries(fields).map(
			([name, value]) =>
				`--${boundary}\r\nContent-Disposition: form-data; name="${headerParameter(name)}"\r\n\r\n${value}\r\n`,
		);
		this.head = Buffer.from(
			textParts.join('') +
				`--${boundary}\r\nContent-Disposition: form-data; name="${headerParameter(fileField)}"; ` +
				`filename="${headerParameter(file.fileName)}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
		);
		this.tail = Buffer.from(`\r\n--${boundary}--\r\n`);
		this.type = `multipart/form-data; boundary=${boundary}`;
		this.size = this.head.length + file.bytes + this.tail.length;
	}

	async *stream(): AsyncGenerator<Uint8Array> {
		yield this.head;
		yield* this.file.read();
		yield this.tail;
	}
}

/** An upload's answer is a file object (it has no `code`, unlike the task endpoints). */
export const isFileAnswer: AnswerCheck = (body) =>
	isObject(body) && (typeof body.id === 'string' || body.object === 'file')
		? undefined
		: 'no file object in its answer';

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
		isSuccess: isFileAnswer,
	});
	return uploadedFileOf(context, response.body, file);
}

/** The body and header of an upload of `file` (its form field is `file`, as the API names it). */
export function uploadRequestOf(file: BinaryFile, fields: Record<string, string> = {}) {
	const body = new MultipartBody(fields, 'file', file);
	return { body, headers: { 'Content-Type': body.type } };
}
