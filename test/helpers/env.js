// Runs before each test file: n8n-core writes its settings under N8N_USER_FOLDER (default ~/.n8n).
// The benchmarks load it too. Under jest, isolate.js removes the folder after the file's tests; a
// script removes it when it ends, on Ctrl-C and SIGTERM too, so nothing is left in /tmp.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-test-n8n-'));
process.env.N8N_USER_FOLDER = folder;

if (!process.env.JEST_WORKER_ID) {
	const remove = () => fs.rmSync(folder, { recursive: true, force: true });
	process.on('exit', remove);
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			remove();
			process.exit(128 + os.constants.signals[signal]);
		});
	}
}
