'use strict';
// The CDN port: the videos of finished tasks, uploaded files, and where a redirected create lands.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { readBody, sendJson } = require('./http');
const { isMultipart } = require('./multipart');
const { recordOf } = require('./records');

const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, 'sample.mp4'));

function createCdnServer(state) {
	return http.createServer((req, res) => {
		readBody(req).then(
			(bodyBytes) => {
				const rawBody = isMultipart(req.headers['content-type']) ? '' : bodyBytes.toString('utf8');
				const record = recordOf(req, rawBody, bodyBytes);
				state.cdnRequests.push(record);
				record.status = answerCdn(state, req, res);
			},
			() => res.destroy(),
		);
	});
}

// Returns the status it answered with, for the request record.
function answerCdn(state, req, res) {
	const { pathname } = new URL(req.url, state.cdnUrl);
	const file = state.files.get(pathname);
	if (file && (req.method === 'GET' || req.method === 'HEAD')) {
		res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.content.length });
		res.end(req.method === 'HEAD' ? undefined : file.content);
		return 200;
	}
	if ((req.method === 'GET' || req.method === 'HEAD') && /^\/videos\/[^/]+\.mp4$/.test(pathname)) {
		res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SAMPLE_VIDEO.length });
		res.end(req.method === 'HEAD' ? undefined : SAMPLE_VIDEO);
		return 200;
	}
	// Where a redirected create lands when a client follows the API's redirect: it "works",
	// and cdnRequests shows the request and whatever Authorization header came with it.
	if (req.method === 'POST' && pathname === '/avatar/generation') {
		sendJson(res, 200, { code: 'success', message: '', data: 'redirected-task' });
		return 200;
	}
	res.writeHead(404, { 'content-type': 'text/plain' });
	res.end('Not Found');
	return 404;
}

module.exports = { createCdnServer };
