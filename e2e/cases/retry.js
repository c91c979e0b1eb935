// n8n's Retry On Fail on Generate in the real n8n (issue 28): a retry runs the whole node again in
// the same execution; the node resumes the tasks its failed try created, sends again only a row
// whose create provably did nothing (a 400), refuses one that may have been paid for (a 500), and
// a new execution creates anew. Through the CLI (both versions) and on a queue-mode worker (2.x).
const assert = require('node:assert/strict');
const { waitFor } = require('../n8n');
const { note } = require('../harness/cases');
const { execute, executeFailing, outputOf, runManually } = require('../n8n-under-test');
const { RETRY_ROWS, WORKFLOW } = require('../workflows/builders');

const ORDINALS = ['1st', '2nd', '3rd', '4th', '5th', '6th', '7th', '8th', '9th', '10th'];
// The 5th create answers `status` once; the 4 before it and every later one pass.
const FIFTH_CREATE = 4;
const faultOnFifthCreate = (status) => ({ method: 'POST', path: '/avatar/generation', status, after: FIFTH_CREATE, times: 1 });

const photoOf = (workflowId, row) => `https://example.com/${workflowId}/${row}.jpg`;
const rowOfPhoto = (workflowId, url) => {
	const match = new RegExp(`^https://example\\.com/${workflowId}/(\\d+)\\.jpg$`).exec(url);
	assert.ok(match, `${url} is a photo of ${workflowId}`);
	return Number(match[1]);
};

/**
 * What the stand-in saw from now on: the creates POSTed and the tasks made for one workflow's
 * photos, and the stand-in's own counts. Every create in the window must be this workflow's: the
 * fault on "the 5th create" counts every create, and the counts are the whole stand-in's.
 */
function watch(standIn, workflowId) {
	const requestsBefore = standIn.requests.length;
	const tasksBefore = new Set(standIn.tasks.keys());
	const countsBefore = standIn.counts();
	return () => {
		const counts = standIn.counts();
		const requests = standIn.requests.slice(requestsBefore);
		const posts = requests.filter((request) => request.method === 'POST' && request.path === '/avatar/generation');
		for (const post of posts) rowOfPhoto(workflowId, post.body?.avatar_url);
		const tasks = [...standIn.tasks.values()].filter((task) => !tasksBefore.has(task.id));
		for (const task of tasks) rowOfPhoto(workflowId, task.body.avatar_url);
		return {
			requests,
			posts,
			created: counts.created - countsBefore.created,
			duplicateCreates: counts.duplicateCreates - countsBefore.duplicateCreates,
			answered: (status) => (counts.byStatus[status] ?? 0) - (countsBefore.byStatus[status] ?? 0),
		};
	};
}

/**
 * Until no API request came for `quietMs`: another execution still sending (queue mode's
 * scheduled example, published until its case unpublishes it) would share the stand-in's counts.
 */
async function standInQuiet(standIn, quietMs = 5000) {
	const lastAt = () => standIn.requests.at(-1)?.at ?? 0;
	await waitFor(`no request to the stand-in for ${quietMs / 1000} s`, async () => Date.now() - lastAt() >= quietMs, 90_000);
}

/** Runs `run` with the 5th create answered `status` once; the fault is gone afterwards whatever happens. */
async function withFifthCreateFaulted(standIn, status, run) {
	standIn.setFault(faultOnFifthCreate(status));
	try {
		return await run();
	} finally {
		standIn.clearFaults();
	}
}

/** The failed execution `n8n execute --rawOutput` printed (its JSON: from a line "{" to the next line "}"). */
function failedExecutionIn(output) {
	const start = output.indexOf('\n{\n') + 1;
	assert.ok(start > 0, `n8n printed the failed execution:\n${output.slice(-2000)}`);
	return JSON.parse(output.slice(start, output.indexOf('\n}', start) + 2));
}

/** Each output item is its own row's task on the stand-in; returns the items by row. */
function itemsByRow(standIn, workflowId, items) {
	assert.equal(items.length, RETRY_ROWS, 'one item per row');
	assert.equal(new Set(items.map((item) => item.json.taskId)).size, RETRY_ROWS, 'each item has its own task');
	const byRow = [];
	for (const item of items) {
		const row = item.pairedItem?.item;
		assert.equal(typeof row, 'number', `item paired with its row: ${JSON.stringify(item.pairedItem)}`);
		const task = standIn.tasks.get(item.json.taskId);
		assert.ok(task, `task ${item.json.taskId} was created on the stand-in`);
		assert.equal(task.body.avatar_url, photoOf(workflowId, row), `row ${row}'s item is its own row's task`);
		byRow[row] = item;
	}
	assert.equal(byRow.filter(Boolean).length, RETRY_ROWS, 'every row has its item');
	return byRow;
}

/**
 * The first execution, with the 5th create answered 400 once: n8n's retry resumed the 9 tasks of
 * the failed try and sent only the refused row again. `run` executes the workflow and resolves with
 * the GPT.GE node's items. Returns the task IDs, for the next execution to differ from.
 */
async function assertRetryResumes(standIn, workflowId, run) {
	const seen = watch(standIn, workflowId);
	const items = await withFifthCreateFaulted(standIn, 400, run);
	const { posts, created, duplicateCreates, answered } = seen();
	const refused = posts.filter((post) => post.status === 400);
	assert.equal(refused.length, 1, 'one create answered 400');
	// The 5th create to arrive, usually item 4's: the pacer lets them go in item order, but
	// requests a few ms apart need not arrive in it (a queue-mode worker once swapped two).
	const refusedRow = rowOfPhoto(workflowId, refused[0].body.avatar_url);
	assert.equal(created, RETRY_ROWS, 'exactly 10 videos created');
	assert.equal(posts.length, RETRY_ROWS + 1, '11 creates POSTed: 10 in the failed try, the refused row again in the retry');
	assert.deepEqual([answered(400), duplicateCreates], [1, 0]);
	assert.equal(posts.filter((post) => rowOfPhoto(workflowId, post.body.avatar_url) === refusedRow).length, 2, 'the refused row was sent twice');

	const byRow = itemsByRow(standIn, workflowId, items);
	const flags = byRow.map((item) => [item.json.resumed, item.json.resumedAfterRetry]);
	const expected = byRow.map((_, row) => (row === refusedRow ? [false, undefined] : [true, true]));
	assert.deepEqual(flags, expected, `9 rows resumed after the retry, row ${refusedRow} (the refused one) created by it`);
	note(`first execution: ${posts.length} creates POSTed (statuses ${posts.map((post) => post.status).join(' ')}), ${created} created; item ${refusedRow} answered 400 then created by the retry, the other 9 resumed`);
	return byRow.map((item) => item.json.taskId);
}

/** A second execution of the same workflow: 10 new videos, none resumed. */
async function assertNewExecutionCreatesAnew(standIn, workflowId, run, earlierTaskIds) {
	const seen = watch(standIn, workflowId);
	const items = await run();
	const { posts, created } = seen();
	assert.equal(created, RETRY_ROWS, '10 new videos');
	assert.equal(posts.length, RETRY_ROWS);
	const byRow = itemsByRow(standIn, workflowId, items);
	assert.deepEqual(byRow.map((item) => [item.json.resumed, item.json.resumedAfterRetry]), Array(RETRY_ROWS).fill([false, undefined]), 'none resumed');
	assert.deepEqual(byRow.filter((item) => earlierTaskIds.includes(item.json.taskId)), [], 'no task of the first execution');
}

/** Through the CLI (`n8n execute`), on every version. */
async function retryCases(n8n, standIn, check) {
	await check('Retry On Fail (2 tries, no pause) on Generate over 10 rows, the 5th create answered 400 once: the retry resumes the 9 tasks of the failed try and sends only that row again (10 videos, 11 creates POSTed, each item its own task); a second execution creates 10 new ones', async () => {
		const run = async () => outputOf(await execute(n8n, WORKFLOW.retry400), 'GPT.GE');
		const taskIds = await assertRetryResumes(standIn, WORKFLOW.retry400, run);
		await assertNewExecutionCreatesAnew(standIn, WORKFLOW.retry400, run, taskIds);
	});

	await check('Retry On Fail on Generate over 10 rows, the 5th create answered 500 once: the retry refuses that row ("Not sent again: an earlier try may have created this video"), the execution fails listing the 9 tasks it paid for; 10 creates POSTed, 9 videos', async () => {
		const workflowId = WORKFLOW.retry500;
		const seen = watch(standIn, workflowId);
		const output = await withFifthCreateFaulted(standIn, 500, () => executeFailing(n8n, workflowId));
		const { requests, posts, created, answered } = seen();
		const failed = posts.filter((post) => post.status === 500);
		assert.equal(failed.length, 1, 'one create answered 500');
		const failedRow = rowOfPhoto(workflowId, failed[0].body.avatar_url);
		assert.equal(posts.length, RETRY_ROWS, '10 creates POSTed: none sent again');
		assert.equal(created, RETRY_ROWS - 1, '9 videos created');
		assert.equal(answered(500), 1);
		// The execution as n8n stored it: its error is that row's, its description the ledger.
		const { status, data } = failedExecutionIn(output);
		const { error } = data.resultData;
		assert.equal(status, 'error');
		assert.equal(error.message, 'Not sent again: an earlier try may have created this video');
		assert.equal(error.context?.itemIndex, failedRow, `the error is item ${failedRow}'s`);
		assert.match(error.description, /Tasks this run created \(9, already paid for\)/);
		assert.match(output, /Not sent again: an earlier try may have created this video/);
		assert.equal(error.description.includes(`item ${failedRow} (`), false, `item ${failedRow} is not listed as paid for`);
		const paid = posts.filter((post) => post.status === 200);
		assert.equal(paid.length, RETRY_ROWS - 1);
		for (const post of paid) {
			const row = rowOfPhoto(workflowId, post.body.avatar_url);
			// This workflow runs once per version (its own stand-in): one task per photo.
			const task = [...standIn.tasks.values()].find((candidate) => candidate.body.avatar_url === post.body.avatar_url);
			const listed = `item ${row} (${ORDINALS[row]} row) → ${task.id}`;
			assert.ok(error.description.includes(listed), `${listed} is listed:\n${error.description}`);
			// The retry resumed it: read its status instead of creating it again.
			assert.ok(requests.some((request) => request.method === 'GET' && request.path === `/avatar/task/${task.id}`), `the retry read task ${task.id}`);
		}
	});
}

/**
 * Queue mode (2.x): the editor's Execute Workflow, offloaded to a worker (`runManually`); the
 * retry runs in that worker, where the failed try left its memory.
 */
async function retryOnWorkerCase({ n8n, standIn, check, rest, workers }) {
	await check('queue mode, manual executions offloaded: Retry On Fail on Generate over 10 rows on a worker, the 5th create answered 400 once: the retry resumes the 9 tasks and sends only that row again (10 videos, 11 creates POSTed); a second execution creates 10 new ones', async () => {
		const ranOn = [];
		const run = async () => {
			const { executionId, runData } = await runManually(n8n, rest, WORKFLOW.retryQueue);
			ranOn.push(`execution ${executionId}: ${workers.filter((worker) => new RegExp(`Worker started execution ${executionId} `).test(worker.output)).map((worker) => worker.name).join(', ') || 'no worker logged it yet'}`);
			return outputOf(runData, 'GPT.GE');
		};
		await standInQuiet(standIn);
		const taskIds = await assertRetryResumes(standIn, WORKFLOW.retryQueue, run);
		await assertNewExecutionCreatesAnew(standIn, WORKFLOW.retryQueue, run, taskIds);
		note(ranOn.join('; '));
	});
}

module.exports = { retryCases, retryOnWorkerCase };
