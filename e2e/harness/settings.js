// What every run of this checkout's suite fixes: where its files go (artifacts in the repo,
// scratch and lock outside it), the ports queue mode listens on, and the n8n owner the cases
// sign in as.
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { E2E, ROOT } = require('../n8n');

const ARTIFACTS = path.join(E2E, 'artifacts');
// n8n user folders (and the community-package folders inside them) live outside the repo, so
// the repo's .npmrc (ignore-scripts, legacy-peer-deps) cannot apply to the install proofs.
// One per checkout, so a run in another clone never deletes this one's; a lock file inside says
// which run of this checkout has it.
const SCRATCH = path.join(os.tmpdir(), `gptge-e2e-${crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);
const LOCK = `${SCRATCH}.lock`;
const QUEUE = {
	redisPort: 6399,
	postgresPort: 5439,
	mainPort: 5699,
	workers: [
		{ health: 5698, broker: 5689 },
		{ health: 5697, broker: 5688 },
	],
};
const OWNER = { email: 'e2e-owner@example.com', password: 'E2e-owner-password-1', firstName: 'E2E', lastName: 'Owner' };
// Set in the suites the kill test starts (and stops): they run under their parent's lock.
const KILL_TEST_CHILD = process.env.E2E_KILL_TEST === 'child';

module.exports = { ARTIFACTS, SCRATCH, LOCK, QUEUE, OWNER, KILL_TEST_CHILD };
