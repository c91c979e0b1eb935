// The workflow canvas: putting the GPT.GE node there by pasting it, and reading its nodes.
const { NODE_NAME, NODE_TYPE } = require('../expected');
const { tid } = require('./page');

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

module.exports = { pasteGenerateNode, canvasNodes };
