// The cases that need `n8n start` (every n8n version): its REST API as the editor uses it
// (owner, credential test, the Data Table example, Stop) and the editor itself in a browser.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { E2E, ROOT, N8nRestClient, delay, stopProcesses, waitFor } = require('../n8n');
const { dataTableCase } = require('../sheets');
const { enterGroup, isPlanning, note, results } = require('../harness/cases');
const { processes } = require('../harness/processes');
const { OWNER } = require('../harness/settings');
const { STOP_POLL_SECONDS, WORKFLOW, example } = require('../workflows/builders');

const EDITOR_CHECK = path.join(E2E, 'browser/editor-check.js');
const EXAMPLES_CHECK = path.join(E2E, 'browser/examples-check.js');

/**
 * The cases that need `n8n start`: its REST API as the editor uses it, and the editor itself.
 * `onServer`: more case groups run on the same server, each given { n8n, standIn, check, rest, baseUrl }.
 */
async function serverCases(n8n, standIn, check, onServer = []) {
	const port = n8n.install.ports.main;
	const baseUrl = `http://127.0.0.1:${port}`;
	const stopWorkflowId = WORKFLOW.stop;
	if (!enterGroup(`${n8n.label} n8n start`)) return;
	let server;
	if (!isPlanning()) {
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
		if (!rest && !isPlanning()) return;

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

		await dataTableCase({ n8n, standIn, check, note, rest, example });

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

		for (const cases of onServer) await cases({ n8n, standIn, check, rest, baseUrl });

		await editorCheck(n8n, standIn, baseUrl, check);
		await examplesCheck(n8n, standIn, baseUrl, check);
	} finally {
		if (server) {
			await stopProcesses([server]);
			if (results.includes(false)) fs.writeFileSync(path.join(n8n.artifacts, 'n8n-start.log'), server.output);
		}
	}
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
	await check('editor (headless Chromium): the node found by search ("GPT.GE", "gptge", "avatar") from the empty canvas and after a trigger; its actions (Account → Get Quota and File → Upload among them); Generate shows each voice source\'s own fields, each file input on URL and on Binary File, and Options → Existing Task ID; "GPT.GE Tool" under the AI Agent\'s and the MCP Server Trigger\'s tool connectors with Tool Wait and Avatar URL defined by the model; the credential dialog\'s fields (the optional Rate Limit after API Token and Base URL) and its test with a wrong token, then the right one', async () => {
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

/** The examples as a newcomer opens them in the editor (e2e/browser/examples-check.js, issue 29). */
async function examplesCheck(n8n, standIn, baseUrl, check) {
	await check('examples in the editor (headless Chromium, 1440×900 and 1280×800 at n8n\'s zoom-to-fit): every note fits (no code block scrolls sideways) and reads at ≥ 10 px (≥ 9 px at 1280×800); n8n\'s own buttons cover no node or note; only links the author wrote are links (GPT\\.GE renders unlinked); switching Voice Source keeps the example\'s expressions; after "Execute workflow", "Results table" opens on the Table view with row, name, status, videoUrl, taskId left to right; the agent example\'s chat answers both prompts (a text in a GPT.GE voice, an audio URL) with a video URL, one task each', async () => {
		const { checkExamples } = require(EXAMPLES_CHECK);
		const screenshotsDir = path.join(n8n.artifacts, 'examples-screenshots');
		const summaryFile = path.join(n8n.artifacts, 'examples-check.json');
		fs.rmSync(screenshotsDir, { recursive: true, force: true });
		try {
			const summary = await checkExamples({
				baseUrl,
				screenshotsDir,
				owner: OWNER,
				examplesDir: path.join(ROOT, 'examples'),
				api: { baseUrl: standIn.url, token: standIn.token },
				apiRequests: () => standIn.requests,
			});
			note(`screenshots: ${path.relative(ROOT, screenshotsDir)}; ${summary.seconds} s`);
			fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
		} catch (error) {
			if (error.summary) fs.writeFileSync(summaryFile, JSON.stringify(error.summary, null, 2));
			error.message += `\n(screenshots: ${screenshotsDir})`;
			throw error;
		}
	});
}

module.exports = { serverCases };
