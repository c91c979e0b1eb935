// One run of the editor check: Chromium launched through puppeteer-core, numbered screenshots,
// and stages that record what failed and let the next stage run.
const fs = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');
const { closeCreator } = require('./node-creator');
const { closeNdvIfOpen } = require('./ndv');
const { slug } = require('./text');

/**
 * Launches Chromium and returns what the steps share: `browser`, `page` (the workflow's tab, set
 * before the first step), `summary` (what it saw), `failures`, and `expect` (records a failed
 * expectation, returns whether it held), `shot` (a numbered screenshot) and `stage` (a step).
 * `settings` (the base URL, owner, actions, api, wrongTokenSays) are kept on it for the steps.
 */
async function openSession({ screenshotsDir, log, chromium, ...settings }) {
	fs.mkdirSync(screenshotsDir, { recursive: true });
	const failures = [];
	const summary = { n8nVersion: undefined, searches: [], actions: [], generateAddedBy: undefined, generate: {}, screenshots: [], seconds: 0 };
	const expect = (ok, message) => {
		if (!ok) failures.push(message);
		return ok;
	};

	const browser = await puppeteer.launch({
		executablePath: chromium,
		headless: true,
		args: ['--no-sandbox', '--disable-dev-shm-usage'],
		defaultViewport: { width: 1440, height: 900 },
	});
	const session = { ...settings, screenshotsDir, browser, page: undefined, summary, failures, expect };
	session.shot = async (name, target = session.page) => {
		const file = path.join(screenshotsDir, `${String(summary.screenshots.length + 1).padStart(2, '0')}-${name}.png`);
		await target.screenshot({ path: file });
		summary.screenshots.push(file);
		return file;
	};
	/**
	 * One stage. A stage that throws is a failure (with a screenshot of where it stopped); the
	 * panels it left open are closed and the next stage still runs, so one run reports every
	 * failed expectation, not only the first. `pageOf` names the tab to screenshot when it stops
	 * (default: the workflow's).
	 */
	session.stage = async (name, fn, { pageOf } = {}) => {
		log(`editor check: ${name}`);
		try {
			await fn();
			return true;
		} catch (error) {
			const file = await session.shot(`stopped-${slug(name)}`, pageOf?.() ?? session.page).catch(() => undefined);
			failures.push(`${name}: stopped: ${error.message.split('\n')[0]}${file ? ` — see ${file}` : ''}`);
			await closeNdvIfOpen(session.page).catch(() => {});
			await closeCreator(session.page).catch(() => {});
			return false;
		}
	};
	return session;
}

/** Ends a check's session: closes Chromium, stamps the time taken and the failures into the summary, writes summary.json. */
async function closeSession({ browser, summary, failures }, startedAt, screenshotsDir) {
	await browser.close().catch(() => {});
	summary.seconds = Math.round((Date.now() - startedAt) / 100) / 10;
	summary.failures = failures;
	fs.writeFileSync(path.join(screenshotsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

module.exports = { closeSession, openSession };
