#!/usr/bin/env node
// Queue-mode workers sharing one rate limit, simulated: W pacers (the node's Pacer, as built in
// dist/) behind a gateway that counts like the stand-in (its own rule, stand-in/faults.js), on a
// fake clock. A change to the pacer's rules shows its effect over many seeds in seconds; only the
// timing around them is made up (when each worker starts, how late a request arrives, how long
// its answer takes), so a result is a candidate for `npm run bench:bulk`, not a measurement.
//
//   npm run sim:workers                                      3 workers × 300 rows, 20 req/s, 60 seeds
//   SIM_WORKERS=2 SIM_ROWS=500 SIM_LIMIT=50 SIM_SEEDS=60 node bench/workers-sim.js
//   SIM_TRACE=7 node bench/workers-sim.js                    seed 7: each worker's requests per second, its 429s
//   SIM_MAXIMUM=6.6 node bench/workers-sim.js                each worker with the credential's Rate Limit 6.6
//   SIM_STALLS=1 SIM_WORKERS=1 SIM_ROWS=10000 SIM_LIMIT=100  one worker whose event loop stalls now and then
//   SIM_OTHERS=30 SIM_GATEWAY=fixed ...                      another client sending 30 a second; a fixed window
//
// Per seed: wall ÷ floor (floor: all rows ÷ what the other client leaves of the limit) and the
// share of requests answered 429; then the median and the worst over the seeds. Issue 30's target: ≤ 1.15 in every run, 429s ≤ 2 %.
const FakeTimers = require('@sinonjs/fake-timers'); // jest's, a dev dependency

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const WORKERS = env('SIM_WORKERS', 3);
const ROWS = env('SIM_ROWS', 300);
const LIMIT = env('SIM_LIMIT', 20);
const SEEDS = env('SIM_SEEDS', 60);
const TRACE_SEED = process.env.SIM_TRACE ? Number(process.env.SIM_TRACE) : undefined;
/** SIM_MAXIMUM: each worker's credential Rate Limit (unset: learn the limit from the 429s). */
const MAXIMUM = process.env.SIM_MAXIMUM ? Number(process.env.SIM_MAXIMUM) : undefined;
/** A worker's first request leaves this long after the agreed start, ± 20 % (n8n-core building its rows). */
const BUILD_MS = env('SIM_BUILD_MS', 500);
const STALLS = Boolean(process.env.SIM_STALLS);
const FIXED_WINDOW = process.env.SIM_GATEWAY === 'fixed';
const OTHERS = env('SIM_OTHERS', 0);

/**
 * SIM_STALLS=1: the workers' event loop stalls now and then, as a 10,000-row run's did (87 stalls
 * over 10 ms in 220 s, 95 % of them under 50 ms, the longest 685 ms): about 0.4 a second, 10-50
 * ms, one in twenty 50-700 ms. One schedule for every worker (they share this process).
 * Returns when the stall around `at` ends, or undefined.
 */
function stallsOf(random, from) {
	if (!STALLS) return () => undefined;
	const stalls = [];
	for (let at = from; at < from + 3_600_000; ) {
		at += -Math.log(1 - random()) * 2_500;
		const length = random() < 0.95 ? 10 + random() * 40 : 50 + random() * 650;
		stalls.push([at, at + length]);
		at += length;
	}
	return (at) => stalls.find(([start, end]) => at >= start && at < end)?.[1];
}

/** SIM_GATEWAY=fixed: a gateway that counts per calendar second instead (Retry-After 1 s), to try the pacer's model against. */
function fixedWindow(gateway) {
	const second = Math.floor(Date.now() / 1000);
	if (gateway.second !== second) Object.assign(gateway, { second, count: 0 });
	if (gateway.count >= LIMIT) return 1;
	gateway.count += 1;
	return 0;
}

/** A seeded generator, so a seed's run can be looked at again. */
function randomOf(seed) {
	let state = seed >>> 0;
	return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function simulate(seed) {
	const clock = FakeTimers.install({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], loopLimit: 10_000_000 });
	const random = randomOf(seed);
	const stallEnd = stallsOf(random, Date.now());
	// As in Node, a timer waits at least 1 ms (the fake clock would fire one of 0.4 ms at once,
	// forever); one that comes due while the worker's event loop is stalled fires when it is free.
	const fakeSetTimeout = globalThis.setTimeout;
	const inWorker = (callback, ms, ...args) => {
		const dueAt = Date.now() + Math.max(1, ms ?? 0);
		return fakeSetTimeout(callback, (stallEnd(dueAt) ?? dueAt) - Date.now(), ...args);
	};
	globalThis.setTimeout = inWorker;
	try {
		// Loaded on the fake clock: the pacer's naps and the gateway's window run on it.
		const { Pacer } = require('../dist/nodes/GptGe/shared/api/pacer');
		const { rateLimitRetryAfter } = require('../stand-in/faults');
		const gateway = { settings: { rateLimitPerSecond: LIMIT }, rateWindow: { accepted: [], head: 0 } };
		/** A request reaches the gateway: 0 when it passes, else the Retry-After seconds. */
		const countAtGateway = () => (FIXED_WINDOW ? fixedWindow(gateway) : rateLimitRetryAfter(gateway));
		const startedAt = Date.now();
		const perSecond = [];
		const refusals = [];
		let requests = 0;
		let refused = 0;
		const after = (ms) => new Promise((resolve) => inWorker(resolve, ms));
		// On the network and at the gateway: a stalled worker does not hold these up.
		const elsewhere = (ms) => new Promise((resolve) => fakeSetTimeout(resolve, Math.max(1, ms)));

		/** One row: a permit, the request (a few ms on the way, now and then more), its answer; again after a 429. */
		async function sendRow(pacer, worker) {
			for (;;) {
				const permittedAt = await pacer.permit('normal');
				requests += 1;
				await elsewhere(1 + random() * random() * 15);
				const retryAfterSeconds = countAtGateway();
				await elsewhere(2 + random() * 6);
				if (STALLS) await after(0); // the worker reads the answer once its event loop is free
				if (!retryAfterSeconds) {
					pacer.accepted(permittedAt);
					const second = Math.floor((Date.now() - startedAt) / 1000);
					perSecond[second] ??= Array(WORKERS).fill(0);
					perSecond[second][worker] += 1;
					return Date.now();
				}
				refused += 1;
				const limitBefore = pacer.limit;
				pacer.refused(permittedAt, retryAfterSeconds * 1000);
				refusals.push({ at: Date.now() - startedAt, worker, limitBefore, limit: pacer.limit });
			}
		}

		async function runWorker(worker) {
			await after(BUILD_MS * (0.8 + 0.4 * random()));
			const pacer = new Pacer(MAXIMUM);
			const finished = await Promise.all(Array.from({ length: ROWS }, () => sendRow(pacer, worker)));
			return Math.max(...finished) - startedAt;
		}

		// SIM_OTHERS=n: another client of the same token sends n a second, steadily, until the workers are done.
		let done = false;
		if (OTHERS) {
			const tick = () => {
				if (done) return;
				countAtGateway();
				fakeSetTimeout(tick, 1000 / OTHERS);
			};
			fakeSetTimeout(tick, 1);
		}
		const run = Promise.all(Array.from({ length: WORKERS }, (_, worker) => runWorker(worker))).finally(() => {
			done = true;
		});
		await clock.runAllAsync();
		const finishedAfter = await run;
		const floorMs = ((WORKERS * ROWS) / (LIMIT - OTHERS)) * 1000;
		return { seed, ratio: Math.max(...finishedAfter) / floorMs, refusedShare: refused / requests, finishedAfter, perSecond, refusals };
	} finally {
		clock.uninstall();
	}
}

const percent = (share) => `${(share * 100).toFixed(1)} %`;

async function main() {
	if (TRACE_SEED !== undefined) {
		const result = await simulate(TRACE_SEED);
		result.perSecond.forEach((counts, second) => console.log(`${String(second).padStart(3)} s  ${counts.map((n) => String(n).padStart(3)).join(' ')}`));
		const limitText = (limit) => (limit === undefined ? 'none' : limit.toFixed(1));
		for (const { at, worker, limitBefore, limit } of result.refusals) {
			console.log(`429 at ${(at / 1000).toFixed(2)} s to worker ${worker}: learnt limit ${limitText(limitBefore)} → ${limitText(limit)}`);
		}
		console.log(`seed ${TRACE_SEED}: ${result.ratio.toFixed(2)}, ${percent(result.refusedShare)} 429s`);
		return;
	}
	const results = [];
	for (let seed = 1; seed <= SEEDS; seed++) results.push(await simulate(seed));
	const ratios = results.map((result) => result.ratio).sort((a, b) => a - b);
	const shares = results.map((result) => result.refusedShare);
	console.log(`${WORKERS} workers × ${ROWS} rows behind ${LIMIT} req/s, ${SEEDS} seeds:`);
	console.log(`  wall / floor   median ${ratios[Math.floor(SEEDS / 2)].toFixed(2)}, worst ${ratios[SEEDS - 1].toFixed(2)}, best ${ratios[0].toFixed(2)}; ${ratios.filter((ratio) => ratio <= 1.15).length} of ${SEEDS} runs ≤ 1.15`);
	console.log(`  answered 429   mean ${percent(shares.reduce((sum, share) => sum + share, 0) / SEEDS)}, worst ${percent(Math.max(...shares))}`);
	const worst = results.reduce((a, b) => (b.ratio > a.ratio ? b : a));
	console.log(`  worst run: seed ${worst.seed}, workers done after ${worst.finishedAfter.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s (SIM_TRACE=${worst.seed} shows it)`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
