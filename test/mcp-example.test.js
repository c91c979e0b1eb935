// The MCP example is secure by default (its trigger takes Bearer Auth with the credential
// `npm start` makes) and its notes stay readable on n8n's canvas: their code fits, nothing
// follows a list after a blank line, and only real links are links (n8n's Markdown links
// anything shaped like a domain, e.g. an unescaped "GPT.GE" or "mcp.md"). What every example's
// notes share (their plan, placement, node names) is test/examples.test.js's.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { bearerCredential, mcpClientLines, mcpClientToken, mcpExample } = require('../e2e/mcp-token');

const FILE = path.join(__dirname, '..', 'examples', 'mcp-server-gpt-ge-tools.json');
const workflow = JSON.parse(fs.readFileSync(FILE, 'utf8'));
const STICKY = 'n8n-nodes-base.stickyNote';
const notes = workflow.nodes.filter((node) => node.type === STICKY);
const trigger = workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
const CREDENTIAL = { id: 'gptge-mcp-bearer', name: 'MCP clients (Bearer token)' };
const DOCS = 'https://github.com/gptge/n8n-nodes-gptge/blob/main/docs/mcp.md';

test("the trigger takes Bearer Auth with the credential the example names (n8n's httpBearerAuth)", () => {
	expect(trigger.parameters.authentication).toBe('bearerAuth');
	expect(trigger.credentials).toStrictEqual({ httpBearerAuth: CREDENTIAL });
	expect(mcpExample()).toStrictEqual({ workflowId: 'gptgeExampleMcpServer', path: 'gpt-ge', credential: CREDENTIAL });
});

describe('npm start: the client token', () => {
	let artifacts;
	beforeEach(() => (artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'gptge-mcp-token-'))));
	afterEach(() => fs.rmSync(artifacts, { recursive: true, force: true }));

	test('none in n8n yet: a new random token (32 bytes, base64url), imported as the credential the example names', async () => {
		const calls = [];
		const n8n = async (args) => {
			calls.push(args);
			throw new Error('No credentials found with specified filters');
		};
		const first = await mcpClientToken(n8n, artifacts);
		const second = await mcpClientToken(n8n, artifacts);
		expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(second.token).not.toBe(first.token);
		expect(first).toStrictEqual({ token: first.token, created: true, toImport: [{ ...CREDENTIAL, type: 'httpBearerAuth', data: { token: first.token } }] });
		expect(calls[0]).toStrictEqual(['export:credentials', '--id=gptge-mcp-bearer', '--decrypted', `--output=${path.join(artifacts, 'mcp-credential.json')}`]);
		expect(fs.readdirSync(artifacts)).toStrictEqual([]);
	});

	test('one in n8n: kept (read back from n8n, nothing imported), and the decrypted export removed at once', async () => {
		const n8n = async (args) => {
			const output = args.find((arg) => arg.startsWith('--output=')).slice('--output='.length);
			fs.writeFileSync(output, JSON.stringify([bearerCredential(CREDENTIAL, 'kept-token')]));
		};
		expect(await mcpClientToken(n8n, artifacts)).toStrictEqual({ token: 'kept-token', created: false, toImport: [] });
		expect(fs.readdirSync(artifacts)).toStrictEqual([]);
	});

	test('what it prints: the URL, the credential and its token, a Claude Desktop configuration that sends it', () => {
		const lines = mcpClientLines({ token: 'tok_en', created: true }, 'http://localhost:5678');
		expect(lines).toStrictEqual([
			'MCP example: http://localhost:5678/mcp/gpt-ge once published; clients send "Authorization: Bearer <token>"',
			'  Credential "MCP clients (Bearer token)" (made now with a random token): tok_en',
			'  Claude Desktop (claude_desktop_config.json; other clients: docs/mcp.md):',
			'  {"mcpServers":{"gpt-ge":{"command":"npx","args":["mcp-remote","http://localhost:5678/mcp/gpt-ge","--header","Authorization:${AUTH}"],"env":{"AUTH":"Bearer tok_en"}}}}',
		]);
		expect(mcpClientLines({ token: 'tok_en', created: false }, 'http://localhost:5678')[1]).toBe('  Credential "MCP clients (Bearer token)" (kept from an earlier start): tok_en');
	});
});

// The longest code line that fits a 400 px note without a scrollbar, as measured in the editor
// (n8n 2.41.1 and 1.123.81 at 1440 × 900): 34 characters fit; 40 needed 427 px where a 420 px
// note had 394.
const CODE_FITS = 34;
// What markdown-it's linkify turns into a link: a name, a dot, a top-level domain (any two
// letters, or a known longer one). An escaped dot (GPT\.GE) is not.
const DOMAIN_LIKE = /(?<![\\\w])[a-z0-9-]+(?:\.[a-z0-9-]+)*(?<!\\)\.(?:[a-z]{2}|com|org|net|info|dev|app|io)\b/gi;
/** A note's text outside code (fenced and inline) and outside the links it writes itself. */
const prose = (content) => content.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '').replace(/\[[^\]]*\]\([^)]*\)/g, '');

describe('its notes', () => {
	// Their plan, the placement and the names are test/examples.test.js's, as for every example.
	test('what it does says where clients connect and that they need the token; for real use says which token and how a client sends it', () => {
		expect(notes[0].parameters.content).toContain('`http://localhost:5678/mcp/gpt-ge` with the trigger\'s token');
		expect(notes[1].parameters.content).toContain('`Authorization: Bearer <token>`');
		expect(notes[1].parameters.content).toContain('*MCP clients (Bearer token)*');
		expect(notes[1].parameters.content).toContain('"Authorization:${AUTH}"');
		expect(notes[1].parameters.content).toContain('"env": {"AUTH": "Bearer <token>"}');
	});

	test(`code lines fit (${CODE_FITS} characters at most) in notes 400 px wide or more`, () => {
		for (const note of notes) {
			const code = [...note.parameters.content.matchAll(/```\n([\s\S]*?)```/g)].flatMap((match) => match[1].split('\n'));
			if (code.length) expect(note.parameters.width).toBeGreaterThanOrEqual(400);
			expect(code.filter((line) => line.length > CODE_FITS)).toStrictEqual([]);
		}
	});

	test('no blank line after a list: n8n 1.x keeps blank lines as &nbsp; lines, which makes the next paragraph part of the last item', () => {
		for (const note of notes) expect(note.parameters.content).not.toMatch(/^(?:[-*]|\d+\.) .*\n\n/m);
	});

	test('only real links are links: nothing shaped like a domain outside code and links; the links go to docs/mcp.md', () => {
		for (const note of notes) expect(prose(note.parameters.content).match(DOMAIN_LIKE)).toBeNull();
		const links = notes.flatMap((note) => [...note.parameters.content.matchAll(/\[[^\]]*\]\(([^)]*)\)/g)].map((match) => match[1]));
		expect(links).toStrictEqual([DOCS]);
		expect(notes[1].parameters.content).toContain('GPT\\.GE account');
	});

	test('the domain check finds what n8n would link', () => {
		expect(prose('your GPT.GE account').match(DOMAIN_LIKE)).toStrictEqual(['GPT.GE']);
		expect(prose('see docs/mcp.md or api.gpt.ge').match(DOMAIN_LIKE)).toStrictEqual(['mcp.md', 'api.gpt.ge']);
		expect(prose('your GPT\\.GE account, e.g. 40 s., n8n 1.x, `a.io`, [x.io](https://x.io)').match(DOMAIN_LIKE)).toBeNull();
	});
});
