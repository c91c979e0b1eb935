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
//
// This file is the table of contents: the order of the groups. The harness (cases, E2E_CASE,
// processes and exit paths, the machine's prerequisites) is in harness/, the workflows the cases
// run in workflows/builders.js, one module per group of cases in cases/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startStandIn } = require('../stand-in/server');
const { N8N_VERSIONS, gptGeCredential, packPackage } = require('./n8n');
const { ONLY, check, enterGroup, isPlanning, noneChosenIn, planCases, results, seconds } = require('./harness/cases');
const { holdLock, missingPrerequisites } = require('./harness/machine');
const { runSuite, standIns } = require('./harness/processes');
const { ARTIFACTS, SCRATCH } = require('./harness/settings');
const { createTask, importWorkflows, n8nUnderTest } = require('./n8n-under-test');
const { workflowsFor } = require('./workflows/builders');
const { mcpWorkflow } = require('./workflows/mcp');
const { installProofs } = require('./cases/install');
const { cliCases } = require('./cases/cli');
const { serverCases } = require('./cases/n8n-start');
const { agentCases } = require('./cases/agent');
const { restartCases } = require('./cases/restart');
const { mcpCases } = require('./cases/mcp');
const { bulkCases } = require('./cases/bulk');
const { queueCases } = require('./cases/queue');
const { killTests } = require('./cases/kill');

const SELECTED = process.env.E2E_N8N && process.env.E2E_N8N !== 'all' ? process.env.E2E_N8N : undefined;

async function main() {
	const versions = N8N_VERSIONS.filter((install) => !SELECTED || install.key === SELECTED);
	assert.ok(versions.length > 0, `E2E_N8N must be 1.x, 2.x or unset, not ${SELECTED}`);
	const missing = await missingPrerequisites(versions);
	if (missing.length) {
		results.push(false);
		console.log(`The e2e suite cannot run on this machine yet:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
		return;
	}
	holdLock();
	console.log(`n8n-nodes-gptge end-to-end: n8n ${versions.map((install) => install.version).join(' and ')}; this runner on Node ${process.version}`);
	// One n8n user folder per version; its community-package folder is where the install proofs install.
	const userFolders = Object.fromEntries(N8N_VERSIONS.map((install) => [install.key, path.join(SCRATCH, `n8n-${install.key}`)]));
	const nodesFolders = Object.fromEntries(Object.entries(userFolders).map(([key, folder]) => [key, path.join(folder, '.n8n/nodes')]));
	if (ONLY && !(await planAll(versions, userFolders))) return;
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

/** Every case for one n8n version, with the package loaded from `userFolder/.n8n/nodes`. */
async function testVersion(install, userFolder) {
	const startedAt = Date.now();
	const n8n = n8nUnderTest(install, userFolder);
	const versionCheck = (name, fn, options) => check(n8n.label, name, fn, options);
	if (isPlanning()) return versionCases(n8n, undefined, versionCheck, {});
	if (noneChosenIn(`${n8n.label} `)) return;
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
		await importWorkflows(n8n, [...workflowsFor(n8n, getTaskId), mcpWorkflow()]);
		await versionCases(n8n, standIn, versionCheck, { getTaskId });
	} finally {
		await standIn.close();
		standIns.splice(standIns.indexOf(standIn), 1);
		console.log(`  n8n ${n8n.label}: ${seconds(startedAt)} s`);
	}
}

/** One n8n version's groups, in this order: CLI, `n8n start` (with the AI Agent), MCP, restart; on 2.x also bulk and queue mode. */
async function versionCases(n8n, standIn, check, { getTaskId }) {
	await cliCases(n8n, standIn, check, { getTaskId });
	await serverCases(n8n, standIn, check, [agentCases]);
	await mcpCases(n8n, standIn, check);
	await restartCases(n8n, standIn, check);
	if (n8n.install.key === '2.x') await moreCases(n8n, standIn, check);
}

/** n8n 2.x only: a rate-limited bulk run, a failed run's task list, and queue mode. */
async function moreCases(n8n, standIn, check) {
	if (enterGroup(`${n8n.label} CLI`)) await bulkCases(n8n, standIn, check);
	if (enterGroup(`${n8n.label} queue`)) await queueCases(n8n, standIn, check);
}

/** E2E_CASE: lists the cases of the chosen versions without running any (see harness/cases.js). */
const planAll = (versions, userFolders) =>
	planCases(async () => {
		await killTests(versions);
		for (const install of versions) await testVersion(install, userFolders[install.key]);
	});

runSuite(main);
