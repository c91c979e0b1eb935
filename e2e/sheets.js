// Spreadsheet production in the real n8n: the sheet examples (a CSV file by hand, an XLSX file on
// a schedule with the quota checked first, a Data Table), run as a user runs them, and the sheet
// they write back read row by row. Used by run.js.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const XLSX = require('@e965/xlsx');
const { ROOT, trackCommand, waitFor } = require('./n8n');
const { outputOf, runManually } = require('./n8n-under-test');

const SHEETS = path.join(ROOT, 'examples/sheets');
const COLUMNS = ['row', 'name', 'photo', 'language', 'voice', 'text', 'status', 'videoUrl', 'error', 'taskId'];
const TABLE_NAME = 'GPT.GE avatar sheet';

const WORKFLOW = {
	sheetFile: 'gptgeExampleSheetFile',
	// The scheduled example with its Schedule Trigger swapped for a Manual Trigger: `n8n execute` cannot fire a schedule.
	scheduleByHand: 'gptgeE2eScheduleByHand',
	dataTable: 'gptgeExampleDataTable',
};

/** A sheet file's cells as written: the header's names, then each row's cells (an empty cell is absent or ''). */
function sheetCells(file) {
	const book = XLSX.read(fs.readFileSync(file), { raw: true, codepage: 65001 });
	const sheet = book.Sheets[book.SheetNames[0]];
	const [header, ...rows] = XLSX.utils.sheet_to_json(sheet, { header: 1, raw: false });
	return { header: header.map((name) => String(name).replace(/^\uFEFF/, '')), rows };
}

/** A sheet file's rows as objects (every cell a string, empty cells ''), header order checked. */
function readSheet(file) {
	const { header, rows } = sheetCells(file);
	return { header, rows: rows.map((cells) => Object.fromEntries(header.map((name, index) => [name, String(cells[index] ?? '')]))) };
}

/**
 * The written file cell by cell, as a spreadsheet app shows it: no cell reads "undefined", "null"
 * or "[object Object]" (what a missing value turns into when written as text), and a row that
 * succeeded has an empty error cell.
 */
function assertCleanCells(file) {
	const { header, rows } = sheetCells(file);
	const column = (name) => header.indexOf(name);
	const stray = rows.flatMap((cells, row) => header.filter((_, index) => /^(undefined|null|NaN|\[object Object\])$/.test(String(cells[index] ?? ''))).map((name) => `row ${row + 1} ${name}: ${cells[column(name)]}`));
	assert.deepEqual(stray, [], `${path.basename(file)}: no cell holds a missing value's text`);
	const succeeded = rows.filter((cells) => cells[column('status')] === 'succeeded');
	assert.ok(succeeded.length > 0, `${path.basename(file)} has succeeded rows`);
	for (const cells of succeeded) assert.ok([undefined, ''].includes(cells[column('error')]), `row ${cells[column('row')]}: error cell ${JSON.stringify(cells[column('error')])}`);
}

/** The shipped sheet (CSV), as the rows every example starts from. */
const shippedRows = () => readSheet(path.join(SHEETS, 'avatar-sheet.csv')).rows;

/** Points an example's "Sheet file" node at `file` (what a user edits after importing it). */
function withSheetFile(workflow, file) {
	const setNode = workflow.nodes.find((node) => node.name === 'Sheet file');
	setNode.parameters.assignments.assignments[0].value = file;
	return workflow;
}

/** The sheet workflows one version imports through the CLI; `folder` is where their files live. */
function sheetWorkflows(example, folder) {
	const byHand = withSheetFile(example('schedule-one-video-per-row.json'), path.join(folder, 'avatar-sheet.xlsx'));
	byHand.id = WORKFLOW.scheduleByHand;
	byHand.name += ' (e2e: started by hand)';
	const trigger = byHand.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
	Object.assign(trigger, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	return [withSheetFile(example('sheet-file-one-video-per-row.json'), path.join(folder, 'avatar-sheet.csv')), byHand];
}

/**
 * What every example writes back, row by row: the good rows succeeded with their task (created
 * on the stand-in) and video; the row with a bad link failed before anything was sent, saying
 * why; the row without a face failed with GPT.GE's reason. The other columns are the sheet's own.
 */
function assertResultRows(rows, standIn) {
	const shipped = shippedRows();
	assert.deepEqual(rows.map((row) => row.row), shipped.map((row) => row.row), 'every row, in the sheet\'s order');
	for (const [index, row] of rows.entries()) {
		const sheetRow = shipped[index];
		for (const column of ['name', 'photo', 'language', 'voice', 'text']) assert.equal(row[column], sheetRow[column], `row ${row.row} ${column}`);
		if (row.row === '6') {
			assert.deepEqual([row.taskId, row.status, row.videoUrl], ['', 'failed', ''], 'the bad row has no task');
			assert.match(row.error, /^Invalid Avatar URL \[item 5 \(6th row\)\]: "photos\/fay\.jpg" is not an http\(s\) URL\..*Nothing was sent to GPT\.GE\.$/);
			continue;
		}
		assert.ok(standIn.tasks.has(row.taskId), `row ${row.row}: task ${row.taskId} exists on the stand-in`);
		if (row.row === '8') {
			assert.deepEqual([row.status, row.videoUrl, row.error], ['failed', '', 'No face detected in the avatar image']);
			continue;
		}
		assert.deepEqual([row.status, row.error], ['succeeded', ''], `row ${row.row}`);
		assert.equal(row.videoUrl, `${standIn.cdnUrl}/videos/${row.taskId}-wm.mp4`, `row ${row.row}: the watermarked video`);
	}
}

/** Creates made for this sheet's photos (the stand-in keeps every task it was asked for). */
const sheetCreates = (standIn) => [...standIn.tasks.values()].filter((task) => task.body.avatar_url.startsWith('https://example.com/people/')).length;

/** When a node ran in an execution: [start, end] in epoch ms. */
function ranAt(runData, node) {
	const [run] = runData[node];
	return [run.startTime, run.startTime + run.executionTime];
}

/** The CLI cases of the sheet-file examples (both versions). */
async function sheetFileCases({ n8n, standIn, check, note, execute, executeFailing, folder, engine }) {
	const csv = path.join(folder, 'avatar-sheet.csv');
	const xlsx = path.join(folder, 'avatar-sheet.xlsx');

	if (n8n.install.key === '2.x') {
		await check('the shipped sheet: XLSX and CSV hold the same 10 rows (photo, language, voice, text; one bad link, one photo without a face)', () => {
			const fromCsv = readSheet(path.join(SHEETS, 'avatar-sheet.csv'));
			const fromXlsx = readSheet(path.join(SHEETS, 'avatar-sheet.xlsx'));
			assert.deepEqual(fromCsv.header, COLUMNS);
			assert.deepEqual(fromXlsx, fromCsv);
			assert.equal(fromCsv.rows.length, 10);
		});
	}

	await check(`example "sheet file (CSV)": Read → Extract From File → Generate → task IDs written → Wait → results written back, row by row${engine.N8N_EXPRESSION_ENGINE ? " (expression engine 'legacy')" : ''}`, async () => {
		fs.copyFileSync(path.join(SHEETS, 'avatar-sheet.csv'), csv);
		const createsBefore = sheetCreates(standIn);
		const runData = await execute(n8n, WORKFLOW.sheetFile, engine);
		assert.equal(sheetCreates(standIn) - createsBefore, 9, 'one create per good row (9 of 10)');
		const written = readSheet(csv);
		assert.deepEqual(written.header, COLUMNS);
		assertResultRows(written.rows, standIn);
		assertCleanCells(csv);
		// The task IDs were on disk before the first status check.
		const [, savedAt] = ranAt(runData, 'Save task IDs');
		const [waitFrom] = ranAt(runData, 'Wait for videos');
		assert.ok(savedAt <= waitFrom, `task IDs saved (${savedAt}) before the wait began (${waitFrom})`);
		assert.deepEqual(outputOf(runData, 'Start videos').map((item) => item.pairedItem), Array.from({ length: 10 }, (_, item) => ({ item })));
		note(`written back: ${written.rows.map((row) => `${row.row} ${row.status}`).join(', ')}`);
	});

	await check('the same sheet again: every row that has a task ID resumes it, nothing is created, the sheet reads the same', async () => {
		const before = readSheet(csv).rows;
		const createsBefore = sheetCreates(standIn);
		const runData = await execute(n8n, WORKFLOW.sheetFile, engine);
		assert.equal(sheetCreates(standIn), createsBefore, 'no create');
		assert.deepEqual(outputOf(runData, 'Start videos').map((item) => item.json.resumed ?? 'error'), before.map((row) => (row.taskId ? true : 'error')));
		assert.deepEqual(readSheet(csv).rows, before);
	});

	await check(`example "sheet file (CSV)" with GPT.GE answering in its schema's forms (the stand-in's 'schema' dialect): every row written back as with the examples' forms, each good row's videoUrl the exact watermarked video (…-wm.mp4)${engine.N8N_EXPRESSION_ENGINE ? " (expression engine 'legacy')" : ''}`, async () => {
		fs.copyFileSync(path.join(SHEETS, 'avatar-sheet.csv'), csv);
		const createsBefore = sheetCreates(standIn);
		standIn.configure({ dialect: 'schema' });
		try {
			await execute(n8n, WORKFLOW.sheetFile, engine);
		} finally {
			standIn.configure({ dialect: 'examples' });
		}
		assert.equal(sheetCreates(standIn) - createsBefore, 9, 'one create per good row (9 of 10)');
		const written = readSheet(csv);
		assert.deepEqual(written.header, COLUMNS);
		// The good rows' videoUrl is `${cdnUrl}/videos/${taskId}-wm.mp4`, exactly.
		assertResultRows(written.rows, standIn);
		assertCleanCells(csv);
		note(`written back: ${written.rows.map((row) => `${row.row} ${row.status}${row.videoUrl ? ` ${row.videoUrl.slice(row.videoUrl.lastIndexOf('/') + 1)}` : ''}`).join(', ')}`);
	});

	await check('n8n killed (SIGKILL) while the sheet example waits: every created task\'s ID is already in the file; the next run resumes them all and pays nothing more', async () => {
		fs.copyFileSync(path.join(SHEETS, 'avatar-sheet.csv'), csv);
		const createsBefore = sheetCreates(standIn);
		const created = () => [...standIn.tasks.values()].filter((task) => task.body.avatar_url.startsWith('https://example.com/people/')).slice(createsBefore);
		standIn.configure({ taskDurationMs: 3_600_000 });
		// Its own process group, so the kill takes n8n's task runner with it, as a crash would.
		// Tracked, so a suite stopped meanwhile stops it too.
		const child = trackCommand(spawn(n8n.install.node, [n8n.install.bin, 'execute', `--id=${WORKFLOW.sheetFile}`], { env: n8n.env(engine), detached: true, stdio: 'ignore' }), { group: true });
		try {
			// Waiting: a status check seen for each of the 9 tasks.
			await waitFor('the example to wait for its 9 tasks', async () => {
				const ids = created().map((task) => task.id);
				return ids.length === 9 && ids.every((id) => standIn.requests.some((request) => request.method === 'GET' && request.path === `/avatar/task/${id}`));
			}, 60_000);
		} finally {
			process.kill(-child.pid, 'SIGKILL');
			standIn.configure({ taskDurationMs: 3000 });
		}
		await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)));
		const afterCrash = readSheet(csv).rows;
		assert.deepEqual(
			afterCrash.filter((row) => row.taskId).map((row) => row.taskId).sort(),
			created().map((task) => task.id).sort(),
			'every created task is in the file',
		);
		assert.deepEqual(afterCrash.map((row) => row.status), afterCrash.map((row) => (row.row === '6' ? 'failed' : 'queued')));

		await execute(n8n, WORKFLOW.sheetFile, engine);
		assert.equal(sheetCreates(standIn) - createsBefore, 9, 'the run after the crash created nothing');
		const written = readSheet(csv).rows;
		assertResultRows(written, standIn);
		assert.deepEqual(written.map((row) => row.taskId), afterCrash.map((row) => row.taskId));
		note(`killed while ${created().length} tasks were being waited for; all ${afterCrash.filter((row) => row.taskId).length} task IDs were in the file`);
	});

	await check('example "every morning" (XLSX, started by hand): quota checked, the XLSX written back row by row; run twice, each row paid once', async () => {
		fs.copyFileSync(path.join(SHEETS, 'avatar-sheet.xlsx'), xlsx);
		const createsBefore = sheetCreates(standIn);
		const runData = await execute(n8n, WORKFLOW.scheduleByHand, engine);
		const [quota] = outputOf(runData, 'Check quota');
		assert.equal(quota.json.unlimited, false);
		assert.ok(quota.json.leftUsd >= 1, JSON.stringify(quota.json));
		assert.equal(sheetCreates(standIn) - createsBefore, 9);
		const written = readSheet(xlsx);
		assert.deepEqual(written.header, COLUMNS);
		assertResultRows(written.rows, standIn);
		assertCleanCells(xlsx);
		await execute(n8n, WORKFLOW.scheduleByHand, engine);
		assert.equal(sheetCreates(standIn) - createsBefore, 9, 'the second run created nothing');
		assert.deepEqual(readSheet(xlsx).rows, written.rows);
		note(`quota ${quota.json.quotaUsd} USD, used ${quota.json.usedUsd}, left ${quota.json.leftUsd}`);
	});

	await check('example "every morning" with less than 1 USD left: the run stops with "Skipped this run…", no video started, the sheet untouched', async () => {
		fs.copyFileSync(path.join(SHEETS, 'avatar-sheet.xlsx'), xlsx);
		const { quotaUsd } = standIn.settings();
		const createsBefore = sheetCreates(standIn);
		// What is left: 0.5 USD.
		const usedUsd = (standIn.settings().usedCents + standIn.tasks.size * standIn.settings().videoCostCents) / 100;
		standIn.configure({ quotaUsd: usedUsd + 0.5 });
		try {
			const output = await executeFailing(n8n, WORKFLOW.scheduleByHand);
			assert.match(output, /Skipped this run: the GPT\.GE token has 0\.5 USD left of [\d.]+ USD, below the 1 USD this workflow asks for\./);
		} finally {
			standIn.configure({ quotaUsd });
		}
		assert.equal(sheetCreates(standIn), createsBefore);
		assert.deepEqual(fs.readFileSync(xlsx), fs.readFileSync(path.join(SHEETS, 'avatar-sheet.xlsx')));
	});
}


/**
 * The Data Table example in the running `n8n start` (the Data Table node needs n8n's server:
 * `n8n execute` does not load its module): the table made and filled over the REST API as a user
 * does in the editor, the example saved and run as the editor does, the rows read back.
 */
async function dataTableCase({ n8n, standIn, check, note, rest, example }) {
	await check('example "Data Table": rows read, each updated in place with task ID (before the wait), status, video URL or the reason; run twice, each row paid once', async () => {
		const project = await rest.request('GET', '/projects/personal');
		const columns = COLUMNS.map((name) => ({ name, type: name === 'row' ? 'number' : 'string' }));
		const table = await rest.request('POST', `/projects/${project.id}/data-tables`, { name: TABLE_NAME, columns });
		const tableRoute = `/projects/${project.id}/data-tables/${table.id}`;
		await rest.request('POST', `${tableRoute}/insert`, { data: shippedRows().map((row) => ({ ...row, row: Number(row.row) })), returnType: 'count' });

		const workflow = example('data-table-one-video-per-row.json');
		if (n8n.install.key === '1.x') {
			// n8n 1.x finds a table by ID only: the table as a user picks it from the list.
			for (const node of workflow.nodes) if (node.type === 'n8n-nodes-base.dataTable') node.parameters.dataTableId = { __rl: true, mode: 'list', value: table.id, cachedResultName: TABLE_NAME };
		}
		const saved = await rest.request('POST', '/workflows', { ...workflow, id: undefined, projectId: project.id });

		const runOnce = async () => (await runManually(n8n, rest, saved.id)).runData;
		const rowsOfTable = async () => (await rest.request('GET', `${tableRoute}/rows?take=100&skip=0`)).data.sort((a, b) => a.row - b.row);

		const createsBefore = sheetCreates(standIn);
		const runData = await runOnce();
		assert.equal(sheetCreates(standIn) - createsBefore, 9);
		const [, savedAt] = ranAt(runData, 'Save task ID');
		const [waitFrom] = ranAt(runData, 'Wait for videos');
		assert.ok(savedAt <= waitFrom, 'task IDs saved before the wait');
		const rows = await rowsOfTable();
		assertResultRows(rows.map((row) => Object.fromEntries(COLUMNS.map((column) => [column, String(row[column] ?? '')]))), standIn);
		assert.deepEqual(rows.map((row) => row.id).sort((a, b) => a - b), Array.from({ length: 10 }, (_, index) => index + 1), 'the same 10 rows, updated in place');

		await runOnce();
		assert.equal(sheetCreates(standIn) - createsBefore, 9, 'the second run created nothing');
		assert.deepEqual((await rowsOfTable()).map(({ updatedAt: _updatedAt, ...row }) => row), rows.map(({ updatedAt: _updatedAt, ...row }) => row));
		note(`table "${TABLE_NAME}" (${table.id}): ${rows.map((row) => `${row.row} ${row.status}`).join(', ')}`);
	});
}

module.exports = { readSheet, sheetWorkflows, sheetFileCases, dataTableCase, assertResultRows, assertCleanCells, sheetCreates, withSheetFile };
