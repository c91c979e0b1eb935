// The check's steps on the Generate node: the fields each Voice Source shows, each file input
// switched to Binary File, Wait for Completion's fields, the Options collection, and the
// node's subtitle on the canvas.
const {
	ALWAYS_SHOWN,
	BINARY_FILE,
	BINARY_INPUTS,
	BINARY_ONLY,
	CANVAS_SUBTITLE,
	CLONE_NOTICE,
	EXISTING_TASK_ID,
	GENERATE_OPTIONS,
	NODE_TYPE,
	TOOL_ONLY,
	VOICE_PARAMETERS,
	VOICE_SOURCES,
	WAIT_FIELDS,
} = require('../expected');
const { canvasNodes } = require('../helpers/canvas');
const { addOptionOf, closeNdvIfOpen, dropdownItems, ndvParameters, openGenerateNdv, pickDropdownItem, readField, selectOption, switchOn } = require('../helpers/ndv');
const { sleep, tid } = require('../helpers/page');
const { list, same, slug } = require('../helpers/text');

/** For each Voice Source (every file input on URL): the parameters shown, in order, and their labels and notices. */
async function voiceSourceFields({ page, summary, expect, shot, stage }) {
	for (const [source, expected] of Object.entries(VOICE_SOURCES)) {
		await stage(`Generate with Voice Source "${source}"`, async () => {
			await selectOption(page, 'voiceSource', source);
			const seen = await ndvParameters(page);
			summary.generate[source] = seen;
			if (expected.audioInputLabel) seen.audioInput = await readField(page, 'audioInput');
			const file = await shot(`generate-${slug(source)}`);
			const where = `Generate, Voice Source "${source}"`;
			for (const name of ALWAYS_SHOWN) expect(seen.parameters.includes(name), `${where}: "${name}" is not shown — see ${file}`);
			const always = seen.parameters.filter((name) => ALWAYS_SHOWN.includes(name));
			expect(
				always.length < ALWAYS_SHOWN.length || same(always, ALWAYS_SHOWN),
				`${where}: shows ${list(always)} in this order, expected ${list(ALWAYS_SHOWN)} — see ${file}`,
			);
			const toolOnlyShown = seen.parameters.filter((name) => name in TOOL_ONLY);
			expect(!toolOnlyShown.length, `${where}: shows ${list(toolOnlyShown)}, which only a tool's panel shows — see ${file}`);
			const binaryShown = seen.parameters.filter((name) => BINARY_ONLY.includes(name));
			expect(!binaryShown.length, `${where}: shows ${list(binaryShown)} while every file input is on URL — see ${file}`);
			const voiceShown = seen.parameters.filter((name) => VOICE_PARAMETERS.includes(name));
			expect(
				same(voiceShown, expected.shows),
				`${where}: shows ${list(voiceShown)}, expected exactly ${list(expected.shows)} in this order — see ${file}`,
			);
			if (expected.audioInputLabel && seen.audioInput.shown) {
				expect(
					seen.audioInput.label === expected.audioInputLabel,
					`${where}: its URL / Binary File choice (audioInput) is labelled "${seen.audioInput.label}", expected "${expected.audioInputLabel}" — see ${file}`,
				);
			}
			if (source === 'Clone Voice From Sample') {
				expect(
					seen.notices.some((text) => CLONE_NOTICE.test(text)),
					`${where}: no visible notice saying "at least 20 seconds" (notices shown: ${list(seen.notices)}) — see ${file}`,
				);
			}
		});
	}
}

/** Each file input switched to Binary File: its URL field hidden, its binary field shown with label, value and hint. */
async function binaryFileInputs({ page, summary, expect, shot, stage }) {
	const binary = {};
	summary.generateBinary = binary;
	await stage(`Generate with its file inputs on "${BINARY_FILE}": each URL field replaced by its binary field`, async () => {
		await openGenerateNdv(page);
		for (const spec of BINARY_INPUTS) {
			const where = `Generate, ${spec.voiceSource ? `Voice Source "${spec.voiceSource}", ` : ''}"${spec.choiceLabel}" → "${BINARY_FILE}"`;
			const seen = (binary[spec.input] = {});
			if (spec.voiceSource) await selectOption(page, 'voiceSource', spec.voiceSource);
			// What the choice shows before it is switched (audioInput keeps its value across voice sources).
			seen.before = await readField(page, spec.choice);
			await selectOption(page, spec.choice, BINARY_FILE);
			seen.choice = await readField(page, spec.choice);
			seen.field = await readField(page, spec.field);
			seen.parameters = (await ndvParameters(page)).parameters;
			// From Operation down: Avatar Input's label shows, and the audio's screenshots show the avatar's switch too.
			await page.$eval(`${tid('ndv')} ${tid('parameter-input-operation')}`, (element) => element.scrollIntoView({ block: 'start' })).catch(() => {});
			await page.mouse.move(5, 890); // no hover styles in the screenshot
			await sleep(300);
			const file = await shot(`generate-binary-${slug(spec.input)}`);
			seen.screenshot = file;
			const see = ` — see ${file}`;
			expect(seen.choice.shown, `${where}: the choice ${spec.choice} is not shown${see}`);
			if (seen.choice.shown) {
				expect(seen.choice.label === spec.choiceLabel, `${where}: the choice ${spec.choice} is labelled "${seen.choice.label}"${see}`);
				expect(seen.choice.value === BINARY_FILE, `${where}: the choice shows "${seen.choice.value}" after picking "${BINARY_FILE}"${see}`);
			}
			expect(!seen.parameters.includes(spec.urlField), `${where}: "${spec.urlLabel}" (${spec.urlField}) is still shown${see}`);
			if (!expect(seen.field.shown, `${where}: no "${spec.label}" (${spec.field}) appears (shown: ${list(seen.parameters)})${see}`)) continue;
			expect(seen.field.label === spec.label, `${where}: the binary field is labelled "${seen.field.label}", expected "${spec.label}"${see}`);
			expect(seen.field.value === spec.value, `${where}: "${spec.label}" shows "${seen.field.value}", expected "${spec.value}"${see}`);
			expect(spec.hint.test(seen.field.text), `${where}: "${spec.label}" has no hint matching ${spec.hint} (its text: "${seen.field.text}")${see}`);
			const at = seen.parameters.indexOf(spec.field);
			expect(seen.parameters.indexOf(spec.choice) < at, `${where}: "${spec.label}" comes before its choice (order shown: ${list(seen.parameters)})${see}`);
		}
	});
}

/** Wait for Completion switched on: Poll Interval and Max Wait shown with their defaults as typed ("10", not "10.0"). */
async function waitForCompletionFields({ page, summary, expect, shot, stage }) {
	const waiting = { waitForCompletion: undefined, fields: {} };
	summary.generateWaiting = waiting;
	await stage('Generate with Wait for Completion on: Poll Interval and Max Wait show their defaults', async () => {
		await openGenerateNdv(page);
		waiting.waitForCompletion = await switchOn(page, 'waitForCompletion');
		const names = Object.keys(WAIT_FIELDS);
		for (const name of names) waiting.fields[name] = await readField(page, name);
		await page.$eval(`${tid('ndv')} ${tid(`parameter-input-${names[0]}`)}`, (element) => element.scrollIntoView({ block: 'center' })).catch(() => {});
		await page.mouse.move(5, 890); // no hover styles in the screenshot
		await sleep(300);
		const file = await shot('generate-wait-for-completion');
		waiting.screenshot = file;
		expect(waiting.waitForCompletion, `Generate: the "Wait for Completion" switch does not turn on when clicked — see ${file}`);
		for (const [name, { label, shows }] of Object.entries(WAIT_FIELDS)) {
			const seen = waiting.fields[name];
			const where = `Generate, Wait for Completion on: "${label}"`;
			if (!expect(seen.shown, `${where} (${name}) is not shown — see ${file}`)) continue;
			expect(seen.label === label, `${where}: its label reads "${seen.label}" — see ${file}`);
			expect(seen.value === shows, `${where} shows "${seen.value}", expected "${shows}" — see ${file}`);
		}
	});
}

/** Options → "Add Option": the options listed in order; picking Existing Task ID shows its field. */
async function existingTaskIdOption({ page, summary, expect, shot, stage }) {
	const options = { addOption: undefined, listed: [], picked: false, field: undefined };
	summary.generateOptions = options;
	await stage(`Generate → Options → "Add Option" lists ${list(GENERATE_OPTIONS)}; picking "${EXISTING_TASK_ID.label}" shows its field`, async () => {
		await openGenerateNdv(page);
		const { handle, ...addOption } = await addOptionOf(page, 'Options');
		options.addOption = addOption;
		if (!handle) throw new Error(`no "Add Option" under Generate's "Options" (labels shown: ${list(addOption.labels)})`);
		await handle.click();
		await sleep(600);
		options.listed = await dropdownItems(page);
		await page.mouse.move(5, 890); // no hover styles in the screenshot
		await sleep(300);
		const listedFile = await shot('generate-options-add-option');
		options.listedScreenshot = listedFile;
		const where = 'Generate, Options → "Add Option"';
		const offered = GENERATE_OPTIONS.map((name) => options.listed.indexOf(name));
		expect(
			offered.every((at) => at >= 0) && offered.every((at, index) => index === 0 || offered[index - 1] < at),
			`${where}: lists ${list(options.listed)}, expected ${list(GENERATE_OPTIONS)} in this order — see ${listedFile}`,
		);
		options.picked = await pickDropdownItem(page, EXISTING_TASK_ID.label);
		if (!options.picked) {
			await page.keyboard.press('Escape');
			throw new Error(`${where} has no "${EXISTING_TASK_ID.label}" to pick (lists ${list(options.listed)}; the open dropdown: ${listedFile})`);
		}
		const field = `${tid('ndv')} ${tid(`parameter-input-${EXISTING_TASK_ID.parameter}`)}`;
		await page.waitForFunction((selector) => [...document.querySelectorAll(selector)].some((element) => element.offsetParent !== null), { timeout: 5_000 }, field).catch(() => {});
		options.field = await readField(page, EXISTING_TASK_ID.parameter);
		await page.$$eval(field, (found) => found.find((element) => element.offsetParent !== null)?.scrollIntoView({ block: 'center' })).catch(() => {});
		await page.mouse.move(5, 890);
		await sleep(300);
		const file = await shot('generate-options-existing-task-id');
		options.screenshot = file;
		const seen = options.field;
		const after = `${where} → "${EXISTING_TASK_ID.label}"`;
		if (!expect(seen.shown, `${after}: no field ${EXISTING_TASK_ID.parameter} appears in the NDV — see ${file}`)) return;
		expect(seen.label === EXISTING_TASK_ID.label, `${after}: the field that appears is labelled "${seen.label}", expected "${EXISTING_TASK_ID.label}" — see ${file}`);
		expect(seen.placeholder === EXISTING_TASK_ID.placeholder, `${after}: the field's placeholder reads "${seen.placeholder}", expected "${EXISTING_TASK_ID.placeholder}" — see ${file}`);
	});
}

/** The NDV closed: the Generate node on the canvas shows its subtitle under its name. */
async function subtitleOnCanvas({ page, summary, expect, shot, stage }) {
	const canvas = { nodes: [] };
	summary.generateOnCanvas = canvas;
	await stage(`the Generate node on the canvas shows the subtitle "${CANVAS_SUBTITLE}"`, async () => {
		await closeNdvIfOpen(page);
		await page.waitForFunction(() => !document.querySelector('[data-test-id="ndv"]')?.offsetParent, { timeout: 10_000 }).catch(() => {
			throw new Error('the NDV does not close');
		});
		await page.waitForSelector(`${tid('canvas-node')}[data-node-type="${NODE_TYPE}"]`, { visible: true });
		canvas.nodes = await canvasNodes(page);
		// Off screen (a small window, a moved canvas)? Fit the view, as a user would.
		if (canvas.nodes.some((node) => !node.inView)) {
			await page.click(tid('zoom-to-fit')).catch(() => {});
			await sleep(800);
			canvas.nodes = await canvasNodes(page);
		}
		await page.mouse.move(5, 890); // off the nodes, so their hover toolbars leave the screenshot
		await sleep(400);
		const file = await shot('generate-on-canvas');
		canvas.screenshot = file;
		const where = `the canvas's GPT.GE node`;
		if (!expect(canvas.nodes.length > 0, `${where}: none on the canvas — see ${file}`)) return;
		for (const node of canvas.nodes) {
			expect(
				node.subtitle === CANVAS_SUBTITLE && node.subtitleShown,
				`${where} "${node.name}" shows ${node.subtitle == null ? 'no subtitle' : `the subtitle "${node.subtitle}"${node.subtitleShown ? '' : ' (hidden or off screen)'}`}, expected "${CANVAS_SUBTITLE}" under its name (node text: "${node.text}") — see ${file}`,
			);
		}
	});
}

module.exports = { voiceSourceFields, binaryFileInputs, waitForCompletionFields, existingTaskIdOption, subtitleOnCanvas };
