// What the e2e suite (run.js) and `npm start` (start.js) share: the n8n they run, its base
// environment, its CLI, the GPT.GE credential record, and this package installed into n8n.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const N8N_BIN = path.join(__dirname, 'node_modules/n8n/bin/n8n');

/** n8n's environment for a user folder: no telemetry or update checks, cookies over plain http. */
const n8nEnv = (userFolder, extra = {}) => ({
	...process.env,
	N8N_USER_FOLDER: userFolder,
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
	...extra,
});

/**
 * An n8n CLI command; resolves with what it printed. Asynchronous, so a stand-in API running in
 * the calling process keeps answering while n8n works.
 */
function runN8n(args, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [N8N_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`n8n ${args.join(' ')} exited ${code}\n${output}`))));
	});
}

/** The credential the example workflows name, as `n8n import:credentials` takes it. */
const gptGeCredential = (data) => [{ id: 'gptge-credential', name: 'GPT.GE account', type: 'gptGeApi', data }];

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
	}
	return result.stdout;
}

/** Builds, packs into `artifacts`, installs into the user folder; returns the tarball's path. */
function installPackedPackage(userFolder, artifacts) {
	run('npm', ['run', 'build'], ROOT);
	const tarball = path.join(artifacts, run('npm', ['pack', '--pack-destination', artifacts], ROOT).trim().split('\n').pop());
	const nodesFolder = path.join(userFolder, '.n8n/nodes');
	fs.mkdirSync(nodesFolder, { recursive: true });
	fs.writeFileSync(path.join(nodesFolder, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	run('npm', ['install', tarball, '--omit=dev', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund'], nodesFolder);
	return tarball;
}

module.exports = { N8N_BIN, n8nEnv, runN8n, gptGeCredential, installPackedPackage };
