import { randomBytes } from 'node:crypto';
import type { BinaryFile } from './binary';

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
