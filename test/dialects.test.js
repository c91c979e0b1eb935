// Every operation against the stand-in in each dialect of GPT.GE's answers (stand-in/dialects.js):
// the docs' examples, the schema's forms (numeric codes, milliseconds, only the named video
// paths, string voice types, uploads without a URL) and a seeded per-answer mix. Through n8n-core's
// RoutingNode over loopback: the same items whichever form the API answered in.
const nock = require('nock');
const { runNode } = require('./helpers/engine');
const { withStandIn } = require('./helpers/api');
const { inlineBinary } = require('./helpers/binary');
const { generate, getTask } = require('./helpers/params');

const waiting = { waitForCompletion: true, pollInterval: 0.05, maxWait: 5, downloadVideo: true };
const YEAR = new Date().getUTCFullYear();
// A time the node read right: an ISO time of this year (milliseconds read as seconds are year 57,000).
const THIS_YEAR = expect.stringMatching(new RegExp(`^${YEAR}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$`));
const DIALECTS = [['examples'], ['schema'], ['mixed']];

afterAll(() => nock.enableNetConnect());

describe.each(DIALECTS)('the %s dialect', (dialect) => {
	const inDialect = (options, fn) => withStandIn({ dialect, randomSeed: 7, taskDurationMs: 200, ...options }, fn);

	test('Generate → wait → download, for two rows: each its task, its video as asked, times of this year', async () => {
		await inDialect({}, async (standIn, credentials) => {
			const rows = [{ json: { row: 1 } }, { json: { row: 2 } }];
			const items = await runNode({ parameters: generate(waiting), items: rows, credentials, typeVersion: 2 });
			expect(standIn.counts().created).toBe(2);
			expect(items).toHaveLength(2);
			items.forEach(({ json, binary, pairedItem }, index) => {
				expect(pairedItem).toStrictEqual({ item: index });
				expect(json).toMatchObject({
					status: 'succeeded',
					progress: 100,
					videoUrl: `${standIn.cdnUrl}/videos/${json.taskId}-wm.mp4`,
					submittedAt: THIS_YEAR,
					finishedAt: THIS_YEAR,
				});
				expect(json).not.toHaveProperty('warning');
				expect(binary.data).toMatchObject({ fileName: `${json.taskId}.mp4`, mimeType: 'video/mp4' });
			});
			expect(new Set(items.map(({ json }) => json.taskId)).size).toBe(2);
		});
	});

	test('Get Task: the finished task, the same flat item', async () => {
		await inDialect({}, async (standIn, credentials) => {
			const [{ json: created }] = await runNode({ parameters: generate(), credentials });
			await new Promise((resolve) => setTimeout(resolve, 400));
			const [{ json }] = await runNode({ parameters: getTask(created.taskId), credentials, typeVersion: 2 });
			expect(json).toMatchObject({
				taskId: created.taskId,
				status: 'succeeded',
				videoUrlWithWatermark: `${standIn.cdnUrl}/videos/${created.taskId}-wm.mp4`,
				videoUrlWithoutWatermark: `${standIn.cdnUrl}/videos/${created.taskId}.mp4`,
				submittedAt: THIS_YEAR,
				startedAt: THIS_YEAR,
				finishedAt: THIS_YEAR,
			});
			// Made with the watermark (the API's default): the main path, else the watermarked one named.
			expect(json.videoUrl).toBe(`${standIn.cdnUrl}/videos/${created.taskId}-wm.mp4`);
		});
	});

	test('Voice → List, one language and All Languages: labels a list, IDs ready for Generate', async () => {
		await inDialect({}, async (_standIn, credentials) => {
			const english = await runNode({ parameters: { resource: 'voice', operation: 'list', language: 'en' }, credentials });
			const all = await runNode({ parameters: { resource: 'voice', operation: 'list', language: '' }, credentials });
			expect(english.length).toBeGreaterThan(0);
			expect(all.length).toBeGreaterThan(english.length);
			for (const { json } of [...english, ...all]) {
				expect(Array.isArray(json.labels)).toBe(true);
				expect(json.voice).toBe(`${json.voice_engine_id}:${json.audio_id}`);
			}
			expect(english.every(({ json }) => json.language === 'en')).toBe(true);
			expect(new Set(all.map(({ json }) => json.language))).toStrictEqual(new Set(['zh', 'en']));
		});
	});

	test('Account → Get Quota', async () => {
		await inDialect({ quotaUsd: 5, usedCents: 150 }, async (_standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: { resource: 'account', operation: 'getQuota' }, credentials });
			expect(json).toMatchObject({ unlimited: false, quotaUsd: 5, usedUsd: 1.5, leftUsd: 3.5 });
		});
	});
});

describe('File → Upload in each dialect', () => {
	const upload = { resource: 'file', operation: 'upload' };
	const photo = () => [{ json: {}, binary: { data: inlineBinary('jpeg bytes', { fileName: 'anna.jpg', mimeType: 'image/jpeg' }) } }];

	test('examples: the file and its URL', async () => {
		await withStandIn({ dialect: 'examples' }, async (_standIn, credentials) => {
			const [{ json }] = await runNode({ parameters: upload, items: photo(), credentials });
			expect(json).toMatchObject({ fileName: 'anna.jpg', bytes: 10, url: expect.stringMatching(/^http:\/\/localhost:\d+\//) });
		});
	});

	test.each([['schema'], ['mixed']])("%s: an answer without a URL (the schema does not require one) is an error that says so, one with a URL the file", async (dialect) => {
		await withStandIn({ dialect, randomSeed: 7 }, async (standIn, credentials) => {
			const items = await runNode({ parameters: upload, items: [...photo(), ...photo(), ...photo(), ...photo()], credentials, continueOnFail: true });
			expect(standIn.requests.filter((request) => request.path === '/v1/files')).toHaveLength(4);
			const errors = items.filter(({ json }) => json.error).map(({ json }) => json.error);
			const files = items.filter(({ json }) => json.url);
			expect(errors.length + files.length).toBe(4);
			expect(new Set(errors)).toStrictEqual(new Set(errors.length ? ['GPT.GE stored the file but gave no URL for it'] : []));
			if (dialect === 'schema') expect(errors).toHaveLength(4);
			else expect(files.length * errors.length).toBeGreaterThan(0);
		});
	});
});

test('the mixed dialect over twelve rows (every code, time unit and path form drawn): twelve tasks, read right, no warning', async () => {
	await withStandIn({ dialect: 'mixed', randomSeed: 7, taskDurationMs: 100 }, async (standIn, credentials) => {
		const rows = Array.from({ length: 12 }, (_, row) => ({ json: { row } }));
		const items = await runNode({ parameters: generate({ ...waiting, downloadVideo: false }), items: rows, credentials, typeVersion: 2 });
		expect(items.map(({ json }) => json.taskId)).toStrictEqual([...standIn.tasks.keys()]);
		for (const { json } of items) {
			expect(json).toMatchObject({ status: 'succeeded', videoUrl: `${standIn.cdnUrl}/videos/${json.taskId}-wm.mp4`, submittedAt: THIS_YEAR, finishedAt: THIS_YEAR });
			expect(json).not.toHaveProperty('warning');
		}
	});
});
