// Spreadsheet production: rows that already have a task (Existing Task ID) resume it instead of
// paying again, through n8n-core's RoutingNode; the loopback stand-in where whole runs matter,
// nock where the exact requests do.
const nock = require('nock');
const { NodeApiError } = require('n8n-workflow');
const { runNode, TOKEN } = require('./helpers/engine');
const { API, envelope, interceptGenerate, interceptTaskPolls, withStandIn } = require('./helpers/api');

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

/** Sheet rows as Extract From File gives them: an empty taskId cell is an empty string. */
const sheetRows = (count, taskIds = []) =>
	Array.from({ length: count }, (_, row) => ({
		json: { row: row + 1, photo: `https://cdn.example.com/people/${row + 1}.jpg`, speech: `https://cdn.example.com/speech/${row + 1}.mp3`, taskId: taskIds[row] ?? '' },
	}));

const sheetGenerate = (parameters = {}) => ({
	resource: 'avatar',
	operation: 'generate',
	avatarUrl: '={{ $json.photo }}',
	voiceSource: 'audioUrl',
	audioUrl: '={{ $json.speech }}',
	options: { existingTaskId: '={{ $json.taskId }}' },
	...parameters,
});

const waiting = { waitForCompletion: true, pollInterval: 0.05, maxWait: 1 };

describe('Generate → Existing Task ID: a sheet run again pays only for the rows without a task', () => {
	test('10 rows of which 4 carry task IDs → exactly 6 creates, 10 finished items, each paired to its row', async () => {
		await withStandIn({ taskDurationMs: 200 }, async (standIn, credentials) => {
			// An earlier run made the first 4 rows' videos, and the sheet kept their task IDs.
			const earlier = await runNode({ parameters: sheetGenerate(), items: sheetRows(4), credentials });
			const earlierIds = earlier.map((item) => item.json.taskId);
			expect(standIn.counts().created).toBe(4);
			const sheet = sheetRows(10, earlierIds);
			const before = standIn.requests.length;

			const output = await runNode({ parameters: sheetGenerate(waiting), items: sheet, credentials });

			expect(standIn.counts().created).toBe(10);
			const creates = standIn.requests.slice(before).filter((request) => request.method === 'POST');
			expect(creates.map((request) => request.body.avatar_url)).toStrictEqual(
				sheet.slice(4).map((row) => row.json.photo),
			);
			const resumedRequests = standIn.requests.slice(before).filter((request) => earlierIds.some((id) => request.path.endsWith(id)));
			expect(new Set(resumedRequests.map((request) => `${request.method} ${request.body}`))).toStrictEqual(new Set(['GET undefined']));
			expect(output).toHaveLength(10);
			expect(output.map((item) => item.pairedItem)).toStrictEqual(sheet.map((_, item) => ({ item })));
			expect(output.map((item) => [item.json.resumed, item.json.status])).toStrictEqual(
				sheet.map((_, row) => [row < 4, 'succeeded']),
			);
			expect(output.slice(0, 4).map((item) => item.json.taskId)).toStrictEqual(earlierIds);
			const newIds = output.slice(4).map((item) => item.json.taskId);
			expect(new Set([...earlierIds, ...newIds]).size).toBe(10);
			for (const item of output) expect(item.json.videoUrl).toMatch(/^http:\/\/localhost:\d+\//);
		});
	});

	test('a resumed row is a status query: GET /avatar/task/<id>, no body, the token; the item is the task, marked resumed', async () => {
		const polls = interceptTaskPolls((taskId) => [200, envelope(taskId, 'IN_PROGRESS', { progress: '40%' })]);
		const creates = interceptGenerate();

		const [item] = await runNode({ parameters: sheetGenerate(), items: sheetRows(1, [' task/7 ']) });

		expect(creates).toStrictEqual([]);
		expect(polls.map((poll) => [poll.taskId, poll.headers.authorization])).toStrictEqual([['task/7', `Bearer ${TOKEN}`]]);
		expect(polls[0].headers['content-length'] ?? '0').toBe('0');
		expect(item.pairedItem).toStrictEqual({ item: 0 });
		expect(item.json).toMatchObject({ taskId: 'task/7', status: 'processing', progress: 40, resumed: true });
	});

	test('a created row says resumed: false', async () => {
		interceptGenerate();
		const [item] = await runNode({ parameters: sheetGenerate(), items: sheetRows(1) });
		expect(item.json).toStrictEqual({
			taskId: 'task-0',
			avatarUrl: 'https://cdn.example.com/people/1.jpg',
			voiceSource: 'audioUrl',
			noWatermark: false,
			resumed: false,
		});
	});

	test("a resumed row's other fields are not checked: nothing of them is sent", async () => {
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'SUCCESS', { work: { work_video_path: 'https://cdn.example.com/v.mp4' } })]);
		const rows = [{ json: { photo: '', speech: 'not a url', taskId: 'old-task' } }];

		const [item] = await runNode({ parameters: sheetGenerate(), items: rows });

		expect(item.json).toMatchObject({ status: 'succeeded', videoUrl: 'https://cdn.example.com/v.mp4', resumed: true });
	});

	test('a passing failure of a resumed row is asked again (it is a read); a failed create is not', async () => {
		let polls = 0;
		nock(API)
			.get('/avatar/task/old-task')
			.times(2)
			.reply(() => (++polls === 1 ? [502, 'Bad Gateway'] : [200, envelope('old-task', 'SUCCESS')]));
		const creates = interceptGenerate({ reply: () => [502, 'Bad Gateway'] });

		const output = await runNode({
			parameters: sheetGenerate(),
			items: sheetRows(2, ['old-task']),
			continueOnFail: true,
		});

		expect(polls).toBe(2);
		expect(creates).toHaveLength(1);
		expect(output[0].json).toMatchObject({ taskId: 'old-task', status: 'succeeded', resumed: true });
		expect(output[1].json.error).toBe('GPT.GE: Bad Gateway');
	});

	test('Continue On Fail: a resumed row that fails keeps its task ID in the error item, so the sheet keeps it', async () => {
		nock(API).get('/avatar/task/gone').reply(200, { code: 'task_not_exist', message: 'task not found' });

		const [item] = await runNode({ parameters: sheetGenerate(), items: sheetRows(1, ['gone']), continueOnFail: true });

		expect(item.json).toStrictEqual({
			error: 'GPT.GE: task not found',
			details: {
				description: 'GPT.GE did not accept the request. Check the node\'s input values and your account balance. (GPT.GE answered with code "task_not_exist".)',
				taskId: 'gone',
			},
		});
		expect(item.pairedItem).toStrictEqual({ item: 0 });
	});

	test("a failing run lists the tasks it created, not the ones it resumed (those were paid before)", async () => {
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'SUCCESS')]);
		interceptGenerate({ times: 2, reply: (body, index) => (index === 0 ? [200, { code: 'success', data: 'new-task' }] : [400, { error: { message: 'avatar_url could not be read' } }]) });

		const error = await runNode({ parameters: sheetGenerate(), items: sheetRows(3, ['old-task']) }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: avatar_url could not be read');
		expect(error.description).toMatch(/Tasks this run created \(1, already paid for\)\. .*\nitem 1 \(2nd row\) → new-task$/);
	});
});
