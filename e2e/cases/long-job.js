// The long-job example surviving an interruption while n8n has it stored as waiting: shared by
// the restart case (n8n stopped and started) and queue mode (its worker killed).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const flatted = require('flatted');
const { waitFor } = require('../n8n');
const { note } = require('../harness/cases');
const { LATER_WAIT_SECONDS, STORED_WAIT_SECONDS, WORKFLOW } = require('../workflows/builders');

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

module.exports = { longJobSurvives };
