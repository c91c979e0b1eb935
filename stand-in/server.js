'use strict';
// A loopback stand-in of the GPT.GE Digital Human API (and of the CDN its videos come from),
// built from the contract in the API documentation, for end-to-end tests and manual runs.
// Plain CommonJS on node: built-ins only, so it runs anywhere the package's tests run.
// This file starts it; the parts it is made of share one state object, made here.

const { createCdnServer } = require('./cdn');
const { standInHandle } = require('./control');
const { prepareFaults } = require('./faults');
const { createApiServer } = require('./gateway');
const { listen, shutDown } = require('./http');
const { optionsFromEnv, startingSettings } = require('./settings');

async function startStandIn(options = {}) {
	const { port = 0, cdnPort = 0, token = 'stand-in-token' } = options;
	const state = {
		token,
		settings: startingSettings(options),
		requests: [],
		cdnRequests: [],
		tasks: new Map(),
		// Uploaded files by their CDN path.
		files: new Map(),
		// Delayed answers must not keep the process (or jest) alive after close().
		pendingTimers: new Set(),
		byStatus: {},
		// Canonical JSON of every body that created a task: a second create with the same body is
		// a video paid twice.
		createdBodies: new Set(),
		duplicateCreates: 0,
	};
	prepareFaults(state, options);

	state.apiServer = createApiServer(state);
	state.cdnServer = createCdnServer(state);
	await listen(state.apiServer, port);
	try {
		await listen(state.cdnServer, cdnPort);
	} catch (error) {
		// A failed start must not leave the API port taken.
		await shutDown(state.apiServer);
		throw error;
	}
	state.url = `http://127.0.0.1:${state.apiServer.address().port}`;
	// A different host name for the same loopback, so a client that leaks the API token to
	// "any URL it was given" is caught: the CDN is another origin, as it is in production.
	state.cdnUrl = `http://localhost:${state.cdnServer.address().port}`;
	return standInHandle(state);
}

module.exports = { startStandIn, optionsFromEnv };

if (require.main === module) {
	Promise.resolve()
		.then(() =>
			startStandIn({ port: 4010, cdnPort: 4011, taskDurationMs: 3000, ...optionsFromEnv(process.env) }),
		)
		.then(
			(standIn) => {
				console.log(`GPT.GE stand-in API: ${standIn.url}`);
				console.log(`stand-in CDN: ${standIn.cdnUrl}`);
				console.log(`token: ${standIn.token}`);
				console.log(`settings: ${JSON.stringify(standIn.settings())}`);
				const stop = () => standIn.close().then(() => process.exit(0));
				process.once('SIGINT', stop);
				process.once('SIGTERM', stop);
			},
			(error) => {
				console.error(`stand-in could not start: ${error.message}`);
				process.exit(1);
			},
		);
}
