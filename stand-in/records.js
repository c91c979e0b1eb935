'use strict';
// The record of a request ({ method, path, query, headers, body, at, status }), as requests and
// cdnRequests hold it.

const crypto = require('node:crypto');
const { multipartParts } = require('./multipart');

function recordOf(req, rawBody, bodyBytes) {
	let body;
	const parts = multipartParts(req.headers['content-type'], bodyBytes);
	if (parts) {
		// What was sent, part by part; a file's bytes as their size and SHA-256.
		body = {
			multipart: parts.map(({ name, filename, contentType, rawHeaders, content }) => ({
				name,
				filename,
				contentType,
				rawHeaders,
				...(filename === undefined
					? { value: content.toString('utf8') }
					: { bytes: content.length, sha256: crypto.createHash('sha256').update(content).digest('hex') }),
			})),
		};
	} else if (rawBody !== '') {
		try {
			body = JSON.parse(rawBody);
		} catch {
			body = rawBody;
		}
	}
	const { pathname, searchParams } = new URL(req.url, 'http://stand-in');
	return {
		method: req.method,
		path: pathname,
		query: Object.fromEntries(searchParams),
		headers: { ...req.headers },
		body,
		at: Date.now(),
	};
}

module.exports = { recordOf };
