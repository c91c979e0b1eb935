#!/usr/bin/env node
// Runs the static analysis of n8n's community-package scanner (@n8n/scan-community-package) on a
// packed tarball BEFORE it is published.
//
// Why not `npx @n8n/scan-community-package <tarball>`: its CLI takes only a published name
// (`name[@version]`). It reads the packument from registry.npmjs.org, fails unless that version
// carries an npm provenance attestation, downloads the source commit the attestation names from
// codeload.github.com, `npm pack`s the published version, and lints both. None of that can run
// on a tarball that is not published yet. So this script imports the scanner's own module and
// runs its two lint legs exactly as `analyzePackageByName` does, with its own ESLint config
// (`buildScanConfig`):
//   source leg: analyzePackage(<source tree of this commit>, SOURCE_FILE_PATTERNS)
//   dist leg:   analyzePackage(<unpacked tarball>, ['**/*.js', 'package.json'])
// The source tree is `git archive HEAD`, which is what codeload serves for the attested commit.
// The provenance and source-download legs run after publishing (publish.yml, last step).
//
// Usage: node scan-tarball.mjs <folder where @n8n/scan-community-package is installed> <tarball>
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [scannerHome, tarball] = process.argv.slice(2);
if (!scannerHome || !tarball) {
	console.error('Usage: node scan-tarball.mjs <scanner install folder> <package tarball>');
	process.exit(2);
}

const scannerModule = path.resolve(
	scannerHome,
	'node_modules/@n8n/scan-community-package/scanner/scanner.mjs',
);
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(pathToFileURL(scannerModule).href);
if (typeof analyzePackage !== 'function' || !Array.isArray(SOURCE_FILE_PATTERNS)) {
	// The module is internal to the tool; fail loudly if a new version reshapes it.
	console.error(`${scannerModule} no longer exports analyzePackage and SOURCE_FILE_PATTERNS`);
	process.exit(2);
}

const run = (cmd, args, opts = {}) => {
	const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
const sourceDir = path.join(work, 'source');
const packageDir = path.join(work, 'package');
fs.mkdirSync(sourceDir);
fs.mkdirSync(packageDir);

// The committed tree, as codeload.github.com/<owner>/<repo>/tar.gz/<commit> would serve it.
const archive = path.join(work, 'source.tar');
run('git', ['archive', '--format=tar', '-o', archive, 'HEAD']);
run('tar', ['-xf', archive, '-C', sourceDir]);
// The tarball that will be published, unpacked as the scanner unpacks `npm pack` output.
run('tar', ['-xzf', path.resolve(tarball), '-C', packageDir, '--strip-components=1']);

const name = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).name;
const sourceName = JSON.parse(fs.readFileSync(path.join(sourceDir, 'package.json'), 'utf8')).name;
if (name !== sourceName) {
	console.error(`Tarball is ${name}, but the committed package.json names ${sourceName}`);
	process.exit(1);
}

const legs = [
	['source (git archive HEAD)', await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS)],
	[`tarball (${path.basename(tarball)})`, await analyzePackage(packageDir, ['**/*.js', 'package.json'])],
];
let passed = true;
for (const [label, result] of legs) {
	console.log(`${result.passed ? '✅' : '❌'} ${label}${result.message ? `: ${result.message}` : ''}`);
	if (result.details) console.log(result.details);
	passed &&= result.passed;
}
fs.rmSync(work, { recursive: true, force: true });
process.exit(passed ? 0 : 1);
