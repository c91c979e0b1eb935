#!/usr/bin/env node
// Bulk runs behind a rate-limited gateway, with the node's default options: N rows through
// n8n-core's RoutingNode against the loopback stand-in API, which answers 429 + Retry-After
// above its limit. Each case runs in a child process of its own, so its peak RSS is its own.
//
//   npm run bench:bulk                       all cases, 1,000 rows
//   BENCH_ROWS=200 npm run bench:bulk        fewer rows
//   BENCH_CASES=limit-20,limit-50 npm run bench:bulk
//
// Per case: tasks created, duplicate creates, failed rows, wall time, the floor (what the limit
// allows at best: rows ÷ rate for creates; with waiting, one create and one final status check
// per row plus the video time), wall / floor, the share of requests answered 429, peak RSS.
// Targets: created = rows, 0 duplicates, 0 failed, wall / floor <= 1.3, 429s <= 5 %.
require('../test/helpers/env');
const { spawnSync } = require('node:child_process');
const { generateEachRow, sheetRows } = require('./sheet');

const rows = Number(process.env.BENCH_ROWS ?? 1000);
const cases = {
	'limit-20': { rate: 20 },
	'limit-50': { rate: 50 },
	'wait-limit-20': { rate: 20, wait: true, videoSeconds: 60 },
	'wait-limit-20-faults-5%': { rate: 20, wait: true, videoSeconds: 60, faultRate: 0.05 },
};

async function runCase(name) {
	const { startStandIn } = require('../stand-in/server');
	const { runNode } = require('../test/helpers/engine');
	const { rate, wait = false, videoSeconds = 1, faultRate = 0 } = cases[name];
	const standIn = await startStandIn({
		taskDurationMs: videoSeconds * 1000,
		rateLimitPerSecond: rate,
		taskQueryFaultRate: faultRate,
		randomSeed: 42,
	});
	try {
		const startedAt = Date.now();
		const output = await runNode({
			// Default options: no batching, no Max Requests per Second, default poll interval and Max Wait.
			parameters: generateEachRow({ waitForCompletion: wait }),
			items: sheetRows(rows),
			credentials: { apiToken: standIn.token, baseUrl: standIn.url },
			continueOnFail: true, // count failed rows instead of stopping at the first
		});
		const wallSeconds = (Date.now() - startedAt) / 1000;
		const counts = standIn.counts();
		const rateLimited = counts.byStatus[429] ?? 0;
		const floorSeconds = wait ? (2 * rows) / rate + videoSeconds : rows / rate;
		const failed = output.filter((item) => item.error).length;
		const unfinished = wait ? output.filter((item) => !item.error && item.json.status !== 'succeeded').length : 0;
		return {
			name,
			rows,
			created: counts.created,
			duplicates: counts.duplicateCreates,
			failed: failed + unfinished,
			wallSeconds,
			floorSeconds,
			ratio: wallSeconds / floorSeconds,
			requests: counts.requests,
			rateLimited,
			rateLimitedShare: rateLimited / counts.requests,
			statusChecks: standIn.requests.filter((request) => request.method === 'GET').length,
			faults: (counts.byStatus[500] ?? 0) + (counts.byStatus.reset ?? 0),
			peakRssMb: process.resourceUsage().maxRSS / 1024,
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
		const child = spawnSync(process.execPath, [__filename], {
			env: { ...process.env, BENCH_CASE: name },
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
		const line = child.stdout.split('\n').find((text) => text.startsWith('RESULT '));
		if (!line) {
			console.error(`${name} failed:\n${child.stdout}\n${child.stderr}`);
			missed = true;
			continue;
		}
		const result = JSON.parse(line.slice('RESULT '.length));
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
