// n8n 2.x through its CLI: many rows behind a rate limit, and the task list of a failed run.
const assert = require('node:assert/strict');
const { note } = require('../harness/cases');
const { execute, executeFailing, outputOf } = require('../n8n-under-test');
const { WORKFLOW } = require('../workflows/builders');

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
			// n8n's item index, then the row a person counts (written out, not computed).
			const listed = `item ${row} (${['1st', '2nd', '3rd', '4th', '5th', '6th', '7th', '8th'][row]} row) → ${task.id}`;
			assert.ok(output.includes(listed), `${listed} is listed`);
		}
	});
}

module.exports = { bulkCases };
