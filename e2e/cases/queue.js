// n8n 2.x in queue mode as production runs it: PostgreSQL and Redis on loopback, n8n main and
// two workers, manual executions run by the workers as in n8n 3.0.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, startProcess, stopProcesses, waitFor } = require('../n8n');
const { postgresEnv, postgresVersion, startPostgres } = require('../postgres');
const { assertCleanCells, assertResultRows, readSheet, sheetCreates } = require('../sheets');
const { isPlanning, note, results } = require('../harness/cases');
const { processes, temporaryFolders } = require('../harness/processes');
const { QUEUE, SCRATCH } = require('../harness/settings');
const { healthy, outputOf, runManually, signedIn } = require('../n8n-under-test');
const { assertVideoTable } = require('./cli');
const { LONG_JOB_WEBHOOK, STORED_WAIT_SECONDS, WORKFLOW } = require('../workflows/builders');
const { longJobSurvives } = require('./long-job');
const { retryOnWorkerCase } = require('./retry');

/**
 * Queue mode as production runs it: PostgreSQL (n8n advises it for queue mode; SQLite is not
 * recommended there) and Redis on loopback, n8n main + two workers, the workflows imported into
 * PostgreSQL. A webhook workflow, the Schedule Trigger example, and the long-job example with the
 * worker that started it killed (SIGKILL) while it waits.
 */
async function queueCases(n8n, standIn, check) {
	const dbEnv = postgresEnv(QUEUE.postgresPort);
	const queueEnv = n8n.env({
		...dbEnv,
		EXECUTIONS_MODE: 'queue',
		// Manual executions (the editor's Execute Workflow) run on the workers too, as they always do in n8n 3.0.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(QUEUE.redisPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(QUEUE.mainPort),
	});
	const mainUrl = `http://127.0.0.1:${QUEUE.mainPort}`;
	const postgresFolder = path.join(SCRATCH, 'postgres');
	const queueProcesses = [];
	let main;
	let workers = [];
	let rest;
	// The schedule fires from the moment main is up: what the sheet had cost before that.
	let sheetCreatesBefore;
	const finishedRuns = () => workers.reduce((count, worker) => count + (worker.output.match(/Worker finished execution/gi) ?? []).length, 0);
	const xlsx = path.join(n8n.files, 'avatar-sheet.xlsx');
	try {
		await check(`queue mode on PostgreSQL ${postgresVersion()} and Redis (loopback): the credential and workflows imported into PostgreSQL, n8n main + 2 workers up`, async () => {
			temporaryFolders.push(postgresFolder);
			const started = (child) => (processes.push(child), queueProcesses.push(child), child);
			started(await startPostgres(postgresFolder, QUEUE.postgresPort));
			started(startProcess('redis', 'redis-server', ['--port', String(QUEUE.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], process.env));
			// The same user folder (package, encryption key) with PostgreSQL as its database.
			await n8n.cli(['import:credentials', `--input=${path.join(n8n.artifacts, 'credentials.json')}`], dbEnv);
			await n8n.cli(['import:workflow', '--separate', `--input=${path.join(n8n.artifacts, 'workflows')}`], dbEnv);
			for (const id of [WORKFLOW.queueWebhook, WORKFLOW.schedule, WORKFLOW.longJobByWebhook]) await n8n.cli(n8n.install.activate(id), dbEnv);
			// `n8n execute` cannot start a Schedule Trigger: the schedule example runs published, on this XLSX.
			fs.copyFileSync(path.join(ROOT, 'examples/sheets/avatar-sheet.xlsx'), xlsx);
			sheetCreatesBefore = sheetCreates(standIn);

			main = started(startProcess('n8n main', n8n.install.node, [n8n.install.bin, 'start'], queueEnv));
			workers = QUEUE.workers.map((ports, index) =>
				started(
					startProcess(`n8n worker ${index + 1}`, n8n.install.node, [n8n.install.bin, 'worker', '--concurrency=5'], {
						...queueEnv,
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(ports.health),
						N8N_RUNNERS_BROKER_PORT: String(ports.broker),
					}),
				),
			);
			// /healthz answers before workflows are activated and webhooks mounted; this line comes after.
			await waitFor('n8n main', async () => /Editor is now accessible/.test(main.output));
			for (const ports of QUEUE.workers) await waitFor('n8n worker', healthy(ports.health));
			rest = await signedIn(mainUrl);
		}, { setup: true });
		if (!rest && !isPlanning()) return;

		await check('queue mode: a worker runs a webhook workflow (Generate with Wait for Completion + Download Video), answered with the videos', async () => {
			// Workflows are activated a little after the editor is up. A GET on the POST-only webhook
			// names POST once the webhook is registered, without starting the workflow.
			await waitFor('the webhook to be registered', async () =>
				(await (await fetch(`${mainUrl}/webhook/gptge-e2e`)).text()).includes('make a POST request'), 60_000);
			const runsBefore = finishedRuns();
			const rows = [1, 2].map((row) => ({ row, photo: `https://example.com/q/${row}.jpg`, speech: `https://example.com/q/${row}.mp3` }));
			const response = await fetch(`${mainUrl}/webhook/gptge-e2e`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ rows }),
			});
			const text = await response.text();
			assert.equal(response.status, 200, text);
			const items = JSON.parse(text);
			assert.deepEqual(items.map((item) => [item.row, item.status, item.fileName]), rows.map((row, index) => [row.row, 'succeeded', `${items[index].taskId}.mp4`]));
			await waitFor('a worker to log the execution', async () => finishedRuns() > runsBefore, 15_000);
		});

		await check('queue mode: the Schedule Trigger example, fired by the main instance, run by the workers: the XLSX written back, a later firing pays nothing', async () => {
			const createsBefore = sheetCreatesBefore;
			const resultsWritten = () => {
				try {
					return readSheet(xlsx).rows.every((row) => ['succeeded', 'failed'].includes(row.status));
				} catch {
					return false; // not written yet, or being written
				}
			};
			await waitFor('the scheduled example to write its results', async () => resultsWritten(), 90_000);
			assertResultRows(readSheet(xlsx).rows, standIn);
			assertCleanCells(xlsx);
			assert.equal(sheetCreates(standIn) - createsBefore, 9);
			// The next firing (its quota check is its first request) reads the task IDs back and resumes them.
			const quotaChecks = () => standIn.requests.filter((request) => request.path === '/v1/dashboard/billing/subscription').length;
			const checksSoFar = quotaChecks();
			await waitFor('the next scheduled run to start', async () => quotaChecks() > checksSoFar, 30_000);
			const runsSoFar = finishedRuns();
			await waitFor('the next scheduled run to finish', async () => finishedRuns() > runsSoFar && resultsWritten(), 60_000);
			assert.equal(sheetCreates(standIn) - createsBefore, 9, 'the later firing created nothing');
			assertResultRows(readSheet(xlsx).rows, standIn);
		});
		// The schedule off again (the editor's Unpublish), its last run ended: the next case's
		// tasks take an hour, which would make its firings wait too.
		if (!isPlanning()) {
			await rest.request('POST', `/workflows/${WORKFLOW.schedule}/deactivate`, {}).catch((error) => console.log(`      (unpublishing the schedule example failed: ${error.message})`));
			await waitFor('the scheduled runs to end', async () => (await rest.executionsOf(WORKFLOW.schedule)).every((execution) => !['new', 'running'].includes(execution.status)), 60_000).catch(() => {});
		}

		// After the schedule is off: this example's photos are the sheet's, which the schedule case counts.
		await check('queue mode, manual executions offloaded (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true, always so in n8n 3.0): example "one video per spreadsheet row" started as the editor\'s Execute Workflow does, enqueued by main and run by a worker; the videos stored as files (filesystem binary mode) by the worker and served by main', async () => {
			const { executionId, runData } = await runManually(n8n, rest, WORKFLOW.rows);
			const logged = (child, verb) => new RegExp(`${verb} execution ${executionId} \\(job \\d+\\)`).exec(child.output)?.[0];
			assert.ok(logged(main, 'Enqueued'), `main enqueued execution ${executionId}`);
			// The execution is saved as ended a moment before the worker logs it.
			await waitFor('a worker to log the execution', async () => workers.some((worker) => logged(worker, 'Worker finished')), 15_000);
			const ranIt = workers.filter((worker) => logged(worker, 'Worker finished'));
			assert.equal(ranIt.length, 1, `one worker finished execution ${executionId}`);
			assertVideoTable(runData, standIn);
			const table = outputOf(runData, 'Generate video');
			for (const item of table) {
				assert.match(item.binary.data.id, /^filesystem-v2:/, 'the video is a file in n8n\'s binary data folder');
				const video = Buffer.from(await (await fetch(item.json.videoUrl)).arrayBuffer());
				assert.deepEqual(await rest.binaryData(item.binary.data.id), video, 'main serves the file the worker wrote');
			}
			note(`main: "${logged(main, 'Enqueued')}"; ${ranIt[0].name}: "${logged(ranIt[0], 'Worker started')}", "${logged(ranIt[0], 'Worker finished')}"; video ${table[0].binary.data.id}`);
		});

		await retryOnWorkerCase({ n8n, standIn, check, rest, workers });

		await check(`queue mode: example "long jobs" survives its worker: started by a webhook, stored as waiting (Wait ${STORED_WAIT_SECONDS} s), the worker that started it killed (SIGKILL); the other worker resumes the same execution, Get Task says not finished, the loop ends with the 3 videos; one create per row`, async () => {
			await longJobSurvives({
				n8n,
				standIn,
				rest,
				webhookUrl: `${mainUrl}/webhook/${LONG_JOB_WEBHOOK}`,
				interrupt: async (executionId) => {
					const startedIt = new RegExp(`Worker started execution ${executionId} `);
					const victim = workers.find((worker) => startedIt.test(worker.output));
					assert.ok(victim, `a worker logged that it started execution ${executionId}`);
					victim.kill('SIGKILL');
					await waitFor('the worker to die', async () => victim.signalCode !== null, 5000);
					const survivor = workers.find((worker) => worker !== victim);
					const resumed = new RegExp(`Worker (started|finished) execution ${executionId} `, 'g');
					note(`${victim.name} killed while execution ${executionId} waited`);
					return () => assert.ok((survivor.output.match(resumed) ?? []).length >= 1, `${survivor.name} ran the resumed execution`);
				},
			});
		});
	} finally {
		if (results.includes(false)) for (const child of queueProcesses) fs.writeFileSync(path.join(n8n.artifacts, `queue-${child.name.replace(/\W+/g, '-')}.log`), child.output);
		// n8n first (it lets go of the database and Redis), then PostgreSQL and Redis; then the cluster's files.
		await stopProcesses(queueProcesses.filter((child) => child.name.startsWith('n8n')));
		await stopProcesses(queueProcesses);
		fs.rmSync(postgresFolder, { recursive: true, force: true });
	}
}

module.exports = { queueCases };
