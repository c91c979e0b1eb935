#!/usr/bin/env node
// How long "Wait for Completion" takes for N rows whose videos each need T seconds, run by
// n8n-core's RoutingNode against the loopback stand-in API (no rate limit). Prints:
// - wall time / T (1 means all rows waited side by side; N means one after another);
// - the submit time: the same rows with waiting off (the engine building and sending the
//   creates), and wall time / (submit time + T), the waiting's own overhead (target <= 1.1);
// - the expressions the engine evaluates per row, and the polls each task needed.
//
//   npm run bench                      N=50, T=5 s, poll interval 1 s
//   BENCH_TASKS=1000 BENCH_TASK_SECONDS=10 BENCH_POLL_SECONDS=2 npm run bench
require('../test/helpers/env');
const { WorkflowExpression } = require('n8n-workflow');
const { startStandIn } = require('../stand-in/server');
const { runNode } = require('../test/helpers/engine');
const { generateEachRow, sheetRows } = require('./sheet');

const tasks = Number(process.env.BENCH_TASKS ?? 50);
const taskSeconds = Number(process.env.BENCH_TASK_SECONDS ?? 5);
const pollSeconds = Number(process.env.BENCH_POLL_SECONDS ?? 1);

// Counts the expressions (strings starting with "=") the engine resolves, by text: every
// evaluation, the engine's own and the node's (getNodeParameter, evaluateExpression), ends here.
const evaluated = new Map();
const resolve = WorkflowExpression.prototype.resolveSimpleParameterValue;
WorkflowExpression.prototype.resolveSimpleParameterValue = function (value, ...rest) {
	if (typeof value === 'string' && value.startsWith('=')) evaluated.set(value, (evaluated.get(value) ?? 0) + 1);
	return resolve.call(this, value, ...rest);
};

async function run(waitForCompletion) {
	const standIn = await startStandIn({ taskDurationMs: taskSeconds * 1000 });
	try {
		evaluated.clear();
		const startedAt = process.hrtime.bigint();
		const output = await runNode({
			parameters: generateEachRow({ waitForCompletion, pollInterval: pollSeconds, maxWait: 10 + (taskSeconds * tasks) / 60 }),
			items: sheetRows(tasks),
			credentials: { apiToken: standIn.token, baseUrl: standIn.url },
		});
		const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
		const pollsPerTask = new Map();
		for (const request of standIn.requests) {
			const match = request.method === 'GET' && /^\/avatar\/task\/(.+)$/.exec(request.path);
			if (match) pollsPerTask.set(match[1], (pollsPerTask.get(match[1]) ?? 0) + 1);
		}
		return {
			seconds,
			output,
			posts: standIn.requests.filter((request) => request.method === 'POST').length,
			polls: [...pollsPerTask.values()],
			expressions: new Map(evaluated),
		};
	} finally {
		await standIn.close();
	}
}

async function main() {
	const submit = await run(false);
	const wait = await run(true);
	const succeeded = wait.output.filter((item) => item.json.status === 'succeeded').length;
	const perRow = [...submit.expressions].map(([text, count]) => `${(count / tasks).toFixed(1)} × ${text}`);
	const { polls } = wait;

	console.log(`tasks (N)               ${tasks}`);
	console.log(`task duration (T)       ${taskSeconds} s`);
	console.log(`poll interval           ${pollSeconds} s`);
	console.log(`submit time             ${submit.seconds.toFixed(2)} s   (the same rows, waiting off)`);
	console.log(`wall time               ${wait.seconds.toFixed(2)} s`);
	console.log(`wall time / T           ${(wait.seconds / taskSeconds).toFixed(2)}   (one after another would be ~${tasks})`);
	console.log(`wall / (submit + T)     ${(wait.seconds / (submit.seconds + taskSeconds)).toFixed(2)}   (target <= 1.1)`);
	console.log(`expressions per row     ${perRow.join(', ')}`);
	console.log(`create requests         ${wait.posts}`);
	console.log(`polls per task          min ${Math.min(...polls)}, mean ${(polls.reduce((a, b) => a + b, 0) / polls.length).toFixed(2)}, max ${Math.max(...polls)}`);
	console.log(`succeeded               ${succeeded} / ${tasks}`);
	if (succeeded !== tasks || wait.posts !== tasks) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
