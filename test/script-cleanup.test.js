// A script that loads the test environment (the benchmarks do) leaves no n8n user folder in /tmp:
// not when it ends, not when it is stopped with SIGTERM or Ctrl-C.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ENV = path.join(__dirname, 'helpers', 'env.js');

/** Runs a script that loads env.js and prints its folder; `stop` a signal to send once it has. */
function runScript(stop) {
	const code = `require(${JSON.stringify(ENV)}); console.log(process.env.N8N_USER_FOLDER); setTimeout(() => {}, ${stop ? 60_000 : 0});`;
	const { JEST_WORKER_ID: _jest, ...env } = process.env;
	const child = spawn(process.execPath, ['-e', code], { env, stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve) => {
		let folder = '';
		child.stdout.on('data', (chunk) => {
			folder += chunk;
			if (stop && folder.endsWith('\n')) child.kill(stop);
		});
		child.on('close', (code) => resolve({ folder: folder.trim(), code }));
	});
}

test.each([[undefined, 0], ['SIGTERM', 143], ['SIGINT', 130]])('ended by %s: its folder is gone (exit code %s)', async (signal, exitCode) => {
	const { folder, code } = await runScript(signal);
	expect(folder).toMatch(/gptge-test-n8n-/);
	expect(code).toBe(exitCode);
	expect(fs.existsSync(folder)).toBe(false);
});
