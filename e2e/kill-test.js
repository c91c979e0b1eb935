// The suite and `npm start` leave nothing behind when stopped: each is started as a child, stopped
// mid-run, and then no process of it may remain (its process group, or anything whose command
// line or environment names its scratch folder) and its ports must be free. Run by run.js before
// its own cases (a child suite needs the checkout's ports, lock and scratch folder to itself).
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { E2E, delay, waitFor } = require('./n8n');

// `npm start`'s ports in the kill test, in the variables that move them.
const START_PORT_VARIABLES = ['N8N_PORT', 'N8N_RUNNERS_BROKER_PORT', 'STAND_IN_PORT', 'STAND_IN_CDN_PORT'];
const KILL_TEST_START_PORTS = [5681, 5682, 4030, 4031];

/** Every live process (zombies hold nothing) but this one: pid, process group, command line, environment. */
function processTable() {
	const table = [];
	for (const entry of fs.readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || pid === process.pid) continue;
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (state === 'Z') continue;
			const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
			table.push({ pid, pgid: Number(pgid), command, environment: fs.readFileSync(`/proc/${pid}/environ`, 'utf8') });
		} catch {
			// ended while being read, or not ours to read
		}
	}
	return table;
}

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
function startChild(marker, command, args, env) {
	const child = spawn(command, args, { cwd: E2E, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
 * does; to the process alone otherwise, as `kill` does), waits for it to end, then asserts that
 * nothing of it is left and its ports are free.
 */
async function stopAndLookAround(child, { signal, wholeGroup, marker, ports, within = 60_000 }) {
	// Its processes now, and their groups: a detached n8n's task runner names no folder, but is in n8n's group.
	const groups = [...new Set([child.pid, ...processesOf({ groups: [child.pid], marker }).map((entry) => entry.pgid)])];
	const stoppedAt = Date.now();
	process.kill(wholeGroup ? -child.pid : child.pid, signal);
	const ended = await Promise.race([child.exited, delay(within).then(() => undefined)]);
	assert.ok(ended, `still running ${within / 1000} s after ${signal}:\n${child.output.slice(-3000)}`);
	const seconds = ((Date.now() - stoppedAt) / 1000).toFixed(1);
	// What it stopped gets a moment to be reaped.
	let left = [];
	let busy = [];
	await waitFor('its processes to end and ports to be free', async () => {
		left = processesOf({ groups, marker }).map((entry) => `${entry.pid} (group ${entry.pgid}): ${entry.command.slice(0, 160)}`);
		busy = await busyPorts(ports);
		return left.length === 0 && busy.length === 0;
	}, 5000).catch(() => {});
	assert.deepEqual(left, [], `processes left after ${signal}`);
	assert.deepEqual(busy, [], `ports still in use after ${signal}`);
	return { seconds, ended };
}

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

		await check('npm start stopped with SIGINT (Ctrl-C) once n8n is up: n8n, its task runner and the stand-in end, the ports are free, the temporary folder is gone', async () => {
			// Its own user folder and ports (the variables it documents), so a developer's `npm start` is untouched.
			const home = path.join(scratch, 'npm-start');
			const tmp = path.join(home, 'tmp');
			fs.mkdirSync(tmp, { recursive: true });
			const ports = Object.fromEntries(START_PORT_VARIABLES.map((name, index) => [name, KILL_TEST_START_PORTS[index]]));
			const child = started(
				startChild(home, process.execPath, [path.join(E2E, 'start.js')], {
					...process.env,
					...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
					GPTGE_START_USER_FOLDER: path.join(home, 'user'),
					TMPDIR: tmp,
				}),
			);
			await waitFor('npm start to be up', async () => /Stop with Ctrl-C\./.test(child.output) || child.exitCode !== null, 240_000);
			assert.equal(child.exitCode, null, `npm start ended by itself:\n${child.output.slice(-3000)}`);
			const temporaryFolders = () => fs.readdirSync(tmp).filter((name) => name.startsWith('gptge-start-'));
			assert.equal(temporaryFolders().length, 1, 'npm start made its temporary folder');
			const { seconds, ended } = await stopAndLookAround(child, { signal: 'SIGINT', wholeGroup: true, marker: home, ports: Object.values(ports) });
			assert.deepEqual(temporaryFolders(), [], 'the temporary folder was removed');
			assert.equal(ended.code, 0, 'npm start exited 0');
			note(`npm start ended ${seconds} s after SIGINT`);
		});
	} finally {
		for (const child of children) await endChild(child);
	}
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
