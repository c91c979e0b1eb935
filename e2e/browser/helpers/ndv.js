// The NDV (the open node's parameter panel): opening and closing it, reading its parameters and
// fields as a user sees them, and changing them by clicking as a user does.
const { NODE_TYPE } = require('../expected');
const { sleep, tid } = require('./page');
const { list } = require('./text');

/** Closes the NDV as a user does: its × (2.41), "Back to canvas" (1.123), else Escape. */
async function closeNdvIfOpen(page) {
	const ndv = await page.$(tid('ndv'));
	if (ndv && (await ndv.isVisible())) {
		let close;
		for (const button of await page.$$(`${tid('ndv-close-button')}, ${tid('back-to-canvas')}`)) {
			if (!close && (await button.isVisible())) close = button;
		}
		if (close) await close.click();
		else {
			// A focused select (e.g. "Add Option" just used) would take the Escape for itself.
			await page.evaluate(() => document.activeElement?.blur());
			await page.keyboard.press('Escape');
		}
		await sleep(500);
	}
}

/** Opens the Generate node's NDV unless it is open (a failed stage before may have closed it). */
function openGenerateNdv(page) {
	return openNodeNdv(page, NODE_TYPE);
}

/** Opens the NDV of the last canvas node of `type` (double click) unless an NDV is open. */
async function openNodeNdv(page, type) {
	const ndv = await page.$(tid('ndv'));
	if (ndv && (await ndv.isVisible())) return;
	const nodes = await page.$$(`${tid('canvas-node')}[data-node-type="${type}"]`);
	if (!nodes.length) throw new Error(`no ${type} node on the canvas to open`);
	await nodes[nodes.length - 1].click({ count: 2 });
	await page.waitForSelector(tid('ndv'), { visible: true });
	await sleep(800);
}

/** Turns a boolean parameter of the open NDV on by clicking its switch; resolves whether it is then on. */
async function switchOn(page, parameter) {
	const root = `${tid('ndv')} ${tid(`parameter-input-${parameter}`)}`;
	const isOn = () =>
		page.$eval(`${root} [role=switch], ${root} input[type=checkbox]`, (input) => input.getAttribute('aria-checked') === 'true' || input.checked === true);
	if (!(await isOn())) {
		await page.click(`${root} .el-switch, ${root} [role=switch]`);
		await sleep(800);
	}
	return isOn();
}

/**
 * One parameter of the open NDV as a user sees it: shown or not, its label, the value its input
 * displays (the input's own text, e.g. "10"; for a select, the option it shows), the input's
 * placeholder, and the visible text of its wrapper (label, hint: what a user reads around it).
 */
function readField(page, parameter) {
	return page.$eval(tid('ndv'), (ndv, parameter) => {
		const element = [...ndv.querySelectorAll(`[data-test-id="parameter-input-${parameter}"]`)].find((found) => found.offsetParent !== null);
		if (!element) return { shown: false };
		const input = [...element.querySelectorAll('input, textarea')].find((found) => found.offsetParent !== null);
		// A select shows its option in the input (1.123) or in a span beside an empty input (2.41's Element Plus).
		const selected = [...element.querySelectorAll('.el-select__selected-item, .el-select__selection')].find(
			(found) => found.offsetParent !== null && !found.classList.contains('is-hidden') && found.innerText.trim(),
		);
		let value = input ? input.value : undefined;
		if (!value && selected) value = selected.innerText.trim();
		// Its label: in the nearest wrapper that holds one.
		let label = '';
		let text = '';
		for (let box = element.parentElement; box && box !== ndv; box = box.parentElement) {
			const found = box.querySelector('[data-test-id="input-label"] label, [data-test-id="input-label"]');
			if (found) {
				label = found.innerText.trim().split('\n')[0].trim();
				text = box.innerText.trim().replace(/\s+/g, ' ');
				break;
			}
		}
		return { shown: true, label, value, placeholder: input ? input.getAttribute('placeholder') ?? '' : undefined, text };
	}, parameter);
}

/**
 * The "Add Option" select of the open NDV's collection labelled `label` (e.g. "Options"): on
 * 2.41 `[data-test-id=collection-parameter-add]`, on 1.123 the untagged select in the
 * collection's `.add-option` (both show the collection's placeholder, "Add Option"). Resolves
 * with `handle` (its input, to click; undefined without one), `testId` (the select's own
 * data-test-id, if any), `placeholder`, and the NDV's visible `labels` (to say what was there).
 */
async function addOptionOf(page, label) {
	const found = await page.evaluateHandle((label) => {
		const ndv = [...document.querySelectorAll('[data-test-id="ndv"]')].find((element) => element.offsetParent !== null);
		if (!ndv) return null;
		const selects = [...ndv.querySelectorAll('[data-test-id="collection-parameter-add"], .collection-parameter .add-option .n8n-select, .collection-parameter .add-option .el-select')];
		for (const select of selects) {
			const input = select.querySelector('input');
			if (!input || input.offsetParent === null) continue;
			// The collection it belongs to: the parameter item whose first label is `label`.
			const item = select.closest('[data-test-id="parameter-item"]');
			const own = item?.querySelector('[data-test-id="input-label"]');
			if (own && own.innerText.trim().split('\n')[0].trim() === label) return input;
		}
		return null;
	}, label);
	const handle = found.asElement() ?? undefined;
	if (!handle) await found.dispose();
	const described = handle
		? await handle.evaluate((input) => ({
				testId: input.closest('[data-test-id="collection-parameter-add"]') ? 'collection-parameter-add' : null,
				placeholder: input.getAttribute('placeholder'),
			}))
		: {};
	const labels = await page.$$eval(`${tid('ndv')} ${tid('input-label')}`, (found) =>
		found.filter((element) => element.offsetParent !== null).map((element) => element.innerText.trim().split('\n')[0].trim()),
	);
	return { handle, ...described, labels };
}

/** The items of the open select dropdown, as listed (n8n tags a collection's with collection-parameter-option). */
function dropdownItems(page) {
	return page.evaluate(() => {
		const tagged = [...document.querySelectorAll('[data-test-id="collection-parameter-option"]')].filter((item) => item.offsetParent !== null);
		const items = tagged.length ? tagged : [...document.querySelectorAll('.el-select-dropdown__item, [role=option]')].filter((item) => item.offsetParent !== null);
		return items.map((item) => item.innerText.trim().split('\n')[0]);
	});
}

/** Clicks the item `name` of the open select dropdown; resolves whether it was there. */
async function pickDropdownItem(page, name) {
	for (const item of await page.$$('[data-test-id="collection-parameter-option"], .el-select-dropdown__item, [role=option]')) {
		if (!(await item.isVisible())) continue;
		const text = await item.evaluate((element) => element.innerText.trim().split('\n')[0]);
		if (text === name) {
			await item.click();
			await sleep(800);
			return true;
		}
	}
	return false;
}

/** Picks an option of an options-type parameter in the open NDV. */
async function selectOption(page, parameter, option) {
	const input = `${tid('ndv')} ${tid(`parameter-input-${parameter}`)}`;
	await page.click(`${input} input, ${input} .el-select, ${input}`);
	await sleep(400);
	const clicked = await page.evaluate((option) => {
		const items = [...document.querySelectorAll('.el-select-dropdown__item, [role=option]')].filter((item) => item.offsetParent !== null);
		const item = items.find((element) => element.innerText.trim().split('\n')[0] === option);
		if (item) item.click();
		return items.map((element) => element.innerText.trim().split('\n')[0]);
	}, option);
	if (!clicked.includes(option)) throw new Error(`${parameter} has no option "${option}" (options: ${list(clicked)})`);
	await sleep(800);
}

/** The parameters (by name, in display order) and the visible notices of the open NDV. */
function ndvParameters(page) {
	return page.$eval(tid('ndv'), (ndv) => {
		const parameters = [];
		for (const element of ndv.querySelectorAll('[data-test-id^="parameter-input-"]')) {
			// Inner parts of a parameter's input (e.g. "parameter-input-field") are not parameters.
			if (element.offsetParent === null || element.parentElement.closest('[data-test-id^="parameter-input-"]')) continue;
			const name = element.getAttribute('data-test-id').slice('parameter-input-'.length);
			if (!parameters.includes(name)) parameters.push(name);
		}
		const notices = [...ndv.querySelectorAll('.notice, [class*="notice"], [data-test-id*="notice"]')]
			.filter((element) => element.offsetParent !== null && element.innerText.trim())
			.map((element) => element.innerText.trim().replace(/\s+/g, ' '));
		return { parameters, notices: [...new Set(notices)] };
	});
}

/**
 * The parameters of the open NDV that offer "Let the model define this parameter" (the button
 * n8n shows beside a field of a node used as a tool), in display order.
 */
function modelDefinableParameters(page) {
	return page.$eval(tid('ndv'), (ndv) =>
		[...ndv.querySelectorAll('[data-test-id="parameter-item"]')]
			.filter((item) => item.offsetParent !== null && item.querySelector('[data-test-id="from-ai-override-button"]'))
			.map((item) => {
				const input = item.querySelector('[data-test-id^="parameter-input-"]');
				return input ? input.getAttribute('data-test-id').slice('parameter-input-'.length) : item.querySelector('label[for]')?.getAttribute('for');
			})
			.filter((name, index, names) => name && names.indexOf(name) === index),
	);
}

/** The wrapper (label, input, buttons) of `parameter` in the open NDV, found by its input or its label; null when not shown. */
async function parameterItem(page, parameter) {
	const handle = await page.evaluateHandle(
		(parameter) =>
			[...document.querySelectorAll('[data-test-id="ndv"] [data-test-id="parameter-item"]')]
				.filter((item) => item.offsetParent !== null)
				.find((item) => item.querySelector(`[data-test-id="parameter-input-${parameter}"], label[for="${parameter}"]`)) ?? null,
		parameter,
	);
	const item = handle.asElement();
	if (!item) await handle.dispose();
	return item;
}

/**
 * Clicks "Let the model define this parameter" on `parameter` of the open NDV as a user does
 * (hover, read the tooltip, click). Resolves with { tooltip, field (the text the parameter then
 * shows in place of its input, e.g. "Defined automatically by the model"; '' when none) }.
 */
async function letModelDefine(page, parameter) {
	const button = await (await parameterItem(page, parameter))?.$(tid('from-ai-override-button'));
	if (!button) throw new Error(`${parameter} has no "Let the model define this parameter" button`);
	await button.hover();
	await sleep(800);
	const tooltip = await page.evaluate(() =>
		[...document.querySelectorAll('[role=tooltip], .el-popper, .n8n-tooltip')]
			.filter((element) => element.offsetParent !== null && element.innerText.trim())
			.map((element) => element.innerText.trim().split('\n')[0])
			.filter((text, index, texts) => texts.indexOf(text) === index)
			.join(' | '),
	);
	await button.click();
	await page.waitForSelector(`${tid('ndv')} ${tid('fromAI-override-field')}`, { visible: true, timeout: 5_000 }).catch(() => {});
	await sleep(500);
	const field = await (await parameterItem(page, parameter))?.$(tid('fromAI-override-field'));
	return { tooltip, field: field ? await field.evaluate((element) => element.innerText.trim().replace(/\s+/g, ' ')) : '' };
}

module.exports = { modelDefinableParameters, letModelDefine, closeNdvIfOpen, openGenerateNdv, openNodeNdv, switchOn, readField, addOptionOf, dropdownItems, pickDropdownItem, selectOption, ndvParameters };
