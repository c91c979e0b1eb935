// The install proofs: the packed package installed as the README says, with a user's stock npm,
// into the empty folders n8n later loads it from; then loaded with plain require(). Always run
// first: the other groups' cases load the package from these folders.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { N8N_VERSIONS, ROOT, userNpmInstall } = require('../n8n');
const { check, note } = require('../harness/cases');
const { ARTIFACTS, SCRATCH } = require('../harness/settings');

const hostNodeBin = () => path.dirname(fs.realpathSync(process.env.E2E_HOST_NODE ?? '/usr/bin/node'));
const nodeVersionOf = (nodeBinFolder) =>
	spawnSync(path.join(nodeBinFolder, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
const npmVersionWith = (nodeBinFolder) =>
	spawnSync('npm', ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${nodeBinFolder}:${process.env.PATH}` } }).stdout.trim();

/** What `npm install` left in a community-package folder: our package, and any peer it pulled in. */
function assertInstalled(folder) {
	const modules = path.join(folder, 'node_modules');
	const manifest = JSON.parse(fs.readFileSync(path.join(modules, 'n8n-nodes-gptge/package.json'), 'utf8'));
	assert.equal(manifest.name, 'n8n-nodes-gptge', 'the package landed in this folder (npm did not pick a parent folder)');
	for (const unwanted of ['n8n-workflow', 'isolated-vm']) {
		assert.equal(fs.existsSync(path.join(modules, unwanted)), false, `${unwanted} was installed`);
	}
}

/**
 * The README's install command in a fresh empty folder (the community-package folder of an n8n
 * user folder), with the given Node's stock npm; install scripts stay on, as for a user.
 */
async function proveInstall({ scope, folder, nodeBinFolder, flags, tarball }) {
	fs.mkdirSync(folder, { recursive: true });
	assert.deepEqual(fs.readdirSync(folder), [], 'the folder is empty');
	const result = await userNpmInstall(folder, nodeBinFolder, [tarball, ...flags]);
	fs.writeFileSync(path.join(ARTIFACTS, `install-${scope.replace(/\W+/g, '-')}.log`), result.output);
	assert.equal(result.code, 0, `npm install ${flags.join(' ')} exited ${result.code}:\n${result.output.slice(-3000)}`);
	assertInstalled(folder);
	return result;
}

/**
 * Loads the node and credential classes from an installed folder with plain require() on the
 * machine's Node, n8n-workflow resolved through NODE_PATH from an n8n install, as n8n itself
 * provides it to community packages (it puts its own module paths into NODE_PATH).
 */
function requireInstalledPackage(nodeBinFolder, folder, hostModules) {
	const packageDir = path.join(folder, 'node_modules/n8n-nodes-gptge');
	const script = `
		const manifest = require(${JSON.stringify(path.join(packageDir, 'package.json'))});
		const loaded = [...manifest.n8n.nodes, ...manifest.n8n.credentials].map((file) => {
			const exported = require(require('node:path').join(${JSON.stringify(packageDir)}, file));
			const instance = new (Object.values(exported)[0])();
			return instance.description?.name ?? instance.name;
		});
		console.log(JSON.stringify({ loaded, n8nWorkflow: require.resolve('n8n-workflow') }));`;
	const result = spawnSync(path.join(nodeBinFolder, 'node'), ['-e', script], {
		cwd: os.tmpdir(),
		encoding: 'utf8',
		env: { ...process.env, NODE_PATH: hostModules },
	});
	assert.equal(result.status, 0, result.stderr);
	return JSON.parse(result.stdout);
}

/**
 * The install proofs. The host Node is the one that started the suite (Node 20 on these
 * machines); n8n 1.x loads the package from its folder, n8n 2.x from the Node 24 one.
 */
async function installProofs(tarball, folders) {
	const hostNode = hostNodeBin();
	const node24 = path.dirname(process.execPath);
	const hostNodeLabel = `Node ${nodeVersionOf(hostNode)}, npm ${npmVersionWith(hostNode)}`;
	const node24Label = `Node ${process.version}, npm ${npmVersionWith(node24)}`;

	await check('install', `${hostNodeLabel}: npm install n8n-nodes-gptge --omit=peer in an empty folder exits 0, installs no n8n-workflow/isolated-vm`, async () => {
		const result = await proveInstall({ scope: 'host-node-omit-peer', folder: folders['1.x'], nodeBinFolder: hostNode, flags: ['--omit=peer'], tarball });
		note(`took ${result.seconds.toFixed(1)} s; n8n 1.x loads the package from ${folders['1.x']}`);
	});

	await check('install', `${node24Label}: npm install n8n-nodes-gptge --legacy-peer-deps in an empty folder exits 0, installs no n8n-workflow/isolated-vm`, async () => {
		const result = await proveInstall({ scope: 'node24-legacy-peer-deps', folder: folders['2.x'], nodeBinFolder: node24, flags: ['--legacy-peer-deps'], tarball });
		note(`took ${result.seconds.toFixed(1)} s; n8n 2.x loads the package from ${folders['2.x']}`);
	});

	await check('install', `${hostNodeLabel}: the node and the credential load with require() from the --omit=peer folder`, async () => {
		const host = N8N_VERSIONS.find((install) => install.key === '1.x' && install.installed()) ?? N8N_VERSIONS[0];
		const { loaded, n8nWorkflow } = requireInstalledPackage(hostNode, folders['1.x'], path.join(host.folder, 'node_modules'));
		assert.deepEqual(loaded, ['gptGe', 'gptGeApi']);
		note(`n8n-workflow from ${path.relative(ROOT, n8nWorkflow)}`);
	});

	// Why the README gives a flag: measured on request only (it compiles isolated-vm, ~2 min).
	if (process.env.E2E_PLAIN_INSTALL === '1') {
		const folder = path.join(SCRATCH, 'plain-install-host-node');
		fs.mkdirSync(folder, { recursive: true });
		const result = await userNpmInstall(folder, hostNode, [tarball]);
		fs.writeFileSync(path.join(ARTIFACTS, 'install-host-node-plain.log'), result.output);
		const cause = /gyp ERR! \$npm_package_name (\S+)/.exec(result.output)?.[1];
		console.log(`  · [install] ${hostNodeLabel}: plain npm install n8n-nodes-gptge exited ${result.code} after ${result.seconds.toFixed(0)} s${cause ? ` (${cause} failed to build)` : ''} (measurement, not a check)`);
	}
}

module.exports = { installProofs };
