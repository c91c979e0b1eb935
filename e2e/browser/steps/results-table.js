// The results table as a user sees it (issue 29, point 3): a copy of "one video per spreadsheet
// row" run with n8n's "Execute workflow" button (its GPT.GE credential is the stand-in's), then
// "Results table" opened: its output panel must show the Table view, with the row's own columns
// first (left to right as RESULTS_TABLE lists them), one row per spreadsheet row, each video done.
const { RESULTS_TABLE } = require('../examples-expected');
const { closeNdvIfOpen } = require('../helpers/ndv');
const { sleep, tid } = require('../helpers/page');
const { createCopy } = require('../helpers/rest');
const { list, same } = require('../helpers/text');
const { openWorkflow } = require('./examples');

const RUN_TIMEOUT_MS = 120_000;

/**
 * Waits until the canvas node `node` shows n8n's success mark (the run reached it); throws on an
 * error notification or after RUN_TIMEOUT_MS, with what the editor showed.
 */
async function waitForRun(page, node) {
	const startedAt = Date.now();
	for (;;) {
		const state = await page.evaluate((node) => {
			const done = document.querySelector(`[data-test-id="canvas-node"][data-node-name="${node}"] [data-test-id="canvas-node-status-success"]`);
			const notices = [...document.querySelectorAll('.el-notification')].filter((element) => element.offsetParent !== null).map((element) => element.innerText.trim().replace(/\s+/g, ' '));
			return { done: Boolean(done), notices };
		}, node);
		if (state.done) return;
		const problem = state.notices.find((text) => /problem|error|failed/i.test(text));
		if (problem) throw new Error(`the run stopped with "${problem}"`);
		if (Date.now() - startedAt > RUN_TIMEOUT_MS) throw new Error(`"${node}" shows no success ${RUN_TIMEOUT_MS / 1000} s after "Execute workflow" (notifications: ${list(state.notices)})`);
		await sleep(500);
	}
}

/**
 * The open NDV's output panel as shown: its display modes ({ value (from n8n's
 * radio-button-<value> tag), label, selected }) and its table ({ headers, rows: [[cell text]] },
 * null when no table is shown). 2.41 marks the selected mode with aria-checked / data-state on
 * the radio; 1.123 with aria-checked on the radio's label (the tag is on the div inside).
 */
function readOutputPanel(page) {
	return page.evaluate(() => {
		const panel = [...document.querySelectorAll('[data-test-id="output-panel"]')].find((element) => element.offsetParent !== null);
		if (!panel) return null;
		const text = (element) => element.innerText.trim().replace(/\s+/g, ' ');
		const modes = [...panel.querySelectorAll('[data-test-id="ndv-run-data-display-mode"] [role="radio"]')]
			.filter((radio) => radio.offsetParent !== null)
			.map((radio) => {
				const tagged = radio.matches('[data-test-id^="radio-button-"]') ? radio : radio.querySelector('[data-test-id^="radio-button-"]');
				return {
					value: tagged?.getAttribute('data-test-id').slice('radio-button-'.length) ?? null,
					label: text(radio),
					selected: radio.getAttribute('aria-checked') === 'true' || radio.getAttribute('data-state') === 'checked',
				};
			});
		const table = [...panel.querySelectorAll('table')].find((element) => element.offsetParent !== null);
		if (!table) return { modes, table: null };
		// n8n ends every row with an empty filler column (no header text, empty cells): not a column of the data.
		const headers = [...table.querySelectorAll('thead th')].map(text);
		const columns = headers.map((header, index) => index).filter((index) => headers[index] !== '');
		const rows = [...table.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].map(text));
		return { modes, table: { headers: columns.map((index) => headers[index]), rows: rows.map((cells) => columns.map((index) => cells[index])) } };
	});
}

/** `examples`: [{ file, workflow }]; records summary.resultsTable. */
async function resultsTable(session, examples) {
	const { page, base, summary, expect, stage, shot } = session;
	const example = examples.find((found) => found.file === RESULTS_TABLE.file);
	if (!example) return;
	const record = { file: RESULTS_TABLE.file, node: RESULTS_TABLE.node };
	summary.resultsTable = record;
	const startedAt = Date.now();
	await stage(`${RESULTS_TABLE.file}: after "Execute workflow", "${RESULTS_TABLE.node}" shows the Table view with ${list(RESULTS_TABLE.columns)} left to right`, async () => {
		record.copyId = await createCopy(page, example.workflow, { name: `${example.workflow.name} (examples check copy)` });
		await openWorkflow(page, base, record.copyId);
		const runStartedAt = Date.now();
		await page.click(tid('execute-workflow-button'));
		await waitForRun(page, RESULTS_TABLE.node);
		record.runSeconds = Math.round((Date.now() - runStartedAt) / 100) / 10;
		record.ranScreenshot = await shot('results-table-ran');
		await page.click(`${tid('canvas-node')}[data-node-name="${RESULTS_TABLE.node}"]`, { count: 2 });
		await page.waitForSelector(`${tid('output-panel')} ${tid('ndv-run-data-display-mode')}`, { visible: true });
		await sleep(800);
		const shown = await readOutputPanel(page);
		record.screenshot = await shot('results-table-output');
		record.modes = shown?.modes ?? [];
		record.view = record.modes.filter((mode) => mode.selected).map((mode) => mode.value);
		record.headers = shown?.table?.headers ?? null;
		record.rows = shown?.table?.rows ?? null;
		const where = `${RESULTS_TABLE.file} "${RESULTS_TABLE.node}"'s output`;
		const see = ` — see ${record.screenshot}`;
		expect(
			same(record.view, [RESULTS_TABLE.view]),
			`${where}: the view shown is ${list(record.view)} (of ${list(record.modes.map((mode) => mode.value))}), expected "${RESULTS_TABLE.view}"${see}`,
		);
		if (!expect(record.headers !== null, `${where}: no table shown${see}`)) return;
		expect(same(record.headers, RESULTS_TABLE.columns), `${where}: the columns read ${list(record.headers)}, expected ${list(RESULTS_TABLE.columns)} left to right${see}`);
		const column = (name) => record.rows.map((row) => row[record.headers.indexOf(name)]);
		expect(same(column('name'), RESULTS_TABLE.names), `${where}: the names read ${list(column('name'))}, expected ${list(RESULTS_TABLE.names)}${see}`);
		expect(
			column('status').every((status) => status === RESULTS_TABLE.status) && record.rows.length === RESULTS_TABLE.names.length,
			`${where}: the statuses read ${list(column('status'))}, expected "${RESULTS_TABLE.status}" in each of ${RESULTS_TABLE.names.length} rows${see}`,
		);
		expect(
			column('videoUrl').every((url) => RESULTS_TABLE.videoUrl.test(url ?? '')),
			`${where}: the video URLs read ${list(column('videoUrl'))}, expected each to match ${RESULTS_TABLE.videoUrl}${see}`,
		);
		await closeNdvIfOpen(page);
	});
	record.seconds = Math.round((Date.now() - startedAt) / 100) / 10;
}

module.exports = { resultsTable };
