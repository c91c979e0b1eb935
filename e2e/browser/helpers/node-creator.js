// The node creator (the panel that searches and adds nodes): opening, closing, searching, reading
// and clicking its rows.
const { sleep, tid, typeInto } = require('./page');
const { list } = require('./text');

async function openCreator(page, open) {
	await open();
	await page.waitForSelector(`${tid('node-creator')} ${tid('node-creator-search-bar')}`, { visible: true });
	// Off the canvas node, so its hover buttons leave the screenshots.
	await page.mouse.move(300, 750);
	await page.mouse.move(1200, 700);
	await sleep(500);
}

async function closeCreator(page) {
	const isOpen = async () => {
		const bar = await page.$(`${tid('node-creator')} ${tid('node-creator-search-bar')}`);
		return Boolean(bar && (await bar.isVisible()));
	};
	for (let i = 0; i < 3 && (await isOpen()); i++) {
		await page.keyboard.press('Escape');
		await sleep(300);
	}
	// With "No results" shown, Escape does nothing: click the canvas beside the panel.
	if (await isOpen()) {
		await page.mouse.click(200, 300);
		await sleep(500);
	}
	if (await isOpen()) throw new Error('the node creator does not close (Escape, click on the canvas)');
	await sleep(400); // its slide-out animation
}

/** Types a term into the node creator's search and returns what the panel then lists. */
async function search(page, term) {
	const bar = `${tid('node-creator')} ${tid('node-creator-search-bar')}`;
	await typeInto(page, bar, term);
	// The list filters as you type; wait until it stops changing.
	let last = '';
	for (let i = 0; i < 20; i++) {
		await sleep(250);
		const text = await page.$eval(tid('node-creator'), (element) => element.innerText);
		if (text === last && i >= 3) break;
		last = text;
	}
	return listed(page);
}

/** The rows the node creator lists: name, description and kind (node, action, category...). */
function listed(page) {
	return page.$$eval(`${tid('node-creator')} ${tid('item-iterator-item')}`, (rows) =>
		rows
			.filter((row) => row.offsetParent !== null)
			.map((row) => {
				const name = row.querySelector('[data-test-id="node-creator-item-name"]');
				const description = row.querySelector('[data-test-id="node-creator-item-description"]');
				const kind = row.querySelector('[data-test-id^="node-creator-"][data-test-id$="-item"]');
				return {
					name: (name ?? row).innerText.trim().split('\n')[0],
					description: description ? description.innerText.trim() : '',
					// The row's own tag, else the type n8n gives keyboard navigation (1.123 and 2.41: node,
					// action, subcategory...; none on a "label", the header of an action group).
					kind: kind ? kind.getAttribute('data-test-id').replace(/^node-creator-|-item$/g, '') : (row.getAttribute('data-keyboard-nav-type') ?? 'label'),
				};
			}),
	);
}

async function clickRow(page, name) {
	const rows = await page.$$(`${tid('node-creator')} ${tid('item-iterator-item')}`);
	for (const row of rows) {
		const text = await row.evaluate((element) => {
			const label = element.querySelector('[data-test-id="node-creator-item-name"]');
			return (label ?? element).innerText.trim().split('\n')[0];
		});
		if (name.test(text) && (await row.isVisible())) {
			await row.click();
			return;
		}
	}
	const seen = (await listed(page)).map((row) => row.name);
	throw new Error(`no row ${name} in the node creator (listed: ${list(seen)})`);
}

module.exports = { openCreator, closeCreator, search, listed, clickRow };
