// The stand-in's OpenAI-compatible chat API (stand-in/chat.js) and its scripted model
// (stand-in/chat-script.js): exact requests and answers, the tool-calling round trip in both wire
// formats, streamed and not.
const crypto = require('node:crypto');
const { call, readJson, sharedStandIn, TOKEN } = require('./helpers/stand-in');

const standIn = sharedStandIn();

const PHOTO = 'https://example.com/me.jpg';
const SPEECH = 'https://example.com/hello.mp3';
const TASK_ID = '0123456789abcdef0123456789abcdef';
const VIDEO = `https://cdn.example.com/videos/${TASK_ID}-wm.mp4`;
const GENERATE_SCHEMA = {
	type: 'object',
	properties: { avatarUrl: { type: 'string', description: 'Public URL of the photo' }, audioUrl: { type: 'string', description: 'Public URL of the speech' } },
	required: ['avatarUrl', 'audioUrl'],
};
const GET_TASK_SCHEMA = { type: 'object', properties: { taskId: { type: 'string' } }, required: ['taskId'] };
const TOOLS = [
	{ name: 'Generate_video', description: 'Makes a talking video', parameters: GENERATE_SCHEMA },
	{ name: 'Get_video_task', description: 'Checks a video task', parameters: GET_TASK_SCHEMA },
];
const completionsTools = TOOLS.map((tool) => ({ type: 'function', function: tool }));
const responsesTools = TOOLS.map((tool) => ({ type: 'function', ...tool, strict: null }));
// A Generate tool's answer as TOOL-MODE.md has it (what n8n passes to the model: the item as JSON).
const SUCCEEDED = JSON.stringify([{ taskId: TASK_ID, status: 'succeeded', progress: 100, videoUrl: VIDEO, videoUrlWithWatermark: VIDEO, next: `The video is ready: ${VIDEO}` }]);

/** The ID part every answer to this exact body has. */
const idOf = (body) => crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 24);
const post = async (path, body) => {
	const response = await call('POST', path, { body });
	return { status: response.status, body: await readJson(response) };
};
const complete = (body) => post('/v1/chat/completions', body);
const respond = (body) => post('/v1/responses', body);
const usageOf = (body) => body.usage;

describe('GET /v1/models (the credential test and the model list)', () => {
	test('lists the chat models with the token', async () => {
		const response = await call('GET', '/v1/models');
		expect(response.status).toBe(200);
		expect(await readJson(response)).toEqual({
			object: 'list',
			data: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-5-mini'].map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'gpt.ge' })),
		});
	});

	test('refuses another token as the gateway does', async () => {
		const response = await call('GET', '/v1/models', { token: 'nope' });
		expect(response.status).toBe(401);
		expect(await readJson(response)).toEqual({ error: { message: 'Invalid token', type: 'new_api_error', code: 'invalid_token' } });
	});
});

describe('POST /v1/chat/completions', () => {
	const first = {
		model: 'gpt-4o-mini',
		messages: [
			{ role: 'system', content: 'You make videos.' },
			{ role: 'user', content: `Please make a video of ${PHOTO} speaking ${SPEECH}` },
		],
		tools: completionsTools,
	};

	test('the tool-calling round trip: a Generate call with the URLs, then the video URL in plain text', async () => {
		const toolCall = await complete(first);
		expect(toolCall.status).toBe(200);
		expect(toolCall.body).toEqual({
			id: `chatcmpl-${idOf(first)}`,
			object: 'chat.completion',
			created: expect.any(Number),
			model: 'gpt-4o-mini',
			choices: [
				{
					index: 0,
					message: {
						role: 'assistant',
						content: null,
						tool_calls: [{ id: `call_${idOf(first)}`, type: 'function', function: { name: 'Generate_video', arguments: JSON.stringify({ avatarUrl: PHOTO, audioUrl: SPEECH }) } }],
					},
					logprobs: null,
					finish_reason: 'tool_calls',
				},
			],
			usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
		});
		const { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total } = usageOf(toolCall.body);
		expect(total).toBe(prompt + completion);

		const second = {
			...first,
			messages: [...first.messages, toolCall.body.choices[0].message, { role: 'tool', tool_call_id: `call_${idOf(first)}`, content: SUCCEEDED }],
		};
		const reply = await complete(second);
		expect(reply.body.choices).toEqual([
			{ index: 0, message: { role: 'assistant', content: `Your video is ready: ${VIDEO} (task ID ${TASK_ID}).` }, logprobs: null, finish_reason: 'stop' },
		]);
		expect(reply.body.id).toBe(`chatcmpl-${idOf(second)}`);
	});

	test('the same request gets the same answer', async () => {
		const [a, b] = [await complete(first), await complete(first)];
		expect(b.body.choices).toEqual(a.body.choices);
		expect(b.body.id).toBe(a.body.id);
	});

	test('stream: true sends the tool call as chunks, then the usage when asked, then [DONE]', async () => {
		const body = { ...first, stream: true, stream_options: { include_usage: true } };
		const response = await call('POST', '/v1/chat/completions', { body });
		expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		const text = await response.text();
		const events = text.split('\n\n').filter(Boolean);
		expect(events.at(-1)).toBe('data: [DONE]');
		const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, '')));
		expect(chunks[0].choices[0].delta).toEqual({
			role: 'assistant',
			content: null,
			tool_calls: [{ index: 0, id: `call_${idOf(body)}`, type: 'function', function: { name: 'Generate_video', arguments: '' } }],
		});
		const args = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls || [])).map((delta) => delta.function.arguments).join('');
		expect(JSON.parse(args)).toEqual({ avatarUrl: PHOTO, audioUrl: SPEECH });
		expect(chunks.at(-2).choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
		expect(chunks.at(-1)).toMatchObject({ object: 'chat.completion.chunk', choices: [], usage: { total_tokens: expect.any(Number) } });
		expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set([`chatcmpl-${idOf(body)}`]));
	});

	test('stream: true sends a text answer in pieces that add up to it', async () => {
		const body = {
			model: 'gpt-4o-mini',
			stream: true,
			messages: [first.messages[1], { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'Generate_video', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: SUCCEEDED }],
			tools: completionsTools,
		};
		const text = await (await call('POST', '/v1/chat/completions', { body })).text();
		const chunks = text.split('\n\n').filter((event) => event && event !== 'data: [DONE]').map((event) => JSON.parse(event.slice(6)));
		expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe(`Your video is ready: ${VIDEO} (task ID ${TASK_ID}).`);
		expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
		expect(chunks.some((chunk) => chunk.usage)).toBe(false);
	});

	test.each([
		['not JSON', '{', 'request body is not valid JSON'],
		['no model', { messages: [{ role: 'user', content: 'hi' }] }, 'model is required'],
		['no messages', { model: 'gpt-4o-mini', messages: [] }, 'messages must be a non-empty array'],
	])('%s → 400 in the gateway\'s error format', async (_name, body, message) => {
		const response = await call('POST', '/v1/chat/completions', { body });
		expect(response.status).toBe(400);
		expect(await readJson(response)).toEqual({ error: { message, type: 'invalid_request_error', code: null } });
	});

	test('is recorded like every API request', async () => {
		const before = standIn.requests.length;
		await complete(first);
		expect(standIn.requests.slice(before)).toEqual([
			expect.objectContaining({ method: 'POST', path: '/v1/chat/completions', body: first, status: 200, headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}` }) }),
		]);
	});
});

describe('POST /v1/responses (n8n\'s OpenAI Chat Model from version 1.3)', () => {
	const first = {
		model: 'gpt-4o-mini',
		input: [
			{ role: 'system', content: 'You make videos.' },
			{ role: 'user', content: [{ type: 'input_text', text: `Please make a video of ${PHOTO} speaking ${SPEECH}` }] },
		],
		tools: responsesTools,
		stream: false,
	};
	const functionCall = (body) => ({
		type: 'function_call',
		id: `fc_${idOf(body)}`,
		call_id: `call_${idOf(body)}`,
		name: 'Generate_video',
		arguments: JSON.stringify({ avatarUrl: PHOTO, audioUrl: SPEECH }),
		status: 'completed',
	});

	test('the tool-calling round trip: a function_call item, then a message with the video URL', async () => {
		const toolCall = await respond(first);
		expect(toolCall.status).toBe(200);
		expect(toolCall.body).toEqual({
			id: `resp_${idOf(first)}`,
			object: 'response',
			created_at: expect.any(Number),
			status: 'completed',
			error: null,
			incomplete_details: null,
			model: 'gpt-4o-mini',
			output: [functionCall(first)],
			output_text: '',
			parallel_tool_calls: true,
			tool_choice: 'auto',
			usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) },
		});

		const second = { ...first, input: [...first.input, functionCall(first), { type: 'function_call_output', call_id: `call_${idOf(first)}`, output: SUCCEEDED }] };
		const reply = await respond(second);
		const text = `Your video is ready: ${VIDEO} (task ID ${TASK_ID}).`;
		expect(reply.body.output).toEqual([
			{ type: 'message', id: `msg_${idOf(second)}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] },
		]);
		expect(reply.body.output_text).toBe(text);
	});

	test('a string input and instructions are a user message and a system message', async () => {
		const reply = await respond({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: `Make a video of ${PHOTO} speaking ${SPEECH}`, tools: responsesTools });
		expect(reply.body.output[0]).toMatchObject({ type: 'function_call', name: 'Generate_video', arguments: JSON.stringify({ avatarUrl: PHOTO, audioUrl: SPEECH }) });
	});

	test('stream: true sends the events the OpenAI SDK reads, in order, adding up to the same answer', async () => {
		const body = { ...first, stream: true };
		const text = await (await call('POST', '/v1/responses', { body })).text();
		const events = text.split('\n\n').filter(Boolean).map((event) => {
			const [, type, data] = /^event: (.+)\ndata: (.+)$/.exec(event);
			return { type, data: JSON.parse(data) };
		});
		expect(events.map((event) => event.type)).toEqual([
			'response.created',
			'response.in_progress',
			'response.output_item.added',
			...Array(events.length - 6).fill('response.function_call_arguments.delta'),
			'response.function_call_arguments.done',
			'response.output_item.done',
			'response.completed',
		]);
		expect(events.map((event) => event.data.sequence_number)).toEqual(events.map((_event, index) => index));
		expect(events.every((event) => event.data.type === event.type)).toBe(true);
		expect(events[2].data.item).toEqual({ ...functionCall(body), arguments: '', status: 'in_progress' });
		const args = events.filter((event) => event.type.endsWith('.delta')).map((event) => event.data.delta).join('');
		expect(args).toBe(functionCall(body).arguments);
		expect(events.at(-1).data.response).toMatchObject({ id: `resp_${idOf(body)}`, status: 'completed', output: [functionCall(body)] });
	});

	test('stream: true with a text answer: content part, text deltas, done events', async () => {
		const body = { ...first, stream: true, input: [...first.input, functionCall(first), { type: 'function_call_output', call_id: 'x', output: SUCCEEDED }] };
		const text = await (await call('POST', '/v1/responses', { body })).text();
		const events = text.split('\n\n').filter(Boolean).map((event) => JSON.parse(event.split('\ndata: ')[1]));
		const answer = `Your video is ready: ${VIDEO} (task ID ${TASK_ID}).`;
		expect(events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join('')).toBe(answer);
		expect(events.find((event) => event.type === 'response.output_text.done').text).toBe(answer);
		expect(events.at(-1).response.output_text).toBe(answer);
	});

	test('an input that is neither a string nor an array → 400', async () => {
		const reply = await respond({ model: 'gpt-4o-mini', input: 5 });
		expect(reply).toEqual({ status: 400, body: { error: { message: 'input must be a string or an array', type: 'invalid_request_error', code: null } } });
	});
});

describe('the script', () => {
	const ask = async (messages, tools = completionsTools) => (await complete({ model: 'm', messages, tools })).body.choices[0].message;
	const user = (content) => ({ role: 'user', content });
	const calledWith = (name, args) => ({ role: 'assistant', content: null, tool_calls: [{ id: expect.any(String), type: 'function', function: { name, arguments: JSON.stringify(args) } }] });
	const afterTool = (content) => [user(`Make a video of ${PHOTO} speaking ${SPEECH}`), calledWith('Generate_video', {}), { role: 'tool', tool_call_id: 'c', content }];

	test('a bare file name is passed on as the avatar URL: the tool is the one to refuse it', async () => {
		expect(await ask([user(`Make a video of my-face.jpg speaking ${SPEECH}`)])).toEqual(calledWith('Generate_video', { avatarUrl: 'my-face.jpg', audioUrl: SPEECH }));
	});

	test('a status question calls Get Task with the task ID the conversation named last', async () => {
		const messages = [
			user(`Make a video of ${PHOTO} speaking ${SPEECH}`),
			{ role: 'assistant', content: `Your video is not ready yet (status: processing). Task ID: ${TASK_ID}. Ask me for its status later.` },
			user('Is my video ready?'),
		];
		expect(await ask(messages)).toEqual(calledWith('Get_video_task', { taskId: TASK_ID }));
	});

	test('a status question with no task in the conversation is answered without a tool', async () => {
		expect(await ask([user('What is the status?')])).toEqual({ role: 'assistant', content: 'I have not made a video in this conversation yet, so there is no task to check.' });
	});

	test('a tool answer with an error is replied with that error', async () => {
		const error = 'Avatar URL: "my-face.jpg" is not an http(s) URL';
		const content = JSON.stringify([{ error, field: 'avatarUrl', nothingCreated: true }]);
		expect((await ask(afterTool(content))).content).toBe(`The GPT.GE tool answered with an error: ${error} Nothing was created.`);
	});

	test('of two video URLs, the one the tool\'s next sentence suggests is replied with', async () => {
		const other = `https://cdn.example.com/videos/${TASK_ID}.mp4`;
		const content = JSON.stringify([{ taskId: TASK_ID, status: 'succeeded', videoUrlWithWatermark: VIDEO, videoUrlWithoutWatermark: other, next: `The video is ready: ${VIDEO}` }]);
		expect((await ask(afterTool(content))).content).toBe(`Your video is ready: ${VIDEO} (task ID ${TASK_ID}).`);
		const withoutNext = JSON.stringify([{ taskId: TASK_ID, status: 'succeeded', videoUrlWithWatermark: VIDEO, videoUrlWithoutWatermark: other }]);
		expect((await ask(afterTool(withoutNext))).content).toBe(`Your video is ready: ${other} (task ID ${TASK_ID}).`);
	});

	test('without a next sentence, videoUrl (the video as asked for) is replied with before the named URLs', async () => {
		const other = `https://cdn.example.com/videos/${TASK_ID}.mp4`;
		const content = JSON.stringify([{ taskId: TASK_ID, status: 'succeeded', videoUrl: VIDEO, videoUrlWithWatermark: VIDEO, videoUrlWithoutWatermark: other }]);
		expect((await ask(afterTool(content))).content).toBe(`Your video is ready: ${VIDEO} (task ID ${TASK_ID}).`);
	});

	test('a task not ready yet is replied with its task ID and status', async () => {
		const content = JSON.stringify({ taskId: TASK_ID, status: 'processing', progress: 40, videoUrl: null });
		expect((await ask(afterTool(content))).content).toBe(`Your video is not ready yet (status: processing, 40%). Task ID: ${TASK_ID}. Ask me for its status later.`);
	});

	test('a bare task ID (a tool answer in no JSON) is replied with as the task ID', async () => {
		expect((await ask(afterTool(TASK_ID))).content).toBe(`Your video is not ready yet. Task ID: ${TASK_ID}. Ask me for its status later.`);
	});

	test('fills text and language properties from the message, the language within its enum', async () => {
		const tool = {
			type: 'function',
			function: {
				name: 'Make_video',
				description: 'Makes a video with a GPT.GE voice',
				parameters: { type: 'object', properties: { photo: { type: 'string' }, text: { type: 'string' }, language: { type: 'string', enum: ['zh', 'en'] } } },
			},
		};
		const message = await ask([user(`Make a video of ${PHOTO} saying "Hello there" in English`)], [tool]);
		expect(message).toEqual(calledWith('Make_video', { photo: PHOTO, text: 'Hello there', language: 'en' }));
	});

	test('a question about voices calls the voice list tool, whose items are replied with by name', async () => {
		const voices = { type: 'function', function: { name: 'List_voices', description: 'Lists GPT.GE voices', parameters: { type: 'object', properties: { language: { type: 'string' } } } } };
		expect(await ask([user('Which English voices are there?')], [...completionsTools, voices])).toEqual(calledWith('List_voices', { language: 'en' }));
		const content = JSON.stringify([{ name: 'Emma', language: 'en', voice: 'engine-en-5d9c7b3a:5d9c7b3a1e0f48d2b6a4c8e2f0d6b9a7' }]);
		const reply = await ask([user('Which English voices are there?'), calledWith('List_voices', {}), { role: 'tool', tool_call_id: 'c', content }], [voices]);
		expect(reply.content).toBe('GPT.GE voices: Emma (engine-en-5d9c7b3a:5d9c7b3a1e0f48d2b6a4c8e2f0d6b9a7).');
	});
	describe('a text to speak in a GPT.GE voice (the agent example\'s text and audio tools)', () => {
		const fn = (name, properties) => ({ type: 'function', function: { name, description: '', parameters: { type: 'object', properties } } });
		const string = { type: 'string' };
		const textTool = fn('Video_from_text', { avatarUrl: string, language: string, voice: { type: 'string', description: 'The voice, as voice_engine_id:audio_id' }, text: string });
		const audioTool = fn('Video_from_audio', { avatarUrl: string, audioUrl: string });
		const voicesTool = fn('List_voices', { language: string });
		const tools = [textTool, audioTool, fn('Check_video', { taskId: string }), voicesTool];
		const PROMPT = 'Make a video of the person at https://example.com/anna.jpg saying Hello, welcome to our shop, in English.';
		const VOICES = JSON.stringify([
			{ name: 'Emma', language: 'en', labels: ['Female'], voice: 'engine-en-1:emma' },
			{ name: 'James', language: 'en', labels: ['Male'], voice: 'engine-en-2:james' },
			{ name: 'Olivia', language: 'en', labels: 'Female, Narration', voice: 'engine-en-3:olivia' },
		]);
		const afterVoices = (prompt) => [user(prompt), calledWith('List_voices', { language: 'en' }), { role: 'tool', tool_call_id: 'c', content: VOICES }];

		test('first the voices of the text\'s language', async () => {
			expect(await ask([user(PROMPT)], tools)).toEqual(calledWith('List_voices', { language: 'en' }));
		});

		test('then the text tool with the first voice and the words, without the "in English" that names their language', async () => {
			expect(await ask(afterVoices(PROMPT), tools)).toEqual(
				calledWith('Video_from_text', { avatarUrl: 'https://example.com/anna.jpg', language: 'en', voice: 'engine-en-1:emma', text: 'Hello, welcome to our shop' }),
			);
		});

		test.each([
			['with a male voice', 'engine-en-2:james'],
			['as a narrator', 'engine-en-3:olivia'],
			['in a female voice', 'engine-en-1:emma'],
		])('the voice the person wished for (%s) by its labels', async (wish, voice) => {
			const prompt = `Make a video of https://example.com/anna.jpg ${wish} saying "Hi there"`;
			expect((await ask(afterVoices(prompt), tools)).tool_calls[0].function.arguments).toBe(
				JSON.stringify({ avatarUrl: 'https://example.com/anna.jpg', language: 'en', voice, text: 'Hi there' }),
			);
		});

		test('an audio URL goes to the audio tool, with no voice list', async () => {
			expect(await ask([user(`Please make a video of ${PHOTO} speaking ${SPEECH}`)], tools)).toEqual(calledWith('Video_from_audio', { avatarUrl: PHOTO, audioUrl: SPEECH }));
		});

		test('after the video tool answered, the reply; the voice list is not read again', async () => {
			const messages = [...afterVoices(PROMPT), calledWith('Video_from_text', {}), { role: 'tool', tool_call_id: 'd', content: SUCCEEDED }];
			expect((await ask(messages, tools)).content).toBe(`Your video is ready: ${VIDEO} (task ID ${TASK_ID}).`);
		});
	});
});
