// The GPT.GE node as an AI Agent's tools, on the running `n8n start` (cases/n8n-start.js runs
// these on its server): the example agent-chat-with-gpt-ge-tools.json, its Chat Trigger driven
// over HTTP with a sessionId, its OpenAI Chat Model on the stand-in's OpenAI-compatible /v1 (a
// scripted model: stand-in/chat-script.js), Simple Memory, and the Generate, Get Task and Voice
// List tools. What the model chose reaches the API; what the tools
// answer reaches the model; the agent's answers are asserted word for word.
const assert = require('node:assert/strict');
const { isPlanning, note } = require('../harness/cases');
const { waitFor } = require('../n8n');
const { VOICES } = require('../../stand-in/contract');
const { AGENT_NODES, agentWorkflow, openAiCredential } = require('../workflows/agent');

const PHOTO = 'https://example.com/agent/presenter.jpg';
const SPEECH = 'https://example.com/agent/hello.mp3';
// What a newcomer types first (issue 29), word for word.
const TEXT_PROMPT = 'Make a video of the person at https://example.com/anna.jpg saying Hello, welcome to our shop, in English.';

/** The agent cases; `rest` is the owner's REST client on the server at `baseUrl`. */
async function agentCases({ standIn, check, rest, baseUrl }) {
	const chat = { webhookId: 'gptge-e2e-agent-chat', sessionId: `e2e-session-${Date.now()}` };
	const completionsChat = { webhookId: 'gptge-e2e-agent-completions', sessionId: `e2e-completions-${Date.now()}` };
	const streamingChat = { webhookId: 'gptge-e2e-agent-streaming', sessionId: `e2e-streaming-${Date.now()}` };
	let ready = false;
	await check('AI Agent: the example "chat with an AI agent that makes videos" (its chat made public) with an OpenAI credential on the stand-in\'s /v1 is created and activated through the REST API, as it is, with "Use Responses API" off, and with the chat streaming', async () => {
		const openAi = await rest.request('POST', '/credentials', openAiCredential(standIn));
		const variants = [[chat, {}], [completionsChat, { responsesApi: false }], [streamingChat, { responseMode: 'streaming' }]];
		for (const [{ webhookId }, variant] of variants) {
			const workflow = await rest.request('POST', '/workflows', { ...agentWorkflow({ webhookId, openAi: { id: openAi.id, name: openAi.name }, ...variant }), active: false });
			await rest.request('POST', `/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
		}
		// 2.x may publish through an outbox, after the activation answered: wait for the chat's webhook.
		const startedAt = Date.now();
		for (const [{ webhookId }] of variants) {
			await waitFor(`the chat webhook ${webhookId}`, async () => (await chatRequest(baseUrl, webhookId, { action: 'loadPreviousSession', sessionId: 'probe' })).ok, 30_000);
		}
		note(`chat webhooks registered ${Date.now() - startedAt} ms after activation`);
		ready = true;
	}, { setup: true });
	if (!ready && !isPlanning()) return;
	const send = (message) => sendChat(baseUrl, chat, message);
	let taskId;

	await check('AI Agent: "make a video of <photo> speaking <audio>" → the model calls the Generate tool; exactly one POST /avatar/generation with the URLs it chose; the tool answers status succeeded with the video URL; the agent\'s answer carries it', async () => {
		const since = standIn.requests.length;
		const answer = await send(`Please make a video of ${PHOTO} speaking ${SPEECH}`);
		note(`the agent's answer: ${answer}`);
		const requests = standIn.requests.slice(since);
		const creates = requests.filter((request) => request.method === 'POST' && request.path === '/avatar/generation');
		assert.equal(creates.length, 1, `one create: ${JSON.stringify(creates.map((request) => request.body))}`);
		assert.equal(creates[0].body.avatar_url, PHOTO);
		assert.equal(creates[0].body.audio_url, SPEECH);
		taskId = [...standIn.tasks.values()].find((task) => task.body.avatar_url === PHOTO).id;

		const modelCalls = chatCalls(requests);
		assert.equal(modelCalls.length, 2, `two model calls (tool call, then the answer): ${modelCalls.map((request) => request.path)}`);
		const toolNames = offeredTools(modelCalls[0]);
		assert.deepEqual([...toolNames].sort(), Object.values(AGENT_NODES).map(toolName).sort(), 'the tools offered');
		const toolAnswer = JSON.parse(lastToolOutput(modelCalls[1]));
		const item = Array.isArray(toolAnswer) ? toolAnswer[0] : toolAnswer;
		const videoUrl = `${standIn.cdnUrl}/videos/${taskId}-wm.mp4`;
		assert.deepEqual({ taskId: item.taskId, status: item.status, videoUrl: item.videoUrl }, { taskId, status: 'succeeded', videoUrl }, `the tool's answer: ${JSON.stringify(toolAnswer)}`);
		assert.equal(answer, `Your video is ready: ${videoUrl} (task ID ${taskId}).`);
		note(`model endpoint: ${modelCalls[0].path}; create body: ${JSON.stringify(creates[0].body)}`);
	});

	await check('AI Agent: a second turn in the same session ("is my video ready?") → the model calls the Get Task tool with the task ID from the memory; GET /avatar/task/<id>; no new task; the answer carries the status and URL', async () => {
		assert.ok(taskId, 'the first turn made a task');
		const since = standIn.requests.length;
		const answer = await send('Is my video ready?');
		note(`the agent's answer: ${answer}`);
		const requests = standIn.requests.slice(since);
		assert.deepEqual(requests.filter((request) => request.path === '/avatar/generation'), [], 'no create');
		assert.deepEqual(requests.filter((request) => request.path.startsWith('/avatar/task/')).map((request) => request.path), [`/avatar/task/${taskId}`]);
		const modelCalls = chatCalls(requests);
		// The first turn's answer (which names the task) reached the model through the memory.
		assert.ok(JSON.stringify(modelCalls[0].body).includes(taskId), 'the memory gave the model the first turn');
		// Get Task's videoUrl is the API's main path (the watermarked video, as it was made), both named URLs beside it; its `next` suggests videoUrl.
		const toolAnswer = JSON.parse(lastToolOutput(modelCalls[1]));
		const item = Array.isArray(toolAnswer) ? toolAnswer[0] : toolAnswer;
		const videoUrl = `${standIn.cdnUrl}/videos/${taskId}-wm.mp4`;
		assert.deepEqual(
			{ status: item.status, videoUrl: item.videoUrl, videoUrlWithWatermark: item.videoUrlWithWatermark, videoUrlWithoutWatermark: item.videoUrlWithoutWatermark },
			{ status: 'succeeded', videoUrl, videoUrlWithWatermark: videoUrl, videoUrlWithoutWatermark: `${standIn.cdnUrl}/videos/${taskId}.mp4` },
			`the tool's answer: ${JSON.stringify(toolAnswer)}`,
		);
		assert.equal(answer, `Your video is ready: ${videoUrl} (task ID ${taskId}).`);
	});

	await check(`AI Agent: a text to speak ("${TEXT_PROMPT}") → the model lists the English voices, then calls the text tool with the first one and the words; exactly one POST /avatar/generation, with use_voice; the agent's answer carries the video URL`, async () => {
		const since = standIn.requests.length;
		const answer = await send(TEXT_PROMPT);
		note(`the agent's answer: ${answer}`);
		const requests = standIn.requests.slice(since);
		assert.deepEqual(requests.filter((request) => request.path === '/avatar/voice').map((request) => request.query), [{ language: 'en' }]);
		const creates = requests.filter((request) => request.method === 'POST' && request.path === '/avatar/generation');
		assert.equal(creates.length, 1, `one create: ${JSON.stringify(creates.map((request) => request.body))}`);
		const emma = VOICES.find((voice) => voice.language === 'en');
		assert.deepEqual(creates[0].body, {
			avatar_url: 'https://example.com/anna.jpg',
			use_voice: { voice_engine_id: emma.voice_engine_id, audio_id: emma.audio_id, language: 'en', text: 'Hello, welcome to our shop' },
			no_watermark: false,
		});
		const modelCalls = chatCalls(requests);
		assert.equal(modelCalls.length, 3, `three model calls (voices, video, answer): ${modelCalls.map((request) => request.path)}`);
		assert.deepEqual(lastToolCallArguments(modelCalls[2]), {
			...pickCallId(lastToolCallArguments(modelCalls[2])),
			avatarUrl: 'https://example.com/anna.jpg',
			language: 'en',
			voice: `${emma.voice_engine_id}:${emma.audio_id}`,
			text: 'Hello, welcome to our shop',
		});
		const id = [...standIn.tasks.values()].find((task) => task.body.avatar_url === 'https://example.com/anna.jpg').id;
		assert.equal(answer, `Your video is ready: ${standIn.cdnUrl}/videos/${id}-wm.mp4 (task ID ${id}).`);
	});

	await check('AI Agent: the model passes a bad avatar "URL" ("my-face.jpg") → the audio tool answers with an error naming the argument avatarUrl and what to send instead (no item or row), nothing is created; the agent\'s answer is that error', async () => {
		const since = standIn.requests.length;
		const answer = await send('Make a video of my-face.jpg speaking https://example.com/agent/bad.mp3');
		note(`the agent's answer: ${answer}`);
		const requests = standIn.requests.slice(since);
		assert.deepEqual(requests.filter((request) => request.path === '/avatar/generation'), [], 'nothing created');
		const modelCalls = chatCalls(requests);
		// n8n 2.x sends the call back with its ID among the arguments.
		const { avatarUrl, audioUrl } = lastToolCallArguments(modelCalls[1]);
		assert.deepEqual({ avatarUrl, audioUrl }, { avatarUrl: 'my-face.jpg', audioUrl: 'https://example.com/agent/bad.mp3' }, 'what the model chose');
		const toolAnswer = JSON.parse(lastToolOutput(modelCalls[1]));
		const item = Array.isArray(toolAnswer) ? toolAnswer[0] : toolAnswer;
		assert.equal(item.field, 'avatarUrl', `the tool's answer: ${JSON.stringify(toolAnswer)}`);
		assert.equal(item.nothingCreated, true);
		// The argument the model gave, and what to send instead: no item or sheet row in a chat.
		assert.match(item.error, /^Argument avatarUrl: "my-face\.jpg" is not an http\(s\) URL\./);
		assert.match(item.error, /Send avatarUrl as: Public http\(s\) URL of a photo/);
		assert.doesNotMatch(item.error, /\bitem\b|\brow\b/);
		assert.equal(answer, `The GPT.GE tool answered with an error: ${item.error} Nothing was created.`);
	});

	await check('AI Agent with "Use Responses API" off: the model is called over POST /v1/chat/completions; one Generate call, one task; the answer carries the video URL', async () => {
		const since = standIn.requests.length;
		const photo = 'https://example.com/agent/completions.jpg';
		const answer = await sendChat(baseUrl, completionsChat, `Make a video of ${photo} speaking ${SPEECH}`);
		note(`the agent's answer: ${answer}`);
		const requests = standIn.requests.slice(since);
		assert.deepEqual(chatCalls(requests).map((request) => request.path), ['/v1/chat/completions', '/v1/chat/completions']);
		const creates = requests.filter((request) => request.path === '/avatar/generation');
		assert.deepEqual(creates.map((request) => [request.body.avatar_url, request.body.audio_url]), [[photo, SPEECH]]);
		const id = [...standIn.tasks.values()].find((task) => task.body.avatar_url === photo).id;
		assert.equal(answer, `Your video is ready: ${standIn.cdnUrl}/videos/${id}-wm.mp4 (task ID ${id}).`);
	});

	await check('AI Agent with the Chat Trigger\'s response mode Streaming: the model is called with stream: true; the answer arrives in pieces that add up to the video URL answer; one task', async () => {
		const since = standIn.requests.length;
		const photo = 'https://example.com/agent/streaming.jpg';
		const { pieces, answer } = await streamChat(baseUrl, streamingChat, `Make a video of ${photo} speaking ${SPEECH}`);
		note(`the agent's answer, in ${pieces} pieces: ${answer}`);
		const requests = standIn.requests.slice(since);
		const modelCalls = chatCalls(requests);
		assert.deepEqual(modelCalls.map((request) => [request.path, request.body.stream]), [['/v1/responses', true], ['/v1/responses', true]]);
		const creates = requests.filter((request) => request.path === '/avatar/generation');
		assert.deepEqual(creates.map((request) => [request.body.avatar_url, request.body.audio_url]), [[photo, SPEECH]]);
		const id = [...standIn.tasks.values()].find((task) => task.body.avatar_url === photo).id;
		assert.equal(answer, `Your video is ready: ${standIn.cdnUrl}/videos/${id}-wm.mp4 (task ID ${id}).`);
		assert.ok(pieces > 1, `${pieces} pieces`);
	});
}

/** A tool's name as n8n gives it to the model: its node's name, spaces and the like as underscores. */
const toolName = (nodeName) => nodeName.replace(/[^a-zA-Z0-9_-]/g, '_');

/** A POST to the chat's webhook, as the chat widget sends it. */
const chatRequest = (baseUrl, webhookId, body) =>
	fetch(`${baseUrl}/webhook/${webhookId}/chat`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(120_000),
	});

/** One chat message; resolves with the agent's answer. */
async function sendChat(baseUrl, { webhookId, sessionId }, chatInput) {
	const response = await chatRequest(baseUrl, webhookId, { action: 'sendMessage', sessionId, chatInput });
	const text = await response.text();
	assert.equal(response.status, 200, text);
	const body = JSON.parse(text);
	assert.equal(typeof body.output, 'string', text);
	return body.output;
}

/** One chat message to a streaming chat: n8n's chunks, one JSON object a line; the answer is their `item` contents. */
async function streamChat(baseUrl, { webhookId, sessionId }, chatInput) {
	const response = await chatRequest(baseUrl, webhookId, { action: 'sendMessage', sessionId, chatInput });
	const text = await response.text();
	assert.equal(response.status, 200, text);
	const chunks = text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
	const items = chunks.filter((chunk) => chunk.type === 'item');
	assert.ok(items.length > 0, text.slice(0, 2000));
	return { pieces: items.length, answer: items.map((chunk) => chunk.content).join('') };
}

const chatCalls = (requests) => requests.filter((request) => request.method === 'POST' && ['/v1/responses', '/v1/chat/completions'].includes(request.path));

/** The tool names a model request offered, in either wire format. */
const offeredTools = (request) => (request.body.tools || []).map((tool) => tool.name ?? tool.function?.name);

/** The arguments of the last tool call a model request carries (the model's own earlier turn), in either wire format. */
function lastToolCallArguments(request) {
	const { input, messages } = request.body;
	const calls = input
		? input.filter((item) => item.type === 'function_call').map((item) => item.arguments)
		: messages.flatMap((message) => message.tool_calls || []).map((call) => call.function.arguments);
	assert.ok(calls.length > 0, `a tool call in ${JSON.stringify(request.body).slice(0, 2000)}`);
	return JSON.parse(calls[calls.length - 1]);
}

/** n8n 2.x sends a tool call back with its ID among the arguments: that part of them, if any. */
const pickCallId = (args) => ('id' in args ? { id: args.id } : {});

/** The last tool answer a model request carries, in either wire format. */
function lastToolOutput(request) {
	const { input, messages } = request.body;
	const outputs = input
		? input.filter((item) => item.type === 'function_call_output').map((item) => item.output)
		: messages.filter((message) => message.role === 'tool').map((message) => message.content);
	assert.ok(outputs.length > 0, `a tool answer in ${JSON.stringify(request.body).slice(0, 2000)}`);
	const last = outputs[outputs.length - 1];
	return typeof last === 'string' ? last : JSON.stringify(last);
}

module.exports = { agentCases };
