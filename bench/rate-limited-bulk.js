#!/usr/bin/env node
// Bulk runs behind a rate-limited gateway, with the node's default options: N rows through
// n8n-core's RoutingNode against the loopback stand-in API, which answers 429 + Retry-After
// above its limit. Each case runs in a child process of its own, so its peak RSS is its own.
//
//   npm run bench:bulk                       all cases, 1,000 rows
//   BENCH_ROWS=200 npm run bench:bulk        fewer rows
//   BENCH_CASES=limit-20,limit-50 npm run bench:bulk
//   BENCH_BATCH=1 npm run bench:bulk         with n8n's Batching option: 1 item per batch, 1 ms apart
//   BENCH_SECONDS=1 npm run bench:bulk       also the requests the gateway accepted in each second
//
// The cases "two-workers-limit-20" and "three-workers-limit-20" run the rows as queue-mode
// workers would: a process each, each with its own pacer, behind one limit they must share by way
// of the 429s they see ("three-workers-rate-limit-6.6": each told its share, the credential's Rate
// Limit). "wait-10k-limit-100" is issue 30's big case: 10,000 rows waiting for 3 s
// videos at 100 req/s, 5 % of status checks failing and 3 % of the tasks (rows 0-2 of every 100).
//
// Per case: tasks created, duplicate creates, failed rows, wall time, the floor (what the limit
// allows at best: rows ÷ rate for creates; with waiting, one create and one final status check
// per row plus the video time), wall / floor, the share of requests answered 429, peak RSS.
// The wall time starts with n8n-core loaded, as in a running n8n: it holds building the rows'
// requests, not loading n8n-core or starting a worker process.
// Targets: created = rows, 0 duplicates, failed = the rows whose task fails, wall / floor <= 1.3,
// 429s <= 5 %. Then where the time went (bench/breakdown.js), from the stand-in's request records.
require('../test/helpers/env');
const { runChild } = require('./child');
const { generateEachRow, sheetRows } = require('./sheet');
const { breakdown, breakdownLines } = require('./breakdown');

// BENCH_ROWS sets every case's rows; else a case's own, else 1,000.
const rowsOf = (name) => Number(process.env.BENCH_ROWS ?? cases[name].rows ?? 1000);
// 3 % of the tasks fail, by row: rows 0, 1, 2 of every 100 (the row is in the photo's URL).
const failsByRow = (body) => (Number(/\/people\/(\d+)\.jpg$/.exec(body.avatar_url)?.[1]) % 100 < 3 ? 'no face found' : undefined);
const failingRows = (count) => Array.from({ length: count }, (_, row) => row % 100 < 3).filter(Boolean).length;
const cases = {
	'limit-20': { rate: 20 },
	'limit-50': { rate: 50 },
	'wait-limit-20': { rate: 20, wait: true, videoSeconds: 60 },
	'wait-limit-20-faults-5%': { rate: 20, wait: true, videoSeconds: 60, faultRate: 0.05 },
	'two-workers-limit-20': { rate: 20, workers: 2 },
	'three-workers-limit-20': { rate: 20, workers: 3, rows: 900 },
	// The same with what docs/large-runs.md advises: the credential's Rate Limit, 20 ÷ 3 workers.
	'three-workers-rate-limit-6.6': { rate: 20, workers: 3, rows: 900, rateLimit: 6.6 },
	// Its node runs in a process of its own, so its peak RSS is the node's, not the stand-in's too.
	'wait-10k-limit-100': { rate: 100, wait: true, videoSeconds: 3, faultRate: 0.05, failingTasks: true, rows: 10000, ownProcess: true },
};
/** Worker processes start this long before the run, so each has loaded n8n-core when it starts. */
const WORKER_START_MS = 5000;

/** n8n's Batching option when BENCH_BATCH is set: its loop over the items then yields every N items. */
const batchingOption = () =>
	process.env.BENCH_BATCH ? { requestOptions: { batching: { batch: { batchSize: Number(process.env.BENCH_BATCH), batchInterval: 1 } } } } : {};

/** Runs `count` rows through the node against an API at `baseUrl`; what came out. */
async function runRows(count, credentials, wait, first = 0) {
	const { runNode } = require('../test/helpers/engine');
	return await runNode({
		// Default options: no batching, no Max Requests per Second, default poll interval and Max Wait;
		// BENCH_BATCH=N: n8n's Request Options → Batching, N items per batch, 1 ms apart.
		parameters: generateEachRow({ waitForCompletion: wait, ...batchingOption() }),
		items: sheetRows(count, first),
		credentials,
		continueOnFail: true, // count failed rows instead of stopping at the first
	});
}

/** Runs this script again as a measuring child (bench/child.js); resolves with its RESULT. */
const runOwnChild = (env) => runChild(__filename, env);

async function runCase(name) {
	const { startStandIn } = require('../stand-in/server');
	const { rate, wait = false, videoSeconds = 1, faultRate = 0, workers = 1, failingTasks = false, ownProcess = false, rateLimit } = cases[name];
	// Workers take equal shares: the rows rounded up to a multiple of them.
	const rows = Math.ceil(rowsOf(name) / workers) * workers;
	const standIn = await startStandIn({
		taskDurationMs: videoSeconds * 1000,
		rateLimitPerSecond: rate,
		taskQueryFaultRate: faultRate,
		randomSeed: 42,
		...(failingTasks ? { failWhen: failsByRow } : {}),
	});
	try {
		const credentials = { apiToken: standIn.token, baseUrl: standIn.url, ...(rateLimit ? { rateLimit } : {}) };
		// The run starts with n8n-core loaded, as in a running n8n (or queue-mode worker): in this
		// process now, in worker processes at an agreed time once each has loaded it.
		require('../test/helpers/engine');
		const separate = workers > 1 || ownProcess;
		const startedAt = separate ? Date.now() + WORKER_START_MS : Date.now();
		let failed;
		let peakRssMb;
		let lateMs = 0;
		if (separate) {
			const share = Math.ceil(rows / workers);
			const results = await Promise.all(
				Array.from({ length: workers }, (_, worker) =>
					runOwnChild({ BENCH_WORKER: JSON.stringify({ rows: share, first: worker * share, credentials, wait, startAt: startedAt }) }),
				),
			);
			failed = results.reduce((sum, result) => sum + result.failed, 0);
			peakRssMb = Math.max(...results.map((result) => result.peakRssMb));
			lateMs = Math.max(...results.map((result) => result.lateMs));
		} else {
			const output = await runRows(rows, credentials, wait);
			failed = output.filter((item) => item.error || (wait && item.json.status !== 'succeeded')).length;
			peakRssMb = process.resourceUsage().maxRSS / 1024;
		}
		const endedAt = Date.now();
		const wallSeconds = (endedAt - startedAt) / 1000;
		const counts = standIn.counts();
		const rateLimited = counts.byStatus[429] ?? 0;
		const floorSeconds = wait ? (2 * rows) / rate + videoSeconds : rows / rate;
		return {
			name,
			rows,
			expectedFailed: failingTasks && wait ? failingRows(rows) : 0,
			created: counts.created,
			duplicates: counts.duplicateCreates,
			failed,
			wallSeconds,
			floorSeconds,
			ratio: wallSeconds / floorSeconds,
			lateMs,
			...(separate ? { standInRssMb: process.resourceUsage().maxRSS / 1024 } : {}),
			requests: counts.requests,
			rateLimited,
			rateLimitedShare: rateLimited / counts.requests,
			statusChecks: standIn.requests.filter((request) => request.method === 'GET').length,
			faults: (counts.byStatus[500] ?? 0) + (counts.byStatus.reset ?? 0),
			peakRssMb,
			breakdown: breakdown({
				requests: standIn.requests,
				startedAt,
				endedAt,
				limit: rate,
				floorSeconds,
				tailSeconds: wait ? videoSeconds : 0,
			}),
		};
	} finally {
		await standIn.close();
	}
}

function print(result) {
	const pct = (share) => `${(share * 100).toFixed(1)} %`;
	const ok = (good) => (good ? 'ok' : 'MISSED');
	console.log(`\n${result.name}: ${result.rows} rows${process.env.BENCH_BATCH ? `, Batching ${process.env.BENCH_BATCH} item(s) per batch, 1 ms apart` : ''}`);
	console.log(`  tasks created          ${result.created}   ${ok(result.created === result.rows)}`);
	console.log(`  duplicate creates      ${result.duplicates}   ${ok(result.duplicates === 0)}`);
	console.log(`  failed rows            ${result.failed}   ${ok(result.failed === result.expectedFailed)} (tasks made to fail ${result.expectedFailed})`);
	console.log(`  wall time              ${result.wallSeconds.toFixed(1)} s`);
	console.log(`  floor                  ${result.floorSeconds.toFixed(1)} s`);
	console.log(`  wall / floor           ${result.ratio.toFixed(2)}   ${ok(result.ratio <= 1.3)} (target <= 1.3)`);
	console.log(`  requests               ${result.requests} (status checks ${result.statusChecks}, injected faults ${result.faults})`);
	console.log(`  answered 429           ${result.rateLimited} = ${pct(result.rateLimitedShare)}   ${ok(result.rateLimitedShare <= 0.05)} (target <= 5 %)`);
	console.log(
		`  peak RSS               ${result.peakRssMb.toFixed(0)} MB` +
			(result.standInRssMb === undefined ? '' : ` (the node's process; the stand-in's ${result.standInRssMb.toFixed(0)} MB)`),
	);
	if (result.lateMs > 0) console.log(`  a worker started late  ${(result.lateMs / 1000).toFixed(1)} s (loading n8n-core took longer than ${WORKER_START_MS / 1000} s)`);
	console.log('  where the time went:');
	for (const line of breakdownLines(result.breakdown)) console.log(line);
	if (process.env.BENCH_SECONDS) console.log(`  accepted per second    ${(result.breakdown.perSecond ?? []).join(' ')}`);
}

async function main() {
	if (process.env.BENCH_WORKER) {
		// A worker of a multi-worker case: its rows, against the parent's stand-in.
		const { rows: count, first, credentials, wait, startAt } = JSON.parse(process.env.BENCH_WORKER);
		require('../test/helpers/engine');
		const lateMs = Math.max(0, Date.now() - startAt);
		await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
		const output = await runRows(count, credentials, wait, first);
		const failed = output.filter((item) => item.error || (wait && item.json.status !== 'succeeded')).length;
		process.stdout.write(`\nRESULT ${JSON.stringify({ failed, lateMs, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
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
			result.created !== result.rows || result.duplicates > 0 || result.failed !== result.expectedFailed || result.ratio > 1.3 || result.rateLimitedShare > 0.05;
	}
	if (missed) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
