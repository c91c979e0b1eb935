#!/usr/bin/env node
// Bulk runs behind a rate-limited gateway, with the node's default options: N rows through
// n8n-core's RoutingNode against the loopback stand-in API, which answers 429 + Retry-After
// above its limit. Each case runs in a child process of its own, so its peak RSS is its own.
//
//   npm run bench:bulk                       all cases, 1,000 rows
//   BENCH_ROWS=200 npm run bench:bulk        fewer rows
//   BENCH_CASES=limit-20,limit-50 npm run bench:bulk
//
// The case "two-workers-limit-20" runs the rows as two queue-mode workers would: two processes,
// each with its own pacer, behind one limit they must share by way of the 429s they see.
//
// Per case: tasks created, duplicate creates, failed rows, wall time, the floor (what the limit
// allows at best: rows ÷ rate for creates; with waiting, one create and one final status check
// per row plus the video time), wall / floor, the share of requests answered 429, peak RSS.
// Targets: created = rows, 0 duplicates, 0 failed, wall / floor <= 1.3, 429s <= 5 %.
require('../test/helpers/env');
const { runChild } = require('./child');
const { generateEachRow, sheetRows } = require('./sheet');

const rows = Number(process.env.BENCH_ROWS ?? 1000);
const cases = {
	'limit-20': { rate: 20 },
	'limit-50': { rate: 50 },
	'wait-limit-20': { rate: 20, wait: true, videoSeconds: 60 },
	'wait-limit-20-faults-5%': { rate: 20, wait: true, videoSeconds: 60, faultRate: 0.05 },
	'two-workers-limit-20': { rate: 20, workers: 2 },
};

/** Runs `count` rows through the node against an API at `baseUrl`; what came out. */
async function runRows(count, credentials, wait, first = 0) {
	const { runNode } = require('../test/helpers/engine');
	return await runNode({
		// Default options: no batching, no Max Requests per Second, default poll interval and Max Wait.
		parameters: generateEachRow({ waitForCompletion: wait }),
		items: sheetRows(count, first),
		credentials,
		continueOnFail: true, // count failed rows instead of stopping at the first
	});
}

/** Runs this script again as a measuring child (bench/child.js); resolves with its RESULT. */
const runOwnChild = (env) => runChild(__filename, env);

async function runCase(name) {
	const { startStandIn } = require('../stand-in/server');
	const { rate, wait = false, videoSeconds = 1, faultRate = 0, workers = 1 } = cases[name];
	const standIn = await startStandIn({
		taskDurationMs: videoSeconds * 1000,
		rateLimitPerSecond: rate,
		taskQueryFaultRate: faultRate,
		randomSeed: 42,
	});
	try {
		const credentials = { apiToken: standIn.token, baseUrl: standIn.url };
		const startedAt = Date.now();
		let failed;
		let peakRssMb;
		if (workers > 1) {
			const share = Math.ceil(rows / workers);
			const results = await Promise.all(
				Array.from({ length: workers }, (_, worker) =>
					runOwnChild({ BENCH_WORKER: JSON.stringify({ rows: share, first: worker * share, credentials, wait }) }),
				),
			);
			failed = results.reduce((sum, result) => sum + result.failed, 0);
			peakRssMb = Math.max(...results.map((result) => result.peakRssMb));
		} else {
			const output = await runRows(rows, credentials, wait);
			failed = output.filter((item) => item.error || (wait && item.json.status !== 'succeeded')).length;
			peakRssMb = process.resourceUsage().maxRSS / 1024;
		}
		const wallSeconds = (Date.now() - startedAt) / 1000;
		const counts = standIn.counts();
		const rateLimited = counts.byStatus[429] ?? 0;
		const floorSeconds = wait ? (2 * rows) / rate + videoSeconds : rows / rate;
		return {
			name,
			rows,
			created: counts.created,
			duplicates: counts.duplicateCreates,
			failed,
			wallSeconds,
			floorSeconds,
			ratio: wallSeconds / floorSeconds,
			requests: counts.requests,
			rateLimited,
			rateLimitedShare: rateLimited / counts.requests,
			statusChecks: standIn.requests.filter((request) => request.method === 'GET').length,
			faults: (counts.byStatus[500] ?? 0) + (counts.byStatus.reset ?? 0),
			peakRssMb,
		};
	} finally {
		await standIn.close();
	}
}

function print(result) {
	const pct = (share) => `${(share * 100).toFixed(1)} %`;
	const ok = (good) => (good ? 'ok' : 'MISSED');
	console.log(`\n${result.name}: ${result.rows} rows`);
	console.log(`  tasks created          ${result.created}   ${ok(result.created === result.rows)}`);
	console.log(`  duplicate creates      ${result.duplicates}   ${ok(result.duplicates === 0)}`);
	console.log(`  failed rows            ${result.failed}   ${ok(result.failed === 0)}`);
	console.log(`  wall time              ${result.wallSeconds.toFixed(1)} s`);
	console.log(`  floor                  ${result.floorSeconds.toFixed(1)} s`);
	console.log(`  wall / floor           ${result.ratio.toFixed(2)}   ${ok(result.ratio <= 1.3)} (target <= 1.3)`);
	console.log(`  requests               ${result.requests} (status checks ${result.statusChecks}, injected faults ${result.faults})`);
	console.log(`  answered 429           ${result.rateLimited} = ${pct(result.rateLimitedShare)}   ${ok(result.rateLimitedShare <= 0.05)} (target <= 5 %)`);
	console.log(`  peak RSS               ${result.peakRssMb.toFixed(0)} MB`);
}

async function main() {
	if (process.env.BENCH_WORKER) {
		// A worker of a multi-worker case: its rows, against the parent's stand-in.
		const { rows: count, first, credentials, wait } = JSON.parse(process.env.BENCH_WORKER);
		const output = await runRows(count, credentials, wait, first);
		const failed = output.filter((item) => item.error || (wait && item.json.status !== 'succeeded')).length;
		process.stdout.write(`\nRESULT ${JSON.stringify({ failed, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
		return;
	}
	if (process.env.BENCH_CASE) {
		// Child: run one case, hand the result to the parent.
		const result = await runCase(process.env.BENCH_CASE);
		process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
		return;
	}
	const names = process.env.BENCH_CASES ? process.env.BENCH_CASES.split(',') : Object.keys(cases);
	let missed = false;
	for (const name of names) {
		if (!cases[name]) throw new Error(`no case ${name}; cases: ${Object.keys(cases).join(', ')}`);
		let result;
		try {
			result = await runOwnChild({ BENCH_CASE: name });
		} catch (error) {
			console.error(`${name} failed:\n${error.message}`);
			missed = true;
			continue;
		}
		print(result);
		missed ||=
			result.created !== result.rows || result.duplicates > 0 || result.failed > 0 || result.ratio > 1.3 || result.rateLimitedShare > 0.05;
	}
	if (missed) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
