// Driving an editor tab with puppeteer-core: selectors, pauses, typing as a user does, popups,
// and signing in (or setting up the owner on a fresh n8n).
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tid = (id) => `[data-test-id="${id}"]`;

/** n8n's version, from the settings a signed-in user gets. */
function n8nVersion(page) {
	return page.evaluate(async () => {
		const headers = { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' };
		const body = await (await fetch('/rest/settings', { headers })).json();
		return (body.data ?? body).versionCli;
	});
}

async function signIn(page, base, owner, shot) {
	await page.goto(`${base}/`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
	// The editor routes to /setup (first visit), /signin, or in (already signed in).
	await page.waitForFunction(
		() => document.querySelector('input[name=password]') || /^\/(workflow|home|assistant)/.test(location.pathname),
		{ timeout: 60_000 },
	);
	const at = new URL(page.url()).pathname;
	if (at.startsWith('/setup')) {
		await page.waitForSelector('input[name=email]', { visible: true });
		await typeInto(page, 'input[name=email]', owner.email);
		await typeInto(page, 'input[name=firstName]', owner.firstName ?? 'Editor');
		await typeInto(page, 'input[name=lastName]', owner.lastName ?? 'Check');
		await typeInto(page, 'input[name=password]', owner.password);
		await shot('owner-setup');
		await submitted(page);
	} else if (at.startsWith('/signin')) {
		const email = 'input[name=emailOrLdapLoginId], input[name=email]';
		await page.waitForSelector(email, { visible: true });
		await typeInto(page, email, owner.email);
		await typeInto(page, 'input[name=password]', owner.password);
		await shot('sign-in');
		await submitted(page);
	}
	// Signed in? (After the owner setup, 2.x may still show an "n8n Assistant" offer on /setup.)
	const signedIn = await page.evaluate(async () => {
		// n8n ties its auth cookie to the browser ID the editor sends along.
		const headers = { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' };
		return (await fetch('/rest/login', { headers })).ok;
	});
	if (!signedIn) {
		const text = await page.evaluate(() => document.body.innerText.slice(0, 300));
		throw new Error(`not signed in after submitting the owner on ${at} (page: ${text.replace(/\s+/g, ' ')})`);
	}
}

/** Submits the owner form and waits until it is gone (n8n takes a few seconds to sign in). */
async function submitted(page) {
	await page.click(tid('form-submit-button'));
	await page.waitForFunction(() => !document.querySelector('input[name=password]'), { timeout: 60_000 }).catch(async () => {
		const text = await page.evaluate(() => document.body.innerText.slice(0, 300));
		throw new Error(`the owner form stays after submitting it (page: ${text.replace(/\s+/g, ' ')})`);
	});
}

async function typeInto(page, selector, value) {
	await page.click(selector, { clickCount: 3 });
	await page.keyboard.press('Backspace');
	await page.type(selector, value);
}

/** Closes one-time modals and tips that cover the canvas. */
async function dismissPopups(page) {
	await page.evaluate(() => {
		for (const button of document.querySelectorAll('button')) {
			const text = button.innerText.trim();
			if (/^(Got it|Skip|Get started)$/.test(text) && button.offsetParent) button.click();
		}
	});
}

/** Clicks `selector` until `shows` is visible (a click that came too early is repeated), at most 3 times. */
async function clickUntil(page, selector, shows) {
	for (let attempt = 1; ; attempt++) {
		await page.click(selector);
		const shown = await page.waitForSelector(shows, { visible: true, timeout: 4_000 }).then(() => true, () => false);
		if (shown || attempt === 3) return;
	}
}

module.exports = { sleep, tid, clickUntil, n8nVersion, signIn, typeInto, dismissPopups };
