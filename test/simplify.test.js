// Node version 2's Simplify on Generate and Get Task: a flat item by default, the API's whole
// answer as well when off; version 1 keeps the items its workflows read. And Download Video's
// File Name. Through n8n-core's RoutingNode against the loopback stand-in API, or nock where the
// API's answer must take a shape the stand-in does not give.
const nock = require('nock');
const { runNode } = require('./helpers/engine');
const { envelope, interceptTaskPolls, withStandIn } = require('./helpers/api');
const { generate, getTask, ISO } = require('./helpers/params');

const waiting = { waitForCompletion: true, pollInterval: 0.05, maxWait: 1 };

afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Generate, version 2', () => {
	test.each([
		[false, '-wm.mp4'],
		[true, '.mp4'],
	])('Remove Watermark %s: videoUrl is the video as asked for, the named URLs beside it', async (noWatermark, suffix) => {
		await withStandIn({ taskDurationMs: 200 }, async (standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: generate({ ...waiting, noWatermark }), credentials, typeVersion: 2 });
			const { taskId } = json;
			expect(json).toStrictEqual({
				taskId,
				status: 'succeeded',
				progress: 100,
				videoUrl: `${standIn.cdnUrl}/videos/${taskId}${suffix}`,
				videoUrlWithWatermark: `${standIn.cdnUrl}/videos/${taskId}-wm.mp4`,
				videoUrlWithoutWatermark: `${standIn.cdnUrl}/videos/${taskId}.mp4`,
				thumbnailUrl: `${standIn.cdnUrl}/images/${taskId}.webp`,
				failReason: null,
				submittedAt: ISO,
				startedAt: ISO,
				finishedAt: ISO,
				resumed: false,
				timedOut: false,
			});
		});
	});

	test('without waiting: the task just queued, its URL still null', async () => {
		await withStandIn({}, async (_standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: generate(), credentials, typeVersion: 2 });
			expect(json).toStrictEqual({
				taskId: json.taskId,
				status: 'queued',
				progress: null,
				videoUrl: null,
				thumbnailUrl: null,
				failReason: null,
				submittedAt: null,
				startedAt: null,
				finishedAt: null,
				resumed: false,
			});
		});
	});

	test('Remove Watermark true and an API whose main path is the watermarked one: videoUrl is still the one asked for', async () => {
		nock.disableNetConnect();
		nock('https://api.gpt.ge').post('/avatar/generation').reply(200, { code: 200, message: '', data: 'task-8' });
		const work = { work_video_path: 'https://cdn.example.com/wm.mp4', wm_work_video_path: 'https://cdn.example.com/wm.mp4', no_wm_work_video_path: 'https://cdn.example.com/clean.mp4' };
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'SUCCESS', { work })]);
		const [{ json }] = await runNode({ parameters: generate({ ...waiting, noWatermark: true }), typeVersion: 2 });
		expect(json).toMatchObject({
			taskId: 'task-8',
			videoUrl: 'https://cdn.example.com/clean.mp4',
			videoUrlWithWatermark: 'https://cdn.example.com/wm.mp4',
			videoUrlWithoutWatermark: 'https://cdn.example.com/clean.mp4',
		});
	});

	test("Simplify off: version 1's item, the API's whole answer included", async () => {
		await withStandIn({ taskDurationMs: 200 }, async (_standIn, credentials) => {
			const [{ json: v2 }] = await runNode({ parameters: generate({ ...waiting, simplify: false }), credentials, typeVersion: 2 });
			const [{ json: v1 }] = await runNode({ parameters: generate(waiting), credentials, typeVersion: 1 });
			const keys = ['taskId', 'avatarUrl', 'voiceSource', 'noWatermark', 'resumed', 'status', 'progress', 'videoUrl', 'failReason'];
			expect(Object.keys(v2)).toStrictEqual(Object.keys(v1));
			expect(Object.keys(v2)).toEqual(expect.arrayContaining([...keys, 'task', 'videoUrlWithWatermark', 'videoUrlWithoutWatermark']));
			expect(v2.task.task_id).toBe(v2.taskId);
		});
	});
});

describe('Get Task, version 2', () => {
	test("videoUrl is the API's main path, both named URLs beside it, and the thumbnail", async () => {
		await withStandIn({ taskDurationMs: 100 }, async (standIn, credentials) => {
			const [{ json: created }] = await runNode({ parameters: generate(), credentials });
			await new Promise((resolve) => setTimeout(resolve, 300));
			const [{ json }] = await runNode({ parameters: getTask(created.taskId), credentials, typeVersion: 2 });
			expect(json).toStrictEqual({
				taskId: created.taskId,
				status: 'succeeded',
				progress: 100,
				videoUrl: `${standIn.cdnUrl}/videos/${created.taskId}-wm.mp4`,
				videoUrlWithWatermark: `${standIn.cdnUrl}/videos/${created.taskId}-wm.mp4`,
				videoUrlWithoutWatermark: `${standIn.cdnUrl}/videos/${created.taskId}.mp4`,
				thumbnailUrl: `${standIn.cdnUrl}/images/${created.taskId}.webp`,
				failReason: null,
				submittedAt: ISO,
				startedAt: ISO,
				finishedAt: ISO,
			});
		});
	});

	test('an answer naming neither watermark: the one video URL it has, as videoUrl', async () => {
		nock.disableNetConnect();
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'SUCCESS', { work: { work_video_path: 'https://cdn.example.com/v.mp4' } })]);
		const [{ json }] = await runNode({ parameters: getTask('task-7'), typeVersion: 2 });
		expect(json).toMatchObject({ taskId: 'task-7', videoUrl: 'https://cdn.example.com/v.mp4', thumbnailUrl: null });
		expect(json).not.toHaveProperty('videoUrlWithWatermark');
		expect(json).not.toHaveProperty('videoUrlWithoutWatermark');
	});

	test('an answer naming only the watermarked video and no main path: that one is videoUrl', async () => {
		nock.disableNetConnect();
		interceptTaskPolls((taskId) => [200, envelope(taskId, 'SUCCESS', { work: { wm_work_video_path: 'https://cdn.example.com/wm.mp4' } })]);
		const [{ json }] = await runNode({ parameters: getTask('task-9'), typeVersion: 2 });
		expect(json).toMatchObject({ videoUrl: 'https://cdn.example.com/wm.mp4', videoUrlWithWatermark: 'https://cdn.example.com/wm.mp4' });
		expect(json).not.toHaveProperty('videoUrlWithoutWatermark');
	});
});

describe('Download Video → File Name', () => {
	test.each([
		['', (taskId) => `${taskId}.mp4`],
		['={{ $json.name }}', () => 'row-6.mp4'],
		['clip.MOV', () => 'clip.MOV'],
	])('%j names the file', async (videoFileName, expected) => {
		await withStandIn({ taskDurationMs: 100 }, async (_standIn, credentials) => {
			const parameters = generate({ ...waiting, downloadVideo: true, videoFileName });
			const [{ json, binary }] = await runNode({ parameters, items: [{ json: { name: 'row-6' } }], credentials, typeVersion: 2 });
			expect(binary.data.fileName).toBe(expected(json.taskId));
			expect(binary.data.mimeType).toBe('video/mp4');
		});
	});
});
