// The workflows the cases run, built for one n8n version: the examples as a user imports them
// (timings shortened for the stand-in), their variants (started by a webhook, on a sheet file),
// and small GPT.GE workflows made for one case each.
const fs = require('node:fs');
const path = require('node:path');
const { E2E, ROOT } = require('../n8n');
const { filesWorkflow } = require('../files');
const { sheetWorkflows, withSheetFile } = require('../sheets');

/** An example as a user would import it, with timings shortened for the stand-in. */
function example(file) {
	const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
	for (const node of workflow.nodes) fastPolling(node);
	return workflow;
}

const fastPolling = (node) => {
	if (node.type === 'n8n-nodes-gptge.gptGe' && node.parameters.waitForCompletion) node.parameters.pollInterval = 1;
	if (node.type === 'n8n-nodes-base.wait') Object.assign(node.parameters, { amount: 2, unit: 'seconds' });
	// The schedule fires every 15 seconds instead of every morning: time for a run to finish before the next.
	if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 15 }] };
};

/** The workflows of the cases, by ID (the examples keep their own IDs). */
const WORKFLOW = {
	rows: 'gptgeExampleRows',
	longJob: 'gptgeExampleLongJob',
	longJobByWebhook: 'gptgeE2eLongJobByWebhook',
	schedule: 'gptgeExampleSchedule',
	getTask: 'gptgeE2eGetTask',
	voices: 'gptgeE2eVoices',
	redirect: 'gptgeE2eRedirect',
	stop: 'gptgeE2eStop',
	bulk: 'gptgeE2eBulk',
	ledger: 'gptgeE2eLedger',
	queueWebhook: 'gptgeE2eQueueWebhook',
	n8nPairedItem: 'gptgeE2eN8nPairedItem',
	// Retry On Fail (cases/retry.js): the 5th create answered 400, 500, and 400 on a queue-mode worker.
	retry400: 'gptgeE2eRetry400',
	retry500: 'gptgeE2eRetry500',
	retryQueue: 'gptgeE2eRetryQueue',
};

/** Every workflow one n8n version's cases run; `getTaskId` is a task made beforehand on the stand-in. */
function workflowsFor(n8n, getTaskId) {
	const { install } = n8n;
	const workflows = [
		...sheetWorkflows(example, n8n.files),
		example('one-video-per-row.json'),
		example('long-job-wait-loop.json'),
		filesWorkflow(example, n8n.files),
		gptGeWorkflow(WORKFLOW.getTask, {
			rowsCode: `return [{ json: { taskId: ${JSON.stringify(getTaskId)} } }];`,
			parameters: { resource: 'avatar', operation: 'getTask', taskId: '={{ $json.taskId }}', downloadVideo: true },
		}),
		gptGeWorkflow(WORKFLOW.voices, { rowsCode: 'return [{ json: {} }];', parameters: { resource: 'voice', operation: 'list', language: 'en' } }),
		rowsWorkflow(WORKFLOW.redirect, sheetRows(1)),
		stopWorkflow(),
		longJobByWebhook(),
		retryWorkflow(WORKFLOW.retry400),
		retryWorkflow(WORKFLOW.retry500),
		retryWorkflow(WORKFLOW.retryQueue),
	];
	if (install.key === '2.x') {
		workflows.push(
			rowsWorkflow(WORKFLOW.bulk, sheetRows(60), { waitForCompletion: true, pollInterval: 1, maxWait: 5 }),
			rowsWorkflow(WORKFLOW.ledger, sheetRows(6, (row) => (row === 2 ? 'https://example.com/bulk/rejected.jpg' : `https://example.com/ledger/${row}.jpg`))),
			JSON.parse(fs.readFileSync(path.join(E2E, 'workflows/queue-webhook.json'), 'utf8')),
			withSheetFile(example('schedule-one-video-per-row.json'), path.join(n8n.files, 'avatar-sheet.xlsx')),
		);
	}
	if (install.key === '1.x') workflows.push(pairedItemWorkflow());
	return workflows;
}

// n8n keeps a Wait of less than 65 s in memory; from 65 s on it stores the execution as "waiting"
// and its WaitTracker resumes it, also after a restart (the Wait node and wait-tracker source).
const STORED_WAIT_SECONDS = 70;
const LATER_WAIT_SECONDS = 15;
const LONG_JOB_WEBHOOK = 'gptge-e2e-long-job';

/**
 * The long-job example as production starts it: a Webhook instead of its Manual Trigger, its
 * first Wait stored (70 s instead of 2 minutes), the later ones short (15 s) to save time.
 */
function longJobByWebhook() {
	const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/long-job-wait-loop.json'), 'utf8'));
	Object.assign(workflow, { id: WORKFLOW.longJobByWebhook, name: `${workflow.name} (e2e: started by a webhook)` });
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	Object.assign(trigger, {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: '0b7e4d2a-6f1c-4e8b-9a3d-5c2f1e0d9b8a',
		parameters: { httpMethod: 'POST', path: LONG_JOB_WEBHOOK, responseMode: 'onReceived', options: {} },
	});
	const wait = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.wait');
	wait.webhookId = '7c1d9e3f-2a4b-4c6d-8e0f-1a2b3c4d5e6f';
	Object.assign(wait.parameters, { amount: `={{ $runIndex === 0 ? ${STORED_WAIT_SECONDS} : ${LATER_WAIT_SECONDS} }}`, unit: 'seconds' });
	return workflow;
}

/** Manual Trigger → Code (two rows) → Set reading `$('Spreadsheet rows').item.json.row`: n8n alone, no GPT.GE. */
function pairedItemWorkflow() {
	const id = WORKFLOW.n8nPairedItem;
	return {
		id,
		name: "GPT.GE e2e: n8n's own $('Node').item",
		nodes: [
			{ id: `${id}-0`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-1`, name: 'Spreadsheet rows', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: 'return [{ json: { row: 1 } }, { json: { row: 2 } }];' } },
			{
				id: `${id}-2`,
				name: 'Results table',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [440, 0],
				parameters: { assignments: { assignments: [{ id: `${id}-row`, name: 'row', value: "={{ $('Spreadsheet rows').item.json.row }}", type: 'number' }] }, options: {} },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Spreadsheet rows', type: 'main', index: 0 }]] },
			'Spreadsheet rows': { main: [[{ node: 'Results table', type: 'main', index: 0 }]] },
		},
		settings: {},
	};
}

const CREDENTIAL_REFERENCE = { gptGeApi: { id: 'gptge-credential', name: 'GPT.GE account' } };

/**
 * A workflow of `trigger` → `source` (a Code node giving the rows) → one GPT.GE node with
 * `parameters` (node version `typeVersion`, node settings such as Retry On Fail in `settings`).
 * The trigger is a Manual Trigger (for `n8n execute`) or a node given whole.
 */
function gptGeWorkflow(id, { trigger, rowsCode, parameters, typeVersion = 1, settings = {} }) {
	const node = (name, type, typeVersion, nodeParameters, x, extra = {}) => ({ id: `${id}-${x}`, name, type, typeVersion, position: [x, 0], parameters: nodeParameters, ...extra });
	return {
		id,
		name: `GPT.GE e2e: ${id}`,
		nodes: [
			{ ...(trigger ?? node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0)), id: `${id}-0`, position: [0, 0] },
			node('Sheet', 'n8n-nodes-base.code', 2, { jsCode: rowsCode }, 220),
			node('GPT.GE', 'n8n-nodes-gptge.gptGe', typeVersion, parameters, 440, { credentials: CREDENTIAL_REFERENCE, ...settings }),
		],
		connections: {
			[trigger?.name ?? 'Start']: { main: [[{ node: 'Sheet', type: 'main', index: 0 }]] },
			Sheet: { main: [[{ node: 'GPT.GE', type: 'main', index: 0 }]] },
		},
		settings: {},
	};
}

/** Manual Trigger → Code (`rows`) → GPT.GE Generate (audio URL voice) with `generate` parameters. */
const rowsWorkflow = (id, rows, generate = {}) =>
	gptGeWorkflow(id, {
		rowsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));`,
		parameters: { resource: 'avatar', operation: 'generate', avatarUrl: '={{ $json.photo }}', voiceSource: 'audioUrl', audioUrl: '={{ $json.speech }}', ...generate },
	});

/** The Retry On Fail workflows' rows: 10, each with its own photo (https://example.com/<id>/<row>.jpg). */
const RETRY_ROWS = 10;

/**
 * Manual Trigger → Code (10 rows) → Generate, node version 2 with Simplify (its default), no
 * waiting, and n8n's Retry On Fail on: 2 tries, no pause between them (n8n's smallest).
 */
const retryWorkflow = (id) =>
	gptGeWorkflow(id, {
		rowsCode: `return ${JSON.stringify(sheetRows(RETRY_ROWS, (row) => `https://example.com/${id}/${row}.jpg`))}.map((json) => ({ json }));`,
		parameters: { resource: 'avatar', operation: 'generate', avatarUrl: '={{ $json.photo }}', voiceSource: 'audioUrl', audioUrl: '={{ $json.speech }}', simplify: true },
		typeVersion: 2,
		settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
	});

const sheetRows = (count, photo = (row) => `https://example.com/bulk/${row}.jpg`) =>
	Array.from({ length: count }, (_, row) => ({ row, photo: photo(row), speech: `https://example.com/bulk/${row}.mp3` }));

// The stop workflow's status-check interval: the Stop cases watch two of them for a late check.
const STOP_POLL_SECONDS = 2;

/** Webhook (answers at once, the execution goes on) → Code (the posted rows) → Generate with Wait for Completion. */
function stopWorkflow() {
	return gptGeWorkflow(WORKFLOW.stop, {
		trigger: {
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '5d0c2f7e-3b9a-4c61-9e8d-0a1b2c3d4e5f',
			parameters: { httpMethod: 'POST', path: 'gptge-e2e-stop', responseMode: 'onReceived', options: {} },
		},
		rowsCode: 'return $input.first().json.body.rows.map((row) => ({ json: row }));',
		parameters: {
			resource: 'avatar',
			operation: 'generate',
			avatarUrl: '={{ $json.photo }}',
			voiceSource: 'audioUrl',
			audioUrl: '={{ $json.speech }}',
			waitForCompletion: true,
			pollInterval: STOP_POLL_SECONDS,
			maxWait: 10,
		},
	});
}

module.exports = { WORKFLOW, RETRY_ROWS, STORED_WAIT_SECONDS, LATER_WAIT_SECONDS, LONG_JOB_WEBHOOK, STOP_POLL_SECONDS, example, workflowsFor };
