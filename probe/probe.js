#!/usr/bin/env node
// npm run probe: does the node read what YOUR GPT.GE answers? Calls GPT.GE's free, read-only
// endpoints with your token, prints each answer's shape and the node's reading of it (through the
// node's own functions in dist/), and writes a report to attach to a bug report, the token masked.
// It creates a video (billed) only with --create-video. See README.md, "Check your token with the probe".
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const USAGE =
	'Usage: GPTGE_API_TOKEN=<token> [GPTGE_BASE_URL=https://api.gpt.ge] [GPTGE_TASK_ID=<task id>] ' +
	'npm run probe -- [--report <file>] [--timeout <seconds>] [--create-video <avatar_url> <audio_url>]';
const DEFAULT_BASE_URL = 'https://api.gpt.ge';
const DEFAULT_REPORT = 'gptge-probe-report.json';
const DEFAULT_TIMEOUT_S = 20;

class UsageError extends Error {}

/** The command line's options; a UsageError names what is wrong. */
function parseArgs(argv) {
	const options = { report: DEFAULT_REPORT, timeoutMs: DEFAULT_TIMEOUT_S * 1000, createVideo: null, help: false };
	const valueAfter = (index, name) => {
		const value = argv[index + 1];
		if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
		return value;
	};
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--help' || arg === '-h') options.help = true;
		else if (arg === '--report') options.report = valueAfter(index++, '--report');
		else if (arg === '--timeout') {
			const seconds = Number(valueAfter(index++, '--timeout'));
			if (!(seconds > 0)) throw new UsageError('--timeout needs a number of seconds above 0');
			options.timeoutMs = seconds * 1000;
		} else if (arg === '--create-video') {
			options.createVideo = [valueAfter(index, '--create-video <avatar_url>'), valueAfter(index + 1, '--create-video <avatar_url> <audio_url>')];
			index += 2;
		} else throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
	}
	return options;
}

/** The node's code, built: a clear line when it is not. */
function loadNode() {
	try {
		return { calls: require('./calls'), ...require('./shape'), secrets: require('../dist/nodes/GptGe/shared/secrets') };
	} catch (error) {
		if (error.code === 'MODULE_NOT_FOUND' && /dist/.test(error.message)) {
			throw new UsageError('the node is not built: run `npm run probe` (it builds first) or `npm run build`');
		}
		throw error;
	}
}

const show = (value) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** The first line of an entry: the request, its status, and the values that tell answer forms apart. */
function headline(entry) {
	if (entry.error) return `${entry.request} → no answer: ${entry.error}`;
	const parts = [`HTTP ${entry.status}`];
	if (entry.redirect) parts.push(`a redirect to ${entry.redirect}, not followed (the token goes to the Base URL only)`);
	if ('code' in entry) parts.push(`code ${show(entry.code)}`);
	for (const [name, value] of Object.entries(entry.statuses || {})) parts.push(`${name} ${show(value)}`);
	return `${entry.request} → ${parts.join(', ')}`;
}

/** What the node makes of an answer, in words. */
function nodeSays(entry) {
	const { node } = entry;
	if (!node) return '';
	if ('voices' in node) {
		const languages = Object.entries(node.byLanguage).map(([language, count]) => `${language} ${count}`);
		return ` → Voice → List: ${node.voices} voices${languages.length ? ` (${languages.join(', ')})` : ''}`;
	}
	if ('status' in node) {
		const facts = [`status ${node.status}`, `progress ${node.progress ?? 'unknown'}`, `video ${node.videoUrl ?? 'none yet'}`];
		if (node.failReason) facts.push(`fail reason ${JSON.stringify(node.failReason)}`);
		if (node.submittedAt) facts.push(`submitted ${node.submittedAt}`);
		if (node.finishedAt) facts.push(`finished ${node.finishedAt}`);
		return ` → Get Task: ${facts.join(', ')}`;
	}
	return '';
}

function readingLine(entry) {
	if (entry.error) return '  the node reads it: NO (no answer)';
	const { reading } = entry;
	if (reading.ok) return `  the node reads it: yes${reading.warning ? ` (warning: ${reading.warning})` : ''}${nodeSays(entry)}`;
	const said = reading.apiMessage ? ` (GPT.GE said: ${reading.apiMessage})` : '';
	return `  the node reads it: NO: ${reading.what}${said}${reading.taskId ? `; task ID ${reading.taskId}` : ''}`;
}

function printEntry(out, entry, renderShape) {
	out(headline(entry));
	if (entry.shape !== undefined) out(`  shape: ${renderShape(entry.shape, '  ', 9)}`);
	out(readingLine(entry));
}

const usd = (amount) => (amount === null ? 'unlimited' : `${amount} USD`);

/** The create's task ID, printed whatever happened: a billed video must never be lost. */
function printCreated(out, entry) {
	const reading = entry.reading;
	if (entry.error) {
		out(`No answer to the create (${entry.error}): a video may have been created and billed. Check your GPT.GE console before trying again.`);
	} else if (reading.taskId) {
		out(`${reading.ok ? 'Created' : 'GPT.GE answered with an error but named'} task ID: ${reading.taskId}`);
	} else if (entry.status >= 400 && entry.status < 500) {
		out(`GPT.GE refused the create (HTTP ${entry.status}) and named no task ID: most likely no video was created.`);
	} else {
		out('The create answer held no task ID the node can read: check your GPT.GE console, a video may exist and be billed.');
	}
}

/** Runs the probe; resolves with the exit code. `out` prints a line of output, `fail` the one line of a failure. */
async function main(argv, env, out, fail) {
	let options;
	let node;
	try {
		options = parseArgs(argv);
		if (options.help) {
			out(USAGE);
			return 0;
		}
		if (!env.GPTGE_API_TOKEN || !env.GPTGE_API_TOKEN.trim()) {
			throw new UsageError(`GPTGE_API_TOKEN is not set. Run: GPTGE_API_TOKEN=<your token> npm run probe (--help for the options)`);
		}
		node = loadNode();
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		fail(`probe: ${error.message}`);
		if (!/GPTGE_API_TOKEN|not built/.test(error.message)) fail(USAGE);
		return 2;
	}
	const token = env.GPTGE_API_TOKEN.trim();
	const mask = (text) => node.secrets.maskText(String(text), [token]);
	// Every line printed from here on is masked, though the entries it prints are masked already.
	const say = (line) => out(mask(line));
	const { root, strippedV1 } = node.calls.apiRootOf(env.GPTGE_BASE_URL || DEFAULT_BASE_URL);
	if (!/^https?:\/\/[^/]/i.test(root) || !URL.canParse(root)) {
		fail(mask(`probe: GPTGE_BASE_URL must be an http(s) address such as ${DEFAULT_BASE_URL}, not ${JSON.stringify(root)}`));
		return 2;
	}
	const probe = { root, token, timeoutMs: options.timeoutMs };

	// The token check first: a refused token or an unreachable host is one line.
	const [first, ...rest] = node.calls.checksFor(options);
	const results = [await node.calls.run(probe, first)];
	const gate = results[0];
	if (gate.answer.error) {
		fail(mask(`Could not reach ${gate.answer.url}: ${gate.answer.error}`));
		return 1;
	}
	if (gate.answer.status === 401 || gate.answer.status === 403) {
		const said = gate.entry.reading.apiMessage ? ` (GPT.GE said: ${gate.entry.reading.apiMessage})` : '';
		fail(mask(`GPT.GE refused the token (HTTP ${gate.answer.status}) at ${gate.answer.url}: check GPTGE_API_TOKEN${said}`));
		return 1;
	}

	say(`GPT.GE probe of ${root}${strippedV1 ? ' (the trailing /v1 of GPTGE_BASE_URL dropped, as the node does)' : ''}, token masked as ***`);
	say('');
	printEntry(say, gate.entry, node.renderShape);
	for (const check of rest) {
		if (check.endpoint === 'create') {
			say('');
			say(`--create-video: creating a video BILLS your GPT.GE account. Sending POST ${check.path} with avatar_url and audio_url…`);
		}
		const result = await node.calls.run(probe, check);
		results.push(result);
		if (check.endpoint !== 'create') say('');
		printEntry(say, result.entry, node.renderShape);
		if (check.endpoint === 'create') printCreated(say, result.entry);
	}
	const created = results.find((result) => result.entry.name === 'create');
	const taskId = (env.GPTGE_TASK_ID || '').trim() || (created && created.entry.reading && created.entry.reading.taskId);
	if (taskId) {
		results.push(await node.calls.run(probe, node.calls.taskCheck(taskId)));
		say('');
		printEntry(say, results[results.length - 1].entry, node.renderShape);
	}

	const quota = node.calls.quotaFrom(results[0], results[1]);
	say('');
	if (quota) say(`Account → Get Quota: quota ${usd(quota.quotaUsd)}, used ${quota.usedUsd} USD, left ${usd(quota.leftUsd)}`);
	else say('Account → Get Quota: cannot say (the billing answers above are not read)');
	const entries = results.map((result) => result.entry);
	const unread = entries.filter((entry) => !entry.reading || !entry.reading.ok);
	if (unread.length === 0) say(`The node reads all ${entries.length} answers.`);
	else say(`The node does NOT read ${unread.length} of ${entries.length} answers: ${unread.map((entry) => entry.name).join(', ')}.`);

	const report = {
		probe: 'n8n-nodes-gptge probe',
		version: require('../package.json').version,
		nodeJs: process.version,
		at: new Date().toISOString(),
		baseUrl: root,
		strippedV1,
		taskId: taskId || null,
		entries,
		quota,
		allRead: unread.length === 0,
	};
	const file = path.resolve(options.report);
	try {
		fs.writeFileSync(file, `${mask(JSON.stringify(node.secrets.maskDeep(report, [token]), null, 2))}\n`);
	} catch (error) {
		fail(`Could not write the report to ${file}: ${error.code || error.message}`);
		return 1;
	}
	say(`Report written to ${file} (the token masked): attach it to a bug report.`);
	return unread.length === 0 ? 0 : 1;
}

if (require.main === module) {
	// Output piped into `head` and the like: a closed pipe ends the probe quietly, not with a stack.
	process.stdout.on('error', (error) => {
		if (error.code !== 'EPIPE') throw error;
		process.exit(process.exitCode ?? 0);
	});
	main(
		process.argv.slice(2),
		process.env,
		(line) => process.stdout.write(`${line}\n`),
		(line) => process.stderr.write(`${line}\n`),
	).then(
		(code) => (process.exitCode = code),
		(error) => {
			const token = (process.env.GPTGE_API_TOKEN || '').trim();
			const text = String((error && error.message) || error);
			process.stderr.write(`probe: ${token ? text.split(token).join('***') : text}\n`);
			process.exitCode = 1;
		},
	);
}

module.exports = { main, parseArgs };
