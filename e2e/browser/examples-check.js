#!/usr/bin/env node
// A headless-browser check of the example workflows as a newcomer opens them (issue 29), in the
// real n8n editor with n8n-nodes-gptge installed.
//
// Interface (for e2e/cases/n8n-start.js, once per n8n version, after the editor check, with
// `n8n start` running): install as for editor-check.js (puppeteer-core in e2e/browser, Debian's
// Chromium).
//
//   const { checkExamples } = require('./browser/examples-check');
//   const summary = await checkExamples({
//     baseUrl: 'http://localhost:5678',      // the running editor
//     screenshotsDir: '/abs/dir',             // created if missing; every PNG + summary.json, always kept
//     owner: { email, password, firstName, lastName }, // signed in with (set up on a fresh n8n)
//     examplesDir: '/abs/examples',           // the examples/*.json to open
//     api: { baseUrl, token },                // the GPT.GE API (the stand-in) the "GPT.GE account" credential uses
//     apiRequests: () => [{ method, path, body }], // optional: that API's records; without, the agent's chat is skipped
//     viewports: [{ width, height, minFontPx }, ...], // optional (default VIEWPORTS in examples-expected.js)
//     log, chromium,                          // optional, as for editor-check.js
//   });
//
// What it checks, each example opened as a copy by its new ID at n8n's own initial zoom-to-fit
// (in the first viewport; in the next, the window resized and n8n's "Zoom to Fit" pressed): a screenshot; every sticky note's content fits its box (scrollHeight /
// scrollWidth against clientHeight / clientWidth of its content wrapper) and no pre / code block
// is wider than the note (a horizontal scrollbar); its smallest rendered text (computed font
// size × the canvas zoom) is at least the viewport's minFontPx (10 px at 1440×900, 9 at 1280×800); no box of n8n's own buttons over the
// canvas (zoom controls, Execute workflow / Open chat, the Editor / Executions tabs, the
// right-hand buttons) meets a node (with its name and subtitle) or a note; every link in a note
// is one the author wrote (a Markdown link or a URL with a scheme), not "GPT.GE" linkified. A
// probe note proves "GPT\.GE" renders without a link. Then Voice Source switches keep the
// example's expressions (VOICE_SWITCHES in examples-expected.js, in copies); with `api`, a copy
// of "one video per spreadsheet row" run with "Execute workflow" shows its "Results table" output
// on the Table view with the columns RESULTS_TABLE lists, left to right (row, name, status,
// videoUrl, taskId), one row per spreadsheet row, each video done; and the agent example answers
// both AGENT_PROMPTS in its chat panel with a video URL, one task each.
//
// Resolves with the summary { n8nVersion, examples: { [file]: { name, id, viewports: { [WxH]: {
// zoom, notes: [{ name, fontPx: { min, body }, overflow, filled, links, linksNotWritten, box }],
// overlaps, overlays, nodes, failures, screenshot } } } }, escapeProbe, voiceSwitches,
// resultsTable: { file, node, copyId, runSeconds (Execute workflow until the node's success mark),
// modes: [{ value, label, selected }] (the output panel's display modes), view (the selected
// modes' values), headers (the table's column headers, left to right), rows ([[cell text]]),
// ranScreenshot, screenshot (the opened panel), seconds }, agentChat: { prompts: [{ name, prompt,
// answer, creates, screenshot }] }, screenshots, seconds, failures }. Rejects with one Error
// listing every failed expectation; error.summary holds the summary. Each run leaves its copies
// (workflows) in that n8n.
//
// Standalone: node e2e/browser/examples-check.js http://localhost:5678 [screenshotsDir]
//   (owner as for editor-check.js; GPTGE_API_URL + GPTGE_API_TOKEN give `api`).
const fs = require('node:fs');
const path = require('node:path');
const { VIEWPORTS } = require('./examples-expected');
const { n8nVersion, signIn } = require('./helpers/page');
const { closeSession, openSession } = require('./helpers/session');
const { agentChat } = require('./steps/agent-chat');
const { escapeProbe, examplesLayout } = require('./steps/examples');
const { resultsTable } = require('./steps/results-table');
const { voiceSourceSwitches } = require('./steps/voice-switch');
const { runStandalone } = require('./helpers/standalone');

const AGENT_EXAMPLE = 'agent-chat-with-gpt-ge-tools.json';

async function checkExamples({ baseUrl, screenshotsDir, owner, examplesDir, api, apiRequests, viewports = VIEWPORTS, log = () => {}, chromium = '/usr/bin/chromium' }) {
	const startedAt = Date.now();
	const base = baseUrl.replace(/\/+$/, '');
	const session = await openSession({ screenshotsDir, log, chromium, base, owner });
	const { browser, failures } = session;
	// The session's own summary object (its screenshots are numbered from it), emptied of the editor check's fields.
	const { summary } = session;
	for (const key of Object.keys(summary)) if (key !== 'screenshots') delete summary[key];
	Object.assign(summary, { n8nVersion: undefined, examples: {} });
	const examples = fs
		.readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) }));

	try {
		session.page = await browser.newPage();
		session.page.setDefaultTimeout(20_000);
		await session.page.setViewport(viewports[0]);
		if (
			await session.stage('sign in', async () => {
				await signIn(session.page, base, owner, session.shot);
				summary.n8nVersion = await n8nVersion(session.page);
			})
		) {
			await examplesLayout(session, examples, viewports);
			await escapeProbe(session);
			await voiceSourceSwitches(session, examples);
			// Its run needs the "GPT.GE account" credential on a GPT.GE API (the stand-in).
			if (api) await resultsTable(session, examples);
			const agent = examples.find((example) => example.file === AGENT_EXAMPLE);
			if (agent && api && apiRequests) await agentChat(session, agent.workflow, { api, apiRequests });
		}
	} finally {
		await closeSession(session, startedAt, screenshotsDir);
	}

	if (failures.length) {
		const error = new Error(
			`examples check (n8n ${summary.n8nVersion ?? '?'}, ${base}) failed:\n` +
				failures.map((failure) => `  - ${failure}`).join('\n') +
				`\nScreenshots (and summary.json) in ${screenshotsDir}`,
		);
		error.summary = summary;
		throw error;
	}
	return summary;
}

module.exports = { checkExamples };

if (require.main === module) {
	runStandalone(__filename, checkExamples, {
		extra: { examplesDir: path.join(__dirname, '../../examples') },
		shown: (summary) => ({ ...summary, examples: Object.keys(summary.examples) }),
	});
}
