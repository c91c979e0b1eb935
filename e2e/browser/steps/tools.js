// The check's steps on GPT.GE as a tool: in a new workflow per parent (AI Agent, MCP Server
// Trigger), the parent's tool connector "+" must offer "GPT.GE Tool" by search; picked, its panel
// opens on Avatar → Generate with Tool Wait (and without Wait for Completion, Download Video,
// Simplify) and "Let the model define this parameter" beside Avatar URL, which,
// clicked, makes the field "Defined automatically by the model" and saves the $fromAI form; the
// tool hangs on the parent's connector; switched to Get Task, it shows its own Tool Wait (0).
const { GENERATE_ACTION, GET_TASK_TOOL, HIDDEN_AS_TOOL, MODEL_DEFINED, TOOL_ONLY, TOOL_DEFAULTS, TOOL_NODE_TYPE, TOOL_PARENTS, TOOL_ROW, TOOL_SEARCH_TERMS } = require('../expected');
const { canvasEdges, openNewWorkflow, saveAndReadWorkflow } = require('../helpers/canvas');
const { letModelDefine, modelDefinableParameters, ndvParameters, closeNdvIfOpen, openNodeNdv, readField, selectOption } = require('../helpers/ndv');
const { clickRow, closeCreator, listed, openCreator, search } = require('../helpers/node-creator');
const { clickUntil, dismissPopups, sleep, tid } = require('../helpers/page');
const { escapeRegExp, list, slug } = require('../helpers/text');
const { searchAll } = require('./workflow');

const connectorOf = (parent) => `${parent.name}'s "${parent.connector}" connector`;

/** For each parent in TOOL_PARENTS: GPT.GE under its tool connector, its panel, the model-defined field. */
async function toolConnectors(session) {
	session.summary.tools = {};
	for (const parent of TOOL_PARENTS) await toolUnder(session, parent);
}

/**
 * One parent: a new workflow with it, then GPT.GE from its tool connector. Summary (under
 * summary.tools[parent.name]): connector (the label under the handle), actions (when n8n lists
 * them before adding the tool; 2.41 adds it at once), toolName, resource / operation (as
 * displayed), parameters (shown, in order), toolOnly (Tool Wait as read), modelDefinable (the parameters with the button),
 * modelDefined ({ tooltip, field }), edges, saved (the tool's parameters as saved), getTask
 * ({ parameters, toolOnly } once switched to Get Task), screenshots.
 */
async function toolUnder(session, parent) {
	const { page, base, summary, expect, shot, stage } = session;
	const seen = (summary.tools[parent.name] = { screenshots: {} });
	const from = connectorOf(parent);
	await stage(`"${TOOL_ROW}" under the ${from}: its panel, "${MODEL_DEFINED.label}" defined by the model`, async () => {
		await openNewWorkflow(page, base);
		await openCreator(page, () => clickUntil(page, tid('canvas-plus-button'), `${tid('node-creator')} ${tid('node-creator-search-bar')}`));
		await search(page, parent.search);
		await clickRow(page, parent.row);
		await page.waitForSelector(`${tid('canvas-node')}[data-node-type="${parent.type}"]`, { visible: true });
		await sleep(500);
		await closeNdvIfOpen(page);
		await closeCreator(page);
		await dismissPopups(page);

		const handle = `${tid('canvas-node-input-handle')}[data-connection-type="ai_tool"][data-node-name="${parent.name}"]`;
		seen.connector = await page.$eval(handle, (element) => element.innerText.trim()).catch(() => null);
		seen.screenshots.parent = await shot(`tool-${slug(parent.name)}-on-canvas`);
		if (seen.connector === null) throw new Error(`the ${parent.name} on the canvas has no tool connector — see ${seen.screenshots.parent}`);
		expect(seen.connector === parent.connector, `the ${parent.name}'s tool connector is labelled "${seen.connector}", expected "${parent.connector}" — see ${seen.screenshots.parent}`);

		await openCreator(page, () => page.click(`${handle} ${tid('canvas-handle-plus')}`));
		const found = await searchAll(session, from, TOOL_ROW, TOOL_SEARCH_TERMS);
		if (!found) return closeCreator(page);
		await search(page, found);
		await clickRow(page, new RegExp(`^${escapeRegExp(TOOL_ROW)}$`));
		// 2.41 adds the tool at once, on its default action; should n8n list the actions first, pick Generate.
		const added = await page.waitForSelector(tid('ndv'), { visible: true, timeout: 5_000 }).then(
			() => true,
			() => false,
		);
		if (!added) {
			seen.actions = await listed(page);
			seen.screenshots.actions = await shot(`tool-${slug(parent.name)}-actions`);
			await clickRow(page, new RegExp(`^${escapeRegExp(GENERATE_ACTION)}`));
			await page.waitForSelector(tid('ndv'), { visible: true });
		}
		await sleep(800);
		await checkPanel(session, seen, parent);
		await checkConnectedAndSaved(session, seen, parent);
		await checkGetTaskTool(session, seen, parent);
	});
}

/** The tool's panel: its default action, the model-defined button on Avatar URL, and what clicking it does. */
async function checkPanel({ page, expect, shot }, seen, parent) {
	const where = `"${TOOL_ROW}" added from the ${connectorOf(parent)}`;
	seen.toolName = await page.$eval(`${tid('canvas-node')}[data-node-type="${TOOL_NODE_TYPE}"]`, (node) => node.getAttribute('data-node-name')).catch(() => null);
	seen.resource = (await readField(page, 'resource')).value;
	seen.operation = (await readField(page, 'operation')).value;
	seen.parameters = (await ndvParameters(page)).parameters;
	seen.modelDefinable = await modelDefinableParameters(page);
	await page.mouse.move(5, 890); // no hover styles in the screenshot
	await sleep(300);
	const panel = (seen.screenshots.panel = await shot(`tool-${slug(parent.name)}-panel`));
	expect(seen.toolName !== null, `${where}: no ${TOOL_NODE_TYPE} node on the canvas — see ${panel}`);
	for (const [parameter, shows] of Object.entries(TOOL_DEFAULTS)) {
		expect(seen[parameter] === shows, `${where}: its panel's ${parameter} shows "${seen[parameter]}", expected "${shows}" — see ${panel}`);
	}
	await checkToolOnlyFields({ page, expect, shot }, seen, parent, where);
	if (!expect(seen.modelDefinable.includes(MODEL_DEFINED.parameter), `${where}: "${MODEL_DEFINED.label}" has no "Let the model define this parameter" button (fields with it: ${list(seen.modelDefinable)}) — see ${panel}`)) return;

	seen.modelDefined = await letModelDefine(page, MODEL_DEFINED.parameter);
	await page.mouse.move(5, 890);
	await sleep(300);
	const defined = (seen.screenshots.modelDefined = await shot(`tool-${slug(parent.name)}-avatar-url-by-the-model`));
	expect(MODEL_DEFINED.tooltip.test(seen.modelDefined.tooltip), `${where}: the button beside "${MODEL_DEFINED.label}" shows the tooltip "${seen.modelDefined.tooltip}", expected ${MODEL_DEFINED.tooltip} — see ${panel}`);
	expect(MODEL_DEFINED.shows.test(seen.modelDefined.field), `${where}: "${MODEL_DEFINED.label}" shows "${seen.modelDefined.field}" once the model defines it, expected ${MODEL_DEFINED.shows} — see ${defined}`);
}

/**
 * Tool mode's fields (`expected`, default Generate's): Tool Wait shown with its default; Wait for
 * Completion, Download Video and Simplify not. Records them under seen.toolOnly (or `into`).
 */
async function checkToolOnlyFields({ page, expect, shot }, seen, parent, where, { expected = TOOL_ONLY, into = seen, name = 'tool-wait' } = {}) {
	into.toolOnly = {};
	for (const field of Object.keys(expected)) into.toolOnly[field] = await readField(page, field);
	const [first] = Object.keys(expected);
	await page.$eval(`${tid('ndv')} ${tid(`parameter-input-${first}`)}`, (element) => element.scrollIntoView({ block: 'center' })).catch(() => {});
	await page.mouse.move(5, 890);
	await sleep(300);
	const file = (seen.screenshots[name] = await shot(`tool-${slug(parent.name)}-${name}`));
	for (const [parameter, { label, shows }] of Object.entries(expected)) {
		const field = into.toolOnly[parameter];
		if (!expect(field.shown, `${where}: no "${label}" (${parameter}) in its panel (shown: ${list(into.parameters)}) — see ${file}`)) continue;
		expect(field.label === label, `${where}: ${parameter} is labelled "${field.label}", expected "${label}" — see ${file}`);
		expect(field.value === shows, `${where}: "${label}" shows "${field.value}", expected "${shows}" — see ${file}`);
	}
	const hidden = HIDDEN_AS_TOOL.filter((parameter) => into.parameters.includes(parameter));
	expect(!hidden.length, `${where}: its panel shows ${list(hidden)}, which a tool must not show — see ${file}`);
	// Back to the top, where Avatar URL is.
	await page.$eval(`${tid('ndv')} ${tid('parameter-input-resource')}`, (element) => element.scrollIntoView({ block: 'start' })).catch(() => {});
	await sleep(300);
}

/** The panel closed: the tool hangs on the parent's connector; saved, its Avatar URL holds the $fromAI form. */
async function checkConnectedAndSaved({ page, expect, shot }, seen, parent) {
	await closeNdvIfOpen(page);
	await page.click(tid('zoom-to-fit')).catch(() => {});
	await page.mouse.move(5, 890);
	await sleep(800);
	seen.edges = await canvasEdges(page);
	const canvas = (seen.screenshots.connected = await shot(`tool-${slug(parent.name)}-connected`));
	const edge = `${seen.toolName} → ${parent.name}`;
	expect(seen.edges.includes(edge), `the tool is not connected to the ${parent.name} (expected ${edge}; connections: ${list(seen.edges)}) — see ${canvas}`);

	const nodes = await saveAndReadWorkflow(page);
	const tool = nodes.find((node) => node.type === TOOL_NODE_TYPE);
	seen.saved = tool?.parameters ?? null;
	const value = tool?.parameters?.[MODEL_DEFINED.parameter];
	expect(
		typeof value === 'string' && MODEL_DEFINED.saved.test(value),
		`the saved workflow's ${TOOL_NODE_TYPE} (under the ${parent.name}) has ${MODEL_DEFINED.parameter} = ${JSON.stringify(value)}, expected ${MODEL_DEFINED.saved}`,
	);
}

/** The saved tool reopened and switched to Get Task: its own Tool Wait (0), the task ID field, the same fields hidden. */
async function checkGetTaskTool(session, seen, parent) {
	const { page, expect } = session;
	const where = `"${TOOL_ROW}" under the ${connectorOf(parent)}, Operation "${GET_TASK_TOOL.operation}"`;
	const getTask = (seen.getTask = {});
	await openNodeNdv(page, TOOL_NODE_TYPE);
	await selectOption(page, 'operation', GET_TASK_TOOL.operation);
	getTask.parameters = (await ndvParameters(page)).parameters;
	await checkToolOnlyFields(session, seen, parent, where, { expected: GET_TASK_TOOL.toolOnly, into: getTask, name: 'get-task-tool-wait' });
	expect(getTask.parameters.includes(GET_TASK_TOOL.shows), `${where}: no ${GET_TASK_TOOL.shows} field (shown: ${list(getTask.parameters)}) — see ${seen.screenshots['get-task-tool-wait']}`);
	await closeNdvIfOpen(page);
}

module.exports = { toolConnectors };
