// The workflow canvas: opening a new workflow, putting the GPT.GE node there by pasting it,
// reading its nodes and connections, and saving it as the editor does (Ctrl+S).
const { NODE_NAME, NODE_TYPE } = require('../expected');
const { dismissPopups, sleep, tid } = require('./page');

/** Opens a new, empty workflow (n8n names it "My workflow N") and waits for its "Add first step". */
async function openNewWorkflow(page, base) {
	// Leaving an unsaved workflow, 1.123 asks "Leave site?" (beforeunload); a user clicks Leave.
	const leave = (dialog) => (dialog.type() === 'beforeunload' ? dialog.accept() : undefined);
	page.on('dialog', leave);
	try {
		await page.goto(`${base}/workflow/new`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
	} finally {
		page.off('dialog', leave);
	}
	await page.waitForSelector(tid('canvas-plus-button'), { visible: true, timeout: 60_000 });
	await dismissPopups(page);
	await sleep(1000); // the canvas is drawn before it takes clicks
}

/**
 * Puts a Generate node on the canvas as a user pasting a copied node would, and opens it: the
 * way in when search cannot add it.
 */
async function pasteGenerateNode(page) {
	const workflow = {
		nodes: [
			{
				parameters: { resource: 'avatar', operation: 'generate' },
				name: NODE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
			},
		],
		connections: {},
	};
	const before = await page.$$eval(tid('canvas-node'), (nodes) => nodes.length);
	await page.click(tid('canvas-background')).catch(() => {});
	await page.evaluate((text) => {
		const data = new DataTransfer();
		data.setData('text/plain', text);
		document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
	}, JSON.stringify(workflow));
	await page.waitForFunction((before) => document.querySelectorAll('[data-test-id="canvas-node"]').length > before, { timeout: 10_000 }, before);
	const nodes = await page.$$(tid('canvas-node'));
	await nodes[nodes.length - 1].click({ count: 2 });
	await page.waitForSelector(tid('ndv'), { visible: true });
}

/**
 * The GPT.GE nodes on the canvas: name, the subtitle under the name (the element n8n renders
 * the description's subtitle in), whether it is visible inside the window, and the node's text.
 */
function canvasNodes(page) {
	return page.$$eval(`[data-test-id="canvas-node"][data-node-type="${NODE_TYPE}"]`, (nodes) =>
		nodes.map((node) => {
			const subtitle = node.querySelector('[class*="subtitle"]');
			const inView = (element) => {
				const box = element.getBoundingClientRect();
				return box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight;
			};
			const visible = (element) => {
				const style = getComputedStyle(element);
				return element.offsetParent !== null && style.visibility !== 'hidden' && Number(style.opacity) > 0;
			};
			return {
				name: node.getAttribute('data-node-name'),
				subtitle: subtitle ? subtitle.innerText.trim() : null,
				subtitleShown: Boolean(subtitle && visible(subtitle) && inView(subtitle)),
				inView: inView(node),
				text: node.innerText.trim().replace(/\s+/g, ' '),
			};
		}),
	);
}

/** The canvas's connections as "source → target" (node names), as n8n tags each edge. */
function canvasEdges(page) {
	return page.$$eval(tid('edge'), (edges) => edges.map((edge) => `${edge.getAttribute('data-source-node-name')} → ${edge.getAttribute('data-target-node-name')}`));
}

/**
 * Saves the workflow as a user does (Ctrl+S on the canvas) and resolves with its nodes as n8n
 * stored them ({ name, type, parameters }), read back through the REST API the editor uses.
 */
async function saveAndReadWorkflow(page) {
	const onCanvas = await page.$$eval(tid('canvas-node'), (nodes) => nodes.length);
	await page.click(tid('canvas-background')).catch(() => {});
	await page.keyboard.down('Control');
	await page.keyboard.press('s');
	await page.keyboard.up('Control');
	// Saved once n8n gives back every node of the canvas (1.123 first moves /workflow/new to /workflow/<id>).
	const read = () =>
		page.evaluate(async () => {
			const id = location.pathname.split('/')[2];
			if (!id || id === 'new') return { status: 'not saved yet', nodes: [] };
			const headers = { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' };
			const response = await fetch(`/rest/workflows/${id}`, { headers });
			if (!response.ok) return { status: `GET /rest/workflows/${id}: HTTP ${response.status}`, nodes: [] };
			const body = await response.json();
			return { status: 'saved', nodes: (body.data ?? body).nodes.map(({ name, type, parameters }) => ({ name, type, parameters })) };
		});
	let saved;
	for (let i = 0; i < 20; i++) {
		await sleep(500);
		saved = await read();
		if (saved.nodes.length >= onCanvas) return saved.nodes;
	}
	throw new Error(`the workflow is not saved 10 s after Ctrl+S (${saved.status}; ${saved.nodes.length} of ${onCanvas} nodes)`);
}

module.exports = { openNewWorkflow, pasteGenerateNode, canvasNodes, canvasEdges, saveAndReadWorkflow };
