#!/usr/bin/env node
// The package inside a real n8n: packs it, installs the tarball where n8n loads community
// packages, imports the example workflows and a credential pointing at the loopback stand-in
// API, runs them with the n8n CLI, then runs a webhook workflow in queue mode (main + worker,
// Redis on loopback). Run through `npm run test:e2e` (e2e/run.sh sets up n8n and Node 24).
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startStandIn } = require('../stand-in/server');
const { N8N_BIN, gptGeCredential, installPackedPackage, n8nEnv: baseEnv, runN8n } = require('./n8n');

const E2E = __dirname;
const ROOT = path.join(E2E, '..');
const USER_FOLDER = path.join(E2E, '.n8n-user');
const ARTIFACTS = path.join(E2E, 'artifacts');
const QUEUE = { redisPort: 6399, mainPort: 5699, workerHealthPort: 5698, workerBrokerPort: 5689 };

const results = [];
async function check(name, fn) {
	const startedAt = Date.now();
	try {
		await fn();
		results.push(true);
		console.log(`  ✓ ${name} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
	} catch (error) {
		results.push(false);
		console.log(`  ✗ ${name}\n${String(error.stack ?? error).replace(/^/gm, '      ')}`);
	}
}

const n8nEnv = (extra = {}) =>
	baseEnv(USER_FOLDER, {
		N8N_LOG_LEVEL: 'info', // `execute --rawOutput` prints the execution through the logger
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		...extra,
	});

const n8n = (args, env) => runN8n(args, n8nEnv(env));

/** The execution JSON `n8n execute --rawOutput` prints after its log lines. */
async function execute(workflowId) {
	const output = await n8n(['execute', `--id=${workflowId}`, '--rawOutput']);
	const execution = JSON.parse(output.slice(output.indexOf('\n{') + 1));
	fs.writeFileSync(path.join(ARTIFACTS, `execution-${workflowId}.json`), JSON.stringify(execution, null, 2));
	assert.equal(execution.status, 'success', `execution of ${workflowId} did not succeed`);
	return execution.data.resultData.runData;
}

const outputOf = (runData, node, run = 0) => runData[node][run].data.main[0];

/** An example as a user would import it, with timings shortened for the stand-in. */
async function importExample(file, adjust) {
	const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
	for (const node of workflow.nodes) adjust(node);
	const target = path.join(ARTIFACTS, file);
	fs.writeFileSync(target, JSON.stringify(workflow));
	await n8n(['import:workflow', `--input=${target}`]);
	return workflow.id;
}

const fastPolling = (node) => {
	if (node.type === 'n8n-nodes-gptge.gptGe' && node.parameters.waitForCompletion) node.parameters.pollInterval = 1;
	if (node.type === 'n8n-nodes-base.wait') Object.assign(node.parameters, { amount: 2, unit: 'seconds' });
	// The schedule fires every 5 seconds instead of every morning; the first run is what counts.
	if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
};

function assertVideoTable(items, standIn) {
	assert.deepEqual(items.map((item) => [item.json.row, item.json.name]), [[1, 'Anna'], [2, 'Bo'], [3, 'Cy']]);
	for (const item of items) {
		assert.match(item.json.taskId, /^[0-9a-f]{32}$/);
		assert.ok(standIn.tasks.has(item.json.taskId), `task ${item.json.taskId} was created on the stand-in`);
		assert.equal(item.json.status, 'succeeded');
		assert.equal(item.json.videoUrl.startsWith(`${standIn.cdnUrl}/videos/${item.json.taskId}`), true);
		assert.equal(item.binary.data.mimeType, 'video/mp4');
		assert.equal(item.binary.data.fileName, `${item.json.taskId}.mp4`);
	}
}

function assertTokenStayedOnApiHost(standIn) {
	assert.ok(standIn.requests.length > 0);
	for (const request of standIn.requests) assert.equal(request.headers.authorization, `Bearer ${standIn.token}`);
	assert.ok(standIn.cdnRequests.length > 0, 'videos were downloaded');
	for (const request of standIn.cdnRequests) {
		assert.equal(request.headers.authorization, undefined);
		assert.equal(JSON.stringify(request.headers).includes(standIn.token), false);
	}
}

function startProcess(name, command, args, env) {
	const child = spawn(command, args, { env, cwd: E2E, stdio: ['ignore', 'pipe', 'pipe'] });
	child.output = '';
	child.stdout.on('data', (chunk) => (child.output += chunk));
	child.stderr.on('data', (chunk) => (child.output += chunk));
	child.name = name;
	return child;
}

async function waitFor(what, condition, timeoutMs = 180_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await condition().catch(() => false)) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/** A workflow of Manual Trigger → Code (`rows` sheet rows) → GPT.GE Generate with `generate` parameters. */
async function importRowsWorkflow(id, rows, generate) {
	const node = (name, type, typeVersion, parameters, x, extra = {}) => ({ id: `${id}-${x}`, name, type, typeVersion, position: [x, 0], parameters, ...extra });
	const workflow = {
		id,
		name: `GPT.GE e2e: ${id}`,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0),
			node('Sheet', 'n8n-nodes-base.code', 2, { jsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));` }, 220),
			node('Generate video', 'n8n-nodes-gptge.gptGe', 1, { resource: 'avatar', operation: 'generate', avatarUrl: '={{ $json.photo }}', voiceSource: 'audioUrl', audioUrl: '={{ $json.speech }}', ...generate }, 440, {
				credentials: { gptGeApi: { id: 'gptge-credential', name: 'GPT.GE account' } },
			}),
		],
		connections: {
			Start: { main: [[{ node: 'Sheet', type: 'main', index: 0 }]] },
			Sheet: { main: [[{ node: 'Generate video', type: 'main', index: 0 }]] },
		},
		settings: {},
	};
	const target = path.join(ARTIFACTS, `${id}.json`);
	fs.writeFileSync(target, JSON.stringify(workflow));
	await n8n(['import:workflow', `--input=${target}`]);
	return id;
}

/** Runs a workflow that must fail; resolves with what n8n printed. */
async function executeFailing(workflowId) {
	const output = await n8n(['execute', `--id=${workflowId}`, '--rawOutput']).then(
		(printed) => {
			throw new Error(`execution of ${workflowId} succeeded:\n${printed}`);
		},
		(error) => error.message,
	);
	fs.writeFileSync(path.join(ARTIFACTS, `execution-${workflowId}.txt`), output);
	return output;
}

const sheetRows = (count, photo = (row) => `https://example.com/bulk/${row}.jpg`) =>
	Array.from({ length: count }, (_, row) => ({ row, photo: photo(row), speech: `https://example.com/bulk/${row}.mp3` }));

const healthy = (port) => async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;


async function main() {
	console.log('n8n-nodes-gptge end-to-end, in n8n', (await n8n(['--version'])).trim(), 'on Node', process.version);
	fs.rmSync(USER_FOLDER, { recursive: true, force: true });
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });

	installPackedPackage(USER_FOLDER, ARTIFACTS);

	const standIn = await startStandIn({ taskDurationMs: 3000 });
	const processes = [];
	try {
		const credentials = path.join(ARTIFACTS, 'credentials.json');
		fs.writeFileSync(credentials, JSON.stringify(gptGeCredential({ apiToken: standIn.token, baseUrl: standIn.url })));
		await n8n(['import:credentials', `--input=${credentials}`]);

		await check('example "one video per spreadsheet row": task IDs, succeeded, the video file, the row kept', async () => {
			const runData = await execute(await importExample('one-video-per-row.json', fastPolling));
			assertVideoTable(outputOf(runData, 'Results table'), standIn);
		});

		await check('example "long jobs": Generate → Wait → Get Task → IF loops until every video is done', async () => {
			const runData = await execute(await importExample('long-job-wait-loop.json', fastPolling));
			const finished = runData['Finished videos'].flatMap((run) => run.data.main[0]);
			assert.equal(finished.length, 3);
			for (const item of finished) assert.equal(item.json.status, 'succeeded');
			assert.ok(runData['Get task'].length >= 2, 'Get Task ran again after the first Wait');
			assert.equal(finished.filter((item) => item.binary?.data?.mimeType === 'video/mp4').length, 3);
		});

		await check('the API token went to the API host only, never to the video host', () => assertTokenStayedOnApiHost(standIn));

		await check('60 rows with Wait for Completion behind a gateway limited to 20 requests per second: every video made once', async () => {
			standIn.configure({ rateLimitPerSecond: 20, taskDurationMs: 2000 });
			try {
				const before = standIn.counts();
				const rows = sheetRows(60);
				const runData = await execute(await importRowsWorkflow('gptgeE2eBulk', rows, { waitForCompletion: true, pollInterval: 1, maxWait: 5 }));
				const items = outputOf(runData, 'Generate video');
				const after = standIn.counts();
				assert.deepEqual(items.map((item) => item.json.status), Array(60).fill('succeeded'));
				assert.equal(new Set(items.map((item) => item.json.taskId)).size, 60);
				assert.equal(after.created - before.created, 60);
				assert.equal(after.duplicateCreates, before.duplicateCreates);
				const refused = (after.byStatus[429] ?? 0) - (before.byStatus[429] ?? 0);
				assert.ok(refused <= 0.05 * (after.requests - before.requests), `${refused} requests answered 429`);
				console.log(`      ${after.requests - before.requests} requests, ${refused} answered 429`);
			} finally {
				standIn.configure({ rateLimitPerSecond: 0, taskDurationMs: 3000 });
			}
		});

		await check('a run with one rejected row fails, and its error lists every task it created', async () => {
			const rows = sheetRows(6, (row) => (row === 2 ? 'https://example.com/bulk/rejected.jpg' : `https://example.com/ledger/${row}.jpg`));
			const output = await executeFailing(await importRowsWorkflow('gptgeE2eLedger', rows, {}));
			const created = [...standIn.tasks.values()].filter((task) => task.body.avatar_url.includes('/ledger/'));
			assert.equal(created.length, 5);
			assert.match(output, /Tasks this run created \(5, already paid for\)/);
			for (const task of created) {
				const row = Number(/\/ledger\/(\d+)\.jpg/.exec(task.body.avatar_url)[1]);
				assert.ok(output.includes(`item ${row} → ${task.id}`), `item ${row} → ${task.id} is listed`);
			}
		});


		await check('queue mode: the worker runs a webhook workflow and the Schedule Trigger example (Redis, main + worker)', async () => {
			const queueEnv = n8nEnv({
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(QUEUE.redisPort),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_PORT: String(QUEUE.mainPort),
			});
			const workflow = path.join(E2E, 'workflows/queue-webhook.json');
			await n8n(['import:workflow', `--input=${workflow}`]);
			await n8n(['publish:workflow', '--id=gptgeE2eQueueWebhook']);
			// `n8n execute` cannot start a Schedule Trigger: the schedule example runs published.
			const scheduled = await importExample('schedule-one-video-per-row.json', fastPolling);
			await n8n(['publish:workflow', `--id=${scheduled}`]);
			const tasksBefore = new Set(standIn.tasks.keys());

			processes.push(startProcess('redis', 'redis-server', ['--port', String(QUEUE.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], process.env));
			const main = startProcess('n8n main', process.execPath, [N8N_BIN, 'start'], queueEnv);
			const worker = startProcess('n8n worker', process.execPath, [N8N_BIN, 'worker', '--concurrency=5'], {
				...queueEnv,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(QUEUE.workerHealthPort),
				N8N_RUNNERS_BROKER_PORT: String(QUEUE.workerBrokerPort),
			});
			processes.push(main, worker);
			// /healthz answers before workflows are activated and webhooks mounted; this line comes after.
			await waitFor('n8n main', async () => /Editor is now accessible/.test(main.output));
			await waitFor('n8n worker', healthy(QUEUE.workerHealthPort));

			// Workflows are activated a little after the editor is up. A GET on the POST-only webhook
			// names POST once the webhook is registered, without starting the workflow.
			await waitFor('the webhook to be registered', async () =>
				(await (await fetch(`http://127.0.0.1:${QUEUE.mainPort}/webhook/gptge-e2e`)).text()).includes('make a POST request'), 60_000);

			const rows = [1, 2].map((row) => ({ row, photo: `https://example.com/q/${row}.jpg`, speech: `https://example.com/q/${row}.mp3` }));
			const response = await fetch(`http://127.0.0.1:${QUEUE.mainPort}/webhook/gptge-e2e`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ rows }),
			});
			const text = await response.text();
			assert.equal(response.status, 200, text);
			const items = JSON.parse(text);
			assert.deepEqual(items.map((item) => [item.row, item.status, item.fileName]), rows.map((row, index) => [row.row, 'succeeded', `${items[index].taskId}.mp4`]));
			await waitFor('the worker to log the execution', async () => /Worker finished execution/i.test(worker.output), 15_000);

			// The Schedule Trigger example, fired by the main instance and run by the worker.
			const scheduledTasks = () => [...standIn.tasks.values()].filter((task) => !tasksBefore.has(task.id) && task.body.avatar_url.includes('/people/'));
			await waitFor('the scheduled example to create three tasks', async () => scheduledTasks().length >= 3, 60_000);
			const firstThree = scheduledTasks().slice(0, 3);
			await waitFor('the scheduled example to download its three videos', async () =>
				firstThree.every((task) => standIn.cdnRequests.some((request) => request.path.includes(task.id))), 60_000);
			assert.deepEqual(firstThree.map((task) => task.body.avatar_url).sort(), ['anna', 'bo', 'cy'].map((name) => `https://example.com/people/${name}.jpg`));
		});
	} finally {
		for (const child of processes.reverse()) child.kill('SIGTERM');
		await standIn.close();
		await new Promise((resolve) => setTimeout(resolve, 1000));
		for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
		if (results.includes(false)) {
			for (const child of processes) fs.writeFileSync(path.join(ARTIFACTS, `${child.name.replace(/\W+/g, '-')}.log`), child.output);
		}
	}
}

main()
	.catch((error) => {
		results.push(false);
		console.log(`  ✗ setup failed\n${String(error.stack ?? error).replace(/^/gm, '      ')}`);
	})
	.finally(() => {
		const passed = results.filter(Boolean).length;
		console.log(`e2e: ${passed} passed, ${results.length - passed} failed`);
		process.exitCode = results.length > 0 && passed === results.length ? 0 : 1;
	});
