// Runs before each test file: n8n-core writes its settings under N8N_USER_FOLDER (default ~/.n8n).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-test-n8n-'));
