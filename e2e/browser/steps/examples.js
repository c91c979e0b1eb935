// Each example as a newcomer opens it: its canvas at n8n's own initial zoom-to-fit, screenshotted
// and measured (notes fit and read, nothing under n8n's buttons, only real links), and a probe
// note proving that writing GPT\.GE keeps it from becoming a link.
const { ESCAPE_PROBE, judgeLayout } = require('../examples-expected');
const { readCanvasLayout } = require('../helpers/layout');
const { dismissPopups, sleep, tid } = require('../helpers/page');
const { createCopy } = require('../helpers/rest');
const { slug } = require('../helpers/text');

/** Opens workflow `id` as a user does (its URL) and waits until the canvas has drawn it and stopped moving (n8n's zoom-to-fit). */
async function openWorkflow(page, base, id) {
	const leave = (dialog) => (dialog.type() === 'beforeunload' ? dialog.accept() : undefined);
	page.on('dialog', leave);
	try {
		await page.goto(`${base}/workflow/${id}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
	} finally {
		page.off('dialog', leave);
	}
	await page.waitForSelector(`${tid('canvas-node')}, ${tid('sticky')}`, { visible: true, timeout: 60_000 });
	await dismissPopups(page);
	// Measured once n8n has fitted the view (its transform stops changing).
	await settled(page);
}

/** Presses n8n's "Zoom to Fit" and waits until the view stops moving. */
async function zoomToFit(page) {
	await page.click(tid('zoom-to-fit'));
	await settled(page);
}

/** Waits until the canvas's transform stays the same and the fonts are in. */
async function settled(page) {
	let last = '';
	for (let i = 0; i < 20; i++) {
		await sleep(300);
		const now = await page.evaluate(() => `${getComputedStyle(document.querySelector('.vue-flow__transformationpane') ?? document.body).transform} ${document.fonts.status}`);
		if (now === last && now.endsWith('loaded')) break;
		last = now;
	}
	await page.mouse.move(1, 1); // no hover toolbar on a node
	await sleep(300);
}

/**
 * Each example in each viewport: a copy opened by its ID, screenshotted and measured.
 * `examples`: [{ file, workflow }]; `viewports`: [{ width, height, minFontPx }].
 */
async function examplesLayout(session, examples, viewports) {
	const { page, base, summary, failures, stage, shot } = session;
	summary.examples = summary.examples ?? {};
	for (const { file, workflow } of examples) {
		let id;
		await stage(`example ${file}: a copy created`, async () => {
			id = await createCopy(page, workflow);
		});
		if (!id) continue;
		const entry = { name: workflow.name, id, viewports: {} };
		summary.examples[file] = entry;
		for (const [index, viewport] of viewports.entries()) {
			const size = `${viewport.width}x${viewport.height}`;
			await stage(`example ${file} at ${size}: canvas read`, async () => {
				await page.setViewport(viewport);
				// Opened in the first viewport; in the next ones, the window resized and n8n's own
				// "Zoom to Fit" pressed (the same fit as on opening, without reloading the editor).
				if (index === 0) await openWorkflow(page, base, id);
				else await zoomToFit(page);
				const screenshot = await shot(`${slug(file.replace(/\.json$/, ''))}-${size}`);
				const layout = await readCanvasLayout(page);
				const judged = judgeLayout(workflow, layout, `${file} at ${size}`, viewport.minFontPx);
				failures.push(...judged.failures);
				entry.viewports[size] = {
					zoom: layout.zoom,
					notes: judged.notes,
					overlaps: judged.overlaps,
					overlays: layout.overlays,
					nodes: layout.nodes,
					failures: judged.failures,
					screenshot,
				};
			});
		}
	}
	await page.setViewport(viewports[0]);
}

/**
 * A note with "GPT\.GE" (escaped) and "GPT.GE" (plain): the escaped one must render as text, no
 * link; the plain one is what linkify does to it (recorded, not required).
 */
async function escapeProbe(session) {
	const { page, base, summary, expect, stage, shot } = session;
	await stage('a note with GPT\\.GE renders it without a link', async () => {
		const id = await createCopy(page, {
			name: 'GPT.GE escape probe (examples check)',
			nodes: [{ id: 'escape-probe-note', name: 'Probe', type: 'n8n-nodes-base.stickyNote', typeVersion: 1, position: [0, 0], parameters: { content: ESCAPE_PROBE, width: 360, height: 160 } }],
			connections: {},
			settings: {},
		});
		await openWorkflow(page, base, id);
		const screenshot = await shot('escape-probe');
		// Each line's text and links, read from the text in order (1.123 puts both lines in one element).
		const paragraphs = await page.$eval(tid('sticky'), (sticky) => {
			const lines = [];
			const walker = document.createTreeWalker(sticky, NodeFilter.SHOW_TEXT);
			for (let text = walker.nextNode(); text; text = walker.nextNode()) {
				if (text.parentElement.closest('.sticky-textarea, textarea')) continue;
				const parts = text.textContent.split(/(?=Escaped:|Plain:)/);
				for (const [index, part] of parts.entries()) {
					if (/^(Escaped|Plain):/.test(part) || !lines.length) lines.push({ text: '', links: [] });
					const line = lines[lines.length - 1];
					line.text += part;
					const link = text.parentElement.closest('a');
					if (link && index === 0 && !line.links.includes(link)) line.links.push(link);
				}
			}
			return lines.map((line) => ({ text: line.text.replace(/\s+/g, ' ').trim(), links: line.links.map((a) => ({ text: a.innerText.trim(), href: a.getAttribute('href') })) }));
		});
		summary.escapeProbe = { markdown: ESCAPE_PROBE, paragraphs, screenshot };
		const escaped = paragraphs.find((line) => line.text.startsWith('Escaped:'));
		expect(escaped?.text === 'Escaped: GPT.GE account.', `escape probe: the escaped note reads ${JSON.stringify(escaped?.text)}, expected "Escaped: GPT.GE account." — see ${screenshot}`);
		expect(escaped && escaped.links.length === 0, `escape probe: "GPT\\.GE" still renders as a link: ${JSON.stringify(escaped?.links)} — see ${screenshot}`);
	});
}

module.exports = { openWorkflow, examplesLayout, escapeProbe };
