'use strict';
// Control of a running stand-in: the HTTP control endpoints (/__stand-in/…, no token, not
// recorded) and the handle startStandIn returns, which do the same from JS.

const { isPlainObject } = require('./checks');
const { clearFaults, prepareFaults, setFault } = require('./faults');
const { sendJson, shutDown } = require('./http');
const { FUNCTION_SETTINGS, START_ONLY, checkSettings, publicSettings } = require('./settings');

function handleControl(state, req, res, pathname, rawBody) {
	if (pathname === '/__stand-in/faults' && req.method === 'POST') {
		try {
			setFault(state, JSON.parse(rawBody));
		} catch (error) {
			return sendJson(res, 400, { error: error.message });
		}
		return sendJson(res, 201, { faults: state.faults.length });
	}
	if (pathname === '/__stand-in/faults' && req.method === 'DELETE') {
		clearFaults(state);
		return sendJson(res, 200, { faults: 0 });
	}
	if (pathname === '/__stand-in/requests' && req.method === 'GET') {
		return sendJson(res, 200, state.requests);
	}
	if (pathname === '/__stand-in/cdn-requests' && req.method === 'GET') {
		return sendJson(res, 200, state.cdnRequests);
	}
	if (pathname === '/__stand-in/settings' && req.method === 'GET') {
		return sendJson(res, 200, publicSettings(state.settings));
	}
	if (pathname === '/__stand-in/settings' && req.method === 'POST') {
		try {
			const partial = JSON.parse(rawBody);
			if (!isPlainObject(partial)) throw new TypeError('settings must be a JSON object');
			const functions = FUNCTION_SETTINGS.filter((name) => name in partial);
			if (functions.length) {
				throw new TypeError(`${functions.join(', ')} can only be set with configure() in JS`);
			}
			return sendJson(res, 200, configure(state, partial));
		} catch (error) {
			return sendJson(res, 400, { error: error.message });
		}
	}
	if (pathname === '/__stand-in/counts' && req.method === 'GET') {
		return sendJson(res, 200, counts(state));
	}
	return sendJson(res, 404, { error: `no control endpoint ${req.method} ${pathname}` });
}

/** Changes settings while running; returns them all. Checks everything before changing anything. */
function configure(state, partial) {
	if (!isPlainObject(partial)) throw new TypeError('configure() takes an object of settings');
	const startOnly = Object.keys(partial).filter((name) => START_ONLY.includes(name));
	if (startOnly.length) throw new TypeError(`${startOnly.join(', ')} can only be set at start`);
	state.settings = checkSettings(state.settings, partial);
	prepareFaults(state, partial);
	return publicSettings(state.settings);
}

function counts(state) {
	const { requests, byStatus, tasks, duplicateCreates } = state;
	return { requests: requests.length, byStatus: { ...byStatus }, created: tasks.size, duplicateCreates };
}

async function close(state) {
	for (const timer of state.pendingTimers) clearTimeout(timer);
	state.pendingTimers.clear();
	// Stalled answers hold no timer: closing their connections is all it takes.
	await Promise.all([shutDown(state.apiServer), shutDown(state.cdnServer)]);
}

/** What startStandIn returns: the state's lists and the control functions, bound to it. */
function standInHandle(state) {
	return {
		url: state.url,
		cdnUrl: state.cdnUrl,
		token: state.token,
		requests: state.requests,
		cdnRequests: state.cdnRequests,
		setFault: (fault) => setFault(state, fault),
		clearFaults: () => clearFaults(state),
		tasks: state.tasks,
		files: state.files,
		configure: (partial) => configure(state, partial),
		settings: () => publicSettings(state.settings),
		counts: () => counts(state),
		close: () => close(state),
	};
}

module.exports = { handleControl, standInHandle };
