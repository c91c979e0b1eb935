#!/usr/bin/env node
// `npm start`: a local n8n with this package and the example workflows loaded. By default the
// GPT.GE credential points at the embedded stand-in API (no token, no network needed); with
// GPTGE_API_TOKEN set (and optionally GPTGE_BASE_URL) it points at the real API instead.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { optionsFromEnv, startStandIn } = require('../stand-in/server');
const { N8N_BIN, gptGeCredential, installPackedPackage, n8nEnv, runN8n } = require('./n8n');

const E2E = __dirname;
const ROOT = path.join(E2E, '..');
const USER_FOLDER = path.join(E2E, '.n8n-local'); // kept between starts: your account and edits stay
const PORT = Number(process.env.N8N_PORT ?? 5678);
// The sheet examples' files: the folder Read/Write Files from Disk may use (kept between starts).
const FILES = path.join(USER_FOLDER, 'files');
const env = n8nEnv(USER_FOLDER, { N8N_PORT: String(PORT), N8N_RESTRICT_FILE_ACCESS_TO: FILES });

/** The examples to import, their sheet paths pointed at FILES; the sheets copied there unless there already. */
function examplesForThisMachine(folder) {
	fs.mkdirSync(FILES, { recursive: true });
	for (const sheet of ['avatar-sheet.csv', 'avatar-sheet.xlsx']) {
		const target = path.join(FILES, sheet);
		if (!fs.existsSync(target)) fs.copyFileSync(path.join(ROOT, 'examples/sheets', sheet), target);
	}
	fs.mkdirSync(folder, { recursive: true });
	for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((name) => name.endsWith('.json'))) {
		const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
		for (const node of workflow.nodes) {
			const assignment = node.name === 'Sheet file' ? node.parameters.assignments.assignments[0] : undefined;
			if (assignment) assignment.value = path.join(FILES, path.basename(assignment.value));
		}
		fs.writeFileSync(path.join(folder, file), JSON.stringify(workflow));
	}
	return folder;
}

async function main() {
	// This package, packed and installed where n8n loads community packages.
	const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-start-'));
	installPackedPackage(USER_FOLDER, artifacts);

	const token = process.env.GPTGE_API_TOKEN;
	const standIn = token
		? undefined
		: await startStandIn({
				port: 4010,
				cdnPort: 4011,
				taskDurationMs: 20_000,
				// STAND_IN_* variables, read as `node stand-in/server.js` reads them (see stand-in/README.md).
				...optionsFromEnv(process.env),
			});
	const data = token
		? { apiToken: token, baseUrl: process.env.GPTGE_BASE_URL ?? 'https://api.gpt.ge' }
		: { apiToken: standIn.token, baseUrl: standIn.url };
	const credentials = path.join(artifacts, 'credentials.json');
	fs.writeFileSync(credentials, JSON.stringify(gptGeCredential(data)));

	const n8n = (args) => runN8n(args, env);
	await n8n(['import:credentials', `--input=${credentials}`]);
	await n8n(['import:workflow', '--separate', `--input=${examplesForThisMachine(path.join(artifacts, 'examples'))}`]);

	const server = spawn(process.execPath, [N8N_BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
	server.stdout.on('data', (chunk) => {
		process.stdout.write(chunk);
		if (/Editor is now accessible/.test(String(chunk))) {
			console.log(`\n  n8n with n8n-nodes-gptge: http://localhost:${PORT}`);
			console.log(token ? `  GPT.GE credential: ${data.baseUrl} (your token)` : `  GPT.GE credential: the stand-in API at ${standIn.url} (videos take ${env.STAND_IN_TASK_SECONDS ?? 20} s)`);
			console.log('  Example workflows: a sheet file (CSV) in and written back, the same every morning (XLSX, quota first), a Data Table,');
			console.log(`  one video per row with its file, long jobs (Wait → Get Task loop). The sheets: ${FILES}\n`);
		}
	});
	const stop = () => server.kill('SIGTERM');
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	server.on('close', async (code) => {
		await standIn?.close();
		fs.rmSync(artifacts, { recursive: true, force: true });
		process.exit(code ?? 0);
	});
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
