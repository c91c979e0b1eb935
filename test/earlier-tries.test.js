// n8n's Retry On Fail never pays twice (shared/api/earlierTries.ts): the decision and what a try
// leaves, row by row; the memory's bounds; and through n8n-core's RoutingNode, the node run a
// second time in the same execution with the same items after a first try that threw, as
// WorkflowExecute does it.
const nock = require('nock');
const { decideCreate, whatTheTryLeft, keyOf, CreateMemory } = require('../nodes/GptGe/shared/api/earlierTries');
const { mayHaveCreated } = require('../nodes/GptGe/shared/api/policy');
const { runNode } = require('./helpers/engine');
const { envelope, interceptGenerate, interceptTaskPolls } = require('./helpers/api');
const { generate } = require('./helpers/params');

describe('the decision before a create, row by row', () => {
	test.each([
		['no earlier try made it', undefined, { act: 'send' }],
		['an earlier try created task t1', { taskId: 't1' }, { act: 'resume', taskId: 't1' }],
		['an earlier try may have created one, without an ID', { mayHaveCreated: true }, { act: 'refuse' }],
	])('%s', (_case, earlier, decision) => {
		expect(decideCreate(earlier)).toStrictEqual(decision);
	});
});

describe('what a try leaves for the next', () => {
	const answer = (status) => ({ status, objectBody: true });
	test.each([
		['a task ID came back', 't1', undefined, { taskId: 't1' }],
		['a task ID came back with an error (a 500 carrying it)', 't2', answer(500), { taskId: 't2' }],
		['a 500 without an ID', undefined, answer(500), { mayHaveCreated: true }],
		['a timeout', undefined, { noAnswer: true }, { mayHaveCreated: true }],
		['a reset after sending', undefined, { noAnswer: true, code: 'ECONNRESET' }, { mayHaveCreated: true }],
		['a refused connection', undefined, { noAnswer: true, code: 'ECONNREFUSED' }, undefined],
		['a 429', undefined, answer(429), undefined],
		['a 400', undefined, answer(400), undefined],
		['a redirect not followed', undefined, answer(302), undefined],
		['a 200 whose code says failure, no ID', undefined, answer(200), undefined],
		['never sent (an upload failed first)', undefined, undefined, undefined],
	])('%s', (_case, taskId, lastFailure, left) => {
		expect(whatTheTryLeft(taskId, lastFailure)).toStrictEqual(left);
	});

	test.each([
		[{ noAnswer: true }, true],
		[{ noAnswer: true, code: 'ETIMEDOUT' }, true],
		[{ noAnswer: true, code: 'ENOTFOUND' }, false],
		[answer(503), true],
		[answer(499), false],
		[answer(429), false],
	])("mayHaveCreated(%j) → %s (the policy's rule, shared)", (outcome, may) => {
		expect(mayHaveCreated(outcome)).toBe(may);
	});
});

describe('the memory', () => {
	const source = { executionId: 'e1', nodeId: 'n1', runIndex: 0, itemIndex: 3, request: { method: 'POST', url: '/avatar/generation', body: { a: 1 } } };

	test('one key per execution, node, run, item and request; none outside an execution', () => {
		const keys = [
			source,
			{ ...source, executionId: 'e2' },
			{ ...source, nodeId: 'n2' },
			{ ...source, runIndex: 1 },
			{ ...source, itemIndex: 4 },
			{ ...source, request: { ...source.request, body: { a: 2 } } },
		].map(keyOf);
		expect(new Set(keys).size).toBe(6);
		expect(keyOf({ ...source })).toBe(keys[0]);
		expect(keyOf({ ...source, executionId: undefined })).toBeUndefined();
	});

	test('bounded in time: a create older than the bound is forgotten', () => {
		const memory = new CreateMemory(10, 1000);
		memory.remember('a', { taskId: 't1' }, 0);
		expect(memory.recall('a', 999)).toStrictEqual({ taskId: 't1' });
		expect(memory.recall('a', 1000)).toBeUndefined();
		expect(memory.size).toBe(0);
	});

	test('bounded in size: the oldest go first; remembering nothing forgets', () => {
		const memory = new CreateMemory(3, 60_000);
		['a', 'b', 'c', 'd'].forEach((key, at) => memory.remember(key, { taskId: key }, at));
		expect(memory.size).toBe(3);
		expect(memory.recall('a', 10)).toBeUndefined();
		expect(memory.recall('d', 10)).toStrictEqual({ taskId: 'd' });
		memory.remember('d', undefined, 11);
		expect(memory.recall('d', 12)).toBeUndefined();
	});
});

describe("Retry On Fail through n8n's engine: the same execution runs the node again", () => {
	const rows = [0, 1, 2, 3].map((row) => ({ json: { avatar: `https://cdn.example.com/row-${row}.jpg` } }));
	const parameters = generate({ avatarUrl: '={{ $json.avatar }}' });
	const rowOf = (body) => Number(/row-(\d)/.exec(body.avatar_url)[1]);

	beforeEach(() => {
		nock.disableNetConnect();
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'QUEUED')]);
	});
	afterEach(() => nock.cleanAll());
	afterAll(() => nock.enableNetConnect());

	/** Creates answered task-<row>-<n>; row 2's first create answered `failure` ([status, body]). */
	function gateway(failure) {
		let failed = false;
		return interceptGenerate({
			times: 20,
			reply: (body, index) => {
				if (rowOf(body) === 2 && !failed) {
					failed = true;
					return failure;
				}
				return [200, { code: 'success', data: `task-${rowOf(body)}-${index}` }];
			},
		});
	}

	test('row 2 refused once (a 400: nothing created): the retry resumes rows 0, 1 and 3 and sends row 2 again', async () => {
		const creates = gateway([400, { error: { message: 'avatar_url could not be downloaded' } }]);
		const first = await runNode({ parameters, items: rows, executionId: 'exec-retry-1' }).catch((e) => e);
		expect(first.message).toBe('GPT.GE: avatar_url could not be downloaded');
		const createdFirst = creates.map(({ body }) => rowOf(body));

		const items = await runNode({ parameters, items: rows, executionId: 'exec-retry-1' });

		expect(createdFirst.sort()).toStrictEqual([0, 1, 2, 3]);
		expect(creates.slice(4).map(({ body }) => rowOf(body))).toStrictEqual([2]);
		expect(items.map(({ json }) => [json.taskId, json.resumed, json.resumedAfterRetry ?? false])).toStrictEqual([
			[expect.stringMatching(/^task-0-/), true, true],
			[expect.stringMatching(/^task-1-/), true, true],
			['task-2-4', false, false],
			[expect.stringMatching(/^task-3-/), true, true],
		]);
		expect(items[0].json).toMatchObject({ status: 'queued' });
		expect(items.map(({ pairedItem }) => pairedItem)).toStrictEqual([0, 1, 2, 3].map((item) => ({ item })));

		// A new execution of the same rows creates new videos.
		const again = await runNode({ parameters, items: rows, executionId: 'exec-retry-2' });
		expect(creates).toHaveLength(9);
		expect(again.every(({ json }) => json.resumed === false)).toBe(true);
	});

	test('row 2 answered 500 (it may have been created): the retry resumes the others and refuses to send it again', async () => {
		const creates = gateway([500, { error: { message: 'upstream error' } }]);
		const first = await runNode({ parameters, items: rows, executionId: 'exec-retry-3' }).catch((e) => e);
		expect(first.description).toContain('the video may have been created and paid for. It was not sent again.');

		const second = await runNode({ parameters, items: rows, executionId: 'exec-retry-3' }).catch((e) => e);

		expect(creates).toHaveLength(4);
		expect(second.message).toBe('Not sent again: an earlier try may have created this video');
		expect(second.description).toContain("n8n's Retry On Fail ran this node again in the same execution.");
		// The ledger still lists every task the execution paid for.
		for (const row of [0, 1, 3]) expect(second.description).toMatch(new RegExp(`→ task-${row}-\\d`));
	});

	test('a row whose create carried its ID with an error is resumed with that task', async () => {
		const creates = gateway([200, { code: 500, message: 'busy', data: 'task-2-maybe' }]);
		await expect(runNode({ parameters, items: rows, executionId: 'exec-retry-4' })).rejects.toThrow('GPT.GE: busy (task task-2-maybe)');
		const items = await runNode({ parameters, items: rows, executionId: 'exec-retry-4' });
		expect(creates).toHaveLength(4);
		expect(items[2].json).toMatchObject({ taskId: 'task-2-maybe', resumed: true, resumedAfterRetry: true });
	});

	test('a loop runs the node again with a new run index: it creates anew', async () => {
		const creates = gateway([200, { code: 'success', data: 'task-2-first' }]);
		await runNode({ parameters, items: rows, executionId: 'exec-loop', runIndex: 0 });
		const items = await runNode({ parameters, items: rows, executionId: 'exec-loop', runIndex: 1 });
		expect(creates).toHaveLength(8);
		expect(items.every(({ json }) => json.resumed === false)).toBe(true);
	});
});
