// The suite and `npm start` leave nothing behind when stopped: each is started as a child, stopped
// mid-run, and then no process of it may remain (its process group, or anything whose command
// line or environment names its scratch folder) and its ports must be free. `npm start` is stopped
// in every way a user or a service manager stops it, one after the other on the same ports, so
// each start also proves the one before left them free. Run by run.js before its own cases (a
// child suite needs the checkout's ports, lock and scratch folder to itself).
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { E2E, ROOT, delay, waitFor } = require('./n8n');
const { processTable } = require('./process-table');

// `npm start`'s ports in the kill test, in the variables that move them.
const START_PORT_VARIABLES = ['N8N_PORT', 'N8N_RUNNERS_BROKER_PORT', 'STAND_IN_PORT', 'STAND_IN_CDN_PORT'];
const KILL_TEST_START_PORTS = [5681, 5682, 4030, 4031];

/** The processes in one of `groups`, or whose command line or environment contains `marker`. */
const processesOf = ({ groups, marker }) =>
	processTable().filter((entry) => groups.includes(entry.pgid) || entry.command.includes(marker) || entry.environment.includes(marker));

/** The processes whose command line contains every one of `parts` ("!part": does not contain it). */
const processesRunning = (...parts) =>
	processTable().filter((entry) => parts.every((part) => (part.startsWith('!') ? !entry.command.includes(part.slice(1)) : entry.command.includes(part))));

const portIsFree = (port) =>
	new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});

async function busyPorts(ports) {
	const busy = [];
	for (const port of ports) if (!(await portIsFree(port))) busy.push(port);
	return busy;
}

/** A child in its own process group, its output kept; `marker`: the folder its processes name. */
function startChild(marker, command, args, env, cwd = E2E) {
	const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	child.marker = marker;
	child.graceMs = 45_000; // a stopped suite first stops what it started
	child.output = '';
	child.stdout.on('data', (chunk) => (child.output += chunk));
	child.stderr.on('data', (chunk) => (child.output += chunk));
	child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	return child;
}

/**
 * Stops `child` with `signal` (to its process group when `wholeGroup`, as Ctrl-C in a terminal
 * does; to process `pid` alone otherwise, as `kill` does: the child by default), waits for the
 * child to end, then asserts that nothing of it is left and its ports are free. `settleMs`: how
 * long after the child ended what it started may take to end (the suite waits for its own).
 * Resolves with the seconds from the signal until the child ended and until every port was free.
 */
async function stopAndLookAround(child, { signal, wholeGroup, pid = child.pid, marker, ports, within = 60_000, settleMs = 5000 }) {
	// Its processes now, and their groups: a detached n8n's task runner names no folder, but is in n8n's group.
	const groups = [...new Set([child.pid, ...processesOf({ groups: [child.pid], marker }).map((entry) => entry.pgid)])];
	const stoppedAt = Date.now();
	const sinceStop = () => ((Date.now() - stoppedAt) / 1000).toFixed(1);
	let portsFreeAfter;
	const portsWatch = (async () => {
		while (Date.now() - stoppedAt < within + settleMs) {
			if ((await busyPorts(ports)).length === 0) return (portsFreeAfter = sinceStop());
			await delay(100);
		}
	})();
	process.kill(wholeGroup ? -pid : pid, signal);
	const ended = await Promise.race([child.exited, delay(within).then(() => undefined)]);
	assert.ok(ended, `still running ${within / 1000} s after ${signal}:\n${child.output.slice(-3000)}`);
	const seconds = sinceStop();
	// What it stopped gets a moment to be reaped.
	let left = [];
	let busy = [];
	await waitFor('its processes to end and ports to be free', async () => {
		left = processesOf({ groups, marker }).map((entry) => `${entry.pid} (group ${entry.pgid}): ${entry.command.slice(0, 160)}`);
		busy = await busyPorts(ports);
		return left.length === 0 && busy.length === 0;
	}, settleMs).catch(() => {});
	assert.deepEqual(left, [], `processes left after ${signal}`);
	assert.deepEqual(busy, [], `ports still in use after ${signal}`);
	await portsWatch;
	return { seconds, portsFreeAfter, ended };
}

/**
 * The ways `npm start` is stopped. `signal` goes to `to`: npm (the process a service manager
 * started), start.js (the process npm runs), the group (Ctrl-C in the terminal), or the terminal
 * itself (`script` gives npm a terminal; killing `script` closes it: SIGHUP from the system).
 * `code`: npm's exit code, where npm outlives the stop.
 */
const START_STOPS = [
	{ signal: 'SIGTERM', to: 'npm', how: 'SIGTERM to the npm process alone (what systemd, docker stop and pm2 send)', code: 0 },
	{ signal: 'SIGTERM', to: 'start.js', how: 'SIGTERM to its `node start.js` alone (`kill <pid>`)', code: 0 },
	{ signal: 'SIGINT', to: 'group', how: 'Ctrl-C (SIGINT to its process group)', code: 0 },
	{ signal: 'SIGKILL', to: 'terminal', how: 'closing its terminal (SIGHUP to npm and start.js, the output gone)' },
	{ signal: 'SIGKILL', to: 'npm', how: 'SIGKILL to the npm process (start.js outlives its parent)' },
	{ signal: 'SIGKILL', to: 'start.js', how: 'SIGKILL to its `node start.js` alone (no chance to clean up: start-reaper.js does)' },
];

/**
 * The kill test's cases. `suitePorts`: every port the suite (n8n 2.x and queue mode) listens on;
 * `scratch`: the suite's scratch folder (n8n user folders, the PostgreSQL cluster).
 */
async function killCases({ check, note, suitePorts, scratch, track }) {
	const suite = (env) => startChild(scratch, process.execPath, [path.join(E2E, 'run.js')], { ...process.env, E2E_N8N: '2.x', E2E_KILL_TEST: 'child', ...env });
	const children = [];
	const started = (child) => (children.push(child), track(child), child);
	try {
		await check('e2e suite stopped with SIGTERM (to its process alone, as `kill` does) while the sheet case\'s detached `n8n execute` runs: it ends, no process of it is left (its group, anything naming its scratch folder), its ports are free', async () => {
			const child = started(suite({ E2E_CASE: 'n8n killed (SIGKILL) while the sheet example waits' }));
			await waitFor('the detached n8n execute', async () => processesRunning('bin/n8n execute --id=gptgeExampleSheetFile', '!--rawOutput').length > 0 || child.exitCode !== null, 240_000);
			assert.equal(child.exitCode, null, `the suite ended before the case began:\n${child.output.slice(-3000)}`);
			await delay(3000); // into the case: n8n booted, its task runner up
			const { seconds } = await stopAndLookAround(child, { signal: 'SIGTERM', wholeGroup: false, marker: scratch, ports: suitePorts });
			assert.match(child.output, /SIGTERM: stopping n8n and the stand-in/);
			note(`the suite ended ${seconds} s after SIGTERM`);
		});

		await check('e2e suite stopped with SIGINT (to its process group, as Ctrl-C does) while queue mode starts (PostgreSQL, Redis, n8n main and workers): no process left, ports free, the PostgreSQL cluster removed', async () => {
			const child = started(suite({ E2E_CASE: 'queue mode on PostgreSQL' }));
			await waitFor('PostgreSQL and an n8n worker', async () => (processesRunning('postgres -D', scratch).length > 0 && processesRunning('bin/n8n worker').length > 0) || child.exitCode !== null, 300_000);
			assert.equal(child.exitCode, null, `the suite ended before queue mode started:\n${child.output.slice(-3000)}`);
			await delay(1000);
			const { seconds } = await stopAndLookAround(child, { signal: 'SIGINT', wholeGroup: true, marker: scratch, ports: suitePorts });
			assert.equal(fs.existsSync(path.join(scratch, 'postgres')), false, 'the PostgreSQL cluster folder was removed');
			note(`the suite ended ${seconds} s after SIGINT`);
		});

		// `npm start` as a user types it (the machine's npm, in the checkout), on its own ports and user
		// folder (the variables it documents), so a developer's own `npm start` is untouched.
		const home = path.join(scratch, 'npm-start');
		const tmp = path.join(home, 'tmp');
		const ports = Object.fromEntries(START_PORT_VARIABLES.map((name, index) => [name, KILL_TEST_START_PORTS[index]]));
		const npm = process.env.E2E_HOST_NPM || 'npm';
		for (const stop of START_STOPS) {
			await check(`npm start stopped by ${stop.how} once n8n is up: n8n, its task runner and the stand-in end, the ports are free, the temporary folder is gone`, async () => {
				fs.mkdirSync(tmp, { recursive: true });
				const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])), GPTGE_START_USER_FOLDER: path.join(home, 'user'), TMPDIR: tmp };
				const [command, args] = stop.to === 'terminal' ? ['script', ['-qfec', `${npm} start`, '/dev/null']] : [npm, ['start']];
				const child = started(startChild(home, command, args, env, ROOT));
				try {
					await stopNpmStart(child, stop, { home, tmp, ports, note });
				} finally {
					await endChild(child); // before the next start on the same ports
				}
			});
		}
	} finally {
		for (const child of children) await endChild(child);
	}
}

/**
 * Waits for `npm start` (`child`) to be up, stops it as `stop` says, and asserts that nothing of
 * it is left: no process, every port free, its temporary folder gone.
 */
async function stopNpmStart(child, stop, { home, tmp, ports, note }) {
	await waitFor('npm start to be up', async () => /Stop with Ctrl-C\./.test(child.output) || child.exitCode !== null, 240_000);
	assert.equal(child.exitCode, null, `npm start ended by itself:\n${child.output.slice(-3000)}`);
	const temporaryFolders = () => fs.readdirSync(tmp).filter((name) => name.startsWith('gptge-start-'));
	assert.equal(temporaryFolders().length, 1, 'npm start made its temporary folder');
	const startJs = processesOf({ groups: [], marker: home }).find((entry) => /^node start\.js$/.test(entry.command));
	assert.ok(startJs, 'npm runs node start.js');
	const { seconds, portsFreeAfter, ended } = await stopAndLookAround(child, {
		signal: stop.signal,
		wholeGroup: stop.to === 'group',
		pid: stop.to === 'start.js' ? startJs.pid : child.pid,
		marker: home,
		ports: Object.values(ports),
		// npm (or the terminal) may end first: start.js then stops what it started.
		settleMs: stop.code === undefined ? 30_000 : 5000,
	});
	assert.deepEqual(temporaryFolders(), [], 'the temporary folder was removed');
	if (stop.code !== undefined) assert.equal(ended.code, stop.code, `npm start exited ${stop.code}`);
	if (stop.to !== 'terminal') assert.match(child.output, saidOnStop(stop));
	note(`${stop.to === 'terminal' ? 'the terminal' : 'npm'} ended ${seconds} s after ${stop.signal}; every port free after ${portsFreeAfter} s`);
}

/** What `npm start` says when stopped as `stop` says. */
function saidOnStop(stop) {
	if (stop.signal !== 'SIGKILL') return new RegExp(`${stop.signal}: stopping n8n and the stand-in`);
	if (stop.to === 'start.js') return /npm start ended without stopping n8n \(killed\?\): n8n and its task runner stopped, the temporary folder removed/;
	return /parent process \(\d+\) ended: stopping n8n and the stand-in/;
}

/**
 * After a case, passed or failed: a child still running is stopped as a user would (SIGTERM, so
 * it stops what it started), then whatever of it is left is killed.
 */
async function endChild(child) {
	if (child.exitCode === null && child.signalCode === null) {
		process.kill(child.pid, 'SIGTERM');
		await Promise.race([child.exited, delay(45_000)]);
	}
	for (const entry of processesOf({ groups: [child.pid], marker: child.marker })) {
		try {
			process.kill(entry.pid, 'SIGKILL');
		} catch {
			// ended meanwhile
		}
	}
}

module.exports = { KILL_TEST_START_PORTS, killCases };
