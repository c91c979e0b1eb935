#!/usr/bin/env node
// A headless-browser check of the real n8n editor with n8n-nodes-gptge installed: can a user
// find the GPT.GE node by search and its actions (File → Upload among them), and does Generate
// show each voice source's own fields, and a binary field in place of each URL once its input is
// switched to "Binary File"?
//
// Interface (for e2e/run.js, once per n8n version, with `n8n start` running and this package
// installed in it). Install first: `npm ci --prefix e2e/browser` (puppeteer-core only, its own
// node_modules; no browser download) and Debian's Chromium (`apt-get install -y chromium
// fonts-liberation`). Runs under Node 20+ (any of the suite's Nodes).
//
//   const { checkEditor } = require('./browser/editor-check');
//   const summary = await checkEditor({
//     baseUrl: 'http://localhost:5678',      // the running editor
//     screenshotsDir: '/abs/dir',             // created if missing; one PNG per stage + summary.json, always kept
//     owner: { email, password, firstName, lastName }, // set up on first visit, else signed in with
//     log: (line) => {},                      // optional: one line per stage (default: silent)
//     chromium: '/usr/bin/chromium',          // optional
//     actions: [...],                         // optional: the action names expected (default ACTIONS below)
//     api: { baseUrl, token },                // optional: a GPT.GE API (the stand-in) and its valid token;
//                                             //   given, the credential dialog stage runs (see below)
//     wrongTokenSays: /…/,                     // optional: the wrong-token banner (default: our 401 hint)
//   });
//
// Resolves with a summary of what it saw: { n8nVersion, searches: [{ from, term, found, noResults,
// rows: [{ name, description, kind (node, action, ..., or label: an action group's header) }],
// screenshot }], actions: [{ from, rows, screenshot }], generateAddedBy, generate: { [voiceSource]:
// { parameters (names, in display order), notices (visible notice texts), audioInput (the URL /
// Binary File choice as a field, below; Audio URL and Clone Voice From Sample only) } },
// generateBinary: { avatar | audio | 'voice sample': { before, choice, field (each a field: {
// shown, label, value (the text the input or select displays), placeholder, text (the visible text
// around it: label and hint) }; before = the choice before it is switched), parameters (shown after
// the switch, in display order), screenshot } }, generateWaiting: { waitForCompletion (the switch
// is on), fields: { pollInterval, maxWait: { shown, label, value (the input's displayed text) } },
// screenshot }, generateOptions: { addOption: { testId (the "Add Option" select's data-test-id:
// collection-parameter-add on 2.41, none on 1.123), placeholder, labels (the NDV's visible labels)
// }, listed (its dropdown's items, in order), picked, field: { shown, label, value, placeholder },
// listedScreenshot (the open dropdown), screenshot (the field) }, generateOnCanvas: { nodes: [{
// name, subtitle, subtitleShown, inView, text }], screenshot }, credential (only with `api`: {
// from, wrongToken: { banner, screenshot }, rightToken: { banner, screenshot }, seconds }; banner =
// the result banner's visible text), screenshots, seconds, failures: [] }.
// Rejects with one Error whose message lists every failed expectation (each with its
// screenshot), then the screenshots' paths; error.summary holds the summary. A stage that
// breaks is reported and the next stage still runs, so one run shows everything that is wrong.
// It launches Chromium through puppeteer-core and always closes it; it prints nothing. Each run
// leaves one new workflow ("My workflow N") in that n8n. Works on n8n 2.41.x and 1.123.x: it
// clicks buttons rather than keys (N on 2.x, Tab on 1.x) and reads the same data-test-ids on
// both where they have them. The owner's password must satisfy n8n's rule (8+ characters, a
// number, a capital letter). Takes 1-3 min (most of it n8n loading the editor; slower on a busy
// machine).
//
// What it checks: signs in (or sets up the owner), opens a new workflow; from the empty canvas
// ("Add first step") searches "GPT.GE", "gptge" and "avatar", each time expecting the node "GPT.GE"
// listed, opens it and expects its actions (ACTIONS: the five, "Upload a file" listed under the
// header "FILE ACTIONS", as n8n groups actions by resource); adds a Manual Trigger; repeats the
// three searches from the top-right "+" and from the trigger's "+" connector, and adds "Generate a
// talking avatar video" there (expecting it connected to the trigger); if search cannot add it, it
// pastes the node instead so its fields are still checked. Then for each Voice Source, every file
// input on its default (URL), it expects avatarInput, avatarUrl, voiceSource in this order, no
// binary field, and exactly these voice fields in this order: Audio URL → audioInput (labelled
// "Audio Input"), audioUrl; Clone Voice From Sample → audioInput (labelled "Voice Sample Input"),
// sampleAudioUrl, language, text, and a visible notice saying "at least 20 seconds"; Use Existing
// Voice → language, voice, text (no audio input). Then the file inputs on "Binary File" (options
// picked as a user does, from the select's dropdown), one screenshot each: with Voice Source "Audio
// URL", "Avatar Input" → Binary File must hide "Avatar URL" and show "Avatar Binary Field"
// (avatarBinaryProperty) displaying "data" with the hint "The name of the input binary field
// holding the photo or video…"; "Audio Input" → Binary File must hide "Audio URL" and show "Audio
// Binary Field" (audioBinaryProperty, "data", hint "…holding the audio track"); then Voice Source
// "Clone Voice From Sample": the choice, labelled "Voice Sample Input" (it keeps Binary File from
// Audio Input: one parameter, two labels), on Binary File must hide "Voice Sample URL" and show
// "Voice Sample Binary Field" ("data", hint "…holding the recording of the voice to clone"); each
// binary field below its choice, each choice displaying "Binary File". Then it switches "Wait for
// Completion" on and expects "Poll Interval (Seconds)" to display "10" (not "10.0") and "Max Wait
// (Minutes)" "15" (the inputs' own text), screenshotting them; clicks the Options collection's "Add
// Option" and expects its dropdown to list "Existing Task ID", "Max Upload Size (MB)", "Max
// Requests per Second" in this order, picks "Existing Task ID" and expects a field labelled so
// (placeholder "e.g. {{ $json.taskId }}") in the NDV, screenshotting the open dropdown and the
// field; closes the NDV and expects the GPT.GE node on the canvas to show "Generate: Avatar" under
// its name (the description's subtitle; n8n renders it in the node's `[class*=subtitle]` element on
// 1.123 and 2.41), screenshotting it. Each of these reopens the NDV (double click on the node) when
// a stage before left it closed.
// With `api`, last: in a second tab, Credentials page → "Create credential" → searches "GPT.GE
// API" → Continue; fills Base URL = api.baseUrl and a wrong API Token, saves (saving runs the
// test), opens the banner's "More details" and expects "GPT.GE refused the token (HTTP 401)" and
// "Check the API Token" visible in it; then types api.token, saves again and expects the success
// banner ("Connection tested successfully"). Each banner is screenshotted. The credential it
// saved is deleted afterwards (through the REST API the editor uses). Adds about 15-25 s. (Not
// from the NDV: n8n 2.x closes the dialog on a successful save when it was opened with the NDV's
// "Connect to GPT.GE" button, so no success banner is shown there.) Seen 2026-11-23: 2.41.1 shows
// both texts; 1.123.81 fails the wrong-token expectation, showing n8n's own "Authorization failed
// - please check your credentials" (its n8n-workflow 1.120 NodeApiError drops `cause`, so the
// tester never sees the HTTP status and applies no responseCode rule); both show the success banner.
//
// Standalone: node e2e/browser/editor-check.js http://localhost:5678 [screenshotsDir]
//   (owner from GPTGE_E2E_OWNER_EMAIL / GPTGE_E2E_OWNER_PASSWORD, else owner@example.com /
//   EditorCheck1; GPTGE_API_URL + GPTGE_API_TOKEN give `api` (e.g. the stand-in's URL and token);
//   GPTGE_E2E_VERBOSE=1 prints the stages; prints the summary as JSON, or the failures and exits 1).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const NODE_NAME = 'GPT.GE';
const SEARCH_TERMS = ['GPT.GE', 'gptge', 'avatar'];
const ACTIONS = ['Generate a talking avatar video', 'Get the status of a video task', 'List voices', 'Get the quota and usage of the token', 'Upload a file'];
const GENERATE_ACTION = ACTIONS[0];
/** The File resource's one action, and the header n8n lists it under in the node's action view. */
const UPLOAD_ACTION = { name: 'Upload a file', group: /^File actions$/i };
/**
 * Per Voice Source option: the voice-related parameters it must show, exactly and in this order
 * (with every file input left on its default, URL), and the label its URL / Binary File choice
 * (audioInput, one parameter shown under two labels) must have.
 */
const VOICE_SOURCES = {
	'Audio URL': { shows: ['audioInput', 'audioUrl'], audioInputLabel: 'Audio Input' },
	'Clone Voice From Sample': { shows: ['audioInput', 'sampleAudioUrl', 'language', 'text'], audioInputLabel: 'Voice Sample Input' },
	'Use Existing Voice': { shows: ['language', 'voice', 'text'] },
};
const VOICE_PARAMETERS = ['audioInput', 'audioUrl', 'audioBinaryProperty', 'sampleAudioUrl', 'language', 'voice', 'text'];
/** Shown for every Voice Source, in this order (Avatar Input on its default, URL). */
const ALWAYS_SHOWN = ['avatarInput', 'avatarUrl', 'voiceSource'];
/** Shown only once a file input is switched to Binary File. */
const BINARY_ONLY = ['avatarBinaryProperty', 'audioBinaryProperty'];
const CLONE_NOTICE = /at least 20 seconds/i;
/** The choice's option that takes the file from the input item's binary data. */
const BINARY_FILE = 'Binary File';
/**
 * Generate's file inputs switched to Binary File: the choice (its parameter and label), the URL
 * field it hides, and the binary field it shows instead (label, default value, hint). `voiceSource`:
 * the Voice Source it is shown under.
 */
const BINARY_INPUTS = [
	{ input: 'avatar', choice: 'avatarInput', choiceLabel: 'Avatar Input', urlField: 'avatarUrl', urlLabel: 'Avatar URL', field: 'avatarBinaryProperty', label: 'Avatar Binary Field', value: 'data', hint: /The name of the input binary field holding the photo or video/ },
	{ input: 'audio', voiceSource: 'Audio URL', choice: 'audioInput', choiceLabel: 'Audio Input', urlField: 'audioUrl', urlLabel: 'Audio URL', field: 'audioBinaryProperty', label: 'Audio Binary Field', value: 'data', hint: /The name of the input binary field holding the audio track/ },
	{ input: 'voice sample', voiceSource: 'Clone Voice From Sample', choice: 'audioInput', choiceLabel: 'Voice Sample Input', urlField: 'sampleAudioUrl', urlLabel: 'Voice Sample URL', field: 'audioBinaryProperty', label: 'Voice Sample Binary Field', value: 'data', hint: /The name of the input binary field holding the recording of the voice to clone/ },
];
const NODE_TYPE = 'n8n-nodes-gptge.gptGe';
/** With Wait for Completion on: the fields it shows and the default each input must display (not "10.0"). */
const WAIT_FIELDS = {
	pollInterval: { label: 'Poll Interval (Seconds)', shows: '10' },
	maxWait: { label: 'Max Wait (Minutes)', shows: '15' },
};
/** Generate's Options collection: what its "Add Option" dropdown must list, in this order. */
const GENERATE_OPTIONS = ['Existing Task ID', 'Max Upload Size (MB)', 'Max Requests per Second'];
/** The option the check adds there, and the field it must then show. */
const EXISTING_TASK_ID = { parameter: 'existingTaskId', label: 'Existing Task ID', placeholder: 'e.g. {{ $json.taskId }}' };
/** The line n8n shows under the node's name on the canvas (the description's `subtitle`). */
const CANVAS_SUBTITLE = 'Generate: Avatar';
const CREDENTIAL_TYPE = 'GPT.GE API';
/** What the credential dialog's banner must show after a save with a wrong token (n8n 2.41). */
const WRONG_TOKEN_SAYS = /GPT\.GE refused the token \(HTTP 401\)\. .*Check the API Token/;
/** The success banner (n8n 1.123 and 2.41 both say "Connection tested successfully"). */
const TEST_PASSED = /Connection tested successfully|tested successfully|connected successfully/i;
/** A banner's headline: the test passed or failed. */
const TEST_DONE = /tested successfully|connected successfully|Couldn.t connect|failed/i;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tid = (id) => `[data-test-id="${id}"]`;

async function checkEditor({ baseUrl, screenshotsDir, owner, log = () => {}, chromium = '/usr/bin/chromium', actions = ACTIONS, api, wrongTokenSays = WRONG_TOKEN_SAYS }) {
	const startedAt = Date.now();
	const base = baseUrl.replace(/\/+$/, '');
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
	let page;
	const shot = async (name, target = page) => {
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
	const stage = async (name, fn, { pageOf } = {}) => {
		log(`editor check: ${name}`);
		try {
			await fn();
			return true;
		} catch (error) {
			const file = await shot(`stopped-${slug(name)}`, pageOf?.() ?? page).catch(() => undefined);
			failures.push(`${name}: stopped: ${error.message.split('\n')[0]}${file ? ` — see ${file}` : ''}`);
			await closeNdvIfOpen(page).catch(() => {});
			await closeCreator(page).catch(() => {});
			return false;
		}
	};

	const run = async () => {
		page = await browser.newPage();
		page.setDefaultTimeout(20_000);

		const ready = await stage('sign in and open a new workflow', async () => {
			await signIn(page, base, owner, shot);
			summary.n8nVersion = await n8nVersion(page);
			await page.goto(`${base}/workflow/new`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
			await page.waitForSelector(tid('canvas-plus-button'), { visible: true, timeout: 60_000 });
			await dismissPopups(page);
			await shot('empty-canvas');
		});
		if (!ready) return;

		await stage('search from the empty canvas ("Add first step")', async () => {
			await openCreator(page, () => page.click(tid('canvas-plus-button')));
			const found = await searchAll(page, 'empty canvas ("Add first step")', summary, expect, shot);
			if (!found) {
				failures.push(`the node's actions: not checked, no search listed "${NODE_NAME}"`);
				return closeCreator(page);
			}
			await search(page, found);
			await checkActions(page, 'empty canvas', actions, summary, expect, shot);
			await closeCreator(page);
		});

		const trigger = await stage('add a Manual Trigger', async () => {
			await openCreator(page, () => page.click(tid('canvas-plus-button')));
			await search(page, 'manual');
			await clickRow(page, /^(Trigger manually|Manual Trigger)$/);
			await page.waitForSelector(tid('canvas-node'), { visible: true });
			await closeNdvIfOpen(page);
			await closeCreator(page);
			await dismissPopups(page);
			await shot('manual-trigger');
		});

		await stage('search from the top-right "+"', async () => {
			await openCreator(page, () => page.click(tid('node-creator-plus-button')));
			await searchAll(page, 'top-right "+" after a trigger', summary, expect, shot);
			await closeCreator(page);
		});

		let generateOpen = false;
		if (trigger) {
			await stage('search from the trigger\'s "+" connector and add Generate there', async () => {
				await openCreator(page, () => page.click(tid('canvas-handle-plus')));
				const found = await searchAll(page, 'trigger\'s "+" connector', summary, expect, shot);
				if (!found) return closeCreator(page);
				await search(page, found);
				await checkActions(page, 'trigger\'s "+" connector', actions, summary, expect, shot);
				await clickRow(page, new RegExp(`^${escapeRegExp(GENERATE_ACTION)}$`));
				await page.waitForSelector(tid('ndv'), { visible: true });
				generateOpen = true;
				summary.generateAddedBy = 'the trigger\'s "+" connector';
				// Added from the connector, so it hangs on the trigger.
				const edges = await page.$$eval(tid('edge'), (found) => found.length);
				expect(edges >= 1, 'Generate added from the trigger\'s "+" connector is not connected to the trigger');
			});
		} else {
			failures.push('search from the trigger\'s "+" connector: not done (no trigger on the canvas)');
		}

		if (!generateOpen) {
			// Search could not add it: paste the node, so its fields are still checked.
			await stage('add Generate by pasting it (search did not add it)', async () => {
				await pasteGenerateNode(page);
				generateOpen = true;
				summary.generateAddedBy = 'pasting the node (search did not list it)';
			});
		}

		if (generateOpen) {
			await sleep(800);
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

		if (generateOpen) {
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
		} else {
			failures.push('Generate with Wait for Completion on, and its canvas subtitle: not checked (no Generate node was added)');
		}

		if (api) {
			// Its own tab, so it needs nothing the workflow stages left behind.
			const startedAt = Date.now();
			let tab;
			const saved = [];
			const credential = { from: `Credentials page → "Create credential" → "${CREDENTIAL_TYPE}"` };
			summary.credential = credential;
			await stage(
				`the "${CREDENTIAL_TYPE}" credential dialog: a wrong token, then the right one`,
				async () => {
					tab = await browser.newPage();
					tab.setDefaultTimeout(20_000);
					tab.on('response', (response) => {
						const request = response.request();
						if (request.method() === 'POST' && /\/rest\/credentials$/.test(new URL(response.url()).pathname)) {
							response.json().then((body) => saved.push((body.data ?? body).id), () => {});
						}
					});
					await openNewCredential(tab, base);
					await fillCredentialField(tab, 'baseUrl', api.baseUrl);
					await fillCredentialField(tab, 'apiToken', `${api.token}-wrong`);
					const wrong = await saveAndReadBanner(tab, TEST_DONE);
					const wrongFile = await shot('credential-wrong-token', tab);
					credential.wrongToken = { banner: wrong, screenshot: wrongFile };
					// n8n's own words for any 401: the credential's 401 rule was not applied.
					const generic = /Authorization failed/i.test(wrong) ? " — n8n's generic 401 text, so this n8n did not apply the credential's 401 rule" : '';
					expect(wrongTokenSays.test(wrong), `credential dialog, wrong API Token: the banner does not show ${wrongTokenSays} (shows: "${wrong}"${generic}) — see ${wrongFile}`);
					await fillCredentialField(tab, 'apiToken', api.token);
					const right = await saveAndReadBanner(tab, TEST_PASSED);
					const rightFile = await shot('credential-right-token', tab);
					credential.rightToken = { banner: right, screenshot: rightFile };
					expect(TEST_PASSED.test(right), `credential dialog, right API Token: no success banner (shows: "${right}") — see ${rightFile}`);
				},
				{ pageOf: () => tab },
			);
			// Leave no credential behind (the REST call the Credentials page's Delete makes).
			if (tab) {
				for (const id of new Set(saved.filter(Boolean))) await deleteCredential(tab, id).catch(() => {});
				await tab.close().catch(() => {});
			}
			credential.seconds = Math.round((Date.now() - startedAt) / 100) / 10;
		}
	};

	try {
		await run();
	} finally {
		await browser.close().catch(() => {});
		summary.seconds = Math.round((Date.now() - startedAt) / 100) / 10;
		summary.failures = failures;
		fs.writeFileSync(path.join(screenshotsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
	}

	if (failures.length) {
		const error = new Error(
			`n8n editor check (n8n ${summary.n8nVersion ?? '?'}, ${base}) failed:\n` +
				failures.map((failure) => `  - ${failure}`).join('\n') +
				`\nScreenshots (and summary.json) in ${screenshotsDir}:\n${summary.screenshots.map((file) => `  ${file}`).join('\n')}`,
		);
		error.summary = summary;
		throw error;
	}
	return summary;
}

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
async function openGenerateNdv(page) {
	const ndv = await page.$(tid('ndv'));
	if (ndv && (await ndv.isVisible())) return;
	const nodes = await page.$$(`${tid('canvas-node')}[data-node-type="${NODE_TYPE}"]`);
	if (!nodes.length) throw new Error('no GPT.GE node on the canvas to open');
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

/** Searches each term, expecting the node; returns a term that listed it. */
async function searchAll(page, from, summary, expect, shot) {
	let foundBy;
	for (const term of SEARCH_TERMS) {
		const rows = await search(page, term);
		const noResults = await page.$eval(tid('node-creator'), (element) => /No results for/i.test(element.innerText));
		const file = await shot(`search-${slug(from)}-${slug(term)}`);
		const found = rows.some((row) => row.name === NODE_NAME);
		if (found) foundBy ??= term;
		summary.searches.push({ from, term, found, noResults, rows, screenshot: file });
		expect(
			found,
			`search "${term}" from the ${from} does not list "${NODE_NAME}" (${noResults ? 'no results' : `listed: ${list(rows.map((row) => row.name))}`}) — see ${file}`,
		);
	}
	return foundBy;
}

/** Clicks the GPT.GE row of the current search and expects its actions in the view that opens. */
async function checkActions(page, from, actions, summary, expect, shot) {
	await clickRow(page, new RegExp(`^${escapeRegExp(NODE_NAME)}$`));
	await sleep(800);
	const rows = await listed(page);
	const file = await shot(`node-actions-${slug(from)}`);
	summary.actions.push({ from, rows, screenshot: file });
	const names = rows.map((row) => row.name);
	for (const action of actions) {
		expect(names.includes(action), `the node's actions (opened from the ${from}) lack "${action}" (listed: ${list(names)}) — see ${file}`);
	}
	// File → Upload under its resource's header ("FILE ACTIONS"): the header row above it.
	const upload = names.indexOf(UPLOAD_ACTION.name);
	if (actions.includes(UPLOAD_ACTION.name) && upload >= 0) {
		const header = rows.slice(0, upload).reverse().find((row) => row.kind === 'label' || row.kind === 'category');
		expect(
			header && UPLOAD_ACTION.group.test(header.name),
			`the node's actions (opened from the ${from}) list "${UPLOAD_ACTION.name}" under ${header ? `"${header.name}"` : 'no header'}, expected ${UPLOAD_ACTION.group} — see ${file}`,
		);
	}
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

const same = (a, b) => a.length === b.length && a.every((value, index) => value === b[index]);
const list = (values) => (values.length ? values.map((value) => `"${value}"`).join(', ') : 'nothing');
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = { checkEditor };

if (require.main === module) {
	const [baseUrl, screenshotsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-editor-check-'))] = process.argv.slice(2);
	if (!baseUrl) {
		console.error('usage: node e2e/browser/editor-check.js http://localhost:PORT [screenshotsDir]');
		process.exit(2);
	}
	const owner = {
		email: process.env.GPTGE_E2E_OWNER_EMAIL ?? 'owner@example.com',
		password: process.env.GPTGE_E2E_OWNER_PASSWORD ?? 'EditorCheck1',
		firstName: 'Editor',
		lastName: 'Check',
	};
	const log = process.env.GPTGE_E2E_VERBOSE ? (line) => console.error(line) : undefined;
	const api = process.env.GPTGE_API_URL ? { baseUrl: process.env.GPTGE_API_URL, token: process.env.GPTGE_API_TOKEN ?? '' } : undefined;
	checkEditor({ baseUrl, screenshotsDir, owner, log, api }).then(
		(summary) => console.log(JSON.stringify(summary, null, 2)),
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
