// Everything the suite starts (n8n, workers, Redis, PostgreSQL, stand-ins, a database's folder),
// tracked so that every exit path stops it: the end of the run, a failed setup, Ctrl-C, SIGTERM.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, refuseNewProcesses, stopProcesses, stopRunningCommands } = require('../n8n');
const { results, seconds } = require('./cases');
const { releaseLock } = require('./machine');
const { ARTIFACTS } = require('./settings');

// Every long-running process and stand-in the suite started, so every exit path can stop them.
const processes = [];
const standIns = [];
// Folders removed on every exit path (the PostgreSQL cluster).
const temporaryFolders = [];

/** Stops whatever is still running: on every exit path, including Ctrl-C. */
async function cleanUp() {
	await Promise.all([stopProcesses(processes), stopRunningCommands()]);
	await Promise.all(standIns.map((standIn) => standIn.close()));
	for (const folder of temporaryFolders) fs.rmSync(folder, { recursive: true, force: true });
	releaseLock();
}

/**
 * Runs the suite (`main`) to its end whatever happens: cleans up on Ctrl-C and SIGTERM (exit
 * 130) and after it, then prints the tally; the exit code is 0 only when cases ran and all passed.
 */
function runSuite(main) {
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			refuseNewProcesses();
			console.log(`\n${signal}: stopping n8n and the stand-in`);
			cleanUp().finally(() => process.exit(130));
		});
	}

	const suiteStartedAt = Date.now();
	main()
		.catch((error) => {
			results.push(false);
			console.log(`  ✗ setup failed\n${String(error.stack ?? error).replace(/^/gm, '      ')}`);
		})
		.finally(async () => {
			await cleanUp();
			const passed = results.filter(Boolean).length;
			console.log(`\ne2e: ${passed} passed, ${results.length - passed} failed, ${seconds(suiteStartedAt)} s`);
			if (results.includes(false)) console.log(`artifacts (executions, logs, screenshots): ${path.relative(ROOT, ARTIFACTS)}/`);
			process.exitCode = results.length > 0 && passed === results.length ? 0 : 1;
		});
}

module.exports = { processes, standIns, temporaryFolders, runSuite };
