// The check's first steps: signing in, finding the GPT.GE node by search from the empty canvas,
// from the top-right "+" and from a trigger's "+" connector, and adding Generate to the workflow.
const { GENERATE_ACTION, NODE_NAME, SEARCH_TERMS, UPLOAD_ACTION } = require('../expected');
const { openNewWorkflow, pasteGenerateNode } = require('../helpers/canvas');
const { clickRow, closeCreator, listed, openCreator, search } = require('../helpers/node-creator');
const { closeNdvIfOpen } = require('../helpers/ndv');
const { dismissPopups, n8nVersion, signIn, sleep, tid } = require('../helpers/page');
const { escapeRegExp, list, slug } = require('../helpers/text');

/** Signs in (or sets up the owner) and opens a new workflow; false when that failed (nothing else can run). */
function signInAndOpenWorkflow({ page, base, owner, summary, shot, stage }) {
	return stage('sign in and open a new workflow', async () => {
		await signIn(page, base, owner, shot);
		summary.n8nVersion = await n8nVersion(page);
		await openNewWorkflow(page, base);
		await shot('empty-canvas');
	});
}

/** Searches from the empty canvas ("Add first step") and checks the node's actions there. */
function searchFromEmptyCanvas(session) {
	const { page, failures, stage } = session;
	return stage('search from the empty canvas ("Add first step")', async () => {
		await openCreator(page, () => page.click(tid('canvas-plus-button')));
		const found = await searchAll(session, 'empty canvas ("Add first step")');
		if (!found) {
			failures.push(`the node's actions: not checked, no search listed "${NODE_NAME}"`);
			return closeCreator(page);
		}
		await search(page, found);
		await checkActions(session, 'empty canvas');
		await closeCreator(page);
	});
}

/** Adds a Manual Trigger, for the searches after a trigger; false when it is not on the canvas. */
function addManualTrigger({ page, shot, stage }) {
	return stage('add a Manual Trigger', async () => {
		await openCreator(page, () => page.click(tid('canvas-plus-button')));
		await search(page, 'manual');
		await clickRow(page, /^(Trigger manually|Manual Trigger)$/);
		await page.waitForSelector(tid('canvas-node'), { visible: true });
		await closeNdvIfOpen(page);
		await closeCreator(page);
		await dismissPopups(page);
		await shot('manual-trigger');
	});
}

/** Searches again from the top-right "+", now that a trigger is on the canvas. */
function searchFromTopRightPlus(session) {
	const { page, stage } = session;
	return stage('search from the top-right "+"', async () => {
		await openCreator(page, () => page.click(tid('node-creator-plus-button')));
		await searchAll(session, 'top-right "+" after a trigger');
		await closeCreator(page);
	});
}

/**
 * Searches from the trigger's "+" connector and adds Generate there, expecting it connected to
 * the trigger; resolves whether Generate was added (its NDV open).
 */
async function addGenerateFromTrigger(session) {
	const { page, summary, expect, stage } = session;
	let generateOpen = false;
	await stage('search from the trigger\'s "+" connector and add Generate there', async () => {
		await openCreator(page, () => page.click(tid('canvas-handle-plus')));
		const found = await searchAll(session, 'trigger\'s "+" connector');
		if (!found) return closeCreator(page);
		await search(page, found);
		await checkActions(session, 'trigger\'s "+" connector');
		await clickRow(page, new RegExp(`^${escapeRegExp(GENERATE_ACTION)}$`));
		await page.waitForSelector(tid('ndv'), { visible: true });
		generateOpen = true;
		summary.generateAddedBy = 'the trigger\'s "+" connector';
		// Added from the connector, so it hangs on the trigger.
		const edges = await page.$$eval(tid('edge'), (found) => found.length);
		expect(edges >= 1, 'Generate added from the trigger\'s "+" connector is not connected to the trigger');
	});
	return generateOpen;
}

/** Search could not add Generate: pastes the node, so its fields are still checked. */
function addGenerateByPasting({ page, summary, stage }) {
	return stage('add Generate by pasting it (search did not add it)', async () => {
		await pasteGenerateNode(page);
		summary.generateAddedBy = 'pasting the node (search did not list it)';
	});
}

/** Searches each term, expecting the row `name` (default: the node); returns a term that listed it. */
async function searchAll({ page, summary, expect, shot }, from, name = NODE_NAME, terms = SEARCH_TERMS) {
	let foundBy;
	for (const term of terms) {
		const rows = await search(page, term);
		const noResults = await page.$eval(tid('node-creator'), (element) => /No results for/i.test(element.innerText));
		const file = await shot(`search-${slug(from)}-${slug(term)}`);
		const found = rows.some((row) => row.name === name);
		if (found) foundBy ??= term;
		summary.searches.push({ from, term, found, noResults, rows, screenshot: file });
		expect(
			found,
			`search "${term}" from the ${from} does not list "${name}" (${noResults ? 'no results' : `listed: ${list(rows.map((row) => row.name))}`}) — see ${file}`,
		);
	}
	return foundBy;
}

/** Clicks the GPT.GE row of the current search and expects its actions in the view that opens. */
async function checkActions({ page, actions, summary, expect, shot }, from) {
	await clickRow(page, new RegExp(`^${escapeRegExp(NODE_NAME)}$`));
	await sleep(800);
	const rows = await listed(page);
	const file = await shot(`node-actions-${slug(from)}`);
	summary.actions.push({ from, rows, screenshot: file });
	const names = rows.map((row) => row.name);
	for (const action of actions) {
		expect(names.includes(action), `the node's actions (opened from the ${from}) lack "${action}" (listed: ${list(names)}) — see ${file}`);
	}
	// File → Upload under its resource's header ("FILE ACTIONS"): the header row above it.
	const upload = names.indexOf(UPLOAD_ACTION.name);
	if (actions.includes(UPLOAD_ACTION.name) && upload >= 0) {
		const header = rows.slice(0, upload).reverse().find((row) => row.kind === 'label' || row.kind === 'category');
		expect(
			header && UPLOAD_ACTION.group.test(header.name),
			`the node's actions (opened from the ${from}) list "${UPLOAD_ACTION.name}" under ${header ? `"${header.name}"` : 'no header'}, expected ${UPLOAD_ACTION.group} — see ${file}`,
		);
	}
}

module.exports = { signInAndOpenWorkflow, searchFromEmptyCanvas, addManualTrigger, searchFromTopRightPlus, addGenerateFromTrigger, addGenerateByPasting, searchAll };
