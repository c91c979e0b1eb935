'use strict';
// Reading requests and writing answers, the way the GPT.GE gateway writes them; starting and
// stopping a loopback server.

const http = require('node:http');

function gatewayError(message, type, code = null) {
	return { error: { message, type, code } };
}

function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

// The API's own refusal of a request (as opposed to the gateway's error format).
function sendInvalid(res, message) {
	return sendJson(res, 400, { code: 'invalid_request', message, data: null });
}

function sendRedirect(res, status, location) {
	res.writeHead(status, { location, 'content-length': 0 });
	res.end();
}

// A gateway error with the fault's status; a 429 as the gateway words it, with its Retry-After.
function sendFault(res, fault) {
	const headers = {};
	if (fault.status === 429 && fault.retryAfter !== undefined)
		headers['retry-after'] = String(fault.retryAfter);
	const body =
		fault.status === 429
			? gatewayError('Too many requests, please try again later', 'new_api_error', 'rate_limit_exceeded')
			: gatewayError(http.STATUS_CODES[fault.status] || 'Error', 'new_api_error', 'stand_in_fault');
	return sendJson(res, fault.status, body, headers);
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function listen(server, port) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
}

function shutDown(server) {
	return new Promise((resolve) => {
		server.close(() => resolve());
		// close() drops idle keep-alive sockets itself; a delayed answer still in flight would hold it open.
		server.closeAllConnections();
	});
}

module.exports = { gatewayError, listen, readBody, sendFault, sendInvalid, sendJson, sendRedirect, shutDown };
