// What an open workflow's canvas looks like, read from the DOM as it is drawn: the canvas zoom,
// each sticky note (overflow, rendered font sizes, links), each node's box with its name and
// subtitle, and the boxes of n8n's own buttons floating over the canvas. Pure judging of these
// readings is in ../examples-expected.js.

/**
 * Reads the open canvas (runs in the page). Resolves with { zoom (the viewport's scale), canvas
 * (the canvas element's box), notes: [{ id (the node ID), box, text (first 60 characters),
 * content: { clientHeight, scrollHeight, clientWidth, scrollWidth, textHeight (down to the last
 * text block's bottom, in canvas pixels like the others) } (the note's content wrapper),
 * blocks: [{ tag, clientWidth, scrollWidth, clientHeight, scrollHeight }] (each pre / code block),
 * fontPx: { min, body } (smallest computed font size × zoom over the note's text, and over its
 * paragraphs and list items), links: [{ text, href }] }], nodes: [{ name, type, box (the node with
 * its name and subtitle below it) }], overlays: [{ name (data-test-id, else label or text), box }] }.
 * Boxes are { left, top, right, bottom } in page pixels.
 */
function readCanvasLayout(page) {
	return page.evaluate(() => {
		const boxOf = (element) => {
			const r = element.getBoundingClientRect();
			return { left: Math.round(r.left), top: Math.round(r.top), right: Math.round(r.right), bottom: Math.round(r.bottom) };
		};
		const union = (a, b) => ({ left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) });
		const shown = (element) => {
			const r = element.getBoundingClientRect();
			const style = getComputedStyle(element);
			return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0;
		};
		const pane = document.querySelector('.vue-flow__transformationpane');
		const matrix = pane ? new DOMMatrixReadOnly(getComputedStyle(pane).transform) : new DOMMatrixReadOnly();
		const zoom = matrix.a;
		const flow = document.querySelector('.vue-flow');
		const canvas = boxOf(flow);

		const notes = [...document.querySelectorAll('[data-test-id="sticky"]')].map((sticky) => {
			const flowNode = sticky.closest('.vue-flow__node');
			// The note's content wrapper: the first child that clips (overflow hidden), else the sticky itself.
			const content = [...sticky.children].find((child) => getComputedStyle(child).overflow !== 'visible') ?? sticky;
			const blocks = [...sticky.querySelectorAll('pre, pre code, code')]
				.filter((block) => block.tagName === 'PRE' || block.parentElement.tagName === 'PRE')
				.map((block) => ({ tag: block.tagName.toLowerCase(), clientWidth: block.clientWidth, scrollWidth: block.scrollWidth, clientHeight: block.clientHeight, scrollHeight: block.scrollHeight }));
			// Font sizes of the elements that hold text themselves (not only through children).
			const sizes = { min: Infinity, body: Infinity };
			for (const element of content.querySelectorAll('*')) {
				const ownText = [...element.childNodes].some((child) => child.nodeType === Node.TEXT_NODE && child.textContent.trim());
				if (!ownText || !shown(element) || element.closest('.sticky-textarea')) continue;
				const px = parseFloat(getComputedStyle(element).fontSize) * zoom;
				sizes.min = Math.min(sizes.min, px);
				if (element.closest('p, li')) sizes.body = Math.min(sizes.body, px);
			}
			// How much of the note its text fills (issue 29: "notes sized to their text"): the
			// rendered blocks' extent against the content wrapper's height.
			const blocksShown = [...content.querySelectorAll('h1, h2, h3, h4, p, ul, ol, pre, table, blockquote')].filter(shown);
			const textBottom = Math.max(0, ...blocksShown.map((block) => block.getBoundingClientRect().bottom));
			const contentBox = content.getBoundingClientRect();
			const textHeight = blocksShown.length ? Math.round((textBottom - contentBox.top) / (zoom || 1)) : 0;
			const round = (px) => (Number.isFinite(px) ? Math.round(px * 10) / 10 : null);
			return {
				id: flowNode?.getAttribute('data-id') ?? null,
				box: boxOf(flowNode ?? sticky),
				text: content.innerText.trim().replace(/\s+/g, ' ').slice(0, 60),
				content: { clientHeight: content.clientHeight, scrollHeight: content.scrollHeight, clientWidth: content.clientWidth, scrollWidth: content.scrollWidth, textHeight },
				blocks,
				fontPx: { min: round(sizes.min), body: round(sizes.body) },
				links: [...sticky.querySelectorAll('a')].filter((a) => !a.closest('.sticky-textarea')).map((a) => ({ text: a.innerText.trim(), href: a.getAttribute('href') })),
			};
		});

		const nodes = [...document.querySelectorAll('[data-test-id="canvas-node"]')].map((node) => {
			let box = boxOf(node);
			// The name and subtitle n8n draws below the node (outside its box).
			for (const part of node.querySelectorAll('[class*="description"], [class*="label"], [class*="subtitle"]')) {
				if (shown(part) && !part.closest('.vue-flow__handle, [data-test-id="canvas-node-toolbar"]')) box = union(box, boxOf(part));
			}
			return { name: node.getAttribute('data-node-name'), type: node.getAttribute('data-node-type'), box };
		});

		// n8n's own buttons over the canvas: every visible button (or link-button) whose box meets the
		// canvas and that is not part of the drawn workflow (nodes, notes, edges).
		const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
		const overlays = [];
		for (const button of document.querySelectorAll('button, [role="button"], [role="radio"], a[href]')) {
			if (!shown(button) || button.closest('.vue-flow__viewport, .vue-flow__transformationpane, [data-test-id="ndv"]')) continue;
			if (button.parentElement.closest('button, [role="button"]')) continue;
			const box = boxOf(button);
			if (!meets(box, canvas)) continue;
			const name = button.getAttribute('data-test-id') || button.getAttribute('aria-label') || button.innerText.trim().slice(0, 30) || button.className.toString().slice(0, 40);
			overlays.push({ name, box });
		}
		return { zoom: Math.round(zoom * 1000) / 1000, canvas, notes, nodes, overlays };
	});
}

module.exports = { readCanvasLayout };
