// Running a browser check on its own against an n8n URL (`node e2e/browser/<check>.js URL [dir]`):
// the arguments, the owner to sign in as, the GPT.GE API from the environment, and the exit code.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Runs `check(options)` with what the command line and environment give; `extra` adds options; `shown` shapes the printed summary. */
function runStandalone(script, check, { extra = {}, shown = (summary) => summary } = {}) {
	const name = path.basename(script, '.js');
	const [baseUrl, screenshotsDir = fs.mkdtempSync(path.join(os.tmpdir(), `gptge-${name}-`))] = process.argv.slice(2);
	if (!baseUrl) {
		console.error(`usage: node e2e/browser/${name}.js http://localhost:PORT [screenshotsDir]`);
		process.exit(2);
	}
	const owner = {
		email: process.env.GPTGE_E2E_OWNER_EMAIL ?? 'owner@example.com',
		password: process.env.GPTGE_E2E_OWNER_PASSWORD ?? 'EditorCheck1',
		firstName: 'Editor',
		lastName: 'Check',
	};
	const log = process.env.GPTGE_E2E_VERBOSE ? (line) => console.error(line) : undefined;
	const api = process.env.GPTGE_API_URL ? { baseUrl: process.env.GPTGE_API_URL, token: process.env.GPTGE_API_TOKEN ?? '' } : undefined;
	check({ baseUrl, screenshotsDir, owner, log, api, ...extra }).then(
		(summary) => console.log(JSON.stringify(shown(summary), null, 2)),
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}

module.exports = { runStandalone };
