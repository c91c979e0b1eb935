// The kill test group (its cases in e2e/kill-test.js), run before everything else.
const { killCases } = require('../kill-test');
const { check, enterGroup, isPlanning, note } = require('../harness/cases');
const { processes } = require('../harness/processes');
const { QUEUE, SCRATCH, KILL_TEST_CHILD } = require('../harness/settings');

/**
 * The kill test (e2e/kill-test.js), first: the suite and `npm start` started as children and
 * stopped mid-run leave no process and no port behind. Needs n8n 2.x; not in its own children.
 */
async function killTests(versions) {
	const n8n2 = versions.find((install) => install.key === '2.x');
	if (KILL_TEST_CHILD || !n8n2 || !enterGroup('kill test')) return;
	if (!isPlanning()) console.log('\nStopped mid-run, nothing left behind (e2e/kill-test.js)');
	const suitePorts = [n8n2.ports.main, n8n2.ports.broker, QUEUE.redisPort, QUEUE.postgresPort, QUEUE.mainPort, ...QUEUE.workers.flatMap((worker) => [worker.health, worker.broker])];
	// Its children are stopped with the suite's own processes if the suite is stopped meanwhile.
	await killCases({ check: (name, fn) => check('kill', name, fn), note, suitePorts, scratch: SCRATCH, track: (child) => processes.push(child) });
}

module.exports = { killTests };
