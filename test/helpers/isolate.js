// Runs around every test file: the node's pacers live for the whole process (shared by runs, as in
// n8n), so each test starts from what a fresh n8n process knows about the rate limit; and the
// file's n8n user folder (made by env.js, holding the binary data store too) goes when it ends.
const fs = require('node:fs');
const { forgetPacers } = require('../../nodes/GptGe/shared/api/pacer');

afterEach(() => forgetPacers());

afterAll(() => fs.rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true }));
