// GPT.GE's answer forms through n8n-core's RoutingNode: what each operation does with the codes,
// times and fields the docs' schemas and other gateways show (nock answers in those forms), a
// create's task ID never lost, and the token never shown, whatever the API repeats back.
const nock = require('nock');
const { NodeApiError } = require('n8n-workflow');
const { runNode, TOKEN } = require('./helpers/engine');
const { API, envelope, interceptGenerate, interceptTaskPolls } = require('./helpers/api');
const { generate, getTask } = require('./helpers/params');

const waiting = { waitForCompletion: true, pollInterval: 0.05, maxWait: 2 };
const VIDEO = 'https://cdn.example.com/v-wm.mp4';

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('a create answered in every success form is the task, not an error', () => {
	test.each([['success'], [200], ['200'], [0], ['0']])('code %j: one task, waited for', async (code) => {
		const creates = interceptGenerate({ reply: () => [200, { code, message: '', data: 'task-1' }] });
		const polls = interceptTaskPolls((taskId) => [200, { ...envelope(taskId, 'SUCCESS', { work: { wm_work_video_path: VIDEO } }), code }]);
		const [item] = await runNode({ parameters: generate(waiting), typeVersion: 2 });
		expect(creates).toHaveLength(1);
		expect(polls.map((poll) => poll.taskId)).toStrictEqual(['task-1']);
		expect(item.json).toMatchObject({ taskId: 'task-1', status: 'succeeded', videoUrl: VIDEO });
		expect(item.json).not.toHaveProperty('warning');
	});

	test('a code the node does not know, with a task ID: the task, flagged with a warning the user sees', async () => {
		interceptGenerate({ reply: () => [200, { code: 'accepted', message: '', data: 'task-2' }] });
		const [item] = await runNode({ parameters: generate(), typeVersion: 2 });
		expect(item.json).toMatchObject({
			taskId: 'task-2',
			status: 'queued',
			warning:
				'GPT.GE answered with code "accepted", which this node does not know, and task ID task-2: the node treats the video as created. Check it with Avatar → Get Task.',
		});
	});

	test('a failure code with a task ID: the error names it, says a video may exist, and the ledger lists it', async () => {
		const creates = interceptGenerate({ times: 2, reply: (_body, index) => (index === 0 ? [200, { code: 200, data: 'task-ok' }] : [200, { code: 500, message: 'upstream busy', data: 'task-maybe' }]) });
		const error = await runNode({ parameters: generate(), items: [{ json: {} }, { json: {} }] }).catch((e) => e);
		expect(creates).toHaveLength(2);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: upstream busy (task task-maybe)');
		expect(error.description).toContain(
			'(GPT.GE answered with code 500.) It carried task ID task-maybe all the same, so a video may exist and may be billed: check it with Avatar → Get Task before running this row again.',
		);
		expect(error.description).toContain('item 0 (1st row) → task-ok');
		expect(error.description).toContain('item 1 (2nd row) → task-maybe (GPT.GE answered with an error, the video may exist)');
	});

	test('under Continue On Fail the error item carries that task ID', async () => {
		interceptGenerate({ reply: () => [200, { code: 'error', message: 'no', data: 'task-3' }] });
		const [item] = await runNode({ parameters: generate(), continueOnFail: true });
		expect(item.json).toMatchObject({ error: 'GPT.GE: no (task task-3)', details: { taskId: 'task-3' } });
	});
});

describe('Get Task and waiting read the schema forms', () => {
	test('code 0, a flat work object, times in milliseconds, only the named paths', async () => {
		const work = {
			id: 'task-4',
			web_work_status: 200,
			create_time: 1736868741123,
			wm_work_video_path: VIDEO,
			no_wm_work_video_path: 'https://cdn.example.com/v.mp4',
		};
		interceptTaskPolls(() => [200, { code: 0, message: '', data: work }]);
		const [item] = await runNode({ parameters: getTask('task-4'), typeVersion: 2 });
		expect(item.json).toMatchObject({ taskId: 'task-4', status: 'succeeded', submittedAt: '2025-01-14T15:32:21.123Z', videoUrl: VIDEO });
	});

	test('an envelope with ISO times and code "200"', async () => {
		const answer = envelope('task-5', 'IN_PROGRESS');
		Object.assign(answer.data, { submit_time: '2025-01-14T15:32:21Z', start_time: '1736868745000' });
		interceptTaskPolls(() => [200, { ...answer, code: '200' }]);
		const [item] = await runNode({ parameters: getTask('task-5'), typeVersion: 2 });
		expect(item.json).toMatchObject({ status: 'processing', submittedAt: '2025-01-14T15:32:21.000Z', startedAt: '2025-01-14T15:32:25.000Z' });
	});
});

describe('Voice → List reads every form', () => {
	test('code 200, type a string, labels a string; All Languages sends no language', async () => {
		const voice = { audio_id: 'a1', voice_engine_id: 'e1', name: 'Yue', language: 'zh', labels: 'Female, Young', type: '1', vip_enable: false };
		let query;
		nock(API).get('/avatar/voice').query((q) => ((query = { ...q }), true)).reply(200, { code: 200, data: { audio_list: [voice] } });
		const items = await runNode({ parameters: { resource: 'voice', operation: 'list', language: '' } });
		expect(query).toStrictEqual({});
		expect(items.map((item) => item.json)).toStrictEqual([{ ...voice, labels: ['Female', 'Young'], voice: 'e1:a1' }]);
	});
});

describe('no token ever shown', () => {
	const echo = `invalid request (Authorization: Bearer ${TOKEN})`;

	test("an error repeating the Authorization header: message, description, the error's JSON", async () => {
		interceptGenerate({ reply: () => [400, { error: { message: echo, type: 'invalid_request_error' } }] });
		const error = await runNode({ parameters: generate() }).catch((e) => e);
		expect(error.message).toBe('GPT.GE: invalid request (Authorization: Bearer ***)');
		const shown = JSON.stringify({ message: error.message, description: error.description, messages: error.messages, cause: error.cause, errorResponse: error.errorResponse, context: error.context });
		expect(shown).not.toContain(TOKEN);
		expect(shown).toContain('Bearer ***');
	});

	test('the same under Continue On Fail and as a tool', async () => {
		interceptGenerate({ times: 2, reply: () => [401, { message: `token ${TOKEN} is not valid` }] });
		const [item] = await runNode({ parameters: generate(), continueOnFail: true });
		const [answer] = await runNode({ parameters: generate(), tool: true });
		expect(JSON.stringify([item.json, answer.json])).not.toContain(TOKEN);
		expect(item.json.error).toBe('GPT.GE: token *** is not valid');
	});

	test('an answer that repeats it in a task: the item shows it masked', async () => {
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'QUEUED', { work: { work_name: `made with ${TOKEN}` } })]);
		const [item] = await runNode({ parameters: getTask('task-6') });
		expect(JSON.stringify(item.json)).not.toContain(TOKEN);
		expect(item.json.task.data.work_name).toBe('made with ***');
	});
});
