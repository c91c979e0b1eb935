'use strict';
// multipart/form-data bodies (POST /v1/files), parsed from their bytes.

const isMultipart = (contentType) => /^multipart\//i.test(contentType || '');

/**
 * The parts of a multipart/form-data body ({ name, filename, contentType, rawHeaders, content }),
 * or null when the content type is not multipart or the body does not follow it.
 */
function multipartParts(contentType, bodyBytes) {
	const boundary = /^multipart\/form-data;.*\bboundary=("?)([^";]+)\1/i.exec(contentType || '')?.[2];
	if (!boundary || !bodyBytes) return null;
	const delimiter = Buffer.from(`--${boundary}`);
	const parts = [];
	let at = bodyBytes.indexOf(delimiter);
	if (at !== 0) return null;
	for (;;) {
		at += delimiter.length;
		if (bodyBytes.subarray(at, at + 2).toString() === '--') return parts;
		if (bodyBytes.subarray(at, at + 2).toString() !== '\r\n') return null;
		const headersEnd = bodyBytes.indexOf('\r\n\r\n', at);
		const next = bodyBytes.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd);
		if (headersEnd < 0 || next < 0) return null;
		const rawHeaders = bodyBytes.subarray(at + 2, headersEnd).toString('utf8');
		const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(rawHeaders)?.[1] ?? '';
		parts.push({
			name: /;\s*name="([^"]*)"/i.exec(disposition)?.[1],
			filename: /;\s*filename="([^"]*)"/i.exec(disposition)?.[1],
			contentType: /^content-type:\s*(.+)$/im.exec(rawHeaders)?.[1]?.trim(),
			rawHeaders,
			content: bodyBytes.subarray(headersEnd + 4, next),
		});
		at = next + 2;
	}
}

module.exports = { isMultipart, multipartParts };
