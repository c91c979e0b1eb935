'use strict';
// Reading requests and writing answers, the way the GPT.GE gateway writes them; starting and
// stopping a loopback server.

const http = require('node:http');

function gatewayError(message, type, code = null) {
	return { error: { message, type, code } };
}

// Set on an answer (res[ECHO] = the request's Authorization header) by the echoAuthorization
// fault: sendJson then ends the message of any error answer with ` (Authorization: <header>)`.
const ECHO = Symbol('Authorization header to echo in error answers');

function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(status >= 400 && res[ECHO] !== undefined ? withEcho(body, res[ECHO]) : body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

// The body with the header at the end of its message: the gateway's error.message or the
// API's own message.
function withEcho(body, authorization) {
	const echo = (message) => `${message} (Authorization: ${authorization})`;
	if (body && body.error && typeof body.error.message === 'string') {
		return { ...body, error: { ...body.error, message: echo(body.error.message) } };
	}
	if (body && typeof body.message === 'string') return { ...body, message: echo(body.message) };
	return body;
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

module.exports = { ECHO, gatewayError, listen, readBody, sendFault, sendInvalid, sendJson, sendRedirect, shutDown };
