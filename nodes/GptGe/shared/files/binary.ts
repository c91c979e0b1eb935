import type { IBinaryData, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

/*
 * Files of n8n's binary data, as GPT.GE's upload takes them: a file is streamed from n8n's binary
 * data store when it is sent, never held whole in memory (filesystem binary mode).
 */

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
