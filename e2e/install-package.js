// Packs this repository's package and installs the tarball the way n8n installs a community
// package: into <n8n user folder>/.n8n/nodes, without dev dependencies or install scripts.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

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

module.exports = { installPackedPackage };
