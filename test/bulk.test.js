// Bulk runs that never lose a paid video: the door every request goes through (origin, timeouts,
// pacing, retries) and the run's ledger of created tasks, through n8n-core's RoutingNode.
// nock where the exact requests matter; the loopback stand-in or a loopback server where timing does.
const http = require('node:http');
const nock = require('nock');
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { runListSearch, runNode, TOKEN } = require('./helpers/engine');
const { API, interceptGenerate, interceptTaskPolls, recordRequests, withStandIn } = require('./helpers/api');
const { startLoopbackApi } = require('./helpers/loopback');
const { Pacer, pacerFor } = require('../nodes/GptGe/shared/api/pacer');

// The row a person counts, as errors add it after n8n's item index (written out, not computed).
const rowName = (item) => ['1st', '2nd', '3rd', '4th', '5th', '6th', '7th', '8th', '9th', '10th'][item] + ' row';
const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const ELSEWHERE = 'https://collector.example.net';
const generate = (parameters) => ({ resource: 'avatar', operation: 'generate', avatarUrl: AVATAR, audioUrl: AUDIO, ...parameters });
const rowsOf = (count, photo = (row) => `https://cdn.example.com/people/${row}.jpg`) =>
	Array.from({ length: count }, (_, row) => ({ json: { row, photo: photo(row) } }));
const perRow = (parameters) => generate({ avatarUrl: '={{ $json.photo }}', ...parameters });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());


describe('the token stays on the API origin', () => {
	/** Records every request that reaches the other origin; there must be none. */
	const interceptElsewhere = () => {
		const requests = [];
		for (const method of ['get', 'post']) {
			const received = recordRequests(nock(ELSEWHERE).persist()[method](/.*/), () => [200, { code: 'success', data: 'stolen' }]);
			received.scope.on('replied', () => requests.push(received.at(-1)));
		}
		return requests;
	};
	const redirect = (status) => [status, '', { Location: `${ELSEWHERE}/collect` }];

	test.each([302, 307])('Generate: a %s to another origin is not followed; nothing is created, the error names it', async (status) => {
		const posts = interceptGenerate({ reply: () => redirect(status) });
		const elsewhere = interceptElsewhere();

		const error = await runNode({ parameters: generate({}) }).catch((e) => e);

		expect(posts).toHaveLength(1);
		expect(elsewhere).toStrictEqual([]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`GPT.GE redirected the request to ${ELSEWHERE}`);
		expect(error.httpCode).toBe(String(status));
		expect(error.description).toBe(
			`The API token is sent to the Base URL's origin (${API}) only, so the redirect (HTTP ${status}) was not followed and nothing was created. ` +
				'If the API has moved there, change the Base URL in the GPT.GE API credential.\n\nNo task was created in this run, so nothing was paid for.',
		);
	});

	test.each([302, 307])('a status check answered %s to another origin ends the wait; the token goes nowhere else', async (status) => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'redirected-poll' }] });
		const polls = interceptTaskPolls(() => redirect(status));
		const elsewhere = interceptElsewhere();

		const error = await runNode({ parameters: generate({ waitForCompletion: true, pollInterval: 0.01, maxWait: 1 }) }).catch((e) => e);

		expect(polls).toHaveLength(1);
		expect(elsewhere).toStrictEqual([]);
		expect(error.message).toBe(`GPT.GE redirected the request to ${ELSEWHERE}`);
		// The task was created: the failed run says so.
		expect(error.description).toMatch(/\n\nTasks this run created \(1, already paid for\)\. .*\nitem 0 \(1st row\) → redirected-poll$/);
	});

	test.each([302, 307])('Voice → List and the Voice picker: a %s to another origin is refused', async (status) => {
		const lists = recordRequests(nock(API).persist().get('/avatar/voice').query(true), () => redirect(status));
		const elsewhere = interceptElsewhere();

		const listError = await runNode({ parameters: { resource: 'voice', operation: 'list', language: 'en' } }).catch((e) => e);
		const pickerError = await runListSearch({
			method: 'searchVoices',
			parameters: { resource: 'avatar', operation: 'generate', voiceSource: 'useVoice', language: 'en' },
		}).catch((e) => e);

		expect(lists.map((request) => request.headers.authorization)).toStrictEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
		expect(elsewhere).toStrictEqual([]);
		expect(listError.message).toBe(`GPT.GE redirected the request to ${ELSEWHERE}`);
		expect(pickerError.message).toBe(`GPT.GE redirected the request to ${ELSEWHERE}`);
	});

	test('a redirect within the API origin is followed, with the token and the same body', async () => {
		const first = interceptGenerate({ reply: () => [307, '', { Location: '/v2/avatar/generation' }] });
		const moved = recordRequests(nock(API).post('/v2/avatar/generation'), () => [200, { code: 'success', data: 'moved-task' }]);

		const [item] = await runNode({ parameters: generate({}) });

		expect(first).toHaveLength(1);
		expect(moved.map((request) => [request.headers.authorization, request.body])).toStrictEqual([
			[`Bearer ${TOKEN}`, { avatar_url: AVATAR, audio_url: AUDIO, no_watermark: false }],
		]);
		expect(item.json.taskId).toBe('moved-task');
	});

	test('over real HTTP: the stand-in redirects every call to its CDN origin, which sees no request', async () => {
		await withStandIn({ redirect: 307 }, async (standIn, credentials) => {
			const error = await runNode({ parameters: generate({}), credentials }).catch((e) => e);

			expect(error.message).toBe(`GPT.GE redirected the request to ${standIn.cdnUrl}`);
			expect(standIn.requests.map((request) => [request.method, request.path, request.status])).toStrictEqual([
				['POST', '/avatar/generation', 307],
			]);
			expect(standIn.cdnRequests).toStrictEqual([]);
		});
	});
});

describe('every wait is bounded', () => {
	test('a status check that never answers ends with Max Wait (plus a little), not after the 60 s request timeout', async () => {
		await withStandIn({ stallTaskQueries: true }, async (standIn, credentials) => {
			const startedAt = Date.now();
			// Max Wait 0.05 min = 3 s.
			const [item] = await runNode({
				parameters: generate({ waitForCompletion: true, pollInterval: 0.5, maxWait: 0.05, onTimeout: 'returnLatest' }),
				credentials,
				continueOnFail: true,
			});
			const seconds = (Date.now() - startedAt) / 1000;

			expect(seconds).toBeGreaterThanOrEqual(3);
			expect(seconds).toBeLessThan(5);
			expect(standIn.requests.filter((request) => request.method === 'GET').map((request) => request.status)).toStrictEqual(['stalled']);
			// Nothing was ever read about the task, so there is no "latest status" to return.
			const [taskId] = standIn.tasks.keys();
			expect(item.json).toStrictEqual({
				error: `Task ${taskId} did not finish in time`,
				details: { description: expect.stringMatching(/^Its last known status was "not known" and the last status check failed: /), taskId },
			});
			expect(item.pairedItem).toStrictEqual({ item: 0 });
		});
	}, 10_000);

	test('Request Options → Timeout bounds a create; a create that timed out is not sent again and may exist', async () => {
		nock.enableNetConnect('127.0.0.1');
		const api = await startLoopbackApi(() => 'stall');
		try {
			const startedAt = Date.now();
			const error = await runNode({
				parameters: generate({ requestOptions: { timeout: 300 } }),
				credentials: { apiToken: TOKEN, baseUrl: api.url },
			}).catch((e) => e);

			expect(Date.now() - startedAt).toBeLessThan(2000);
			expect(api.requests.map((request) => request.method)).toStrictEqual(['POST']);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.description).toContain('so the video may have been created and paid for. It was not sent again.');
		} finally {
			await api.close();
		}
	});

	test('Cancel stops a stalled status check and every row still queued for the rate limit within a second', async () => {
		await withStandIn({ stallTaskQueries: true }, async (standIn, credentials) => {
			const controller = new AbortController();
			const run = runNode({
				// Three rows at 0.5 requests per second: rows 1 and 2 wait for the pacer.
				parameters: perRow({ waitForCompletion: true, pollInterval: 0.2, maxWait: 10, options: { maxRequestsPerSecond: 0.5 } }),
				items: rowsOf(3),
				credentials,
				abortSignal: controller.signal,
				continueOnFail: true,
			});
			await new Promise((resolve) => setTimeout(resolve, 700)); // row 0's status check is stalled by now
			const stoppedAt = Date.now();
			controller.abort();
			const output = await run;

			expect(Date.now() - stoppedAt).toBeLessThan(1000);
			expect(standIn.requests.map((request) => request.method)).toStrictEqual(['POST']);
			expect(output.map((item) => [item.json.error, item.pairedItem.item])).toStrictEqual([
				[`Stopped waiting for task ${[...standIn.tasks.keys()][0]}: the execution was cancelled`, 0],
				['The execution was cancelled', 1],
				['The execution was cancelled', 2],
			]);
		});
	});
});

describe('rate limits just work, with default options', () => {
	test('120 rows behind a gateway limited to 20 per second: all created once, few 429s', async () => {
		await withStandIn({ rateLimitPerSecond: 20 }, async (standIn, credentials) => {
			const output = await runNode({ parameters: perRow({}), items: rowsOf(120), credentials });

			const counts = standIn.counts();
			expect(output).toHaveLength(120);
			expect(output.map((item) => item.pairedItem.item)).toStrictEqual([...Array(120).keys()]);
			expect(new Set(output.map((item) => item.json.taskId)).size).toBe(120);
			expect(counts.created).toBe(120);
			expect(counts.duplicateCreates).toBe(0);
			expect(counts.byStatus[429] ?? 0).toBeLessThanOrEqual(6);
		});
	}, 20_000);

	test('Max Requests per Second: no faster than that, from the first request on', async () => {
		await withStandIn({ rateLimitPerSecond: 10 }, async (standIn, credentials) => {
			await runNode({ parameters: perRow({ options: { maxRequestsPerSecond: 10 } }), items: rowsOf(25), credentials });

			// From the second arrival on: the first one also opens the connection, so it arrives late.
			const times = standIn.requests.map((request) => request.at).slice(1);
			expect(standIn.counts().created).toBe(25);
			// 23 gaps of at least 100 ms (the pacer keeps 3 % more). Arrivals jitter on a busy
			// machine, which a gateway at exactly this limit may answer with a rare 429.
			expect(times.at(-1) - times[0]).toBeGreaterThanOrEqual(2300);
			expect(times.filter((at) => at - times[0] < 1000).length).toBeLessThanOrEqual(10);
			expect(standIn.counts().byStatus[429] ?? 0).toBeLessThanOrEqual(1);
		});
	});

	test('two runs with the same token share one pacer', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const parameters = perRow({ options: { maxRequestsPerSecond: 5 } });
			const startedAt = Date.now();
			await Promise.all([
				runNode({ parameters, items: rowsOf(5), credentials }),
				runNode({ parameters, items: rowsOf(5), credentials }),
			]);

			// Ten requests at five per second, whichever run sent them: at least 1.8 s.
			expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1750);
			expect(standIn.counts().created).toBe(10);
		});
	});

	test('one pacer per base URL and token', () => {
		expect(pacerFor('https://api.gpt.ge', 'token-a')).toBe(pacerFor('https://api.gpt.ge', 'token-a'));
		expect(pacerFor('https://api.gpt.ge', 'token-a')).not.toBe(pacerFor('https://api.gpt.ge', 'token-b'));
		expect(pacerFor('https://api.gpt.ge', 'token-a')).not.toBe(pacerFor('https://other.example', 'token-a'));
	});

	test('the pacer learns the limit from what it sent in the refused request\'s second, and pauses until that second has passed', () => {
		const pacer = new Pacer();
		const now = Date.now();
		// As if 20 requests had been let through in the last second, the first 950 ms ago, each answered 5 ms later.
		pacer.sentAt = Array.from({ length: 20 }, (_, index) => now - 950 + index * 45);
		pacer.answeredAt = new Map(pacer.sentAt.map((at) => [at, at + 5]));

		pacer.refused(now, 1000);

		expect(pacer.limit).toBe(20);
		expect(pacer.rate).toBeCloseTo(20 * 0.98);
		// Until the oldest of them has left the gateway's window: 1,020 ms after its answer came back (it was counted before).
		expect(pacer.pausedUntil).toBe(now - 945 + 1020);
		// A 429 for a request sent before the cut is the same event: no second cut.
		pacer.refused(now - 10, 1000);
		expect(pacer.limit).toBe(20);
	});
});

describe('never pay twice', () => {
	test('a create whose connection was refused is sent again once the API is back', async () => {
		nock.enableNetConnect('127.0.0.1');
		// A port that refuses connections until the API starts listening on it, 300 ms in.
		const probe = http.createServer();
		await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const { port } = probe.address();
		await new Promise((resolve) => probe.close(resolve));
		const received = [];
		const api = http.createServer((req, res) => {
			received.push(req.method);
			req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'success', data: 'second-try' })));
		});
		const listening = new Promise((resolve) => setTimeout(() => api.listen(port, '127.0.0.1', resolve), 300));
		try {
			const [item] = await runNode({ parameters: generate({}), credentials: { apiToken: TOKEN, baseUrl: `http://127.0.0.1:${port}` } });

			expect(item.json.taskId).toBe('second-try');
			expect(received).toStrictEqual(['POST']);
		} finally {
			await listening;
			await new Promise((resolve) => api.close(resolve));
		}
	});

	test('a create dropped after it was sent is not sent again; its error says the task may exist', async () => {
		nock.enableNetConnect('127.0.0.1');
		const api = await startLoopbackApi(() => 'drop');
		try {
			const error = await runNode({ parameters: generate({}), credentials: { apiToken: TOKEN, baseUrl: api.url } }).catch((e) => e);

			expect(api.requests).toHaveLength(1);
			expect(error.description).toContain(
				"so the video may have been created and paid for. It was not sent again. Check your GPT.GE account's tasks and usage before running this row again.",
			);
		} finally {
			await api.close();
		}
	});

	test('a create answered 502 is not sent again; a status check answered 502 is', async () => {
		const posts = interceptGenerate({ times: 2, reply: (body, index) => (index === 0 ? [502, 'bad gateway'] : [200, { code: 'success', data: 'x' }]) });

		const error = await runNode({ parameters: generate({}) }).catch((e) => e);

		expect(posts).toHaveLength(1);
		expect(error.httpCode).toBe('502');
		expect(error.description).toContain('so the video may have been created and paid for');
	});
});

describe('nothing lost: a failed run names every task it created', () => {
	const badRow = 3;
	const photoOf = (row) => (row === badRow ? 'https://cdn.example.com/rejected.jpg' : `https://cdn.example.com/people/${row}.jpg`);

	test('one row of ten rejected (400): the error lists the nine created tasks, item → task ID', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const error = await runNode({ parameters: perRow({}), items: rowsOf(10, photoOf), credentials }).catch((e) => e);

			const taskOfRow = new Map([...standIn.tasks.values()].map((task) => [task.body.avatar_url, task.id]));
			const created = [...Array(10).keys()].filter((row) => row !== badRow);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toMatch(/^GPT\.GE: avatar_url could not be read/);
			expect(error.context.itemIndex).toBe(badRow);
			expect(error.description).toBe(
				'GPT.GE rejected the request. Check the node\'s input values. (GPT.GE answered with HTTP 400.)\n\n' +
					'Tasks this run created (9, already paid for). Do not generate these rows again: check them with Avatar → Get Task.\n' +
					created.map((row) => `item ${row} (${rowName(row)}) → ${taskOfRow.get(photoOf(row))}`).join('\n'),
			);
		});
	});

	test('with Wait for Completion the list gives each task\'s status and video', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const photo = (row) => (row === 1 ? 'https://cdn.example.com/no-face.jpg' : photoOf(row));
			const error = await runNode({
				parameters: perRow({ waitForCompletion: true, pollInterval: 0.1, maxWait: 1 }),
				items: rowsOf(5, photo),
				credentials,
			}).catch((e) => e);

			const task = (row) => [...standIn.tasks.values()].find((candidate) => candidate.body.avatar_url === photo(row)).id;
			const video = (row) => `${standIn.cdnUrl}/videos/${task(row)}-wm.mp4`;
			// Row 1's task failed (no face), row 3 was rejected: the first failed row is what n8n shows.
			expect(error.message).toBe('GPT.GE could not make the video: No face detected in the avatar image');
			expect(error.description.split('\n\n')[1]).toBe(
				'Tasks this run created (4, already paid for). Do not generate these rows again: check them with Avatar → Get Task.\n' +
					[
						`item 0 (1st row) → ${task(0)} (succeeded, ${video(0)})`,
						`item 1 (2nd row) → ${task(1)} (failed: No face detected in the avatar image)`,
						`item 2 (3rd row) → ${task(2)} (succeeded, ${video(2)})`,
						`item 4 (5th row) → ${task(4)} (succeeded, ${video(4)})`,
					].join('\n'),
			);
		});
	});

	test.each(['continueRegularOutput', 'continueErrorOutput'])(
		'%s: good rows are normal items, the rejected row an error item paired with it',
		async (onError) => {
			await withStandIn({}, async (standIn, credentials) => {
				const output = await runNode({ parameters: perRow({}), items: rowsOf(10, photoOf), credentials, onError });

				expect(output.map((item) => item.pairedItem)).toStrictEqual([...Array(10).keys()].map((item) => ({ item })));
				expect(output.filter((item) => item.json.error).map((item) => item.pairedItem.item)).toStrictEqual([badRow]);
				// Only the keys n8n's error output takes an item by (error, message, details).
				expect(output[badRow].json).toStrictEqual({
					error: 'GPT.GE: avatar_url could not be read: the image host answered 403 Forbidden',
					details: { description: "GPT.GE rejected the request. Check the node's input values. (GPT.GE answered with HTTP 400.)" },
				});
				expect(output.filter((item) => !item.json.error).map((item) => standIn.tasks.has(item.json.taskId))).toStrictEqual(Array(9).fill(true));
			});
		},
	);

	test('Continue On Fail: a row whose task was created but whose wait failed keeps its task ID', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'created-then-lost' }] });
		interceptTaskPolls(() => [404, { code: 'task_not_exist', message: 'task_not_exist' }]);

		const [item] = await runNode({ parameters: generate({ waitForCompletion: true, pollInterval: 0.01, maxWait: 1 }), continueOnFail: true });

		expect(item.json).toStrictEqual({
			error: 'GPT.GE: task_not_exist',
			details: { description: "GPT.GE rejected the request. Check the node's input values. (GPT.GE answered with HTTP 404.)", taskId: 'created-then-lost' },
		});
		expect(item.pairedItem).toStrictEqual({ item: 0 });
	});

	test('input refused before sending: under Continue On Fail the error item is paired with its row', async () => {
		const posts = interceptGenerate({ times: 2 });

		const output = await runNode({ parameters: perRow({}), items: rowsOf(3, (row) => (row === 1 ? 'not a url' : `https://x.example/${row}.jpg`)), continueOnFail: true });

		expect(posts).toHaveLength(2);
		expect(output[1]).toStrictEqual({
			json: {
				error: 'Invalid Avatar URL [item 1 (2nd row)]',
				details: {
					description: '"not a url" is not an http(s) URL. GPT.GE downloads the file from this address, so it must start with http:// or https://. Nothing was sent to GPT.GE.',
				},
			},
			pairedItem: { item: 1 },
		});
	});
});

test('the status checks of a run yield to its creates', async () => {
	await withStandIn({ taskDurationMs: 100 }, async (standIn, credentials) => {
		await runNode({
			parameters: perRow({ waitForCompletion: true, pollInterval: 0.05, maxWait: 1, options: { maxRequestsPerSecond: 20 } }),
			items: rowsOf(15),
			credentials,
		});

		const methods = standIn.requests.map((request) => request.method);
		// Status checks were due long before the last create went out; none was sent before it.
		expect(methods.slice(0, 15)).toStrictEqual(Array(15).fill('POST'));
		expect(methods.slice(15).every((method) => method === 'GET')).toBe(true);
	});
});

test('the node evaluates no expression of a row twice before sending: only the engine\'s evaluations, and 1 for the output', async () => {
	const { WorkflowExpression } = require('n8n-workflow');
	const evaluations = new Map();
	const resolve = WorkflowExpression.prototype.resolveSimpleParameterValue;
	const spy = jest.spyOn(WorkflowExpression.prototype, 'resolveSimpleParameterValue').mockImplementation(function (value, ...rest) {
		if (typeof value === 'string' && value.startsWith('=')) evaluations.set(value, (evaluations.get(value) ?? 0) + 1);
		return resolve.call(this, value, ...rest);
	});
	interceptGenerate({ times: 3 });
	try {
		await runNode({ parameters: perRow({ audioUrl: '={{ $json.photo.replace(".jpg", ".mp3") }}' }), items: rowsOf(3) });
	} finally {
		spy.mockRestore();
	}

	// The engine resolves a parameter twice per row for each field of that name, shown or not
	// (n8n-core's RoutingNode reads every field's value before it looks whether it shows), and twice
	// more for the field shown (building the request and its base URL): 4 for one field. audioUrl is
	// two fields, Audio URL and (from version 3) Voice Sample URL, so 6. The input check reads the
	// built request instead of evaluating again.
	expect(evaluations.get('={{ $json.photo.replace(".jpg", ".mp3") }}')).toBe(6 * 3);
	// avatarUrl once more per row: Generate's output item carries it.
	expect(evaluations.get('={{ $json.photo }}')).toBe(5 * 3);
});

test("n8n's Batching still works: the rows are sent once the last batch is built and every row is checked", async () => {
	const posts = interceptGenerate({ times: 4 });
	const startedAt = Date.now();

	const output = await runNode({
		parameters: perRow({ requestOptions: { batching: { batch: { batchSize: 2, batchInterval: 300 } } } }),
		items: rowsOf(4),
	});

	expect(output.map((item) => [item.json.taskId !== undefined, item.pairedItem.item])).toStrictEqual([0, 1, 2, 3].map((item) => [true, item]));
	expect(posts).toHaveLength(4);
	expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
});
