// The credential dialog, opened from the Credentials page: picking the type, filling fields,
// saving (which runs the credential test) and reading the test's banner; deleting what was saved.
const { CREDENTIAL_TYPE, TEST_DONE } = require('../expected');
const { dismissPopups, sleep, tid } = require('./page');
const { list } = require('./text');

/**
 * Opens the credential dialog for a new GPT.GE API credential as a user does: Credentials page,
 * "Create credential", search the type, pick it, Continue.
 */
async function openNewCredential(tab, base) {
	await tab.goto(`${base}/home/credentials`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
	await tab.waitForSelector(tid('add-resource-credential'), { visible: true, timeout: 60_000 });
	await dismissPopups(tab);
	await tab.click(tid('add-resource-credential'));
	const typeSearch = `${tid('new-credential-type-select')} input`;
	await tab.waitForSelector(typeSearch, { visible: true });
	await tab.click(typeSearch);
	await tab.type(typeSearch, CREDENTIAL_TYPE);
	let offered = [];
	for (let i = 0; i < 20; i++) {
		await sleep(250);
		offered = [];
		for (const option of await tab.$$(`${tid('new-credential-type-select-option')}, .el-select-dropdown__item, [role=option]`)) {
			if (!(await option.isVisible())) continue;
			const text = await option.evaluate((element) => element.innerText.trim());
			if (!offered.includes(text)) offered.push(text);
			if (text === CREDENTIAL_TYPE) {
				await option.click();
				offered = undefined;
				break;
			}
		}
		if (!offered) break;
	}
	if (offered) throw new Error(`"Create credential" search "${CREDENTIAL_TYPE}" does not offer it (offered: ${list(offered)})`);
	await sleep(300);
	await tab.click(tid('new-credential-type-button'));
	await tab.waitForSelector(`${tid('credential-edit-dialog')} ${tid('parameter-input-apiToken')} input`, { visible: true });
	await sleep(500);
}

/**
 * Where each of `labels` first shows in the open credential dialog's text (-1: not shown), and
 * what the input of field `field` holds.
 */
async function credentialDialogShows(tab, labels, field) {
	return await tab.evaluate(
		(labels, input) => {
			const dialog = document.querySelector('[data-test-id="credential-edit-dialog"]');
			const text = dialog?.innerText ?? '';
			return { at: labels.map((label) => text.indexOf(label)), value: dialog?.querySelector(input)?.value ?? null };
		},
		labels,
		`${tid(`parameter-input-${field}`)} input`,
	);
}

/** Replaces a field's value in the open credential dialog, typing as a user does. */
async function fillCredentialField(tab, field, value) {
	const input = `${tid('credential-edit-dialog')} ${tid(`parameter-input-${field}`)} input`;
	await tab.click(input, { clickCount: 3 });
	await tab.keyboard.down('Control');
	await tab.keyboard.press('a');
	await tab.keyboard.up('Control');
	await tab.keyboard.press('Backspace');
	await tab.type(input, value);
	await sleep(300); // n8n takes the value a moment after the last key
}

/**
 * Clicks Save (which saves and runs the credential test), waits for the result banner to match
 * `expected` (or, after 30 s, takes whatever it shows), opens its "More details", and returns its
 * visible text.
 */
async function saveAndReadBanner(tab, expected) {
	const button = `${tid('credential-save-button')} button, button${tid('credential-save-button')}`;
	await tab.waitForFunction((selector) => [...document.querySelectorAll(selector)].some((element) => !element.disabled), { timeout: 10_000 }, button).catch(() => {
		throw new Error('the credential dialog\'s Save button stays disabled after filling in the fields');
	});
	const before = await bannerText(tab);
	await tab.click(button);
	const deadline = Date.now() + 30_000;
	let text = before;
	while (Date.now() < deadline) {
		await sleep(250);
		text = await bannerText(tab);
		// A new result: the expected one, or a banner other than the one before the save.
		if (text && (expected.test(text) || (text !== before && TEST_DONE.test(text)))) break;
	}
	if (!text) throw new Error('no result banner in the credential dialog 30 s after Save');
	// n8n 2.x (and 1.x) fold a failed test's message under "More details".
	const more = await bannerHandle(tab);
	if (more) {
		const clicked = await more.evaluate((banner) => {
			const link = [...banner.querySelectorAll('*')].find((element) => element.children.length === 0 && element.innerText?.trim() === 'More details' && element.offsetParent);
			if (link) link.click();
			return Boolean(link);
		});
		if (clicked) await sleep(600);
	}
	await tab.mouse.move(5, 890); // no hover styles in the screenshot
	return bannerText(tab);
}

/**
 * The credential test's banner in the open dialog: the largest element around its headline
 * ("Connection tested successfully", "Couldn't connect with these settings") that holds none of
 * the dialog's fields (on 1.123 and 2.41 the tag that also holds Retry and the unfolded details).
 */
async function bannerHandle(tab) {
	const handle = await tab.evaluateHandle(() => {
		const dialog = document.querySelector('[data-test-id="credential-edit-dialog"]');
		if (!dialog) return null;
		const headline = [...dialog.querySelectorAll('*')].find(
			(element) => element.children.length === 0 && element.offsetParent && /tested successfully|connected successfully|Couldn.t connect/i.test(element.innerText ?? ''),
		);
		if (!headline) return null;
		let banner = headline;
		while (banner.parentElement && banner.parentElement !== dialog && !banner.parentElement.querySelector('input, textarea')) banner = banner.parentElement;
		return banner;
	});
	const element = handle.asElement();
	if (!element) await handle.dispose();
	return element;
}

/** The banner's text as shown (innerText leaves out what is hidden), or '' without one. */
async function bannerText(tab) {
	const banner = await bannerHandle(tab).catch(() => null);
	if (!banner) return '';
	const text = await banner.evaluate((element) => {
		let shown = element.innerText;
		for (const button of element.querySelectorAll('button')) if (button.innerText.trim()) shown = shown.replace(button.innerText.trim(), ' ');
		return shown.replace(/\s+/g, ' ').trim();
	});
	await banner.dispose();
	return text;
}

function deleteCredential(tab, id) {
	return tab.evaluate(async (id) => {
		const headers = { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' };
		return (await fetch(`/rest/credentials/${id}`, { method: 'DELETE', headers })).ok;
	}, id);
}

module.exports = { openNewCredential, credentialDialogShows, fillCredentialField, saveAndReadBanner, deleteCredential };
