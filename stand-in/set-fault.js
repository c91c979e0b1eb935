'use strict';
// The faults a test asks for with setFault() (the 'setFault()' entry of FAULTS in faults.js
// plays them), and the seeded generator the random faults and the 'mixed' dialect draw from.

const { redirectStatus } = require('./checks');
const { sendFault, sendRedirect } = require('./http');

// What a fault set with setFault() answers, after its delayMs: the first of these fields it has
// decides. `given(fault)` says whether a fault with these fields does something (by default: the
// field is there); `check(fault)` throws on a bad value. Name a new field in FAULT_NEEDS too, the
// message of a fault that does nothing. (`status` is checked by setFault: malformed uses it too.)
const FAULT_ANSWERS = [
	{ field: 'stall', given: (fault) => fault.stall === true, answer: () => 'stalled' },
	{
		field: 'redirect',
		check(fault) {
			if (fault.redirect !== undefined) redirectStatus(fault.redirect, 'fault.redirect');
			if (fault.location !== undefined && typeof fault.location !== 'string') {
				throw new TypeError('fault.location must be a URL string');
			}
		},
		answer: (state, { req, res }, fault) =>
			sendRedirect(res, fault.redirect, fault.location || state.cdnUrl + req.url),
	},
	{
		field: 'malformed',
		answer(state, { res }, fault) {
			res.writeHead(fault.status || 200, { 'content-type': 'application/json' });
			res.end('{"code":"success", broken');
		},
	},
	{ field: 'status', answer: (state, { res }, fault) => sendFault(res, fault) },
];
const FAULT_NEEDS = 'status, delayMs, malformed, stall or redirect';

function setFault(state, fault) {
	if (!fault || typeof fault !== 'object' || Array.isArray(fault)) {
		throw new TypeError('a fault must be an object');
	}
	const { method, path: pathMatch, status, delayMs, malformed, stall, times = Infinity, after = 0 } = fault;
	if (!(Number.isInteger(after) && after >= 0)) throw new TypeError('fault.after must be a whole number');
	if (pathMatch !== undefined && typeof pathMatch !== 'string' && !(pathMatch instanceof RegExp)) {
		throw new TypeError('fault.path must be a string prefix or a RegExp');
	}
	if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
		throw new TypeError('fault.status must be an HTTP status code');
	}
	for (const { check } of FAULT_ANSWERS) if (check) check(fault);
	if (!delayMs && !FAULT_ANSWERS.some(({ field, given = () => fault[field] }) => given(fault))) {
		throw new TypeError(`a fault needs ${FAULT_NEEDS}`);
	}
	state.faults.push({
		...fault,
		method: method && method.toUpperCase(),
		malformed: malformed === true,
		stall: stall === true,
		remaining: times === null ? Infinity : times,
		// Matching requests to let through first: a fault mid-batch, not on its first row.
		passing: after,
	});
}

function clearFaults(state) {
	state.faults = [];
}

function takeFault(state, method, pathname) {
	const fault = state.faults.find(
		(candidate) =>
			candidate.remaining > 0 &&
			(!candidate.method || candidate.method === method) &&
			(candidate.path === undefined ||
				(candidate.path instanceof RegExp ? candidate.path.test(pathname) : pathname.startsWith(candidate.path))),
	);
	if (!fault) return undefined;
	if (fault.passing > 0) {
		fault.passing -= 1;
		return undefined;
	}
	fault.remaining -= 1;
	return fault;
}

// mulberry32: a tiny PRNG, so a seeded run draws the same faults every time.
function seededRandom(seed) {
	let value = seed >>> 0;
	return () => {
		value = (value + 0x6d2b79f5) >>> 0;
		let t = value;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

module.exports = { FAULT_ANSWERS, clearFaults, seededRandom, setFault, takeFault };
