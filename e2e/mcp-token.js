// The MCP example's client token for `npm start`: the example's MCP Server Trigger takes Bearer
// Auth with the credential it names, so that its tools (Generate bills a video) answer only
// clients that send the token. The first start of a user folder makes that credential with a
// random token; later starts keep it (the clients' configurations go on working, an edit made in
// n8n stays) and read it back from n8n to print the client configuration again.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const MCP_EXAMPLE = path.join(__dirname, '..', 'examples', 'mcp-server-gpt-ge-tools.json');

/** A workflow's MCP Server Trigger: its path (the production URL is /mcp/<path>) and its Bearer credential (ID and name). */
function mcpTriggerOf(workflow) {
	const trigger = workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
	return { path: trigger.parameters.path, credential: trigger.credentials.httpBearerAuth };
}

/** The MCP example's workflow ID and trigger. */
function mcpExample() {
	const workflow = JSON.parse(fs.readFileSync(MCP_EXAMPLE, 'utf8'));
	return { workflowId: workflow.id, ...mcpTriggerOf(workflow) };
}

/** The credential record `n8n import:credentials` takes for a Bearer credential. */
const bearerCredential = ({ id, name }, token) => ({ id, name, type: 'httpBearerAuth', data: { token } });

/** A new client token: 32 random bytes, URL-safe (no character a header or a shell treats specially). */
const newToken = () => crypto.randomBytes(32).toString('base64url');

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
	const token = newToken();
	return { token, created: true, toImport: [bearerCredential(credential, token)] };
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

module.exports = { bearerCredential, mcpClientLines, mcpClientToken, mcpExample, mcpTriggerOf, newToken };
