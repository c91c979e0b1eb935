// The MCP example's client token for `npm start`: the example's MCP Server Trigger takes Bearer
// Auth with the credential it names, so that its tools (Generate bills a video) answer only
// clients that send the token. The first start of a user folder makes that credential with a
// random token; later starts keep it (the clients' configurations go on working, an edit made in
// n8n stays) and read it back from n8n to print the client configuration again.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const MCP_EXAMPLE = path.join(__dirname, '..', 'examples', 'mcp-server-gpt-ge-tools.json');

/** The example's MCP Server Trigger: its workflow ID, path and Bearer credential (ID and name). */
function mcpExample() {
	const workflow = JSON.parse(fs.readFileSync(MCP_EXAMPLE, 'utf8'));
	const trigger = workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
	return { workflowId: workflow.id, path: trigger.parameters.path, credential: trigger.credentials.httpBearerAuth };
}

/**
 * The token the user folder's n8n holds in the example's credential (read with `n8n
 * export:credentials --decrypted` into `artifacts`, removed at once), or a new random one.
 * `toImport`: the credential record for `n8n import:credentials` when it is new, else nothing.
 */
async function mcpClientToken(n8n, artifacts) {
	const { credential } = mcpExample();
	const file = path.join(artifacts, 'mcp-credential.json');
	let kept;
	try {
		await n8n(['export:credentials', `--id=${credential.id}`, '--decrypted', `--output=${file}`]);
		kept = JSON.parse(fs.readFileSync(file, 'utf8'))[0]?.data?.token;
	} catch {
		// none yet: n8n answers "No credentials found with specified filters" (exit code 1)
	} finally {
		fs.rmSync(file, { force: true });
	}
	if (kept) return { token: kept, created: false, toImport: [] };
	const token = crypto.randomBytes(32).toString('base64url');
	return { token, created: true, toImport: [{ ...credential, type: 'httpBearerAuth', data: { token } }] };
}

/** What `npm start` prints about the MCP example: its URL, the credential, the token, a client configuration to paste. */
function mcpClientLines({ token, created }, editor) {
	const { path: mcpPath, credential } = mcpExample();
	const url = `${editor}/mcp/${mcpPath}`;
	// mcp-remote's own advice: the header's value in an environment variable, since some clients
	// split arguments at spaces.
	const claude = { mcpServers: { 'gpt-ge': { command: 'npx', args: ['mcp-remote', url, '--header', 'Authorization:${AUTH}'], env: { AUTH: `Bearer ${token}` } } } };
	return [
		`MCP example: ${url} once published; clients send "Authorization: Bearer <token>"`,
		`  Credential "${credential.name}" (${created ? 'made now with a random token' : 'kept from an earlier start'}): ${token}`,
		'  Claude Desktop (claude_desktop_config.json; other clients: docs/mcp.md):',
		`  ${JSON.stringify(claude)}`,
	];
}

module.exports = { mcpClientLines, mcpClientToken, mcpExample };
