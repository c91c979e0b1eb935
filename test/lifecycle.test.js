// Get Task, Wait for Completion, Download Video and Voices, through n8n-core's RoutingNode.
const nock = require('nock');
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { runNode, TOKEN } = require('./helpers/engine');
const { API, envelope, interceptGenerate, interceptTaskPolls, recordRequests } = require('./helpers/api');
const { startLoopbackApi } = require('./helpers/loopback');

const CDN = 'https://cdn.videos.example';
const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(64, 7)]);

// Fast polling for tests; the node's defaults are 10 s and 15 min.
const FAST = { pollInterval: 0.01, maxWait: 0.05 };
const getTask = (parameters) => ({ resource: 'avatar', operation: 'getTask', ...parameters });
const generate = (parameters) => ({ resource: 'avatar', operation: 'generate', avatarUrl: AVATAR, audioUrl: AUDIO, ...parameters });

const finishedWork = (taskId) => ({
	work_video_path: `${CDN}/videos/${taskId}.mp4`,
	wm_work_video_path: `${CDN}/videos/${taskId}-wm.mp4`,
	no_wm_work_video_path: `${CDN}/videos/${taskId}.mp4`,
	web_work_status: 200,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Avatar → Get Task', () => {
	test('the task envelope becomes one normalised item, paired, with the raw task under "task"', async () => {
		const body = envelope('t-1', 'SUCCESS', { work: { ...finishedWork('t-1'), work_webp_path: `${CDN}/t-1.webp` } });
		const polls = interceptTaskPolls(() => [200, body]);

		const output = await runNode({ parameters: getTask({ taskId: 't-1' }) });

		expect(polls.map((poll) => [poll.taskId, poll.headers.authorization])).toStrictEqual([['t-1', `Bearer ${TOKEN}`]]);
		expect(output).toStrictEqual([
			{
				json: {
					taskId: 't-1',
					status: 'succeeded',
					progress: 100,
					videoUrl: `${CDN}/videos/t-1.mp4`,
					videoUrlWithWatermark: `${CDN}/videos/t-1-wm.mp4`,
					videoUrlWithoutWatermark: `${CDN}/videos/t-1.mp4`,
					failReason: null,
					submittedAt: '2025-01-14T15:32:21.000Z',
					startedAt: '2025-01-14T15:32:25.000Z',
					finishedAt: '2025-01-14T15:33:21.000Z',
					task: body.data,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('the bare work object (the schema\'s shape) is read through web_work_status', async () => {
		const work = { id: 't-2', work_name: 'clip', work_video_path: `${CDN}/videos/t-2.mp4`, web_work_status: 200, create_time: 1736868741, user_image_url: AVATAR };
		interceptTaskPolls(() => [200, { code: 'success', message: '', data: work }]);

		const [item] = await runNode({ parameters: getTask({ taskId: 't-2' }) });

		expect(item.json).toStrictEqual({
			taskId: 't-2',
			status: 'succeeded',
			progress: 100,
			videoUrl: `${CDN}/videos/t-2.mp4`,
			failReason: null,
			submittedAt: '2025-01-14T15:32:21.000Z',
			startedAt: null,
			finishedAt: null,
			task: work,
		});
	});

	test.each([
		['NOT_START', 'queued'],
		['SUBMITTED', 'queued'],
		['QUEUED', 'queued'],
		['IN_PROGRESS', 'processing'],
		['SUCCESS', 'succeeded'],
		['FAILURE', 'failed'],
		['UNKNOWN', 'unknown'],
	])('API status %s is %s', async (apiStatus, status) => {
		interceptTaskPolls((taskId) => [200, envelope(taskId, apiStatus)]);

		const [item] = await runNode({ parameters: getTask({ taskId: 't-3' }) });

		expect(item.json.status).toBe(status);
	});

	test.each([
		[200, 'succeeded'],
		[-1, 'failed'],
		[100, 'processing'],
		[0, 'processing'],
		[undefined, 'unknown'],
	])('without an envelope status, web_work_status %s is %s', async (webWorkStatus, status) => {
		interceptTaskPolls(() => [200, { code: 'success', data: { id: 't-4', web_work_status: webWorkStatus } }]);

		const [item] = await runNode({ parameters: getTask({ taskId: 't-4' }) });

		expect(item.json.status).toBe(status);
	});

	test('in-progress fields: progress as a number, no video yet, the fail reason when failed', async () => {
		interceptTaskPolls((taskId) =>
			taskId === 'running'
				? [200, envelope(taskId, 'IN_PROGRESS', { progress: '45%' })]
				: [200, envelope(taskId, 'FAILURE', { failReason: 'No face detected' })],
		);

		const [running] = await runNode({ parameters: getTask({ taskId: 'running' }) });
		const [failed] = await runNode({ parameters: getTask({ taskId: 'broken' }) });

		expect([running.json.status, running.json.progress, running.json.videoUrl]).toStrictEqual(['processing', 45, null]);
		expect([failed.json.status, failed.json.failReason]).toStrictEqual(['failed', 'No face detected']);
	});

	test('takes the task ID from the incoming item by default (chains after Generate)', async () => {
		const polls = interceptTaskPolls((taskId) => [200, envelope(taskId, 'QUEUED')]);

		const output = await runNode({
			parameters: getTask({}),
			items: [{ json: { taskId: 'from-generate-1' } }, { json: { taskId: 'id/with space' } }],
		});

		expect(polls.map((poll) => poll.taskId).sort()).toStrictEqual(['from-generate-1', 'id/with space']);
		expect(output.map((item) => [item.json.taskId, item.pairedItem])).toStrictEqual([
			['from-generate-1', { item: 0 }],
			['id/with space', { item: 1 }],
		]);
	});

	test('an unknown task is a NodeApiError with the API\'s message', async () => {
		interceptTaskPolls(() => [404, { code: 'task_not_exist', message: 'task_not_exist', data: null }]);

		const error = await runNode({ parameters: getTask({ taskId: 'nope' }) }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: task_not_exist');
		expect(error.httpCode).toBe('404');
	});

	test('an empty task ID is refused before anything is sent', async () => {
		const polls = interceptTaskPolls(() => [200, envelope('x', 'QUEUED')]);

		const error = await runNode({ parameters: getTask({ taskId: '' }) }).catch((e) => e);

		expect(error.message).toBe('Invalid Task ID [item 0 (1st row)]');
		expect(polls).toHaveLength(0);
	});
});

describe('Wait for Completion', () => {
	test('Generate waits: POST once, polls the new task until SUCCESS, outputs the finished task', async () => {
		const posts = interceptGenerate({ reply: () => [200, { code: 'success', message: '', data: 'task-w1' }] });
		const states = ['SUBMITTED', 'QUEUED', 'IN_PROGRESS', 'SUCCESS'];
		const polls = interceptTaskPolls((taskId, n) => [200, envelope(taskId, states[Math.min(n, states.length) - 1], { work: n >= 4 ? finishedWork(taskId) : {} })]);

		const output = await runNode({ parameters: generate({ waitForCompletion: true, ...FAST, maxWait: 1 }) });

		expect(posts).toHaveLength(1);
		expect(polls.map((poll) => [poll.taskId, poll.pollNumber, poll.headers.authorization])).toStrictEqual(
			[1, 2, 3, 4].map((n) => ['task-w1', n, `Bearer ${TOKEN}`]),
		);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toStrictEqual({ item: 0 });
		expect(output[0].json).toMatchObject({
			taskId: 'task-w1',
			avatarUrl: AVATAR,
			voiceSource: 'audioUrl',
			noWatermark: false,
			status: 'succeeded',
			progress: 100,
			videoUrl: `${CDN}/videos/task-w1.mp4`,
			timedOut: false,
		});
	});

	test('Get Task waits from the status it just read', async () => {
		const polls = interceptTaskPolls((taskId, n) => [200, envelope(taskId, n < 3 ? 'IN_PROGRESS' : 'SUCCESS')]);

		const [item] = await runNode({ parameters: getTask({ taskId: 'g-1', waitForCompletion: true, ...FAST, maxWait: 1 }) });

		expect(polls).toHaveLength(3);
		expect(item.json.status).toBe('succeeded');
	});

	test('all items wait side by side: every task is polled before any finishes', async () => {
		interceptGenerate({ times: 5, reply: (body, index) => [200, { code: 'success', data: `par-${index}` }] });
		const polls = interceptTaskPolls((taskId, n) => [200, envelope(taskId, n < 3 ? 'IN_PROGRESS' : 'SUCCESS')]);
		const items = [1, 2, 3, 4, 5].map((n) => ({ json: { n } }));

		const output = await runNode({ parameters: generate({ waitForCompletion: true, ...FAST, maxWait: 1 }), items });

		expect(output.map((item) => item.json.status)).toStrictEqual(Array(5).fill('succeeded'));
		// Waiting one item after another would give five polls of one task before the next
		// task's first poll; side by side, each round polls every task once.
		const rounds = polls.map((poll) => poll.pollNumber);
		expect(rounds).toStrictEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
		expect(new Set(polls.slice(0, 5).map((poll) => poll.taskId)).size).toBe(5);
	});

	test('stopping the execution stops the polling at once', async () => {
		const posts = interceptGenerate({ reply: () => [200, { code: 'success', data: 'stop-me' }] });
		const polls = interceptTaskPolls((taskId) => [200, envelope(taskId, 'IN_PROGRESS')]);
		const controller = new AbortController();
		// Poll every 5 s; stop 50 ms into the first pause. Only a pause that listens to the
		// cancel signal ends long before the first poll would be due.
		posts.scope.once('replied', () => setTimeout(() => controller.abort(), 50));
		const startedAt = Date.now();

		try {
			const error = await runNode({
				parameters: generate({ waitForCompletion: true, pollInterval: 5, maxWait: 10 }),
				abortSignal: controller.signal,
			}).catch((e) => e);

			expect(error.message).toBe('Stopped waiting for task stop-me: the execution was cancelled');
			expect(Date.now() - startedAt).toBeLessThan(1500);
			expect(polls).toHaveLength(0);
		} finally {
			controller.abort();
		}
	});

	test('timeout with "Fail the Item": an error that says what was last seen', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'slow-1' }] });
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'IN_PROGRESS', { progress: '10%' })]);

		const error = await runNode({ parameters: generate({ waitForCompletion: true, pollInterval: 0.01, maxWait: 0.002 }) }).catch((e) => e);

		expect(error.message).toBe('Task slow-1 did not finish in time');
		expect(error.description).toMatch(/^Its last known status was "processing"\. Raise "Max Wait"/);
	});

	test('timeout with "Return the Latest Status": the item as last seen, timedOut true', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'slow-2' }] });
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'QUEUED')]);

		const [item] = await runNode({
			parameters: generate({ waitForCompletion: true, pollInterval: 0.01, maxWait: 0.002, onTimeout: 'returnLatest' }),
		});

		expect(item.json).toMatchObject({ taskId: 'slow-2', status: 'queued', timedOut: true, videoUrl: null });
		expect(item.pairedItem).toStrictEqual({ item: 0 });
	});

	test('transient poll failures (no answer, 503, 429, broken JSON) are retried; the POST is not', async () => {
		nock.enableNetConnect('127.0.0.1');
		const polls = [
			'drop',
			[503, { error: { message: 'upstream unavailable' } }],
			[429, { error: { message: 'too many requests' } }],
			[200, '{"code":"success", broken'],
			[200, envelope('flaky', 'SUCCESS')],
		];
		let poll = 0;
		const api = await startLoopbackApi((request) =>
			request.method === 'POST' ? [200, { code: 'success', message: '', data: 'flaky' }] : polls[poll++],
		);
		try {
			const [item] = await runNode({
				parameters: generate({ waitForCompletion: true, pollInterval: 0.005, maxWait: 1 }),
				credentials: { apiToken: TOKEN, baseUrl: api.url },
			});

			expect(api.requests.map((request) => `${request.method} ${request.path}`)).toStrictEqual([
				'POST /avatar/generation',
				...Array(5).fill('GET /avatar/task/flaky'),
			]);
			expect(item.json.status).toBe('succeeded');
		} finally {
			await api.close();
			nock.disableNetConnect();
		}
	}, 20_000); // four back-offs with jitter: about 4.5 s

	test('a 429 with Retry-After pauses at least that long before the next poll', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'patience' }] });
		const pollTimes = [];
		interceptTaskPolls((taskId, n) => {
			pollTimes.push(Date.now());
			return n === 1 ? [429, { error: { message: 'slow down' } }, { 'Retry-After': '1' }] : [200, envelope(taskId, 'SUCCESS')];
		});

		const [item] = await runNode({ parameters: generate({ waitForCompletion: true, pollInterval: 0.01, maxWait: 1 }) });

		expect(item.json.status).toBe('succeeded');
		expect(pollTimes).toHaveLength(2);
		expect(pollTimes[1] - pollTimes[0]).toBeGreaterThanOrEqual(950);
	});

	test('a poll error that is not transient (401) ends the wait at once', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'denied' }] });
		const polls = interceptTaskPolls(() => [401, { error: { message: 'Invalid token' } }]);

		const error = await runNode({ parameters: generate({ waitForCompletion: true, ...FAST, maxWait: 1 }) }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: Invalid token');
		expect(polls).toHaveLength(1);
	});

	test('a failed task is an error with GPT.GE\'s reason', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'no-face' }] });
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'FAILURE', { failReason: 'No face detected in the avatar image' })]);

		const error = await runNode({ parameters: generate({ waitForCompletion: true, ...FAST }) }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE could not make the video: No face detected in the avatar image');
	});

	test('Continue On Fail: a failed task is a "failed" item the workflow can branch on', async () => {
		interceptGenerate({ times: 2, reply: (body, index) => [200, { code: 'success', data: `cof-${index}` }] });
		interceptTaskPolls((taskId) =>
			taskId === 'cof-0'
				? [200, envelope(taskId, 'FAILURE', { failReason: 'No face detected' })]
				: [200, envelope(taskId, 'SUCCESS', { work: finishedWork(taskId) })],
		);

		const output = await runNode({
			parameters: generate({ waitForCompletion: true, ...FAST }),
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});

		expect(output.map((item) => [item.json.taskId, item.json.status, item.json.failReason, item.error])).toStrictEqual([
			['cof-0', 'failed', 'No face detected', undefined],
			['cof-1', 'succeeded', null, undefined],
		]);
	});

	test('a failing create POST is reported, never retried', async () => {
		const posts = interceptGenerate({ times: 2, reply: () => [503, { error: { message: 'busy' } }] });
		const polls = interceptTaskPolls(() => [200, envelope('x', 'SUCCESS')]);

		const error = await runNode({ parameters: generate({ waitForCompletion: true, ...FAST }) }).catch((e) => e);

		expect(error.httpCode).toBe('503');
		expect(posts).toHaveLength(1);
		expect(polls).toHaveLength(0);
	});
});

describe('Download Video', () => {
	const interceptCdn = () =>
		recordRequests(nock(CDN).persist().get(/^\/videos\//), () => [
			200,
			MP4,
			{ 'content-type': 'video/mp4', 'content-length': String(MP4.length) },
		]);

	test('the finished video lands in the item\'s binary data as <taskId>.mp4, video/mp4', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', data: 'vid-1' }] });
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'SUCCESS', { work: finishedWork(taskId) })]);
		const downloads = interceptCdn();

		const [item] = await runNode({
			parameters: generate({ waitForCompletion: true, ...FAST, downloadVideo: true, binaryPropertyName: 'video' }),
		});

		expect(downloads.map((download) => download.path)).toStrictEqual(['/videos/vid-1.mp4']);
		expect(Object.keys(item.binary)).toStrictEqual(['video']);
		expect(item.binary.video).toMatchObject({ mimeType: 'video/mp4', fileName: 'vid-1.mp4', fileExtension: 'mp4' });
		expect(Buffer.from(item.binary.video.data, 'base64')).toStrictEqual(MP4);
	});

	test('the API token goes to the API host only, never to the video host', async () => {
		const posts = interceptGenerate({ reply: () => [200, { code: 'success', data: 'vid-2' }] });
		const polls = interceptTaskPolls((taskId, n) => [200, envelope(taskId, n < 2 ? 'IN_PROGRESS' : 'SUCCESS', { work: finishedWork(taskId) })]);
		const downloads = interceptCdn();

		await runNode({ parameters: generate({ waitForCompletion: true, ...FAST, downloadVideo: true }) });

		const apiHeaders = [...posts, ...polls].map((request) => request.headers.authorization);
		expect(apiHeaders).toStrictEqual(Array(3).fill(`Bearer ${TOKEN}`));
		expect(downloads).toHaveLength(1);
		expect(downloads[0].headers).not.toHaveProperty('authorization');
		expect(JSON.stringify(downloads[0].headers)).not.toContain(TOKEN);
	});

	test('Get Task downloads a finished video without waiting, and adds nothing while unfinished', async () => {
		interceptTaskPolls((taskId) =>
			taskId === 'done' ? [200, envelope(taskId, 'SUCCESS', { work: finishedWork(taskId) })] : [200, envelope(taskId, 'IN_PROGRESS')],
		);
		const downloads = interceptCdn();

		const output = await runNode({
			parameters: getTask({ downloadVideo: true }),
			items: [{ json: { taskId: 'done' } }, { json: { taskId: 'busy' } }],
		});

		expect(downloads.map((download) => download.path)).toStrictEqual(['/videos/done.mp4']);
		expect(output[0].binary.data.fileName).toBe('done.mp4');
		expect(output[1].binary).toBeUndefined();
		expect(output[1].json.status).toBe('processing');
	});

	test('a relative video path is fetched from the API host (base URL), still without the token', async () => {
		const reseller = nock('https://gpt.reseller.example')
			.get('/avatar/task/rel')
			.reply(200, envelope('rel', 'SUCCESS', { work: { work_video_path: 'files/rel.mp4', web_work_status: 200 } }));
		const downloads = recordRequests(reseller.get('/files/rel.mp4'), () => [200, MP4, { 'content-type': 'video/mp4' }]);

		const [item] = await runNode({
			parameters: getTask({ taskId: 'rel', downloadVideo: true }),
			credentials: { apiToken: TOKEN, baseUrl: 'https://gpt.reseller.example/' },
		});

		expect(downloads.map((download) => download.path)).toStrictEqual(['/files/rel.mp4']);
		expect(downloads[0].headers).not.toHaveProperty('authorization');
		expect(item.binary.data.fileName).toBe('rel.mp4');
	});

	test('a failed download is a NodeApiError naming the task', async () => {
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'SUCCESS', { work: finishedWork(taskId) })]);
		nock(CDN).get('/videos/gone.mp4').reply(404, 'Not Found');

		const error = await runNode({ parameters: getTask({ taskId: 'gone', downloadVideo: true }) }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Could not download the video of task gone');
	});
});
