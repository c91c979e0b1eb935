// A benchmark measures in a child process of its own, so that one measurement's heap and RSS do
// not blur the next: the script starts itself again and the child prints one `RESULT <json>` line.
const { spawn } = require('node:child_process');

/** Runs `script` in a child with `env` added (and `nodeArgs`); resolves with the RESULT it printed. */
function runChild(script, env, nodeArgs = []) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', () => {
			const line = output.split('\n').find((text) => text.startsWith('RESULT '));
			if (line) resolve(JSON.parse(line.slice('RESULT '.length)));
			else reject(new Error(output));
		});
	});
}

module.exports = { runChild };
