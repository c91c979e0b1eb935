// What the suite needs of the machine and cannot install itself (Redis, PostgreSQL, Chromium,
// free ports), and the lock that keeps two runs of this checkout apart.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const { postgresMissing } = require('../postgres');
const { KILL_TEST_START_PORTS } = require('../kill-test');
const { LOCK, QUEUE, KILL_TEST_CHILD } = require('./settings');

function isRunning(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** What the suite needs from the machine and cannot install itself, checked before it starts anything. */
async function missingPrerequisites(versions) {
	const missing = [];
	if (spawnSync('redis-server', ['--version']).status !== 0) missing.push('redis-server (queue mode): apt-get install redis-server');
	if (!fs.existsSync('/usr/bin/chromium')) missing.push('/usr/bin/chromium (the editor check): apt-get install chromium fonts-liberation');
	const ports = versions.flatMap((install) => [
		[install.ports.main, `n8n ${install.version}`],
		[install.ports.broker, `n8n ${install.version}'s task runner broker`],
	]);
	if (versions.some((install) => install.key === '2.x')) {
		ports.push([QUEUE.redisPort, 'redis (queue mode)'], [QUEUE.postgresPort, 'PostgreSQL (queue mode)'], [QUEUE.mainPort, 'n8n main (queue mode)']);
		for (const [index, worker] of QUEUE.workers.entries()) {
			ports.push([worker.health, `n8n worker ${index + 1} health (queue mode)`], [worker.broker, `n8n worker ${index + 1}'s task runner broker`]);
		}
		const postgres = postgresMissing();
		if (postgres) missing.push(postgres);
		if (!KILL_TEST_CHILD) for (const port of KILL_TEST_START_PORTS) ports.push([port, 'npm start in the kill test']);
	}
	const holder = fs.existsSync(LOCK) ? Number(fs.readFileSync(LOCK, 'utf8')) : undefined;
	const parentHolds = KILL_TEST_CHILD && holder === process.ppid;
	if (holder && holder !== process.pid && !parentHolds && isRunning(holder)) missing.push(`another e2e run of this checkout (process ${holder}) is running`);
	for (const [port, what] of ports) {
		const free = await new Promise((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
		if (!free) missing.push(`port ${port} (${what}) is in use: an earlier e2e run or n8n still running?`);
	}
	return missing;
}

/** Takes this checkout's lock (the kill test's child suites run under their parent's). */
function holdLock() {
	if (!KILL_TEST_CHILD) fs.writeFileSync(LOCK, String(process.pid));
}

/** Gives the lock back, if this run holds it. */
function releaseLock() {
	if (fs.existsSync(LOCK) && Number(fs.readFileSync(LOCK, 'utf8')) === process.pid) fs.rmSync(LOCK);
}

module.exports = { missingPrerequisites, holdLock, releaseLock };
