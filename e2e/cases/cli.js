// The cases every n8n version runs through its CLI (`n8n execute`): the examples, Get Task,
// Voice → List, the sheet files, and where the API token may go.
const assert = require('node:assert/strict');
const { waitFor } = require('../n8n');
const { filesCase } = require('../files');
const { sheetFileCases } = require('../sheets');
const { enterGroup, note } = require('../harness/cases');
const { execute, executeFailing, executionIn, outputOf } = require('../n8n-under-test');
const { WORKFLOW } = require('../workflows/builders');
const { retryCases } = require('./retry');

/**
 * The first example's Results table: the three sheet rows, each with its status, video URL and
 * task, in this column order (a table reads left to right) and no file; the MP4s are Generate
 * video's items. Returns the table.
 */
function assertVideoTable(runData, standIn) {
	const items = outputOf(runData, 'Results table');
	assert.deepEqual(items.map((item) => [item.json.row, item.json.name]), [[1, 'Anna'], [2, 'Bo'], [3, 'Cy']]);
	const videos = outputOf(runData, 'Generate video');
	for (const [index, item] of items.entries()) {
		assert.deepEqual(Object.keys(item.json), ['row', 'name', 'status', 'videoUrl', 'taskId']);
		assert.equal(item.binary, undefined, 'the table carries no file');
		assert.match(item.json.taskId, /^[0-9a-f]{32}$/);
		assert.ok(standIn.tasks.has(item.json.taskId), `task ${item.json.taskId} was created on the stand-in`);
		assert.equal(item.json.status, 'succeeded');
		// Node version 2 (Simplify): videoUrl is the video as Generate asked for it (with the watermark).
		assert.equal(item.json.videoUrl, `${standIn.cdnUrl}/videos/${item.json.taskId}-wm.mp4`);
		assert.equal(videos[index].json.taskId, item.json.taskId);
		assert.equal(videos[index].binary.data.mimeType, 'video/mp4');
		assert.equal(videos[index].binary.data.fileName, `${item.json.taskId}.mp4`);
	}
	return items;
}

/** Every API request carried the token; no request to the video host (the CDN) did. */
function assertTokenStayedOnApiHost(standIn) {
	assert.ok(standIn.requests.length > 0);
	for (const request of standIn.requests) assert.equal(request.headers.authorization, `Bearer ${standIn.token}`);
	assert.ok(standIn.cdnRequests.length > 0, 'videos were downloaded');
	for (const request of standIn.cdnRequests) {
		assert.equal(request.headers.authorization, undefined);
		assert.equal(JSON.stringify(request.headers).includes(standIn.token), false);
	}
}

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
		assertVideoTable(runData, standIn);
	});

	await check(`example "one video per spreadsheet row" with GPT.GE answering in its schema's forms (the stand-in's 'schema' dialect: code 200, times in epoch ms, only the two named video paths): every row succeeded with no error or warning, videoUrl the exact watermarked video, the times ISO strings of this year${n8n.install.key === '1.x' ? " (expression engine 'legacy')" : ''}`, async () => {
		const engine = n8n.install.key === '1.x' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
		standIn.configure({ dialect: 'schema' });
		try {
			const runData = await execute(n8n, WORKFLOW.rows, engine);
			assertVideoTable(runData, standIn);
			const { taskDurationMs } = standIn.settings();
			const iso = (ms) => new Date(Math.floor(ms)).toISOString();
			for (const { json } of outputOf(runData, 'Generate video')) {
				const task = standIn.tasks.get(json.taskId);
				assert.deepEqual(
					{ status: json.status, error: json.error, warning: json.warning, failReason: json.failReason, videoUrl: json.videoUrl },
					{ status: 'succeeded', error: undefined, warning: undefined, failReason: null, videoUrl: `${standIn.cdnUrl}/videos/${json.taskId}-wm.mp4` },
				);
				// The stand-in's times in ms (its task timeline), read as ms: not as seconds (a year past 50000) nor left as numbers.
				assert.deepEqual(
					{ submittedAt: json.submittedAt, startedAt: json.startedAt, finishedAt: json.finishedAt },
					{ submittedAt: iso(task.submittedAt), startedAt: iso(task.submittedAt + 0.3 * taskDurationMs), finishedAt: iso(task.submittedAt + taskDurationMs) },
				);
				for (const time of [json.submittedAt, json.startedAt, json.finishedAt]) assert.equal(new Date(time).getUTCFullYear(), new Date().getUTCFullYear(), time);
			}
			// The answers the node read were the schema's: asked again now, one task answers so.
			const [first] = outputOf(runData, 'Results table');
			const answer = await (await fetch(`${standIn.url}/avatar/task/${first.json.taskId}`, { headers: { authorization: `Bearer ${standIn.token}` } })).json();
			assert.equal(answer.code, 200);
			assert.equal(typeof answer.data.submit_time, 'number');
			assert.ok(answer.data.submit_time > 1e12, `submit_time in ms: ${answer.data.submit_time}`);
			assert.equal('work_video_path' in answer.data.data, false, JSON.stringify(answer.data.data));
		} finally {
			standIn.configure({ dialect: 'examples' });
		}
	});

	await check('example "long jobs": Generate → Wait → Get Task → IF loops until every video is done', async () => {
		const runData = await execute(n8n, WORKFLOW.longJob);
		const finished = runData['Finished videos'].flatMap((run) => run.data.main[0]);
		assert.equal(finished.length, 3);
		for (const item of finished) {
			const { taskId } = item.json;
			assert.deepEqual(item.json, { taskId, status: 'succeeded', videoUrl: `${standIn.cdnUrl}/videos/${taskId}-wm.mp4`, failReason: null });
			assert.deepEqual(Object.keys(item.json), ['status', 'videoUrl', 'failReason', 'taskId'], 'a table that reads left to right');
		}
		assert.ok(runData['Get task'].length >= 2, 'Get Task ran again after the first Wait');
		assert.equal(finished.filter((item) => item.binary?.data?.mimeType === 'video/mp4').length, 3);
	});

	await retryCases(n8n, standIn, check);

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

module.exports = { cliCases, assertVideoTable };
