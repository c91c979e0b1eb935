#!/usr/bin/env node
// Uploads from n8n's binary data (issue 14, point 4), run by n8n-core's RoutingNode against the
// loopback stand-in API. The stand-in runs in a child process of its own (it keeps every upload
// in memory, and that memory must not count), and each measurement runs in a fresh child too, so
// one measurement's heap does not blur the next one's RSS.
//
//   npm run bench:upload                          200 MB file, 50 rows of 5 MB photos
//   BENCH_UPLOAD_MB=100 BENCH_ROWS=20 npm run bench:upload
//   BENCH_DEFAULT_MB=0 npm run bench:upload        skip the default-mode contrast
//   BENCH_API_PORT=4610 BENCH_CDN_PORT=4611        the stand-in's ports (these are the defaults)
//
// 1. Memory: File → Upload of a BENCH_UPLOAD_MB file (200 MB) held in n8n's filesystem binary
//    mode. Baseline RSS after gc, RSS sampled every 2 ms during the run; target: peak − baseline
//    <= 64 MB. The stand-in must have received exactly the file (size and SHA-256). For contrast,
//    the same upload in n8n's default binary mode (the file as base64 in the item).
// 2. Throughput: BENCH_ROWS rows (50), each with its own 5 MB JPEG in filesystem mode, through
//    Generate with Avatar Input = Binary File (upload, then create; no waiting). One row alone,
//    then all rows in one node run; wall / single. Every row must have uploaded its own photo and
//    created a task with the URL its upload returned. The rows move 50 times the bytes of one row,
//    so where one upload already uses up the CPU or the loopback (small machines), wall / single
//    stays near the row count however side by side the rows run: the benchmark also prints how
//    many uploads were in flight at once, both processes' CPU time, and a 1 KB row's time (what a
//    row costs besides its bytes), to tell the node serializing rows from the machine saturating.
//
// Node flags: the measuring children are started with --expose-gc by this script.
//
const { spawn } = require('node:child_process');
const { runChild } = require('./child');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MB = 1024 * 1024;
const uploadMb = Number(process.env.BENCH_UPLOAD_MB ?? 200);
const defaultModeMb = Number(process.env.BENCH_DEFAULT_MB ?? uploadMb);
const rows = Number(process.env.BENCH_ROWS ?? 50);
const photoMb = Number(process.env.BENCH_PHOTO_MB ?? 5);
// The stand-in's ports; the children get them from the parent's environment.
const apiPort = Number(process.env.BENCH_API_PORT ?? 4610);
const cdnPort = Number(process.env.BENCH_CDN_PORT ?? 4611);
const TOKEN = 'bench-upload-token';
const API = `http://127.0.0.1:${apiPort}`;
const credentials = { apiToken: TOKEN, baseUrl: API };
const RSS_TARGET_MB = 64;

const uploadParameters = {
	resource: 'file',
	operation: 'upload',
	binaryPropertyName: 'data',
	options: { maxUploadSize: 300 },
};
const generateParameters = {
	resource: 'avatar',
	operation: 'generate',
	avatarInput: 'binary',
	avatarBinaryProperty: 'data',
	voiceSource: 'audioUrl',
	audioInput: 'url',
	audioUrl: 'https://example.com/speech.mp3',
};

const mb = (bytes) => bytes / MB;
const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');

/** The stand-in's recorded API requests (its control endpoint needs no token). */
async function standInRequests() {
	const response = await fetch(`${API}/__stand-in/requests`);
	if (!response.ok) throw new Error(`GET /__stand-in/requests answered ${response.status}`);
	return await response.json();
}

// ---------------------------------------------------------------------------------------------
// Children

/** Frees what can be freed, so the baseline is what the process really keeps. */
async function settle() {
	for (let round = 0; round < 3; round++) {
		global.gc?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/**
 * Runs `run()` while sampling RSS (and the V8 heap and Buffers) every 2 ms; the baseline is
 * taken just before. A sample is taken by a timer of this thread, so a peak shorter than the
 * event loop's longest block could slip between two; the kernel's high-water mark (maxRSS)
 * is reported as well as a check of the sampled peak.
 */
async function measure(run) {
	await settle();
	const base = process.memoryUsage();
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	const peak = { rss: base.rss, heapUsed: base.heapUsed, external: base.external, arrayBuffers: base.arrayBuffers };
	let samples = 0;
	const sample = () => {
		const now = process.memoryUsage();
		samples++;
		for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], now[key]);
	};
	const timer = setInterval(sample, 2);
	const startedAt = process.hrtime.bigint();
	let output;
	try {
		output = await run();
	} finally {
		clearInterval(timer);
	}
	const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
	sample();
	const maxRssAfter = process.resourceUsage().maxRSS * 1024;
	return {
		output,
		seconds,
		samples,
		baseline: base,
		peak,
		// The kernel's high-water mark moved only if the run went above every earlier peak.
		maxRssBefore,
		maxRssAfter,
	};
}

/**
 * n8n-core's binary data service in filesystem mode over the store at `dir` (what
 * test/helpers/binary.js sets up, but over a store another process filled).
 */
async function binaryStoreAt(dir) {
	const { Container } = require(require.resolve('@n8n/di', { paths: [path.dirname(require.resolve('n8n-core'))] }));
	const { BinaryDataService } = require('n8n-core');
	const service = Container.get(BinaryDataService);
	service.config.mode = 'filesystem';
	service.config.localStoragePath = dir;
	await service.init();
	return service;
}

/**
 * Memory: one File → Upload of the big file, in filesystem or default binary mode. In
 * filesystem mode the parent stored the file (BENCH_STORE, BENCH_BINARY), so this process's
 * baseline holds nothing of the copying into n8n's store. A 1 MB upload first warms up the
 * code path (modules, JIT, the connection); it is not measured.
 */
async function memoryCase(mode) {
	const { runNode } = require('../test/helpers/engine');
	const { inlineBinary } = require('../test/helpers/binary');
	const meta = { fileName: 'big.mp4', mimeType: 'video/mp4' };
	const warmUpContent = crypto.randomBytes(MB);
	let binary;
	let warmUp;
	if (mode === 'filesystem') {
		const store = await binaryStoreAt(process.env.BENCH_STORE);
		binary = JSON.parse(process.env.BENCH_BINARY);
		warmUp = await store.store({ type: 'execution', workflowId: 'wf-test', executionId: 'exec-test' }, warmUpContent, {
			...meta,
			fileName: 'warm-up.mp4',
			fileExtension: 'mp4',
			data: '',
		});
	} else {
		// Default mode: the item holds the file as base64, as n8n's default mode does.
		binary = inlineBinary(fs.readFileSync(process.env.BENCH_FILE), meta);
		warmUp = inlineBinary(warmUpContent, { ...meta, fileName: 'warm-up.mp4' });
	}
	await runNode({ parameters: uploadParameters, items: [{ json: {}, binary: { data: warmUp } }], credentials });
	const items = [{ json: {}, binary: { data: binary } }];
	const before = (await standInRequests()).length;
	const standInCpuBefore = standInCpuSeconds();
	const result = await measure(async () => await runNode({ parameters: uploadParameters, items, credentials }));
	const standInCpu = standInCpuSeconds() - standInCpuBefore;
	const uploads = (await standInRequests()).slice(before).filter((r) => r.method === 'POST' && r.path === '/v1/files');
	const parts = uploads.map((r) => r.body?.multipart?.find((part) => part.name === 'file'));
	const { output, ...numbers } = result;
	return {
		mode,
		...numbers,
		standInCpu,
		outputJson: output?.[0]?.json,
		uploads: uploads.map((r, index) => ({ status: r.status, bytes: parts[index]?.bytes, sha256: parts[index]?.sha256 })),
	};
}

/** CPU seconds (user + system) the stand-in's process has used so far; NaN off Linux. */
function standInCpuSeconds() {
	try {
		const fields = fs.readFileSync(`/proc/${process.env.BENCH_STAND_IN_PID}/stat`, 'utf8').split(') ')[1].split(' ');
		// utime + stime, in clock ticks of 1/100 s (USER_HZ on Linux).
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return NaN;
	}
}

/** A distinct JPEG-looking photo of `bytes` bytes: a JPEG header, then random bytes. */
function photo(bytes) {
	const buffer = crypto.randomBytes(bytes);
	Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(buffer);
	return buffer;
}

/**
 * Watches this process's HTTP requests (axios sends through http.request): per path prefix,
 * when each request started and when it closed, to show how many ran side by side.
 */
function watchRequests(prefixes) {
	const http = require('node:http');
	const spans = Object.fromEntries(prefixes.map((prefix) => [prefix, []]));
	let watching = false;
	const request = http.request;
	http.request = function (...args) {
		const req = request.apply(this, args);
		const prefix = watching && prefixes.find((candidate) => req.path?.startsWith(candidate));
		if (prefix) {
			const span = { start: performance.now(), end: NaN };
			spans[prefix].push(span);
			const end = () => (span.end = Number.isNaN(span.end) ? performance.now() : span.end);
			req.once('response', (res) => res.once('end', end));
			req.once('close', end);
		}
		return req;
	};
	return {
		start: () => {
			watching = true;
			for (const list of Object.values(spans)) list.length = 0;
		},
		/** Per prefix: requests, the most in flight at once, and the mean in flight while any was. */
		stop: () => {
			watching = false;
			return Object.fromEntries(
				Object.entries(spans).map(([prefix, list]) => {
					const now = performance.now();
					const events = list
						.flatMap(({ start, end }) => [[start, 1], [Number.isNaN(end) ? now : end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
					let inFlight = 0;
					let most = 0;
					let busy = 0;
					let weighted = 0;
					let last = events[0]?.[0];
					for (const [at, change] of events) {
						if (inFlight > 0) {
							busy += at - last;
							weighted += inFlight * (at - last);
						}
						inFlight += change;
						most = Math.max(most, inFlight);
						last = at;
					}
					return [prefix, { requests: list.length, most, mean: busy ? weighted / busy : 0 }];
				}),
			);
		},
	};
}

/** Throughput: rows with their own photo each, Generate from binary; one row alone, then all. */
async function throughputCase() {
	const watch = watchRequests(['/v1/files', '/avatar/generation']);
	const { runNode } = require('../test/helpers/engine');
	const { storedBinary, filesystemBinaryData } = require('../test/helpers/binary');
	const rowOf = async (index, bytes = photoMb * MB) => {
		const content = photo(bytes);
		const binary = await storedBinary(content, { fileName: `person-${index}.jpg`, mimeType: 'image/jpeg' });
		return { item: { json: { row: index }, binary: { data: binary } }, sha256: sha256(content) };
	};
	const run = async (items) => {
		const startedAt = process.hrtime.bigint();
		const output = await runNode({ parameters: generateParameters, items, credentials, continueOnFail: true });
		return { output, seconds: Number(process.hrtime.bigint() - startedAt) / 1e9 };
	};

	// Warm-up (module loading, JIT, the first connection), not counted.
	await run([(await rowOf(-1)).item]);
	// One row alone, five times: the median is the single-row time.
	const singles = [];
	for (let index = 0; index < 5; index++) singles.push((await run([(await rowOf(-2 - index)).item])).seconds);
	const single = [...singles].sort((a, b) => a - b)[2];
	// The same with a 1 KB photo: what a row costs besides moving its bytes.
	const tinies = [];
	for (let index = 0; index < 3; index++) tinies.push((await run([(await rowOf(-10 - index, 1024)).item])).seconds);
	const tiny = [...tinies].sort((a, b) => a - b)[1];

	const sheet = [];
	for (let index = 0; index < rows; index++) sheet.push(await rowOf(index));
	await settle();
	const before = (await standInRequests()).length;
	const standInCpuBefore = standInCpuSeconds();
	const cpuBefore = process.cpuUsage();
	watch.start();
	const memory = await measure(async () => await run(sheet.map((row) => row.item)));
	const { output, seconds } = memory.output;
	const inFlight = watch.stop();
	const cpu = process.cpuUsage(cpuBefore);
	const nodeCpu = (cpu.user + cpu.system) / 1e6;
	const standInCpu = standInCpuSeconds() - standInCpuBefore;
	const requests = (await standInRequests()).slice(before);
	const uploads = requests.filter((r) => r.method === 'POST' && r.path === '/v1/files');
	const creates = requests.filter((r) => r.method === 'POST' && r.path === '/avatar/generation');

	// Each row's output names its upload; the create carrying that URL is its own, and the
	// CDN serves exactly the row's photo under it.
	const problems = [];
	const createByUrl = new Map(creates.map((r) => [r.body?.avatar_url, r]));
	const uploadBySha = new Map();
	for (const r of uploads) {
		const part = r.body?.multipart?.find((p) => p.name === 'file');
		if (uploadBySha.has(part?.sha256)) problems.push(`photo ${part?.sha256} uploaded twice`);
		uploadBySha.set(part?.sha256, r);
	}
	for (const [index, item] of output.entries()) {
		const row = item.pairedItem?.item ?? index;
		const json = item.json;
		if (json.error || !json.taskId) {
			problems.push(`row ${row}: no task (${json.error ?? JSON.stringify(json).slice(0, 200)})`);
			continue;
		}
		const url = json.uploaded?.avatar;
		const create = createByUrl.get(url);
		if (!url || !create) {
			problems.push(`row ${row}: no create sent its uploaded URL ${url}`);
			continue;
		}
		if (create.body.avatar_url !== json.avatarUrl) problems.push(`row ${row}: avatarUrl differs from the create's`);
		const served = Buffer.from(await (await fetch(url)).arrayBuffer());
		if (sha256(served) !== sheet[row].sha256) problems.push(`row ${row}: ${url} serves another file`);
		const upload = uploadBySha.get(sheet[row].sha256);
		if (!upload) problems.push(`row ${row}: its photo was never uploaded`);
		else if (upload.at > create.at) problems.push(`row ${row}: created before its upload`);
	}
	const store = await filesystemBinaryData();
	fs.rmSync(store.config.localStoragePath, { recursive: true, force: true });
	return {
		rows,
		nodeCpu,
		standInCpu,
		inFlight,
		rss: { baseline: memory.baseline.rss, peak: memory.peak.rss },
		tiny,
		singles,
		single,
		seconds,
		uploads: uploads.length,
		uploadsOk: uploads.filter((r) => r.status === 200).length,
		creates: creates.length,
		createsOk: creates.filter((r) => r.status === 200).length,
		distinctAvatarUrls: createByUrl.size,
		tasks: output.filter((item) => item.json.taskId).length,
		problems,
		firstAt: Math.min(...requests.map((r) => r.at)),
		lastAt: Math.max(...requests.map((r) => r.at)),
	};
}

// ---------------------------------------------------------------------------------------------
// Parent

/** Starts the stand-in (`node stand-in/server.js`) in a child; resolves once it listens. */
function startStandInChild() {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(__dirname, '../stand-in/server.js')], {
			env: {
				...process.env,
				STAND_IN_PORT: String(apiPort),
				STAND_IN_CDN_PORT: String(cdnPort),
				STAND_IN_TOKEN: TOKEN,
				STAND_IN_TASK_SECONDS: '3',
				STAND_IN_MAX_UPLOAD_MB: '300',
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		const onData = (chunk) => {
			output += chunk;
			if (/^settings: /m.test(output)) {
				child.stdout.off('data', onData);
				child.stdout.resume();
				child.exited = new Promise((done) => child.once('exit', done));
				resolve(child);
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('exit', (code) => reject(new Error(`stand-in exited (${code}) before it listened:\n${output}`)));
	});
}

/** Stops a stand-in child (by its own PID) and waits until it has exited. */
async function stopStandIn(child) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill('SIGTERM');
	await child.exited;
}

/** Runs this script again as a measuring child (bench/child.js); resolves with its RESULT. */
const runOwnChild = (env) => runChild(__filename, env, ['--expose-gc']);

/** Writes `megabytes` MB of random bytes to `file`, 1 MB at a time; its SHA-256. */
async function writeBigFile(file, megabytes) {
	const hash = crypto.createHash('sha256');
	const out = fs.createWriteStream(file);
	for (let index = 0; index < megabytes; index++) {
		const chunk = crypto.randomBytes(MB);
		hash.update(chunk);
		if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
	}
	await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
	return hash.digest('hex');
}

function printMemory(result, expected) {
	const base = mb(result.baseline.rss);
	const peak = mb(result.peak.rss);
	const upload = result.uploads[0] ?? {};
	const target = result.mode === 'filesystem' ? `   ${peak - base <= RSS_TARGET_MB ? 'ok' : 'MISSED'} (target <= ${RSS_TARGET_MB} MB)` : '';
	console.log(`\nMemory, ${result.mode} binary mode: File → Upload of ${expected.megabytes} MB (after a 1 MB warm-up upload)`);
	console.log(`  baseline RSS            ${base.toFixed(1)} MB   (after gc; V8 heap ${mb(result.baseline.heapUsed).toFixed(1)} MB, Buffers ${mb(result.baseline.arrayBuffers).toFixed(1)} MB)`);
	console.log(`  peak RSS                ${peak.toFixed(1)} MB   (${result.samples} samples, every 2 ms)`);
	console.log(`  peak − baseline         ${(peak - base).toFixed(1)} MB${target}`);
	console.log(`  peak heap / Buffers     +${mb(result.peak.heapUsed - result.baseline.heapUsed).toFixed(1)} MB / +${mb(result.peak.arrayBuffers - result.baseline.arrayBuffers).toFixed(1)} MB over the baseline${result.mode === 'filesystem' ? '   (read chunks of 64 KB not yet collected; the same for 50 MB as for 200 MB)' : '   (decoded chunks of 768 KB not yet collected; the base64 text itself is in the baseline)'}`);
	console.log(`  kernel maxRSS           ${mb(result.maxRssBefore).toFixed(1)} MB before the upload, ${mb(result.maxRssAfter).toFixed(1)} MB after`);
	console.log(`  upload wall time        ${result.seconds.toFixed(2)} s = ${(expected.megabytes / result.seconds).toFixed(1)} MB/s   (stand-in CPU meanwhile: ${result.standInCpu.toFixed(2)} s)`);
	console.log(`  stand-in received       ${result.uploads.length} upload(s), ${upload.bytes} bytes (${upload.bytes === expected.bytes ? 'ok' : `MISSED, expected ${expected.bytes}`}), sha256 ${upload.sha256 === expected.sha256 ? 'ok' : 'MISSED'}, answered ${upload.status}`);
	console.log(`  output                  ${JSON.stringify(result.outputJson)}`);
}

/** Prints a throughput run; whether every row uploaded its own photo and created its task. */
function printThroughput(t, label) {
	const ratio = t.seconds / t.single;
	console.log(`\nThroughput, ${label}: Generate from binary, ${t.rows} rows × ${photoMb} MB JPEG (filesystem mode), no waiting`);
	console.log(`  single row              ${t.single.toFixed(3)} s   (median of ${t.singles.map((x) => x.toFixed(3)).join(', ')} s; after one warm-up row)`);
	console.log(`  single row, 1 KB photo  ${t.tiny.toFixed(3)} s   (median of 3: what a row costs besides moving its bytes)`);
	console.log(`  ${`${t.rows} rows, one run`.padEnd(24)}${t.seconds.toFixed(3)} s   (first request to last: ${((t.lastAt - t.firstAt) / 1000).toFixed(3)} s)`);
	console.log(`  wall / single           ${ratio.toFixed(2)}   (side by side ≈ 1; one after another ≈ ${t.rows})`);
	console.log(`  per row                 ${((t.seconds / t.rows) * 1000).toFixed(1)} ms, ${((t.rows * photoMb) / t.seconds).toFixed(1)} MB/s uploaded (one row alone: ${(photoMb / t.single).toFixed(1)} MB/s)`);
	console.log(`  one after another       ${t.rows} × single = ${(t.rows * t.single).toFixed(3)} s; the run took ${((100 * t.seconds) / (t.rows * t.single)).toFixed(0)} % of that`);
	const upload = t.inFlight['/v1/files'];
	const create = t.inFlight['/avatar/generation'];
	console.log(`  side by side            uploads: at most ${upload.most} in flight at once, ${upload.mean.toFixed(1)} on average; creates: at most ${create.most}, ${create.mean.toFixed(1)} on average`);
	console.log(`  CPU during the run      node ${t.nodeCpu.toFixed(2)} s, stand-in ${t.standInCpu.toFixed(2)} s   (wall ${t.seconds.toFixed(2)} s)`);
	console.log(`  RSS during the run      baseline ${mb(t.rss.baseline).toFixed(1)} MB, peak ${mb(t.rss.peak).toFixed(1)} MB (+${mb(t.rss.peak - t.rss.baseline).toFixed(1)} MB for ${t.rows} uploads side by side)`);
	console.log(`  uploads                 ${t.uploads} (${t.uploadsOk} answered 200)   ${t.uploads === t.rows && t.uploadsOk === t.rows ? 'ok' : 'MISSED'}`);
	console.log(`  creates                 ${t.creates} (${t.createsOk} answered 200), ${t.distinctAvatarUrls} distinct avatar_url   ${t.creates === t.rows && t.createsOk === t.rows && t.distinctAvatarUrls === t.rows ? 'ok' : 'MISSED'}`);
	console.log(`  own upload's URL        ${t.problems.length === 0 ? 'ok' : 'MISSED'}   (each row's create carries the URL its upload returned; the CDN serves the row's photo there)`);
	for (const problem of t.problems.slice(0, 10)) console.log(`    ${problem}`);
	const ok =
		t.uploads === t.rows && t.uploadsOk === t.rows && t.creates === t.rows && t.createsOk === t.rows &&
		t.tasks === t.rows && t.distinctAvatarUrls === t.rows && t.problems.length === 0;
	return { ok, ratio };
}

async function main() {
	// Before n8n-core loads: its settings go to a temp folder (not here, in the stand-in's preload).
	require('../test/helpers/env');
	if (process.env.BENCH_PART) {
		const part = process.env.BENCH_PART;
		const result = part === 'throughput' ? await throughputCase() : await memoryCase(part);
		process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
		return;
	}

	const cpus = os.cpus();
	console.log(`node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-bench-upload-'));
	const failures = [];
	const summary = [];
	let standIn;
	let store;
	try {
		// The file is written 1 MB at a time and stored in n8n's filesystem store here, in the
		// parent: the measuring children start with nothing of it in memory.
		const bigFile = path.join(scratch, 'big.mp4');
		const expected = { megabytes: uploadMb, bytes: uploadMb * MB, sha256: await writeBigFile(bigFile, uploadMb) };
		const { storedBinary, filesystemBinaryData } = require('../test/helpers/binary');
		const stored = await storedBinary(fs.createReadStream(bigFile), { fileName: 'big.mp4', mimeType: 'video/mp4' });
		store = (await filesystemBinaryData()).config.localStoragePath;

		{
			standIn = await startStandInChild();
			const childEnv = { BENCH_STAND_IN_PID: String(standIn.pid) };
			const variant = 'stand-in';
			console.log(`\n=== ${variant}: child process ${standIn.pid}, ${API}, CDN http://localhost:${cdnPort}, max upload 300 MB`);

			// 1. Memory, filesystem mode.
			const filesystem = await runOwnChild({ ...childEnv, BENCH_PART: 'filesystem', BENCH_STORE: store, BENCH_BINARY: JSON.stringify(stored) });
			printMemory(filesystem, expected);
			const fsIncrease = mb(filesystem.peak.rss - filesystem.baseline.rss);
			const fsUpload = filesystem.uploads[0] ?? {};
			const fsReceived = filesystem.uploads.length === 1 && fsUpload.bytes === expected.bytes && fsUpload.sha256 === expected.sha256;
			if (fsIncrease > RSS_TARGET_MB) failures.push(`${variant}, filesystem mode: RSS rose ${fsIncrease.toFixed(1)} MB (> ${RSS_TARGET_MB} MB)`);
			if (!fsReceived) failures.push(`${variant}, filesystem mode: the stand-in did not receive exactly the file`);
			summary.push([`  ${uploadMb} MB File → Upload, filesystem mode: peak RSS − baseline`, `${fsIncrease.toFixed(1)} MB`, fsIncrease <= RSS_TARGET_MB ? `ok (target <= ${RSS_TARGET_MB} MB)` : `MISSED (target <= ${RSS_TARGET_MB} MB)`]);
			summary.push([`  ${uploadMb} MB File → Upload, filesystem mode: wall time`, `${filesystem.seconds.toFixed(2)} s = ${(uploadMb / filesystem.seconds).toFixed(1)} MB/s`, fsReceived ? 'bytes and sha256 ok' : 'MISSED']);

			// 1b. The contrast, default mode (once: its point is memory, not speed).
			if (defaultModeMb > 0) {
				let file = bigFile;
				let contrast = expected;
				if (defaultModeMb !== uploadMb) {
					file = path.join(scratch, 'default.mp4');
					contrast = { megabytes: defaultModeMb, bytes: defaultModeMb * MB, sha256: await writeBigFile(file, defaultModeMb) };
				}
				const inline = await runOwnChild({ ...childEnv, BENCH_PART: 'default', BENCH_FILE: file });
				printMemory(inline, contrast);
				const upload = inline.uploads[0] ?? {};
				const received = inline.uploads.length === 1 && upload.bytes === contrast.bytes && upload.sha256 === contrast.sha256;
				const increase = mb(inline.peak.rss - inline.baseline.rss);
				const buffers = mb(inline.peak.arrayBuffers - inline.baseline.arrayBuffers);
				summary.push([`  ${defaultModeMb} MB File → Upload, default mode (contrast): peak RSS − baseline`, `${increase.toFixed(1)} MB`, `Buffers +${buffers.toFixed(0)} MB; ${received ? 'bytes and sha256 ok' : 'MISSED'}`]);
				if (!received) failures.push('default mode: the stand-in did not receive exactly the file');
			}

			// 2. Throughput.
			const t = await runOwnChild({ ...childEnv, BENCH_PART: 'throughput' });
			const { ok, ratio } = printThroughput(t, variant);
			if (!ok) failures.push(`throughput (${variant}): uploads, creates or their URLs are not one per row`);
			const upload = t.inFlight['/v1/files'];
			summary.push([`  Generate from binary: 1 row alone`, `${t.single.toFixed(3)} s`, '']);
			summary.push([`  Generate from binary: ${t.rows} rows in one run`, `${t.seconds.toFixed(3)} s`, ok ? `${t.uploads} uploads, ${t.creates} creates, own URLs ok` : 'MISSED']);
			summary.push([`  wall / single`, ratio.toFixed(2), `(${t.rows} × single: ${(t.rows * t.single).toFixed(1)} s) uploads in flight: max ${upload.most}, mean ${upload.mean.toFixed(1)}; CPU node ${t.nodeCpu.toFixed(1)} s, stand-in ${t.standInCpu.toFixed(1)} s`]);
			await stopStandIn(standIn);
		}
	} finally {
		if (standIn) await stopStandIn(standIn);
		fs.rmSync(scratch, { recursive: true, force: true });
		if (store) fs.rmSync(store, { recursive: true, force: true });
	}

	console.log('\nSummary');
	const width = Math.max(...summary.map(([name]) => name.length));
	const valueWidth = Math.max(...summary.map(([, value]) => value.length));
	for (const [name, value, verdict] of summary) console.log(`  ${name.padEnd(width)}  ${value.padStart(valueWidth)}  ${verdict}`);
	if (failures.length) {
		console.log(`\nMISSED:\n${failures.map((text) => `  - ${text}`).join('\n')}`);
		process.exitCode = 1;
	} else {
		console.log(`\nAll checks passed (peak RSS increase of the ${uploadMb} MB filesystem-mode upload <= ${RSS_TARGET_MB} MB; every upload and create as expected).`);
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
