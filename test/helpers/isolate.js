// Runs around every test: the node's pacers live for the whole process (shared by runs, as in
// n8n), so each test starts from what a fresh n8n process knows about the rate limit.
const { forgetPacers } = require('../../nodes/GptGe/shared/api/pacer');

afterEach(() => forgetPacers());
