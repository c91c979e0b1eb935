#!/usr/bin/env node
// A headless-browser check of the real n8n editor with n8n-nodes-gptge installed: can a user
// find the GPT.GE node by search and its actions (File → Upload among them), and does Generate
// show each voice source's own fields, and a binary field in place of each URL once its input is
// switched to "Binary File"?
//
// Interface (for e2e/cases/n8n-start.js, once per n8n version, with `n8n start` running and this package
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
// from, fields: { at, rateLimit, screenshot }, wrongToken: { banner, screenshot }, rightToken: { banner, screenshot }, seconds }; banner =
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
// Then GPT.GE as a tool (steps/tools.js), once per parent, each in a new workflow: adds an "AI
// Agent" (2.41 and 1.123 add a chat trigger with it) or an "MCP Server Trigger" from "Add first
// step"; expects its tool connector labelled "Tool" / "Tools"; from that connector's "+" searches
// "GPT.GE" and "gptge", expecting "GPT.GE Tool"; clicks it (both versions add it at once on Avatar
// → Generate; were actions listed, it would pick Generate) and expects the panel to show Resource
// "Avatar", Operation "Generate", "Tool Wait (Seconds)" displaying "40" and no Wait for
// Completion, Download Video or Simplify (screenshotted at Tool Wait; the plain Generate node
// above must not show Tool Wait), and "Let the model define this parameter" beside Avatar URL;
// hovers it (the tooltip), clicks it, and expects Avatar URL to read "Defined automatically by the
// model"; closes the panel, expects the tool connected to its parent, saves (Ctrl+S) and expects
// the saved avatarUrl to be the $fromAI('Avatar_URL', ...) expression; reopens the tool, picks
// Operation "Get Task" and expects its Task ID field, its Tool Wait displaying "0" and the same
// three fields hidden (screenshotted). Summary: `tools` (per parent: connector, toolName,
// resource, operation, parameters, toolOnly, modelDefinable, modelDefined: { tooltip, field },
// edges, saved, getTask: { parameters, toolOnly }, screenshots). Adds about 30 s. Each run leaves these two
// workflows too ("My workflow N").
// With `api`, last: in a second tab, Credentials page → "Create credential" → searches "GPT.GE
// API" → Continue; expects the fields API Token, Base URL and Rate Limit (Requests per Second) in
// this order, Rate Limit showing 0 with its hint under it (screenshotted), then 2.5 once typed; fills Base URL = api.baseUrl and a wrong API
// Token, saves (saving runs the test), opens the banner's "More details" and expects "GPT.GE refused the token (HTTP 401)" and
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
//
// Layout: this file runs the steps in order; steps/ holds them (what is checked), helpers/ the
// browser plumbing they use (puppeteer, the node creator, the NDV, the canvas, the credential
// dialog), expected.js what a user must see.
const { ACTIONS, WRONG_TOKEN_SAYS } = require('./expected');
const { sleep } = require('./helpers/page');
const { closeSession, openSession } = require('./helpers/session');
const { runStandalone } = require('./helpers/standalone');
const { credentialDialog } = require('./steps/credential');
const { toolConnectors } = require('./steps/tools');
const { binaryFileInputs, existingTaskIdOption, subtitleOnCanvas, voiceSourceFields, waitForCompletionFields } = require('./steps/generate');
const {
	addGenerateByPasting,
	addGenerateFromTrigger,
	addManualTrigger,
	searchFromEmptyCanvas,
	searchFromTopRightPlus,
	signInAndOpenWorkflow,
} = require('./steps/workflow');

async function checkEditor({ baseUrl, screenshotsDir, owner, log = () => {}, chromium = '/usr/bin/chromium', actions = ACTIONS, api, wrongTokenSays = WRONG_TOKEN_SAYS }) {
	const startedAt = Date.now();
	const base = baseUrl.replace(/\/+$/, '');
	const session = await openSession({ screenshotsDir, log, chromium, base, owner, actions, api, wrongTokenSays });
	const { summary, failures } = session;

	try {
		await runSteps(session);
	} finally {
		await closeSession(session, startedAt, screenshotsDir);
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

/**
 * The steps in order. A step that fails does not stop the others; those that need what it would
 * have made (the workflow, the trigger, the Generate node) are skipped and said so.
 */
async function runSteps(session) {
	const { failures } = session;
	session.page = await session.browser.newPage();
	session.page.setDefaultTimeout(20_000);

	if (!(await signInAndOpenWorkflow(session))) return;
	await searchFromEmptyCanvas(session);
	const trigger = await addManualTrigger(session);
	await searchFromTopRightPlus(session);

	let generateOpen = false;
	if (trigger) generateOpen = await addGenerateFromTrigger(session);
	else failures.push('search from the trigger\'s "+" connector: not done (no trigger on the canvas)');
	// Search could not add it: paste the node, so its fields are still checked.
	if (!generateOpen) generateOpen = await addGenerateByPasting(session);

	if (generateOpen) {
		await sleep(800);
		await voiceSourceFields(session);
		await binaryFileInputs(session);
		await waitForCompletionFields(session);
		await existingTaskIdOption(session);
		await subtitleOnCanvas(session);
	} else {
		failures.push('Generate with Wait for Completion on, and its canvas subtitle: not checked (no Generate node was added)');
	}

	await toolConnectors(session);
	if (session.api) await credentialDialog(session);
}

module.exports = { checkEditor };

if (require.main === module) runStandalone(__filename, checkEditor);
