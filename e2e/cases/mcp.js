// The MCP example in `n8n start` (every n8n version): n8n's MCP Server Trigger serving three
// GPT.GE tools, driven by a real MCP client (@modelcontextprotocol/sdk's Client) as Claude
// Desktop or an agent would: list the tools, make a video, follow it to the end, send a bad
// argument. The trigger takes Bearer Auth: the client sends the token of the credential the
// example names (made here as `npm start` makes it); a client without it, or with another, is
// refused.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { SSEClientTransport } = require('@modelcontextprotocol/sdk/client/sse.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { VOICES } = require('../../stand-in/contract');
const { delay, stopProcesses, waitFor } = require('../n8n');
const { enterGroup, isPlanning, note, seconds } = require('../harness/cases');
const { processes } = require('../harness/processes');
const { bearerCredential, mcpTriggerOf, newToken } = require('../mcp-token');
const { MCP_WORKFLOW_ID, mcpWorkflow } = require('../workflows/mcp');

// The tools as the client must see them: the tool nodes' names made tool names, and the
// arguments their $fromAI() expressions ask for, each required.
const EXPECTED_ARGUMENTS = {
	Generate_avatar_video: ['avatarUrl', 'language', 'text', 'voice'],
	Get_video_task: ['taskId'],
	List_voices: ['language'],
};
const PHOTO = 'https://example.com/mcp/presenter.jpg';
// A client's first message, as the SDK sends it.
const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'gptge-e2e-raw', version: '1.0.0' } } };
const TEXT = 'Hello from an MCP client.';
// What n8n answers a request without the right Bearer token, on 2.41 and 1.123 alike (the
// Webhook node's validateWebhookAuthentication, which the MCP Server Trigger calls): 403, never 401.
const REFUSED = { status: 403, body: 'Authorization data is wrong!' };

/** A transport's options that send `headers` with every request (POST, and SSE's GET). */
const sending = (headers) => ({ requestInit: { headers } });

/** The MCP example active in its own `n8n start`, and the cases its MCP client runs. */
async function mcpCases(n8n, standIn, check) {
	if (!enterGroup(`${n8n.label} MCP`)) return;
	const port = n8n.install.ports.main;
	const workflow = mcpWorkflow();
	const trigger = mcpTriggerOf(workflow);
	const url = new URL(`http://127.0.0.1:${port}/mcp/${trigger.path}`);
	const token = newToken();
	const authorized = sending({ Authorization: `Bearer ${token}` });
	let server;
	if (!isPlanning()) {
		const credentials = path.join(n8n.artifacts, 'mcp-credentials.json');
		fs.writeFileSync(credentials, JSON.stringify([bearerCredential(trigger.credential, token)]));
		await n8n.cli(['import:credentials', `--input=${credentials}`]);
		fs.rmSync(credentials);
		await n8n.cli(n8n.install.activate(MCP_WORKFLOW_ID));
		server = n8n.start(`n8n ${n8n.label} start (MCP)`, { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' });
		processes.push(server);
	}
	let client;
	try {
		let tools;
		await check(`MCP: the MCP example published, a client (MCP SDK, Streamable HTTP) sending the credential's Bearer token to ${url.pathname} lists the three GPT.GE tools with the node's descriptions and input schemas a model can fill (each argument a described, required string); the same list over SSE`, async () => {
			await waitFor('the editor', async () => /Editor is now accessible/.test(server.output));
			const startedAt = Date.now();
			// Until n8n has registered the trigger's URL, a connection attempt gets a 404.
			await waitFor('the MCP server to answer', async () => {
				const candidate = new Client({ name: 'gptge-e2e', version: '1.0.0' });
				await candidate.connect(new StreamableHTTPClientTransport(url, authorized));
				client = candidate;
				return true;
			}, 60_000);
			note(`connected in ${seconds(startedAt)} s: ${JSON.stringify(client.getServerVersion())}`);
			({ tools } = await client.listTools());
			assertToolsDescribed(tools, workflow);
			note(`tools received:\n${JSON.stringify(tools, null, 2)}`);
			assert.deepEqual(await toolsOverSse(url, authorized), tools);
		}, { setup: true });
		if (!tools && !isPlanning()) return;

		await check(`MCP: refused without the token, with another token, and with the token but not as "Bearer <token>": HTTP ${REFUSED.status} "${REFUSED.body}" to Streamable HTTP's POST and SSE's GET; the SDK client's connect fails with ${REFUSED.status} on both transports; a Generate call without the token creates nothing`, async () => {
			const since = Date.now();
			const refusals = [
				['no token', {}],
				['another token', { Authorization: `Bearer ${newToken()}` }],
				['the token alone', { Authorization: token }],
			];
			for (const [what, headers] of refusals) {
				const post = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(INITIALIZE) });
				assert.deepEqual({ status: post.status, body: await post.text() }, REFUSED, `POST, ${what}`);
				const get = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } });
				assert.deepEqual({ status: get.status, body: await get.text() }, REFUSED, `GET (SSE), ${what}`);
				for (const Transport of [StreamableHTTPClientTransport, SSEClientTransport]) {
					const refused = new Client({ name: 'gptge-e2e-refused', version: '1.0.0' });
					await assert.rejects(refused.connect(new Transport(url, sending(headers))), (error) => error.code === REFUSED.status, `${Transport.name}, ${what}`);
					await refused.close().catch(() => {});
				}
			}
			const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'Generate_avatar_video', arguments: { avatarUrl: PHOTO, language: 'en', voice: `${VOICES[0].voice_engine_id}:${VOICES[0].audio_id}`, text: TEXT } } };
			const generate = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(call) });
			assert.deepEqual({ status: generate.status, body: await generate.text() }, REFUSED, 'tools/call without the token');
			assert.deepEqual(createsSince(standIn, since), [], 'nothing created');
			note(`refused ${refusals.length} ways × (POST, GET, two SDK transports) and a bare tools/call, each ${REFUSED.status} "${REFUSED.body}"`);
		});

		await check('MCP: List_voices, then Generate_avatar_video with one of its voices (answers "not ready" after its 1 s Tool Wait, naming the task and Get_video_task), then Get_video_task until the video is ready: the URL of the task\'s video; the stand-in saw exactly one create, with the arguments the client gave', async () => {
			const since = Date.now();
			const voices = await callTool(client, 'List_voices', { language: 'en' });
			const english = VOICES.filter((voice) => voice.language === 'en');
			assert.deepEqual(voices.map((voice) => voice.name), english.map((voice) => voice.name));
			assert.deepEqual(voices.map((voice) => voice.voice), english.map((voice) => `${voice.voice_engine_id}:${voice.audio_id}`));
			const voice = voices[0].voice;

			const generateAt = Date.now();
			const [started] = await callTool(client, 'Generate_avatar_video', { avatarUrl: PHOTO, language: 'en', voice, text: TEXT });
			const generateSeconds = seconds(generateAt);
			const created = createsSince(standIn, since);
			assert.equal(created.length, 1, 'one create');
			assert.equal(started.taskId, created[0].id);
			assert.match(started.status, /^(queued|processing)$/);
			assert.equal(started.videoUrl, null);
			assert.match(started.next, new RegExp(`Get Task.*${started.taskId}`));

			const answers = [];
			const deadline = Date.now() + 30_000;
			while (!['succeeded', 'failed'].includes(answers.at(-1)?.status)) {
				assert.ok(Date.now() < deadline, `the video is still not ready after 30 s: ${JSON.stringify(answers.at(-1))}`);
				if (answers.length) await delay(1000);
				answers.push((await callTool(client, 'Get_video_task', { taskId: started.taskId }))[0]);
			}
			const ready = answers.at(-1);
			assert.equal(ready.status, 'succeeded', JSON.stringify(ready));
			assert.equal(ready.taskId, started.taskId);
			assert.equal(ready.videoUrl, `${standIn.cdnUrl}/videos/${started.taskId}-wm.mp4`);
			assert.match(ready.next, /ready/);

			const [engineId, audioId] = voice.split(':');
			assert.deepEqual(createsSince(standIn, since), created, 'no create after the first');
			assert.deepEqual(created[0].body, { avatar_url: PHOTO, use_voice: { voice_engine_id: engineId, audio_id: audioId, language: 'en', text: TEXT }, no_watermark: false });
			note(`Generate answered in ${generateSeconds} s: ${JSON.stringify(started)}`);
			note(`Get_video_task called ${answers.length} times (${answers.map((answer) => answer.status).join(', ')}); last: ${JSON.stringify(ready)}`);
		});

		await check('MCP: a bad argument (avatarUrl "presenter.jpg", not a URL) comes back to the client as a tool result it can read, naming the argument and what to send instead; nothing created', async () => {
			const since = Date.now();
			const voice = `${VOICES[3].voice_engine_id}:${VOICES[3].audio_id}`;
			const result = await client.callTool({ name: 'Generate_avatar_video', arguments: { avatarUrl: 'presenter.jpg', language: 'en', voice, text: TEXT } });
			const text = result.content.map((part) => part.text).join('\n');
			note(`the client read (isError: ${Boolean(result.isError)}): ${text}`);
			assert.deepEqual(createsSince(standIn, since), [], 'nothing created');
			const [answer] = answerOf(result);
			assert.equal(answer.field, 'avatarUrl');
			assert.equal(answer.nothingCreated, true);
			// The model's own argument named, and what to send instead (its $fromAI description).
			assert.match(answer.error, /^Argument avatarUrl: "presenter\.jpg" is not an http\(s\) URL\. .*Send avatarUrl as: Public http\(s\) URL of a photo/);
		});
	} finally {
		await client?.close().catch(() => {});
		if (server) {
			await stopProcesses([server]);
			fs.writeFileSync(path.join(n8n.artifacts, 'n8n-start-mcp.log'), server.output);
		}
	}
}

/**
 * The tools as a model reads them: the three tool nodes by name, each described as its node
 * says, each argument a string with the description its $fromAI() gives, all of them required.
 */
function assertToolsDescribed(tools, workflow) {
	assert.deepEqual(tools.map((tool) => tool.name).sort(), Object.keys(EXPECTED_ARGUMENTS));
	for (const tool of tools) {
		const node = workflow.nodes.find((each) => each.name.replace(/[^a-zA-Z0-9_-]+/g, '_') === tool.name);
		assert.equal(tool.description, node.parameters.toolDescription, tool.name);
		const { type, properties, required } = tool.inputSchema;
		assert.equal(type, 'object', tool.name);
		assert.deepEqual(Object.keys(properties).sort(), EXPECTED_ARGUMENTS[tool.name], tool.name);
		assert.deepEqual([...required].sort(), EXPECTED_ARGUMENTS[tool.name], `${tool.name}: every argument required`);
		const described = fromAiDescriptions(node.parameters);
		for (const [name, schema] of Object.entries(properties)) {
			assert.deepEqual({ type: schema.type, description: schema.description }, { type: 'string', description: described[name] }, `${tool.name}.${name}`);
		}
	}
}

/** The description each $fromAI('key', 'description', ...) in a node's parameters gives its key. */
function fromAiDescriptions(parameters) {
	const found = {};
	for (const match of JSON.stringify(parameters).matchAll(/\$fromAI\('(\w+)', '((?:[^'\\]|\\.)*)'/g)) found[match[1]] = match[2].replace(/\\'/g, "'");
	return found;
}

/** The tool list as a client that speaks only SSE (the older transport) gets it from the same URL. */
async function toolsOverSse(url, options) {
	const client = new Client({ name: 'gptge-e2e-sse', version: '1.0.0' });
	try {
		await client.connect(new SSEClientTransport(url, options));
		return (await client.listTools()).tools;
	} finally {
		await client.close().catch(() => {});
	}
}

/** Calls a tool; the items it answered (n8n sends the node's output items as JSON text). */
async function callTool(client, name, args) {
	const result = await client.callTool({ name, arguments: args });
	assert.ok(!result.isError, `${name} answered an error: ${JSON.stringify(result.content)}`);
	return answerOf(result);
}

function answerOf(result) {
	const text = result.content.map((part) => part.text).join('');
	const parsed = JSON.parse(text);
	return Array.isArray(parsed) ? parsed : [parsed];
}

const createsSince = (standIn, since) => [...standIn.tasks.values()].filter((task) => task.submittedAt >= since);

module.exports = { mcpCases };
