#!/usr/bin/env node
// How long "Wait for Completion" takes for N rows whose videos each need T seconds, run by
// n8n-core's RoutingNode against the loopback stand-in API. Prints wall time / T (1 means all
// rows waited side by side; N means one after another) and the polls each task needed.
//
//   npm run bench                      N=50, T=5 s, poll interval 1 s
//   BENCH_TASKS=100 BENCH_TASK_SECONDS=10 BENCH_POLL_SECONDS=2 npm run bench
require('../test/helpers/env');
const { startStandIn } = require('../stand-in/server');
const { runNode } = require('../test/helpers/engine');

const tasks = Number(process.env.BENCH_TASKS ?? 50);
const taskSeconds = Number(process.env.BENCH_TASK_SECONDS ?? 5);
const pollSeconds = Number(process.env.BENCH_POLL_SECONDS ?? 1);

async function main() {
	const standIn = await startStandIn({ taskDurationMs: taskSeconds * 1000 });
	try {
		const rows = Array.from({ length: tasks }, (_, row) => ({
			json: { photo: `https://cdn.example.com/people/${row}.jpg`, speech: `https://cdn.example.com/speech/${row}.mp3` },
		}));
		const startedAt = process.hrtime.bigint();
		const output = await runNode({
			parameters: {
				resource: 'avatar',
				operation: 'generate',
				avatarUrl: '={{ $json.photo }}',
				voiceSource: 'audioUrl',
				audioUrl: '={{ $json.speech }}',
				waitForCompletion: true,
				pollInterval: pollSeconds,
				maxWait: 10 + (taskSeconds * tasks) / 60,
			},
			items: rows,
			credentials: { apiToken: standIn.token, baseUrl: standIn.url },
		});
		const wallSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;

		const pollsPerTask = new Map();
		for (const request of standIn.requests) {
			const match = request.method === 'GET' && /^\/avatar\/task\/(.+)$/.exec(request.path);
			if (match) pollsPerTask.set(match[1], (pollsPerTask.get(match[1]) ?? 0) + 1);
		}
		const polls = [...pollsPerTask.values()];
		const succeeded = output.filter((item) => item.json.status === 'succeeded').length;
		const posts = standIn.requests.filter((request) => request.method === 'POST').length;

		console.log(`tasks (N)               ${tasks}`);
		console.log(`task duration (T)       ${taskSeconds} s`);
		console.log(`poll interval           ${pollSeconds} s`);
		console.log(`wall time               ${wallSeconds.toFixed(2)} s`);
		console.log(`wall time / T           ${(wallSeconds / taskSeconds).toFixed(2)}   (target <= 1.5; one after another would be ~${tasks})`);
		console.log(`create requests         ${posts}`);
		console.log(`polls per task          min ${Math.min(...polls)}, mean ${(polls.reduce((a, b) => a + b, 0) / polls.length).toFixed(2)}, max ${Math.max(...polls)}`);
		console.log(`succeeded               ${succeeded} / ${tasks}`);
		if (succeeded !== tasks || posts !== tasks) process.exitCode = 1;
	} finally {
		await standIn.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
