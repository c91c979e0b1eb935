#!/usr/bin/env node
// The package inside real n8n, as users install and run it. Run through `npm run test:e2e`
// (e2e/run.sh installs the n8n versions and runs this under Node 24).
//
// 1. Install proofs: packs the package and installs the tarball into fresh empty folders
//    outside the repo with a user's stock npm: on the machine's Node (20) with --omit=peer,
//    on Node 24 with --legacy-peer-deps; loads the node from the Node 20 folder with require().
// 2. For each n8n version (2.41.1 on Node 24, 1.123.x on Node 22; E2E_N8N=2.x|1.x picks one),
//    with the package loaded from one of those folders and a credential pointing at the
//    loopback stand-in API: the example workflows and more through the n8n CLI; then
//    `n8n start` for what needs the REST API (owner setup and sign-in, the credential test,
//    stopping an execution) and the editor check in a headless browser; on 2.x also a bulk run,
//    a failed run's task list and queue mode (Redis, main + worker).
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startStandIn } = require('../stand-in/server');
const {
	E2E,
	ROOT,
	N8N_VERSIONS,
	N8nRestClient,
	delay,
	gptGeCredential,
	n8nEnv,
	packPackage,
	refuseNewProcesses,
	runN8n,
	startProcess,
	stopProcesses,
	stopRunningCommands,
	userNpmInstall,
	waitFor,
} = require('./n8n');
const { filesCase, filesWorkflow } = require('./files');
const { SHEET_WORKFLOW, dataTableCase, readSheet, assertResultRows, sheetCreates, sheetFileCases, sheetWorkflows, withSheetFile } = require('./sheets');
const flatted = require('flatted');
const { postgresEnv, postgresMissing, postgresVersion, startPostgres } = require('./postgres');
const { KILL_TEST_START_PORTS, killCases } = require('./kill-test');

const ARTIFACTS = path.join(E2E, 'artifacts');
// n8n user folders (and the community-package folders inside them) live outside the repo, so
// the repo's .npmrc (ignore-scripts, legacy-peer-deps) cannot apply to the install proofs.
// One per checkout, so a run in another clone never deletes this one's; a lock file inside says
// which run of this checkout has it.
const SCRATCH = path.join(os.tmpdir(), `gptge-e2e-${require('node:crypto').createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);
const LOCK = `${SCRATCH}.lock`;
const QUEUE = {
	redisPort: 6399,
	postgresPort: 5439,
	mainPort: 5699,
	workers: [
		{ health: 5698, broker: 5689 },
		{ health: 5697, broker: 5688 },
	],
};
const OWNER = { email: 'e2e-owner@example.com', password: 'E2e-owner-password-1', firstName: 'E2E', lastName: 'Owner' };
const EDITOR_CHECK = path.join(E2E, 'browser/editor-check.js');
// Set in the suites the kill test starts (and stops): they run under their parent's lock.
const KILL_TEST_CHILD = process.env.E2E_KILL_TEST === 'child';
const SELECTED = process.env.E2E_N8N && process.env.E2E_N8N !== 'all' ? process.env.E2E_N8N : undefined;

// Every long-running process and stand-in the suite started, so every exit path can stop them.
const processes = [];
const standIns = [];
// Folders removed on every exit path (the PostgreSQL cluster).
const temporaryFolders = [];

const results = [];
let notes = [];

// E2E_CASE=<text>: only the cases whose line ("[2.41.1] example …") contains it (any case), for
// whoever works on one. A first pass that runs nothing lists the cases (`planning`), so a text
// that matches none is refused at once, and a group's setup (an n8n server, the queue) runs only
// when one of its cases will. The install proofs always run: they install what the cases load.
const ONLY = process.env.E2E_CASE?.trim().toLowerCase() || undefined;
let planning = false;
const planned = [];
let group = 'install';
const selected = (line) => !ONLY || line.toLowerCase().includes(ONLY);
/** Enters a group of cases; false when none of them is to run (then skip its setup too). */
function enterGroup(name) {
	group = name;
	return planning || planned.length === 0 || planned.some((planCase) => planCase.group === name && selected(planCase.line));
}

/**
 * Runs one case and prints it with its scope (`install` or the n8n version) and its time, then
 * the notes it made (measurements, messages seen).
 */
async function check(scope, name, fn, { setup = false } = {}) {
	const line = `[${scope}] ${name}`;
	if (planning) return void planned.push({ line, group });
	// A group's setup case (its n8n server up) runs whenever one of the group's cases does.
	if (scope !== 'install' && !setup && !selected(line)) return;
	const startedAt = Date.now();
	notes = [];
	try {
		await fn();
		results.push(true);
		console.log(`  ✓ [${scope}] ${name} (${seconds(startedAt)} s)`);
	} catch (error) {
		results.push(false);
		console.log(`  ✗ [${scope}] ${name} (${seconds(startedAt)} s)\n${indented(error.stack ?? error)}`);
	}
	for (const text of notes) console.log(indented(text));
}
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
const indented = (text) => String(text).replace(/^/gm, '      ');
/** A line printed under the current case. */
const note = (text) => notes.push(text);

// ─── 1. Install proofs ───────────────────────────────────────────────────────────────────────

const hostNodeBin = () => path.dirname(fs.realpathSync(process.env.E2E_HOST_NODE ?? '/usr/bin/node'));
const nodeVersionOf = (nodeBinFolder) =>
	spawnSync(path.join(nodeBinFolder, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
const npmVersionWith = (nodeBinFolder) =>
	spawnSync('npm', ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${nodeBinFolder}:${process.env.PATH}` } }).stdout.trim();

/** What `npm install` left in a community-package folder: our package, and any peer it pulled in. */
function assertInstalled(folder) {
	const modules = path.join(folder, 'node_modules');
	const manifest = JSON.parse(fs.readFileSync(path.join(modules, 'n8n-nodes-gptge/package.json'), 'utf8'));
	assert.equal(manifest.name, 'n8n-nodes-gptge', 'the package landed in this folder (npm did not pick a parent folder)');
	for (const unwanted of ['n8n-workflow', 'isolated-vm']) {
		assert.equal(fs.existsSync(path.join(modules, unwanted)), false, `${unwanted} was installed`);
	}
}

/**
 * The README's install command in a fresh empty folder (the community-package folder of an n8n
 * user folder), with the given Node's stock npm; install scripts stay on, as for a user.
 */
async function proveInstall({ scope, folder, nodeBinFolder, flags, tarball }) {
	fs.mkdirSync(folder, { recursive: true });
	assert.deepEqual(fs.readdirSync(folder), [], 'the folder is empty');
	const result = await userNpmInstall(folder, nodeBinFolder, [tarball, ...flags]);
	fs.writeFileSync(path.join(ARTIFACTS, `install-${scope.replace(/\W+/g, '-')}.log`), result.output);
	assert.equal(result.code, 0, `npm install ${flags.join(' ')} exited ${result.code}:\n${result.output.slice(-3000)}`);
	assertInstalled(folder);
	return result;
}

/**
 * Loads the node and credential classes from an installed folder with plain require() on the
 * machine's Node, n8n-workflow resolved through NODE_PATH from an n8n install, as n8n itself
 * provides it to community packages (it puts its own module paths into NODE_PATH).
 */
function requireInstalledPackage(nodeBinFolder, folder, hostModules) {
	const packageDir = path.join(folder, 'node_modules/n8n-nodes-gptge');
	const script = `
		const manifest = require(${JSON.stringify(path.join(packageDir, 'package.json'))});
		const loaded = [...manifest.n8n.nodes, ...manifest.n8n.credentials].map((file) => {
			const exported = require(require('node:path').join(${JSON.stringify(packageDir)}, file));
			const instance = new (Object.values(exported)[0])();
			return instance.description?.name ?? instance.name;
		});
		console.log(JSON.stringify({ loaded, n8nWorkflow: require.resolve('n8n-workflow') }));`;
	const result = spawnSync(path.join(nodeBinFolder, 'node'), ['-e', script], {
		cwd: os.tmpdir(),
		encoding: 'utf8',
		env: { ...process.env, NODE_PATH: hostModules },
	});
	assert.equal(result.status, 0, result.stderr);
	return JSON.parse(result.stdout);
}

/**
 * The install proofs. The host Node is the one that started the suite (Node 20 on these
 * machines); n8n 1.x loads the package from its folder, n8n 2.x from the Node 24 one.
 */
async function installProofs(tarball, folders) {
	const hostNode = hostNodeBin();
	const node24 = path.dirname(process.execPath);
	const hostNodeLabel = `Node ${nodeVersionOf(hostNode)}, npm ${npmVersionWith(hostNode)}`;
	const node24Label = `Node ${process.version}, npm ${npmVersionWith(node24)}`;

	await check('install', `${hostNodeLabel}: npm install n8n-nodes-gptge --omit=peer in an empty folder exits 0, installs no n8n-workflow/isolated-vm`, async () => {
		const result = await proveInstall({ scope: 'host-node-omit-peer', folder: folders['1.x'], nodeBinFolder: hostNode, flags: ['--omit=peer'], tarball });
		note(`took ${result.seconds.toFixed(1)} s; n8n 1.x loads the package from ${folders['1.x']}`);
	});

	await check('install', `${node24Label}: npm install n8n-nodes-gptge --legacy-peer-deps in an empty folder exits 0, installs no n8n-workflow/isolated-vm`, async () => {
		const result = await proveInstall({ scope: 'node24-legacy-peer-deps', folder: folders['2.x'], nodeBinFolder: node24, flags: ['--legacy-peer-deps'], tarball });
		note(`took ${result.seconds.toFixed(1)} s; n8n 2.x loads the package from ${folders['2.x']}`);
	});

	await check('install', `${hostNodeLabel}: the node and the credential load with require() from the --omit=peer folder`, async () => {
		const host = N8N_VERSIONS.find((install) => install.key === '1.x' && install.installed()) ?? N8N_VERSIONS[0];
		const { loaded, n8nWorkflow } = requireInstalledPackage(hostNode, folders['1.x'], path.join(host.folder, 'node_modules'));
		assert.deepEqual(loaded, ['gptGe', 'gptGeApi']);
		note(`n8n-workflow from ${path.relative(ROOT, n8nWorkflow)}`);
	});

	// Why the README gives a flag: measured on request only (it compiles isolated-vm, ~2 min).
	if (process.env.E2E_PLAIN_INSTALL === '1') {
		const folder = path.join(SCRATCH, 'plain-install-host-node');
		fs.mkdirSync(folder, { recursive: true });
		const result = await userNpmInstall(folder, hostNode, [tarball]);
		fs.writeFileSync(path.join(ARTIFACTS, 'install-host-node-plain.log'), result.output);
		const cause = /gyp ERR! \$npm_package_name (\S+)/.exec(result.output)?.[1];
		console.log(`  · [install] ${hostNodeLabel}: plain npm install n8n-nodes-gptge exited ${result.code} after ${result.seconds.toFixed(0)} s${cause ? ` (${cause} failed to build)` : ''} (measurement, not a check)`);
	}
}

// ─── 2. The package inside one n8n version ───────────────────────────────────────────────────

/** One n8n version under test: its CLI, environment, user folder and artifacts. */
function n8nUnderTest(install, userFolder) {
	const label = install.version;
	const artifacts = path.join(ARTIFACTS, `n8n-${label}`);
	fs.mkdirSync(artifacts, { recursive: true });
	// The sheet examples' files: the one folder Read/Write Files from Disk may use (n8n compares real paths).
	const files = path.join(SCRATCH, `files-${install.key}`);
	fs.mkdirSync(files, { recursive: true });
	const env = (extra = {}) =>
		n8nEnv(userFolder, {
			N8N_LOG_LEVEL: 'info', // `execute --rawOutput` prints the execution through the logger
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_RUNNERS_BROKER_PORT: String(install.ports.broker),
			N8N_RESTRICT_FILE_ACCESS_TO: fs.realpathSync(files),
			...extra,
		});
	return {
		install,
		label,
		artifacts,
		files: fs.realpathSync(files),
		env,
		cli: (args, extra) => runN8n(args, env(extra), install),
		start: (name, extra) => startProcess(name, install.node, [install.bin, 'start'], env(extra)),
	};
}

/** The execution JSON `n8n execute --rawOutput` prints after its log lines. */
const executionIn = (output) => JSON.parse(output.slice(output.indexOf('\n{') + 1));
const completeExecutionIn = (output) => {
	try {
		return typeof executionIn(output).status === 'string';
	} catch {
		return false;
	}
};
async function execute(n8n, workflowId, env) {
	const output = await n8n.cli(['execute', `--id=${workflowId}`, '--rawOutput'], env).catch((error) => {
		// n8n 1.123's CLI sometimes crashes while exiting (its 'vm' expression engine), after it
		// has printed the finished execution: that execution is still the one to judge.
		if (error.signal !== 'SIGSEGV' || n8n.install.key !== '1.x' || !completeExecutionIn(error.output)) throw error;
		note(`n8n ${n8n.label}'s CLI crashed on exit (SIGSEGV) after printing the finished execution`);
		return error.output;
	});
	const execution = executionIn(output);
	fs.writeFileSync(path.join(n8n.artifacts, `execution-${workflowId}.json`), JSON.stringify(execution, null, 2));
	assert.equal(execution.status, 'success', `execution of ${workflowId} did not succeed`);
	return execution.data.resultData.runData;
}

/** Runs a workflow that must fail; resolves with what n8n printed. */
async function executeFailing(n8n, workflowId) {
	const output = await n8n.cli(['execute', `--id=${workflowId}`, '--rawOutput']).then(
		(printed) => {
			throw new Error(`execution of ${workflowId} succeeded:\n${printed}`);
		},
		(error) => error.message,
	);
	fs.writeFileSync(path.join(n8n.artifacts, `execution-${workflowId}.txt`), output);
	return output;
}

const outputOf = (runData, node, run = 0) => runData[node][run].data.main[0];

/**
 * Imports all workflows of a version's cases with one `n8n import:workflow` (every n8n command
 * boots n8n: 5 to 10 s each).
 */
async function importWorkflows(n8n, workflows) {
	const folder = path.join(n8n.artifacts, 'workflows');
	fs.mkdirSync(folder, { recursive: true });
	for (const workflow of workflows) fs.writeFileSync(path.join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
	await n8n.cli(['import:workflow', '--separate', `--input=${folder}`]);
}

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
 * `parameters`. The trigger is a Manual Trigger (for `n8n execute`) or a node given whole.
 */
function gptGeWorkflow(id, { trigger, rowsCode, parameters }) {
	const node = (name, type, typeVersion, nodeParameters, x, extra = {}) => ({ id: `${id}-${x}`, name, type, typeVersion, position: [x, 0], parameters: nodeParameters, ...extra });
	return {
		id,
		name: `GPT.GE e2e: ${id}`,
		nodes: [
			{ ...(trigger ?? node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0)), id: `${id}-0`, position: [0, 0] },
			node('Sheet', 'n8n-nodes-base.code', 2, { jsCode: rowsCode }, 220),
			node('GPT.GE', 'n8n-nodes-gptge.gptGe', 1, parameters, 440, { credentials: CREDENTIAL_REFERENCE }),
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

const sheetRows = (count, photo = (row) => `https://example.com/bulk/${row}.jpg`) =>
	Array.from({ length: count }, (_, row) => ({ row, photo: photo(row), speech: `https://example.com/bulk/${row}.mp3` }));

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

/** Creates a task on the stand-in directly, as GPT.GE would for another client; returns its ID. */
async function createTask(standIn, body) {
	const response = await fetch(`${standIn.url}/avatar/generation`, {
		method: 'POST',
		headers: { authorization: `Bearer ${standIn.token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return (await response.json()).data;
}

const healthy = (port) => async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;

/** The cases every n8n version runs through the CLI. */
async function cliCases(n8n, standIn, check, { getTaskId }) {
	if (!enterGroup(`${n8n.label} CLI`)) return;
	if (n8n.install.key === '1.x') {
		await check(`n8n's own: its default expression engine ('vm') gives null for $('Spreadsheet rows').item.json in a Code → Set workflow without GPT.GE; the 'legacy' engine gives the row`, async () => {
			const rowsOf = async (engine) => {
				let output;
				try {
					output = await n8n.cli(['execute', `--id=${WORKFLOW.n8nPairedItem}`, '--rawOutput'], { N8N_EXPRESSION_ENGINE: engine });
				} catch (error) {
					// Seen here with the 'vm' engine: n8n prints the finished execution, then dies while exiting.
					if (error.signal !== 'SIGSEGV' || !/"status": "success"/.test(error.output)) throw error;
					note(`engine '${engine}': n8n execute printed the execution, then died with SIGSEGV while exiting`);
					output = error.output;
				}
				return outputOf(executionIn(output).data.resultData.runData, 'Results table').map((item) => item.json.row);
			};
			assert.deepEqual(await rowsOf('vm'), [null, null]);
			assert.deepEqual(await rowsOf('legacy'), [1, 2]);
			note('so the example below, whose table reads the sheet row that way, runs with N8N_EXPRESSION_ENGINE=legacy on 1.x');
		});
	}

	await check(`example "one video per spreadsheet row" (Generate + Wait for Completion + Download Video): task IDs, succeeded, the video file, the row kept${n8n.install.key === '1.x' ? " (expression engine 'legacy')" : ''}`, async () => {
		const engine = n8n.install.key === '1.x' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
		const runData = await execute(n8n, WORKFLOW.rows, engine);
		// Each Generate item is paired with its sheet row: what `$('Spreadsheet rows').item` follows.
		assert.deepEqual(outputOf(runData, 'Generate video').map((item) => item.pairedItem), [0, 1, 2].map((item) => ({ item })));
		assertVideoTable(outputOf(runData, 'Results table'), standIn);
	});

	await check('example "long jobs": Generate → Wait → Get Task → IF loops until every video is done', async () => {
		const runData = await execute(n8n, WORKFLOW.longJob);
		const finished = runData['Finished videos'].flatMap((run) => run.data.main[0]);
		assert.equal(finished.length, 3);
		for (const item of finished) assert.equal(item.json.status, 'succeeded');
		assert.ok(runData['Get task'].length >= 2, 'Get Task ran again after the first Wait');
		assert.equal(finished.filter((item) => item.binary?.data?.mimeType === 'video/mp4').length, 3);
	});

	await filesCase({ n8n, standIn, check, execute });

	await check('Get Task of a finished task: normalised status, the video downloaded without waiting', async () => {
		const taskId = getTaskId;
		await waitFor('the task to finish', async () => Date.now() - standIn.tasks.get(taskId).submittedAt > 3500, 15_000);
		const [item] = outputOf(await execute(n8n, WORKFLOW.getTask), 'GPT.GE');
		assert.equal(item.json.taskId, taskId);
		assert.equal(item.json.status, 'succeeded');
		assert.equal(item.json.progress, 100);
		assert.equal(item.binary.data.fileName, `${taskId}.mp4`);
	});

	await check('Voice → List: one item per English voice, with the Generate-ready `voice` ID', async () => {
		const items = outputOf(await execute(n8n, WORKFLOW.voices), 'GPT.GE');
		assert.deepEqual(items.map((item) => item.json.name).sort(), ['Emma', 'James', 'Olivia']);
		for (const item of items) {
			assert.equal(item.json.language, 'en');
			assert.equal(item.json.voice, `${item.json.voice_engine_id}:${item.json.audio_id}`);
		}
	});

	// 1.123's 'vm' expression engine reads $('Sheet rows').item.json as null (proved above).
	const engine = n8n.install.key === '1.x' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
	await sheetFileCases({ n8n, standIn, check, note, execute, executeFailing, folder: n8n.files, engine });

	await check('the API token went to the API host only, never to the video host', () => assertTokenStayedOnApiHost(standIn));

	await check('a redirect to another origin: not followed, no token sent there, the run fails with "redirected the request to <origin>"', async () => {
		const elsewhereBefore = standIn.cdnRequests.length;
		const tasksBefore = standIn.tasks.size;
		// The stand-in answers every API request with a 307 to its second server (another origin,
		// which records the headers it gets and would accept the create).
		standIn.configure({ redirect: 307 });
		try {
			const output = await executeFailing(n8n, WORKFLOW.redirect);
			assert.ok(output.includes(`redirected the request to ${standIn.cdnUrl}`), `the error names the origin:\n${output.slice(-2000)}`);
		} finally {
			standIn.configure({ redirect: 0 });
		}
		const elsewhere = standIn.cdnRequests.slice(elsewhereBefore);
		assert.deepEqual(elsewhere.filter((request) => request.headers.authorization !== undefined), [], 'no request to the other origin had an Authorization header');
		assert.equal(elsewhere.length, 0, 'the redirect was not followed at all');
		assert.equal(standIn.tasks.size, tasksBefore, 'nothing was created');
	});
}

/** The cases that need `n8n start`: its REST API as the editor uses it, and the editor itself. */
async function serverCases(n8n, standIn, check) {
	const port = n8n.install.ports.main;
	const baseUrl = `http://127.0.0.1:${port}`;
	const stopWorkflowId = WORKFLOW.stop;
	if (!enterGroup(`${n8n.label} n8n start`)) return;
	let server;
	if (!planning) {
		await n8n.cli(n8n.install.activate(stopWorkflowId));
		// The Data Table example reads $('Sheet rows').item.json, which 1.123's 'vm' engine gives as null.
		const engine = n8n.install.key === '1.x' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
		server = n8n.start(`n8n ${n8n.label} start`, { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', ...engine });
		processes.push(server);
	}
	try {
		let rest;
		await check('n8n start: the editor is up with the package loaded; owner setup and sign-in through the REST API', async () => {
			await waitFor('the editor', async () => /Editor is now accessible/.test(server.output));
			assert.doesNotMatch(server.output, /n8n-nodes-gptge[^\n]*(error|failed)/i);
			rest = new N8nRestClient(baseUrl);
			await rest.setUpOwner(OWNER);
			const user = await rest.signIn(OWNER);
			assert.equal(user.email, OWNER.email);
		}, { setup: true });
		if (!rest && !planning) return;

		await check('credential test through the REST API (the dialog\'s Test button): OK with the token; an error with a wrong token and behind a redirect, which gets no token', async () => {
			const credential = (data) => ({ id: 'gptge-credential', name: 'GPT.GE account', type: 'gptGeApi', data: { apiToken: standIn.token, baseUrl: standIn.url, ...data } });
			const good = await rest.testCredential(credential());
			assert.equal(good.status, 'OK', JSON.stringify(good));
			const wrongToken = await rest.testCredential(credential({ apiToken: 'not-the-token' }));
			assert.equal(wrongToken.status, 'Error', JSON.stringify(wrongToken));
			assert.match(wrongToken.message, n8n.install.credentialTestSays.wrongToken);
			note(`wrong token: ${wrongToken.message}`);

			const elsewhereBefore = standIn.cdnRequests.length;
			standIn.configure({ redirect: 307 });
			try {
				const redirected = await rest.testCredential(credential());
				assert.equal(redirected.status, 'Error', JSON.stringify(redirected));
				assert.match(redirected.message, n8n.install.credentialTestSays.redirect);
				note(`behind a redirect: ${redirected.message}`);
			} finally {
				standIn.configure({ redirect: 0 });
			}
			assert.deepEqual(standIn.cdnRequests.slice(elsewhereBefore).filter((request) => request.headers.authorization !== undefined), []);
		});

		await dataTableCase({ n8n, standIn, check, note, rest, example, flatted });

		await check('Stop ends Wait for Completion at once while it pauses between status checks (tasks never finish): execution canceled within 3 s, no status check after the stop', async () => {
			standIn.configure({ taskDurationMs: 3_600_000 });
			try {
				await stopWhileWaiting({ rest, standIn, baseUrl, workflowId: stopWorkflowId, tag: 'pausing' });
			} finally {
				standIn.configure({ taskDurationMs: 3000 });
			}
		});

		await check('Stop ends Wait for Completion at once during a status check that never answers: execution canceled within 3 s, no status check after the stop', async () => {
			standIn.configure({ stallTaskQueries: true });
			try {
				await stopWhileWaiting({ rest, standIn, baseUrl, workflowId: stopWorkflowId, tag: 'stalled' });
			} finally {
				standIn.configure({ stallTaskQueries: false });
			}
		});

		await editorCheck(n8n, standIn, baseUrl, check);
	} finally {
		if (server) {
			await stopProcesses([server]);
			if (results.includes(false)) fs.writeFileSync(path.join(n8n.artifacts, 'n8n-start.log'), server.output);
		}
	}
}

/** The long-job example in `n8n start`, stopped (SIGTERM) and started again while it waits. */
async function restartCases(n8n, standIn, check) {
	if (!enterGroup(`${n8n.label} restart`)) return;
	await check(`example "long jobs" survives a restart: started by a webhook in n8n start, stored as waiting (Wait ${STORED_WAIT_SECONDS} s), n8n stopped (SIGTERM) and started again; the same execution resumes, Get Task says not finished, then the loop ends with the 3 videos; one create per row`, async () => {
		await n8n.cli(n8n.install.activate(WORKFLOW.longJobByWebhook));
		const port = n8n.install.ports.main;
		const baseUrl = `http://127.0.0.1:${port}`;
		const start = () => {
			const server = n8n.start(`n8n ${n8n.label} start`, { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' });
			processes.push(server);
			return server;
		};
		const servers = [start()];
		try {
			await waitFor('the editor', async () => /Editor is now accessible/.test(servers[0].output));
			const rest = await signedIn(baseUrl);
			await longJobSurvives({
				n8n,
				standIn,
				rest,
				webhookUrl: `${baseUrl}/webhook/${LONG_JOB_WEBHOOK}`,
				interrupt: async () => {
					const stoppedAt = Date.now();
					// As a service manager stops it: SIGTERM, then n8n's own graceful shutdown (30 s at most).
					servers[0].kill('SIGTERM');
					await waitFor('n8n to stop', async () => servers[0].exitCode !== null || servers[0].signalCode !== null, 35_000);
					servers.push(start());
					await waitFor('the editor after the restart', async () => /Editor is now accessible/.test(servers[1].output));
					note(`n8n stopped and up again in ${seconds(stoppedAt)} s`);
					await rest.signIn(OWNER);
				},
			});
		} catch (error) {
			servers.forEach((server, index) => fs.writeFileSync(path.join(n8n.artifacts, `n8n-start-restart-${index}.log`), server.output));
			throw error;
		} finally {
			await stopProcesses(servers);
		}
	});
}

/** A REST client signed in as the owner (set up first when this n8n database has none yet). */
async function signedIn(baseUrl) {
	const rest = new N8nRestClient(baseUrl);
	await rest.setUpOwner(OWNER).catch(() => {}); // already set up by an earlier case
	await rest.signIn(OWNER);
	return rest;
}

/**
 * The long-job example started through its webhook: once n8n has stored it as waiting (its
 * videos created, not one status check yet), `interrupt` (a restart, a killed worker), then the
 * stored wait must resume the same execution. Tasks never finish until each has been checked
 * once (that check must say "not finished", so the loop goes round), then they are done.
 */
async function longJobSurvives({ n8n, standIn, rest, webhookUrl, interrupt }) {
	const workflowId = WORKFLOW.longJobByWebhook;
	const photos = ['anna', 'bo', 'cy'].map((name) => `https://example.com/people/${name}.jpg`);
	const since = Date.now();
	const created = () => [...standIn.tasks.values()].filter((task) => task.submittedAt >= since && photos.includes(task.body.avatar_url));
	const checked = () => created().filter((task) => standIn.requests.some((request) => request.method === 'GET' && request.path === `/avatar/task/${task.id}` && request.at >= since));
	standIn.configure({ taskDurationMs: 3_600_000 });
	try {
		await waitFor('the long-job webhook to be registered', async () => (await (await fetch(webhookUrl)).text()).includes('make a POST request'), 60_000);
		const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		assert.equal(response.status, 200, await response.text());
		let waiting;
		await waitFor('the execution to be stored as waiting', async () => {
			waiting = (await rest.executionsOf(workflowId)).find((execution) => execution.status === 'waiting' && Date.parse(execution.startedAt) >= since - 1000);
			return waiting !== undefined;
		}, 60_000);
		assert.equal(created().length, 3, 'three videos created before the wait');
		assert.equal(checked().length, 0, 'no status check before the wait ends');

		const afterwards = await interrupt(waiting.id);

		await waitFor('each task to be checked once after the wait', async () => checked().length === 3, (STORED_WAIT_SECONDS + 90) * 1000);
		standIn.configure({ taskDurationMs: 0 }); // done from now on: the next round finds them finished
		let execution;
		await waitFor('the execution to finish', async () => {
			execution = await rest.execution(waiting.id);
			return !['new', 'running', 'waiting'].includes(execution.status);
		}, (LATER_WAIT_SECONDS + 60) * 1000);
		const data = flatted.parse(execution.data);
		fs.writeFileSync(path.join(n8n.artifacts, `execution-long-job-${waiting.id}.json`), JSON.stringify(data, null, 2));
		assert.equal(execution.status, 'success', JSON.stringify(data.resultData.error ?? null));

		const { runData } = data.resultData;
		const firstCheck = runData['Get task'][0].data.main[0];
		assert.deepEqual(firstCheck.map((item) => item.json.status === 'succeeded'), [false, false, false], 'the first status check said not finished');
		assert.ok(runData['Wait 2 minutes'].length >= 2, 'the loop went round');
		const finished = runData['Finished videos'].flatMap((run) => run.data.main[0]);
		assert.deepEqual(finished.map((item) => [item.json.status, item.binary?.data?.mimeType]), Array(3).fill(['succeeded', 'video/mp4']));
		assert.deepEqual(created().map((task) => task.body.avatar_url).sort(), [...photos].sort(), 'one create per row');
		assert.deepEqual(finished.map((item) => item.json.taskId).sort(), created().map((task) => task.id).sort());
		afterwards?.();
		note(`execution ${waiting.id}: stored as waiting, resumed; Get Task ran ${runData['Get task'].length} times (first: ${firstCheck.map((item) => item.json.status).join(', ')})`);
	} finally {
		standIn.configure({ taskDurationMs: 3000 });
	}
}

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

/**
 * Starts the stop workflow for two rows, waits until both items are waiting (a status check
 * seen for each task), stops the execution as the editor's Stop button does, and asserts it
 * ends within 3 s and the stand-in sees no status check afterwards (watched for two poll
 * intervals: a wait that lingered would check again).
 */
async function stopWhileWaiting({ rest, standIn, baseUrl, workflowId, tag }) {
	const rows = [1, 2].map((row) => ({ photo: `https://example.com/stop-${tag}/${row}.jpg`, speech: `https://example.com/stop-${tag}/${row}.mp3` }));
	// A GET on the POST-only webhook names POST once the webhook is registered, without starting the workflow.
	await waitFor('the webhook to be registered', async () => (await (await fetch(`${baseUrl}/webhook/gptge-e2e-stop`)).text()).includes('make a POST request'), 60_000);
	const started = await fetch(`${baseUrl}/webhook/gptge-e2e-stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows }) });
	assert.equal(started.status, 200, await started.text());

	const ourTasks = () => [...standIn.tasks.values()].filter((task) => task.body.avatar_url.includes(`/stop-${tag}/`)).map((task) => task.id);
	const statusChecks = (after = 0) => standIn.requests.filter((request) => request.method === 'GET' && ourTasks().some((id) => request.path === `/avatar/task/${id}`) && request.at > after);
	await waitFor('both items to wait for their task', async () => ourTasks().length === 2 && new Set(statusChecks().map((request) => request.path)).size === 2, 30_000);
	// Into the pause between two checks (or inside the stalled check).
	await delay(500);

	const running = (await rest.executionsOf(workflowId)).filter((execution) => execution.status === 'running');
	assert.equal(running.length, 1, `one running execution: ${JSON.stringify(running)}`);
	const stopAt = Date.now();
	await rest.stopExecution(running[0].id);
	const stoppedAt = Date.now();
	let status;
	await waitFor('the execution to end', async () => {
		status = (await rest.execution(running[0].id)).status;
		return !['running', 'new', 'waiting'].includes(status);
	}, 10_000);
	const endedAfterMs = Date.now() - stopAt;
	assert.equal(status, 'canceled');
	assert.ok(endedAfterMs <= 3000, `the execution ended ${endedAfterMs} ms after Stop`);

	await delay(2 * STOP_POLL_SECONDS * 1000 + 1000);
	const late = statusChecks(stoppedAt);
	assert.deepEqual(late.map((request) => `${request.path} at +${request.at - stoppedAt} ms`), [], 'no status check after the stop');
	note(`execution ${running[0].id} ${status} ${endedAfterMs} ms after Stop; ${statusChecks().length} status checks before, none in the ${2 * STOP_POLL_SECONDS + 1} s after`);
}

/** The headless-browser editor check (e2e/browser/editor-check.js), on the running `n8n start`. */
async function editorCheck(n8n, standIn, baseUrl, check) {
	// ── The editor check plugs in here. It is skipped (and said so) while its module is absent.
	if (!fs.existsSync(EDITOR_CHECK)) {
		console.log(`  - [${n8n.label}] editor check skipped: ${path.relative(ROOT, EDITOR_CHECK)} does not exist`);
		return;
	}
	await check('editor (headless Chromium): the node found by search ("GPT.GE", "gptge", "avatar") from the empty canvas and after a trigger; its actions (Account → Get Quota and File → Upload among them); Generate shows each voice source\'s own fields, each file input on URL and on Binary File, and Options → Existing Task ID; the credential dialog\'s test with a wrong token, then the right one', async () => {
		const { checkEditor } = require(EDITOR_CHECK);
		const screenshotsDir = path.join(n8n.artifacts, 'editor-screenshots');
		fs.rmSync(screenshotsDir, { recursive: true, force: true });
		try {
			const summary = await checkEditor({
				baseUrl,
				screenshotsDir,
				owner: OWNER,
				api: { baseUrl: standIn.url, token: standIn.token },
				wrongTokenSays: n8n.install.credentialTestSays.wrongToken,
			});
			note(`screenshots: ${path.relative(ROOT, screenshotsDir)}`);
			fs.writeFileSync(path.join(n8n.artifacts, 'editor-check.json'), JSON.stringify(summary, null, 2));
		} catch (error) {
			if (error.summary) fs.writeFileSync(path.join(n8n.artifacts, 'editor-check.json'), JSON.stringify(error.summary, null, 2));
			error.message += `\n(screenshots: ${screenshotsDir})`;
			throw error;
		}
	});
}

/** n8n 2.x only: a rate-limited bulk run, a failed run's task list, and queue mode. */
async function moreCases(n8n, standIn, check) {
	if (enterGroup(`${n8n.label} CLI`)) await bulkCases(n8n, standIn, check);
	if (enterGroup(`${n8n.label} queue`)) await queueCases(n8n, standIn, check);
}

/** 60 rows behind a rate limit, and a failed run's task list (n8n 2.x, through the CLI). */
async function bulkCases(n8n, standIn, check) {
	await check('60 rows with Wait for Completion behind a gateway limited to 20 requests per second: every video made once', async () => {
		standIn.configure({ rateLimitPerSecond: 20, taskDurationMs: 2000 });
		try {
			const before = standIn.counts();
			const runData = await execute(n8n, WORKFLOW.bulk);
			const items = outputOf(runData, 'GPT.GE');
			const after = standIn.counts();
			assert.deepEqual(items.map((item) => item.json.status), Array(60).fill('succeeded'));
			assert.equal(new Set(items.map((item) => item.json.taskId)).size, 60);
			assert.equal(after.created - before.created, 60);
			assert.equal(after.duplicateCreates, before.duplicateCreates);
			const refused = (after.byStatus[429] ?? 0) - (before.byStatus[429] ?? 0);
			assert.ok(refused <= 0.05 * (after.requests - before.requests), `${refused} requests answered 429`);
			note(`${after.requests - before.requests} requests, ${refused} answered 429`);
		} finally {
			standIn.configure({ rateLimitPerSecond: 0, taskDurationMs: 3000 });
		}
	});

	await check('a run with one rejected row fails, and its error lists every task it created', async () => {
		const output = await executeFailing(n8n, WORKFLOW.ledger);
		const created = [...standIn.tasks.values()].filter((task) => task.body.avatar_url.includes('/ledger/'));
		assert.equal(created.length, 5);
		assert.match(output, /Tasks this run created \(5, already paid for\)/);
		for (const task of created) {
			const row = Number(/\/ledger\/(\d+)\.jpg/.exec(task.body.avatar_url)[1]);
			assert.ok(output.includes(`item ${row} → ${task.id}`), `item ${row} → ${task.id} is listed`);
		}
	});
}

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
		if (!rest && !planning) return;

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
		if (!planning) {
			await rest.request('POST', `/workflows/${WORKFLOW.schedule}/deactivate`, {}).catch((error) => console.log(`      (unpublishing the schedule example failed: ${error.message})`));
			await waitFor('the scheduled runs to end', async () => (await rest.executionsOf(WORKFLOW.schedule)).every((execution) => !['new', 'running'].includes(execution.status)), 60_000).catch(() => {});
		}

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

/** Every case for one n8n version, with the package loaded from `userFolder/.n8n/nodes`. */
async function testVersion(install, userFolder) {
	const startedAt = Date.now();
	const n8n = n8nUnderTest(install, userFolder);
	const versionCheck = (name, fn) => check(n8n.label, name, fn);
	if (planning) return versionCases(n8n, undefined, versionCheck, {});
	if (planned.length && !planned.some((planCase) => planCase.group.startsWith(`${n8n.label} `) && selected(planCase.line))) return;
	console.log(`\nn8n ${n8n.label} on Node ${install.nodeVersion} (user folder ${userFolder})`);

	// A quota the whole suite's videos fit in (10 cents each); the low-quota case lowers it.
	const standIn = await startStandIn({ taskDurationMs: 3000, quotaUsd: 1000 });
	standIns.push(standIn);
	try {
		const credentials = path.join(n8n.artifacts, 'credentials.json');
		fs.writeFileSync(credentials, JSON.stringify(gptGeCredential({ apiToken: standIn.token, baseUrl: standIn.url })));
		await n8n.cli(['import:credentials', `--input=${credentials}`]);
		// A task for the Get Task case, made now so that it is done when the case runs.
		const getTaskId = await createTask(standIn, { avatar_url: 'https://example.com/get-task.jpg', audio_url: 'https://example.com/get-task.mp3' });
		await importWorkflows(n8n, workflowsFor(n8n, getTaskId));
		await versionCases(n8n, standIn, versionCheck, { getTaskId });
	} finally {
		await standIn.close();
		standIns.splice(standIns.indexOf(standIn), 1);
		console.log(`  n8n ${n8n.label}: ${seconds(startedAt)} s`);
	}
}

async function versionCases(n8n, standIn, check, { getTaskId }) {
	await cliCases(n8n, standIn, check, { getTaskId });
	await serverCases(n8n, standIn, check);
	await restartCases(n8n, standIn, check);
	if (n8n.install.key === '2.x') await moreCases(n8n, standIn, check);
}

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
			const server = require('node:net').createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
		if (!free) missing.push(`port ${port} (${what}) is in use: an earlier e2e run or n8n still running?`);
	}
	return missing;
}

async function main() {
	const versions = N8N_VERSIONS.filter((install) => !SELECTED || install.key === SELECTED);
	assert.ok(versions.length > 0, `E2E_N8N must be 1.x, 2.x or unset, not ${SELECTED}`);
	const missing = await missingPrerequisites(versions);
	if (missing.length) {
		results.push(false);
		console.log(`The e2e suite cannot run on this machine yet:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
		return;
	}
	if (!KILL_TEST_CHILD) fs.writeFileSync(LOCK, String(process.pid));
	console.log(`n8n-nodes-gptge end-to-end: n8n ${versions.map((install) => install.version).join(' and ')}; this runner on Node ${process.version}`);
	// One n8n user folder per version; its community-package folder is where the install proofs install.
	const userFolders = Object.fromEntries(N8N_VERSIONS.map((install) => [install.key, path.join(SCRATCH, `n8n-${install.key}`)]));
	const nodesFolders = Object.fromEntries(Object.entries(userFolders).map(([key, folder]) => [key, path.join(folder, '.n8n/nodes')]));
	if (ONLY && !(await planCases(versions, userFolders))) return;
	await killTests(versions);
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	fs.rmSync(SCRATCH, { recursive: true, force: true });

	const packedAt = Date.now();
	const tarball = packPackage(ARTIFACTS);
	console.log(`\nInstall proofs (${path.basename(tarball)}, built and packed in ${seconds(packedAt)} s)`);
	await installProofs(tarball, nodesFolders);

	for (const install of versions) {
		if (!fs.existsSync(path.join(nodesFolders[install.key], 'node_modules/n8n-nodes-gptge'))) {
			results.push(false);
			console.log(`  ✗ [${install.version}] not run: the install proof that provides its package folder failed`);
			continue;
		}
		await testVersion(install, userFolders[install.key]);
	}
}

/**
 * The kill test (e2e/kill-test.js), first: the suite and `npm start` started as children and
 * stopped mid-run leave no process and no port behind. Needs n8n 2.x; not in its own children.
 */
async function killTests(versions) {
	const n8n2 = versions.find((install) => install.key === '2.x');
	if (KILL_TEST_CHILD || !n8n2 || !enterGroup('kill test')) return;
	if (!planning) console.log('\nStopped mid-run, nothing left behind (e2e/kill-test.js)');
	const suitePorts = [n8n2.ports.main, n8n2.ports.broker, QUEUE.redisPort, QUEUE.postgresPort, QUEUE.mainPort, ...QUEUE.workers.flatMap((worker) => [worker.health, worker.broker])];
	// Its children are stopped with the suite's own processes if the suite is stopped meanwhile.
	await killCases({ check: (name, fn) => check('kill', name, fn), note, suitePorts, scratch: SCRATCH, track: (child) => processes.push(child) });
}

/**
 * E2E_CASE: lists every case of the chosen versions without running any, then says which will
 * run; false (an error listing the cases) when none matches.
 */
async function planCases(versions, userFolders) {
	planning = true;
	await killTests(versions);
	for (const install of versions) await testVersion(install, userFolders[install.key]);
	planning = false;
	const chosen = planned.filter((planCase) => selected(planCase.line));
	if (chosen.length === 0) {
		results.push(false);
		console.log(`E2E_CASE="${process.env.E2E_CASE}" is in no case's name. The cases:\n${planned.map((planCase) => `  ${planCase.line}`).join('\n')}`);
		return false;
	}
	console.log(`E2E_CASE="${process.env.E2E_CASE}": ${chosen.length} of ${planned.length} cases, after the install proofs:\n${chosen.map((planCase) => `  ${planCase.line}`).join('\n')}`);
	return true;
}

/** Stops whatever is still running: on every exit path, including Ctrl-C. */
async function cleanUp() {
	await Promise.all([stopProcesses(processes), stopRunningCommands()]);
	await Promise.all(standIns.map((standIn) => standIn.close()));
	for (const folder of temporaryFolders) fs.rmSync(folder, { recursive: true, force: true });
	if (fs.existsSync(LOCK) && Number(fs.readFileSync(LOCK, 'utf8')) === process.pid) fs.rmSync(LOCK);
}
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
