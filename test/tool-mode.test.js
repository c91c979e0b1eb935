// The node as an AI agent's or an MCP server's tool (its `gptGeTool` variant): a bounded wait,
// one small JSON answer with a next step for the model, and errors answered instead of thrown.
// Through n8n-core's RoutingNode against the loopback stand-in API; the e2e suite drives the same
// tools from a real AI Agent and MCP client.
const nock = require('nock');
const { NodeHelpers } = require('n8n-workflow');
const { loadNodeType, runNode } = require('./helpers/engine');
const { withStandIn } = require('./helpers/api');
const { generate, getTask, ISO } = require('./helpers/params');
const { modelArgumentOf } = require('../nodes/GptGe/shared/api/toolMode');


afterEach(() => nock.cleanAll());
// withStandIn lets only loopback through; the next test file in this worker needs the network as it was.
afterAll(() => nock.enableNetConnect());

describe('Avatar → Generate as a tool', () => {
	test('creates one task, waits for it, and answers with one small item: the video URL and what to do next', async () => {
		await withStandIn({ taskDurationMs: 300 }, async (standIn, credentials) => {
			// Download Video and Wait for Completion are a workflow's: a tool ignores them.
			const parameters = generate({ waitForCompletion: false, downloadVideo: true });
			const output = await runNode({ parameters, credentials, tool: true, typeVersion: 2 });

			expect(standIn.counts().created).toBe(1);
			const [{ json, binary, pairedItem }] = output;
			const { taskId } = json;
			const video = `${standIn.cdnUrl}/videos/${taskId}-wm.mp4`;
			expect(output).toHaveLength(1);
			expect(binary).toBeUndefined();
			expect(pairedItem).toStrictEqual({ item: 0 });
			expect(json).toStrictEqual({
				taskId,
				status: 'succeeded',
				progress: 100,
				videoUrl: video,
				videoUrlWithWatermark: video,
				videoUrlWithoutWatermark: `${standIn.cdnUrl}/videos/${taskId}.mp4`,
				thumbnailUrl: `${standIn.cdnUrl}/images/${taskId}.webp`,
				failReason: null,
				submittedAt: ISO,
				startedAt: ISO,
				finishedAt: ISO,
				resumed: false,
				timedOut: false,
				next: `The video is ready: ${video}`,
			});
			expect(standIn.requests.map((request) => `${request.method} ${request.path}`)).toStrictEqual([
				'POST /avatar/generation',
				`GET /avatar/task/${taskId}`,
			]);
		});
	});

	test('a video not ready within Tool Wait: the task as last seen, and the model is told to ask Get Task', async () => {
		await withStandIn({ taskDurationMs: 60_000 }, async (standIn, credentials) => {
			const startedAt = Date.now();
			// One status check (2 s into the wait) before the wait is up.
			const [{ json }] = await runNode({ parameters: generate({ toolWaitSeconds: 2.5 }), credentials, tool: true });
			expect(Date.now() - startedAt).toBeLessThan(4000);

			expect(standIn.counts().created).toBe(1);
			expect(json).toStrictEqual({
				taskId: json.taskId,
				status: 'queued',
				progress: 0,
				videoUrl: null,
				thumbnailUrl: null,
				failReason: null,
				submittedAt: ISO,
				startedAt: null,
				finishedAt: null,
				resumed: false,
				timedOut: true,
				next: `The video is not ready yet (queued, 0% done). Call the Get Task tool with taskId "${json.taskId}" to check again in a minute.`,
			});

			// Get Task as a tool answers at once (its Tool Wait is 0), with the same videoUrl column.
			const [{ json: status }] = await runNode({ parameters: getTask(json.taskId), credentials, tool: true });
			expect(status).toStrictEqual({
				taskId: json.taskId,
				status: 'queued',
				progress: 0,
				videoUrl: null,
				thumbnailUrl: null,
				failReason: null,
				submittedAt: ISO,
				startedAt: null,
				finishedAt: null,
				next: json.next,
			});
			expect(standIn.counts().created).toBe(1);
		});
	});

	test('no status check answered within Tool Wait: the task as created, queued', async () => {
		await withStandIn({ taskDurationMs: 60_000 }, async (standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: generate({ toolWaitSeconds: 0.3 }), credentials, tool: true });
			expect(json).toMatchObject({ status: 'queued', progress: null, submittedAt: null, timedOut: true, videoUrl: null });
			expect(json.next).toBe(`The video is not ready yet (queued). Call the Get Task tool with taskId "${json.taskId}" to check again in a minute.`);
			expect(standIn.counts().created).toBe(1);
		});
	});

	test('Tool Wait 0: answers as soon as the task exists, without a status check', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: generate({ toolWaitSeconds: 0, noWatermark: true }), credentials, tool: true });
			expect(standIn.requests.map((request) => request.method)).toStrictEqual(['POST']);
			expect(json.status).toBe('queued');
			expect(json).toHaveProperty('videoUrl', null);
			expect(json).not.toHaveProperty('videoUrlWithWatermark');
			expect(json).not.toHaveProperty('videoUrlWithoutWatermark');
			expect(json.next).toMatch(/^The video is not ready yet \(queued\)\. Call the Get Task tool with taskId "/);
		});
	});

	test('a task that fails is an answer, not an error: the model reads why', async () => {
		await withStandIn({ taskDurationMs: 200 }, async (standIn, credentials) => {
			const parameters = generate({ avatarUrl: 'https://cdn.example.com/no-face.jpg' });
			const [{ json }] = await runNode({ parameters, credentials, tool: true });
			expect(json).toMatchObject({
				status: 'failed',
				failReason: 'No face detected in the avatar image',
				videoUrl: null,
				next: 'GPT.GE could not make the video: No face detected in the avatar image.',
			});
			expect(standIn.counts().created).toBe(1);
		});
	});
});

test.each([
	["={{ $fromAI('avatarUrl', 'A photo URL', 'string') }}", { name: 'avatarUrl', description: 'A photo URL' }],
	['={{ $fromAi("text") }}', { name: 'text' }],
	["={{ $fromai(`voice`, `The voice, as a:b: it\\`s the voice field`) }}", { name: 'voice', description: 'The voice, as a:b: it`s the voice field' }],
	["={{ $fromAI('say', 'What it\\'s to say') }}", { name: 'say', description: "What it's to say" }],
	[{ __rl: true, mode: 'id', value: "={{ $fromAI('voice', 'A voice') }}" }, { name: 'voice', description: 'A voice' }],
	['={{ $json.photo }}', undefined],
	['https://example.com/a.jpg', undefined],
	[undefined, undefined],
])('the argument a parameter asks the model for: %j → %j', (value, argument) => {
	expect(modelArgumentOf(value)).toStrictEqual(argument);
});

describe('a tool answers the model instead of failing the run', () => {
	// As the examples give the tool its arguments: n8n reads $fromAI from the tool call's input item.
	const fromAi = (name, description) => `={{ $fromAI('${name}', '${description}', 'string') }}`;
	const PHOTO_ARGUMENT = 'Public http(s) URL of a photo of the person who speaks, exactly as the user gave it';

	test("the model's bad argument: nothing is sent; the answer names the argument, why, and what to send instead, not an item or row", async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const parameters = generate({ avatarUrl: fromAi('photo', PHOTO_ARGUMENT) });
			const output = await runNode({ parameters, items: [{ json: { photo: 'my-face.jpg' } }], credentials, tool: true });
			expect(output).toStrictEqual([
				{
					json: {
						error:
							'Argument photo: "my-face.jpg" is not an http(s) URL. GPT.GE downloads the file from this address, so it must start with http:// or https://. ' +
							`Send photo as: ${PHOTO_ARGUMENT}. Nothing was sent to GPT.GE.`,
						field: 'photo',
						nothingCreated: true,
					},
					pairedItem: { item: 0 },
				},
			]);
			expect(standIn.requests).toStrictEqual([]);
		});
	});

	test('an empty argument without a description: named, and why', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const parameters = generate({ audioUrl: "={{ $fromAI('audioUrl') }}" });
			const [{ json }] = await runNode({ parameters, items: [{ json: { audioUrl: '' } }], credentials, tool: true });
			expect(json).toStrictEqual({ error: 'Argument audioUrl: The value is empty. Nothing was sent to GPT.GE.', field: 'audioUrl', nothingCreated: true });
			expect(standIn.requests).toStrictEqual([]);
		});
	});

	test('a bad value the workflow set (not an argument): named by its label, as the tool author must fix it', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: generate({ avatarUrl: 'my-face.jpg' }), credentials, tool: true });
			expect(json).toStrictEqual({
				error:
					'The tool\'s Avatar URL (set in the workflow, not an argument): "my-face.jpg" is not an http(s) URL. GPT.GE downloads the file from this address, so it must start with http:// or https://. Nothing was sent to GPT.GE.',
				field: 'avatarUrl',
				nothingCreated: true,
			});
			expect(JSON.stringify(json)).not.toMatch(/item|row/);
			expect(standIn.requests).toStrictEqual([]);
		});
	});

	test('an API error (a wrong token) comes back as the answer, saying nothing was created', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: generate(), credentials: { ...credentials, apiToken: 'wrong' }, tool: true });
			expect(Object.keys(json)).toStrictEqual(['error', 'nothingCreated']);
			expect(json.error).toMatch(/^GPT\.GE: .*\. .*API Token/s);
			expect(json.nothingCreated).toBe(true);
			expect(standIn.counts().created).toBe(0);
		});
	});

	test('outside tool mode the same bad argument still fails the node (nothing changed for workflows)', async () => {
		await expect(runNode({ parameters: generate({ avatarUrl: 'my-face.jpg' }) })).rejects.toThrow(
			'Invalid Avatar URL [item 0 (1st row)]',
		);
	});
});

test('Voice → List as a tool: what a model picks a voice by, nothing more', async () => {
	await withStandIn({}, async (_standIn, credentials) => {
		const output = await runNode({ parameters: { resource: 'voice', operation: 'list', language: 'en' }, credentials, tool: true });
		expect(output.length).toBeGreaterThan(0);
		for (const { json } of output) {
			expect(Object.keys(json)).toStrictEqual(['name', 'language', 'labels', 'voice']);
			expect(json.voice).toMatch(/^[^:]+:[^:]+$/);
			expect(json.language).toBe('en');
		}
	});
});

describe("the editor's fields: a tool has Tool Wait, a workflow node has Wait for Completion and Download Video", () => {
	// The parameters n8n keeps for a node, by its display options (as on load and in the editor).
	const shownFor = (nodeType, parameters, typeVersion = 2) =>
		Object.keys(
			NodeHelpers.getNodeParameters(nodeType.description.properties, parameters, true, false, { typeVersion, parameters }, nodeType.description),
		);
	const asTool = (nodeType) => ({ ...nodeType, description: { ...nodeType.description, name: 'gptGeTool' } });

	test.each([
		['generate', generate({ waitForCompletion: true }), 40],
		['getTask', getTask('task-1'), 0],
	])('%s', (_operation, parameters, toolWait) => {
		const nodeType = loadNodeType();
		const tool = NodeHelpers.getNodeParameters(nodeType.description.properties, parameters, true, false, { typeVersion: 2, parameters }, asTool(nodeType).description);
		expect(tool.toolWaitSeconds).toBe(toolWait);
		for (const hidden of ['waitForCompletion', 'downloadVideo', 'simplify']) expect(tool).not.toHaveProperty(hidden);

		const workflowNode = shownFor(nodeType, parameters);
		expect(workflowNode).toEqual(expect.arrayContaining(['waitForCompletion', 'downloadVideo', 'simplify']));
		expect(workflowNode).not.toContain('toolWaitSeconds');
		// Version 1 nodes keep their items: no Simplify.
		expect(shownFor(nodeType, parameters, 1)).not.toContain('simplify');
	});
});
