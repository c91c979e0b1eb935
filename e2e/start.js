#!/usr/bin/env node
// `npm start`: a local n8n with this package and the example workflows loaded. By default the
// GPT.GE credential points at the embedded stand-in API (no token, no network needed); with
// GPTGE_API_TOKEN set (and optionally GPTGE_BASE_URL) it points at the real API instead.
// Everything listens on loopback only unless N8N_LISTEN_ADDRESS opens n8n (docs/local-n8n.md).
//
// Clean in, clean out: the ports are checked before anything starts; any stop (Ctrl-C, SIGTERM
// to npm or to this process, SIGHUP when the terminal closes, npm ending without passing the
// signal on, n8n or the stand-in failing) ends n8n with its task runner (its own process group)
// and the stand-in, and removes the temporary folder; start-reaper.js does the same when this
// process is killed outright. The examples are imported once per user folder, and so is the MCP
// example's client token (mcp-token.js).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { optionsFromEnv, startStandIn } = require('../stand-in/server');
const { N8N_BIN, gptGeCredential, installPackedPackage, n8nEnv, runN8n, stopRunningCommands } = require('./n8n');
const { mcpClientLines, mcpClientToken, mcpExample } = require('./mcp-token');

const E2E = __dirname;
const ROOT = path.join(E2E, '..');
// Kept between starts: your account and edits stay. (The e2e suite's kill test uses its own.)
const USER_FOLDER = process.env.GPTGE_START_USER_FOLDER || path.join(E2E, '.n8n-local');
// The examples' files (sheets, a photo, a recording): the folder Read/Write Files from Disk may
// use (kept between starts).
const FILES = path.join(USER_FOLDER, 'files');
// Which examples this user folder has had imported: each is imported once, so edits stay.
const IMPORTED = path.join(USER_FOLDER, 'imported-examples.json');

const PORT = Number(process.env.N8N_PORT || 5678);
const BROKER_PORT = Number(process.env.N8N_RUNNERS_BROKER_PORT || PORT + 1);
// Loopback unless opened on purpose: an n8n without an owner yet is claimed by whoever comes first.
const LISTEN_ADDRESS = process.env.N8N_LISTEN_ADDRESS || '127.0.0.1';
const token = process.env.GPTGE_API_TOKEN;
const standInOptions = token ? undefined : { port: 4010, cdnPort: 4011, taskDurationMs: 20_000, ...optionsFromEnv(process.env) };

const env = n8nEnv(USER_FOLDER, {
	N8N_PORT: String(PORT),
	N8N_LISTEN_ADDRESS: LISTEN_ADDRESS,
	N8N_RUNNERS_BROKER_PORT: String(BROKER_PORT),
	// The task runner is n8n's own child: its broker never needs more than loopback.
	N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	N8N_RESTRICT_FILE_ACCESS_TO: FILES,
	// Only warnings and errors from n8n; this script says where to go.
	N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'warn',
	// What calls n8n's servers (and logs a stack trace each time offline) is off: the verified
	// community nodes lookup, templates, banners, "what's new", the MCP server registry, and the
	// AI assistant (it needs n8n's cloud; off, the editor opens on the workflow list).
	// Diagnostics and version notifications are off in n8nEnv.
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_DISABLED_MODULES: 'mcp-registry,instance-ai',
	// n8n 2.41 warns about these defaults changing; set to today's values, they are quiet.
	N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
	N8N_RUNNERS_TASK_TIMEOUT: '300',
	N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '5000',
	N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(2 * 1024 ** 3),
});

/** The ports this start needs, each with the variable that moves it. */
function portsNeeded() {
	const ports = [
		{ port: PORT, what: 'n8n', variable: 'N8N_PORT' },
		{ port: BROKER_PORT, what: "n8n's task runner broker", variable: 'N8N_RUNNERS_BROKER_PORT' },
	];
	if (standInOptions) {
		ports.push(
			{ port: standInOptions.port, what: 'the stand-in API', variable: 'STAND_IN_PORT' },
			{ port: standInOptions.cdnPort, what: "the stand-in's video host", variable: 'STAND_IN_CDN_PORT' },
		);
	}
	return ports;
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, () => server.close(() => resolve(true)));
	});
}

/** The examples to import (those this user folder has not had), their file paths pointed at FILES. */
function examplesToImport(folder) {
	fs.mkdirSync(FILES, { recursive: true });
	for (const shipped of ['sheets/avatar-sheet.csv', 'sheets/avatar-sheet.xlsx', 'files/presenter.png', 'files/speech.wav']) {
		const target = path.join(FILES, path.basename(shipped));
		if (!fs.existsSync(target)) fs.copyFileSync(path.join(ROOT, 'examples', shipped), target);
	}
	const imported = fs.existsSync(IMPORTED) ? JSON.parse(fs.readFileSync(IMPORTED, 'utf8')) : [];
	const fresh = [];
	fs.mkdirSync(folder, { recursive: true });
	for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((name) => name.endsWith('.json'))) {
		const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
		if (imported.includes(workflow.id)) continue;
		// The Set nodes that say where the example's files are.
		for (const node of workflow.nodes.filter((each) => ['Sheet file', 'Files'].includes(each.name))) {
			for (const assignment of node.parameters.assignments.assignments) {
				assignment.value = path.join(FILES, path.basename(assignment.value));
			}
		}
		fs.writeFileSync(path.join(folder, file), JSON.stringify(workflow));
		fresh.push(workflow.id);
	}
	return { fresh, all: [...imported, ...fresh] };
}

// What this run started, for the one way out.
let artifacts;
let standIn;
let server;
let reaper;
let stopping;

/** Stops everything this run started and removes its temporary folder; then exits with `code`. */
function stopAll(code, why) {
	if (stopping) return stopping;
	if (why) console.log(`\n${why}`);
	stopping = (async () => {
		reaper?.kill('SIGKILL'); // stopping here: nothing left for it
		if (server && server.exitCode === null && server.signalCode === null) {
			const exited = new Promise((resolve) => server.once('exit', resolve));
			// n8n and its task runner: the whole process group.
			signalGroup(server, 'SIGTERM');
			const timer = setTimeout(() => signalGroup(server, 'SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		}
		if (server) signalGroup(server, 'SIGKILL'); // a task runner that outlived n8n
		await stopRunningCommands(); // an import still running
		await standIn?.close().catch(() => {});
		if (artifacts) fs.rmSync(artifacts, { recursive: true, force: true });
		process.exit(code);
	})();
	return stopping;
}

/**
 * Stops everything once this process is orphaned: its parent (npm, or the shell npm runs the
 * script with) ended without passing its signal on, e.g. SIGTERM or SIGHUP to npm alone through a
 * shell that does not forward it, or npm killed. The system then gives this process a new parent.
 */
function stopWhenOrphaned() {
	const parent = process.ppid;
	const watch = setInterval(() => {
		if (process.ppid !== parent) stopAll(0, `npm start's parent process (${parent}) ended: stopping n8n and the stand-in`);
	}, 250);
	watch.unref();
}

// Once the terminal is gone (closed: SIGHUP) writing to it fails; stopping must go on quietly.
let outputGone = false;
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => (outputGone = true));
/** n8n's output (through `filter`) to `stream` while it can be written; read to the end either way, so n8n never blocks on a full pipe. */
function passOn(from, filter, stream) {
	from.pipe(filter).on('data', (text) => outputGone || stream.write(text));
}

function signalGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

async function main() {
	const busy = [];
	for (const need of portsNeeded()) if (!(await portIsFree(need.port))) busy.push(need);
	if (busy.length) {
		for (const { port, what, variable } of busy) {
			console.error(`Port ${port} (${what}) is in use, perhaps by an earlier npm start. Stop that, or choose another port: ${variable}=${port + 10} npm start`);
		}
		process.exit(1);
	}

	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0, `${signal}: stopping n8n and the stand-in`));
	stopWhenOrphaned();

	artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-start-'));
	// Should this process be killed outright, the reaper stops n8n and removes `artifacts`.
	reaper = spawn(process.execPath, [path.join(E2E, 'start-reaper.js'), artifacts], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	reaper.unref();
	reaper.channel.unref();
	// This package, packed and installed where n8n loads community packages.
	installPackedPackage(USER_FOLDER, artifacts);

	if (standInOptions) standIn = await startStandIn(standInOptions);
	const data = token ? { apiToken: token, baseUrl: process.env.GPTGE_BASE_URL ?? 'https://api.gpt.ge' } : { apiToken: standIn.token, baseUrl: standIn.url };
	const credentials = path.join(artifacts, 'credentials.json');
	const openAi = openAiCredential(data);
	const n8n = (args) => runN8n(args, env);
	const mcp = await mcpClientToken(n8n, artifacts);
	fs.writeFileSync(credentials, JSON.stringify([...gptGeCredential(data), openAi, ...mcp.toImport]));
	await n8n(['import:credentials', `--input=${credentials}`]);
	fs.rmSync(credentials); // the token is in n8n's database now, encrypted; not left in a file
	const examples = examplesToImport(path.join(artifacts, 'examples'));
	if (examples.fresh.length) {
		await n8n(['import:workflow', '--separate', `--input=${path.join(artifacts, 'examples')}`]);
		fs.writeFileSync(IMPORTED, JSON.stringify(examples.all, null, 2));
	}

	// Its own process group: stopping it stops its task runner too.
	server = spawn(process.execPath, [N8N_BIN, 'start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	reaper.send({ group: server.pid });
	passOn(server.stdout, withoutOfflineNoise(), process.stdout);
	passOn(server.stderr, withoutOfflineNoise(), process.stderr);
	server.on('exit', (code, signal) => {
		if (!stopping) stopAll(code || 1, `n8n stopped (${signal ?? `exit code ${code}`}); stopping the stand-in`);
	});
	await waitUntilUp(`http://127.0.0.1:${PORT}/healthz/readiness`);
	if (stopping) return;
	const editor = `http://localhost:${PORT}`;
	const where = LISTEN_ADDRESS === '127.0.0.1' ? 'this machine only' : `listening on ${LISTEN_ADDRESS}: anyone who can reach it can open it`;
	console.log(`\n  n8n with n8n-nodes-gptge: ${editor}  (${where}; first visit: create the owner account)`);
	console.log(`  The ${examples.all.length} example workflows: ${editor}/home/workflows  (Overview; ${examples.fresh.length ? 'just imported' : 'your edits kept'})`);
	console.log(`    their files: ${FILES}`);
	console.log(token ? `  Credential "GPT.GE account": ${data.baseUrl} (your token)` : `  Credential "GPT.GE account": the stand-in API at ${standIn.url} (videos take ${standInOptions.taskDurationMs / 1000} s)`);
	console.log(`  Credential "${openAi.name}": ${openAi.data.url}`);
	for (const line of mcpClientLines(mcp, editor)) console.log(`  ${line}`);
	if (mcp.created && !examples.fresh.includes(mcpExample().workflowId)) {
		console.log('    (Your MCP example is from an earlier start: if its trigger\'s Authentication is None, choose Bearer Auth and this credential.)');
	}
	console.log('  Stop with Ctrl-C.\n');
}

/** The OpenAI credential (n8n's openAiApi) for GPT.GE's OpenAI-compatible chat API, the agent example's model. */
const openAiCredential = ({ apiToken, baseUrl }) => ({
	id: 'gptge-openai-credential',
	name: 'GPT.GE chat (OpenAI-compatible)',
	type: 'openAiApi',
	data: { apiKey: apiToken, url: `${baseUrl.trim().replace(/\/+$/, '')}/v1` },
});

/**
 * n8n's output without the two warnings no setting turns off, about what this demo deliberately
 * runs without: the Python task runner (not installed) and the internal task-runner mode; and
 * without the stack trace n8n's error reporter adds to an HTTP error it logs (a credential test
 * with a wrong token logs one): its message lines above it say what happened.
 */
function withoutOfflineNoise() {
	const { Transform } = require('node:stream');
	let rest = '';
	// The deprecations block being read: its heading, then " - VARIABLE -> …" lines.
	let block;
	const shown = [];
	const endBlock = () => {
		const kept = block.filter((line, index) => index === 0 || !/^ - N8N_RUNNERS_MODE -> /.test(line));
		if (kept.length > 1) shown.push(...kept, '');
		block = undefined;
	};
	// In the stack trace of an HTTP error ("AxiosError: Request failed with status code 401").
	let inHttpTrace = false;
	const take = (line) => {
		// n8n spaces its messages with blank lines; around the ones left out they are only gaps.
		if (line.trim() === '') return undefined;
		if (/^AxiosError: Request failed with status code \d+$/.test(line)) return (inHttpTrace = true), undefined;
		if (inHttpTrace && /^\s+at /.test(line)) return undefined;
		inHttpTrace = false;
		if (block && /^ - /.test(line)) return block.push(line);
		if (block) endBlock();
		if (/^There (is a|are) deprecations? related to your n8n setup/.test(line)) return (block = [line]);
		if (/^Failed to start Python task runner in internal mode\./.test(line)) return undefined;
		return shown.push(line);
	};
	const flushShown = () => {
		const text = shown.length ? `${shown.join('\n')}\n` : '';
		shown.length = 0;
		return text;
	};
	return new Transform({
		transform(chunk, _encoding, done) {
			const lines = (rest + chunk).split('\n');
			rest = lines.pop();
			for (const line of lines) take(line);
			done(null, flushShown());
		},
		flush(done) {
			if (rest) take(rest);
			if (block) endBlock();
			done(null, flushShown());
		},
	});
}

async function waitUntilUp(url) {
	for (;;) {
		if (stopping) return;
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

main().catch((error) => stopAll(1, `npm start failed: ${error.stack ?? error}`));
