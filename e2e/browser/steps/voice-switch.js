// Trying the Voice Source options keeps what the example's author wrote (issue 29, point 7): in a
// copy of the example, open the GPT.GE node, pick each voice source in turn as a user does, and
// read the fields that must still show the expressions.
const { VOICE_SWITCHES } = require('../examples-expected');
const { closeNdvIfOpen, selectOption } = require('../helpers/ndv');
const { sleep, tid } = require('../helpers/page');
const { createCopy } = require('../helpers/rest');
const { slug } = require('../helpers/text');
const { openWorkflow } = require('./examples');

/**
 * The value each parameter labelled in `labels` shows in the open NDV, by label: the expression
 * editor's text (an expression, shown without its leading "="), else the input's value; null
 * when no such field is shown.
 */
function fieldsByLabel(page, labels) {
	return page.evaluate((labels) => {
		const ndv = [...document.querySelectorAll('[data-test-id="ndv"]')].find((element) => element.offsetParent !== null);
		const values = {};
		for (const label of labels) values[label] = null;
		if (!ndv) return values;
		for (const item of ndv.querySelectorAll('[data-test-id="parameter-item"]')) {
			if (item.offsetParent === null) continue;
			const own = item.querySelector('[data-test-id="input-label"]');
			const text = own?.innerText.trim().split('\n')[0].trim().replace(/\s*\*$/, '');
			if (!labels.includes(text) || values[text] !== null) continue;
			const editor = [...item.querySelectorAll('.cm-content')].find((element) => element.offsetParent !== null);
			const input = [...item.querySelectorAll('input, textarea')].find((element) => element.offsetParent !== null);
			values[text] = editor ? editor.innerText.trim() : input ? input.value : '';
		}
		return values;
	}, labels);
}

async function voiceSourceSwitches(session, examples) {
	const { page, base, summary, expect, stage, shot } = session;
	summary.voiceSwitches = [];
	for (const switches of VOICE_SWITCHES) {
		const example = examples.find((found) => found.file === switches.file);
		if (!example) continue;
		const record = { file: switches.file, node: switches.node, before: {}, steps: [] };
		summary.voiceSwitches.push(record);
		await stage(`${switches.file}: switching "${switches.node}"'s Voice Source keeps the expressions`, async () => {
			const id = await createCopy(page, example.workflow, { name: `${example.workflow.name} (examples check copy)` });
			record.copyId = id;
			await openWorkflow(page, base, id);
			await page.click(`${tid('canvas-node')}[data-node-name="${switches.node}"]`, { count: 2 });
			await page.waitForSelector(tid('ndv'), { visible: true });
			await sleep(800);
			const labels = [...new Set(switches.steps.flatMap(([, expected]) => Object.keys(expected)))];
			record.before = await fieldsByLabel(page, labels);
			for (const [source, expected] of switches.steps) {
				await selectOption(page, 'voiceSource', source);
				const shown = await fieldsByLabel(page, Object.keys(expected));
				const screenshot = await shot(`voice-${slug(switches.node)}-${slug(source)}`);
				record.steps.push({ voiceSource: source, shown, screenshot });
				for (const [label, value] of Object.entries(expected)) {
					expect(
						shown[label] === value,
						`${switches.file} "${switches.node}": after switching Voice Source to "${source}", ${label} shows ${JSON.stringify(shown[label])}, expected ${JSON.stringify(value)} (what the example had) — see ${screenshot}`,
					);
				}
			}
			await closeNdvIfOpen(page);
		});
	}
}

module.exports = { voiceSourceSwitches };
