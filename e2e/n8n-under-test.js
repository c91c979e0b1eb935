// One n8n version under test, as the cases drive it: its CLI and environment, running workflows
// with `n8n execute` or as the editor does and reading what they output, and its REST API signed
// in as the owner.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const flatted = require('flatted');
const { N8nRestClient, n8nEnv, runN8n, startProcess, waitFor } = require('./n8n');
const { note } = require('./harness/cases');
const { ARTIFACTS, OWNER, SCRATCH } = require('./harness/settings');

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

/**
 * Runs a saved workflow as the editor's Execute Workflow button does (a manual execution, through
 * the REST API) and waits for it to end; resolves with { executionId, runData } once it succeeded.
 * 1.x wants the workflow itself in the request.
 */
async function runManually(n8n, rest, workflowId, trigger = 'Start') {
	const body = { triggerToStartFrom: { name: trigger } };
	if (n8n.install.key === '1.x') body.workflowData = await rest.request('GET', `/workflows/${workflowId}`);
	const { executionId } = await rest.request('POST', `/workflows/${workflowId}/run`, body);
	let execution;
	await waitFor(`execution ${executionId} to end`, async () => {
		execution = await rest.execution(executionId);
		return execution.finished || ['success', 'error', 'crashed', 'canceled'].includes(execution.status);
	}, 120_000);
	const data = flatted.parse(execution.data);
	fs.writeFileSync(path.join(n8n.artifacts, `execution-manual-${executionId}.json`), JSON.stringify(data, null, 2));
	assert.equal(execution.status, 'success', `execution ${executionId}: ${JSON.stringify(data.resultData.error ?? null)}`);
	return { executionId, runData: data.resultData.runData };
}

/** A REST client signed in as the owner (set up first when this n8n database has none yet). */
async function signedIn(baseUrl) {
	const rest = new N8nRestClient(baseUrl);
	await rest.setUpOwner(OWNER).catch(() => {}); // already set up by an earlier case
	await rest.signIn(OWNER);
	return rest;
}

module.exports = { n8nUnderTest, executionIn, execute, executeFailing, outputOf, importWorkflows, createTask, healthy, runManually, signedIn };
