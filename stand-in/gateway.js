'use strict';
// The API port: what GPT.GE's gateway does with each request. Control requests go to control.js
// unrecorded; every other request is recorded, meets the faults, then the route and token checks,
// then its route.

const http = require('node:http');
const { handleControl } = require('./control');
const { faultsAt } = require('./faults');
const { gatewayError, readBody, sendJson } = require('./http');
const { isMultipart } = require('./multipart');
const { recordOf } = require('./records');
const { findRoute } = require('./routes');

const CONTROL_PREFIX = '/__stand-in/';

function createApiServer(state) {
	return http.createServer((req, res) => {
		handleApiRequest(state, req, res).catch((error) => sendCrash(res, error));
	});
}

async function handleApiRequest(state, req, res) {
	const bodyBytes = await readBody(req);
	// An upload is parsed from its bytes: decoding hundreds of MB as text would cost the stand-in
	// ~40 ms of CPU per MB (bench/file-upload.js measured it).
	const rawBody = isMultipart(req.headers['content-type']) ? '' : bodyBytes.toString('utf8');
	const { pathname, searchParams } = new URL(req.url, state.url);

	if (pathname.startsWith(CONTROL_PREFIX)) return handleControl(state, req, res, pathname, rawBody);

	const record = recordOf(req, rawBody, bodyBytes);
	record.status = null; // until answered
	state.requests.push(record);
	let outcome;
	try {
		outcome = await answerApi(state, { req, res, pathname, searchParams, rawBody, bodyBytes });
	} catch (error) {
		sendCrash(res, error);
	}
	// Set after the answer is written but before the event loop can deliver it to a client.
	const status = typeof outcome === 'string' ? outcome : res.headersSent ? res.statusCode : 'reset';
	record.status = status;
	state.byStatus[status] = (state.byStatus[status] || 0) + 1;
}

// Answers one API request; returns 'stalled', 'reset' or 'aborted' when it sent no status.
async function answerApi(state, exchange) {
	const { req, res, pathname } = exchange;
	const faulted = await faultsAt('gateway', state, exchange);
	if (faulted) return faulted.outcome;

	const route = findRoute(req.method, pathname);
	if (!route) {
		return sendJson(res, 404, gatewayError(`Invalid URL (${req.method} ${pathname})`, 'invalid_request_error', ''));
	}
	if (req.headers.authorization !== `Bearer ${state.token}`) {
		return sendJson(res, 401, gatewayError('Invalid token', 'new_api_error', 'invalid_token'));
	}
	return route.handle(state, { ...exchange, params: route.params });
}

// A bug of the stand-in's own: a 500 if nothing was sent yet, else a cut connection.
function sendCrash(res, error) {
	if (!res.headersSent) sendJson(res, 500, gatewayError(String(error), 'stand_in_error'));
	else res.destroy();
}

module.exports = { createApiServer };
