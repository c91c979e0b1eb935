// Where a bulk run's time went, from the gateway's own records: a pure function of the requests
// it saw ({ method, path, status, at }), the run's start and end, and its limit.
//
// Columns, in seconds of wall time (the last five add up to wall − floor, less `other`):
// - beforeFirst: from the start until the first request arrived (n8n-core building every row's
//   request first).
// - rampUp: from the first request until the first whole second whose accepted requests reached
//   90 % of the limit; rampUnused: the capacity left unused in those seconds.
// - pauses: capacity left unused, after ramp-up, during gaps with no request accepted that hold
//   a 429 and last at least PAUSE_MIN_MS (a pause for Retry-After); pauseCount: how many.
// - underLimit: the rest of the capacity left unused after ramp-up: the sum over seconds of
//   (limit − accepted) / limit, up to `tailSeconds` before the last request (with waiting, the
//   last video's time, which the floor already holds).
// - extraChecks: status checks beyond one per task (all but each task's last); extraCheckSeconds:
//   the capacity those the gateway accepted took (accepted / limit), slots the floor does not
//   grant; extraCheckSlots: how many of them were accepted before the last create arrived (slots
//   a create could have used).
// - afterLast: from the last request until the run ended.
// - perSecond: the accepted requests of each whole second from the first request on (where the
//   capacity under the limit went: a dip, a pause, the end).
// - other: wall − floor − (beforeFirst + rampUnused + pauses + underLimit + extraCheckSeconds +
//   afterLast): what the columns do not explain (negative when they overlap the floor).
'use strict';

const PAUSE_MIN_MS = 250;
const RAMP_SHARE = 0.9;
const STATUS_CHECK = /^\/avatar\/task\/([^/]+)$/;

const isAccepted = (request) => request.status !== 429 && request.status !== null;
const isCreate = (request) => request.method === 'POST' && request.path === '/avatar/generation';

/** Gaps between accepted requests that hold a 429 and last at least PAUSE_MIN_MS: [from, to) pairs. */
function pausesOf(sorted) {
	const pauses = [];
	let lastAccepted;
	let refusedSince = false;
	for (const request of sorted) {
		if (request.status === 429) {
			if (lastAccepted !== undefined) refusedSince = true;
		} else if (isAccepted(request)) {
			if (refusedSince && request.at - lastAccepted >= PAUSE_MIN_MS) pauses.push([lastAccepted, request.at]);
			lastAccepted = request.at;
			refusedSince = false;
		}
	}
	return pauses;
}

const overlapMs = (pauses, from, to) =>
	pauses.reduce((sum, [start, end]) => sum + Math.max(0, Math.min(end, to) - Math.max(start, from)), 0);

/**
 * The breakdown of one run.
 * @param {{ requests: {method: string, path: string, status: (number|string|null), at: number}[],
 *   startedAt: number, endedAt: number, limit: number, floorSeconds: number, tailSeconds?: number }} run
 */
function breakdown({ requests, startedAt, endedAt, limit, floorSeconds, tailSeconds = 0 }) {
	const wall = (endedAt - startedAt) / 1000;
	const sorted = [...requests].sort((a, b) => a.at - b.at);
	if (sorted.length === 0) return { wall, floorSeconds, ratio: wall / floorSeconds, requests: 0 };
	const first = sorted[0].at;
	const last = sorted[sorted.length - 1].at;

	// Accepted requests per whole second from the first request on.
	const seconds = Math.floor((last - first) / 1000) + 1;
	const accepted = new Array(seconds).fill(0);
	for (const request of sorted) if (isAccepted(request)) accepted[Math.floor((request.at - first) / 1000)] += 1;
	let rampSeconds = accepted.findIndex((count) => count >= RAMP_SHARE * limit);
	if (rampSeconds === -1) rampSeconds = seconds;
	const unused = (count) => Math.max(0, limit - count) / limit;

	const pauses = pausesOf(sorted);
	const steadyEnd = Math.max(0, Math.floor((last - tailSeconds * 1000 - first) / 1000));
	let rampUnused = 0;
	let pauseUnused = 0;
	let underLimit = 0;
	for (let second = 0; second < Math.max(rampSeconds, steadyEnd); second++) {
		const lost = unused(accepted[second]);
		if (second < rampSeconds) {
			rampUnused += lost;
			continue;
		}
		const from = first + second * 1000;
		const paused = Math.min(lost, overlapMs(pauses, from, from + 1000) / 1000);
		pauseUnused += paused;
		underLimit += lost - paused;
	}

	// Status checks per task; all but each task's last are extra.
	const checksByTask = new Map();
	for (const request of sorted) {
		const match = request.method === 'GET' && STATUS_CHECK.exec(request.path);
		if (!match) continue;
		if (!checksByTask.has(match[1])) checksByTask.set(match[1], []);
		checksByTask.get(match[1]).push(request);
	}
	const lastCreate = sorted.reduce((at, request) => (isCreate(request) ? request.at : at), -Infinity);
	let extraChecks = 0;
	let extraAccepted = 0;
	let extraCheckSlots = 0;
	for (const checks of checksByTask.values()) {
		for (const check of checks.slice(0, -1)) {
			extraChecks += 1;
			if (!isAccepted(check)) continue;
			extraAccepted += 1;
			if (check.at <= lastCreate) extraCheckSlots += 1;
		}
	}

	const beforeFirst = (first - startedAt) / 1000;
	const afterLast = (endedAt - last) / 1000;
	const extraCheckSeconds = extraAccepted / limit;
	const explained = beforeFirst + rampUnused + pauseUnused + underLimit + extraCheckSeconds + afterLast;
	return {
		wall,
		floorSeconds,
		ratio: wall / floorSeconds,
		requests: sorted.length,
		refused: sorted.filter((request) => request.status === 429).length,
		beforeFirst,
		rampUp: rampSeconds,
		rampUnused,
		pauses: pauseUnused,
		pauseCount: pauses.filter(([start]) => start >= first + rampSeconds * 1000).length,
		underLimit,
		extraChecks,
		extraAccepted,
		extraCheckSlots,
		extraCheckSeconds,
		afterLast,
		other: wall - floorSeconds - explained,
		perSecond: accepted,
	};
}

/** The breakdown as lines to print. */
function breakdownLines(b) {
	const s = (value) => `${value.toFixed(1)} s`;
	return [
		`  before first request   ${s(b.beforeFirst)}`,
		`  ramp-up to 90 % limit  ${s(b.rampUp)} (capacity unused in it ${s(b.rampUnused)})`,
		`  Retry-After pauses     ${s(b.pauses)} unused after ramp-up (${b.pauseCount} pauses)`,
		`  under the limit        ${s(b.underLimit)} unused in steady state`,
		`  extra status checks    ${b.extraChecks}, ${b.extraAccepted} accepted = ${s(b.extraCheckSeconds)} (${b.extraCheckSlots} before the last create)`,
		`  after last request     ${s(b.afterLast)}`,
		`  unexplained            ${s(b.other)} (wall − floor − the above)`,
	];
}

module.exports = { breakdown, breakdownLines, PAUSE_MIN_MS };
