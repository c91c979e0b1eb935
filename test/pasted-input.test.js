// What users paste, through n8n-core's RoutingNode: file URLs from sheet cells (spaces around
// them, unencoded paths), share pages (turned into download links or refused before anything is
// sent), and a Base URL copied from an OpenAI-compatible client (…/v1). Row by row, the decisions
// are in test/urls.test.js; here, what goes out and what comes out.
const nock = require('nock');
const { NodeOperationError } = require('n8n-workflow');
const { runNode, runCredentialTest, TOKEN } = require('./helpers/engine');
const { API, interceptGenerate, recordRequests } = require('./helpers/api');

const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const CHINESE = 'https://cdn.example.com/头像 1.png';
const CHINESE_SENT = 'https://cdn.example.com/%E5%A4%B4%E5%83%8F%201.png';
const ONEDRIVE = 'https://1drv.ms/u/s!AkLm9?e=Xy1';

const generate = (parameters) => ({ resource: 'avatar', operation: 'generate', ...parameters });
const taskItem = (taskId, avatarUrl, voiceSource = 'audioUrl', index = 0) => ({
	json: { taskId, avatarUrl, voiceSource, noWatermark: false, resumed: false },
	pairedItem: { item: index },
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

describe('Avatar → Generate: pasted file URLs', () => {
	test('a path with Chinese characters and a space is sent percent-encoded; the output item shows that URL', async () => {
		const requests = interceptGenerate();

		const output = await runNode({ parameters: generate({ avatarUrl: CHINESE, audioUrl: AUDIO }) });

		expect(requests.map((request) => request.body)).toStrictEqual([{ avatar_url: CHINESE_SENT, audio_url: AUDIO, no_watermark: false }]);
		expect(output).toStrictEqual([taskItem('task-0', CHINESE_SENT)]);
	});

	test('sheet cells with spaces around the URLs (through expressions) are sent trimmed; an encoded URL is not encoded again', async () => {
		const requests = interceptGenerate({ times: 2 });
		const rows = [
			{ photo: `  ${AVATAR}\t`, audio: ` ${AUDIO} ` },
			{ photo: CHINESE_SENT, audio: 'https://cdn.example.com/a%20b.mp3' },
		];

		const output = await runNode({
			parameters: generate({ avatarUrl: '={{ $json.photo }}', audioUrl: '={{ $json.audio }}' }),
			items: rows.map((json) => ({ json })),
		});

		expect(requests.map((request) => request.body).sort((a, b) => a.avatar_url.localeCompare(b.avatar_url))).toStrictEqual([
			{ avatar_url: CHINESE_SENT, audio_url: 'https://cdn.example.com/a%20b.mp3', no_watermark: false },
			{ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: false },
		]);
		expect(output.map((item) => [item.json.avatarUrl, item.pairedItem])).toStrictEqual([
			[AVATAR, { item: 0 }],
			[CHINESE_SENT, { item: 1 }],
		]);
	});

	test.each([
		['Google Drive /file/d/…/view', 'https://drive.google.com/file/d/1AbC_d-9xYz/view?usp=sharing', 'https://drive.google.com/uc?export=download&id=1AbC_d-9xYz'],
		['Google Drive /open?id=', 'https://drive.google.com/open?id=1AbC', 'https://drive.google.com/uc?export=download&id=1AbC'],
		['Google Drive /uc?id=', 'https://drive.google.com/uc?id=1AbC', 'https://drive.google.com/uc?export=download&id=1AbC'],
		['Dropbox /s/… ?dl=0', 'https://www.dropbox.com/s/abc123/face.jpg?dl=0', 'https://www.dropbox.com/s/abc123/face.jpg?dl=1'],
		['Dropbox /scl/fi/… ?rlkey=…&dl=0', 'https://www.dropbox.com/scl/fi/x1y2z3/face.png?rlkey=k9q8&dl=0', 'https://www.dropbox.com/scl/fi/x1y2z3/face.png?rlkey=k9q8&dl=1'],
	])('Avatar URL: a %s share page is sent as its download link', async (_what, pasted, sent) => {
		const requests = interceptGenerate();

		const output = await runNode({ parameters: generate({ avatarUrl: pasted, audioUrl: AUDIO }) });

		expect(requests.map((request) => request.body)).toStrictEqual([{ avatar_url: sent, audio_url: AUDIO, no_watermark: false }]);
		expect(output).toStrictEqual([taskItem('task-0', sent)]);
	});

	test('Audio URL: a Dropbox share page is sent as its download link', async () => {
		const requests = interceptGenerate();

		await runNode({ parameters: generate({ avatarUrl: AVATAR, audioUrl: 'https://www.dropbox.com/s/abc123/speech.mp3?dl=0' }) });

		expect(requests.map((request) => request.body)).toStrictEqual([
			{ avatar_url: AVATAR, audio_url: 'https://www.dropbox.com/s/abc123/speech.mp3?dl=1', no_watermark: false },
		]);
	});

	test('Voice Sample URL (create_voice.audio_url): a Google Drive page is sent as its download link, a Chinese path encoded', async () => {
		const requests = interceptGenerate();

		const output = await runNode({
			parameters: generate({
				avatarUrl: ` ${CHINESE} `,
				voiceSource: 'createVoice',
				sampleAudioUrl: 'https://drive.google.com/file/d/1Sample/view?usp=drive_link',
				language: 'zh',
				text: '大家好',
			}),
		});

		expect(requests.map((request) => request.body)).toStrictEqual([
			{
				avatar_url: CHINESE_SENT,
				create_voice: { audio_url: 'https://drive.google.com/uc?export=download&id=1Sample', language: 'zh', text: '大家好' },
				no_watermark: false,
			},
		]);
		expect(output).toStrictEqual([taskItem('task-0', CHINESE_SENT, 'createVoice')]);
	});

	test('a OneDrive link in the 2nd row fails the node naming the field and the row, and no row is sent', async () => {
		const requests = interceptGenerate({ times: 2 });

		const error = await runNode({
			parameters: generate({ avatarUrl: AVATAR, audioUrl: '={{ $json.audio }}' }),
			items: [{ json: { audio: AUDIO } }, { json: { audio: ` ${ONEDRIVE}` } }],
		}).catch((e) => e);

		expect(requests).toStrictEqual([]);
		// RoutingNode wraps the error of the first item it reads (item 0); ours is its cause.
		expect(error.cause).toBeInstanceOf(NodeOperationError);
		const refusal = error.cause;
		expect(refusal.message).toBe('Invalid Audio URL [item 1 (2nd row)]');
		expect(refusal.description).toBe(
			`"${ONEDRIVE}" is a OneDrive share link: it opens a web page, not the file. GPT.GE downloads the file from this address. ` +
				"Download the file from OneDrive (e.g. with n8n's Microsoft OneDrive node) and set this field's Input to Binary File, or upload it with File → Upload and use the URL it returns. " +
				'Nothing was sent to GPT.GE.\n\nNo task was created in this run, so nothing was paid for.',
		);
		expect(refusal.context.parameter).toBe('audioUrl');
	});

	test.each([
		['ftp://cdn.example.com/a.jpg', '"ftp://cdn.example.com/a.jpg" starts with ftp:, not http(s). GPT.GE downloads the file from this address, so it must start with http:// or https://.'],
		['https://', '"https://" has no host. After http(s):// comes the name of the server that has the file, e.g. https://cdn.example.com/photo.jpg.'],
	])('Continue On Fail: a broken Avatar URL (%s) is an error item saying what is wrong; the other row is sent', async (broken, reason) => {
		const requests = interceptGenerate();

		const output = await runNode({
			parameters: generate({ avatarUrl: '={{ $json.photo }}', audioUrl: AUDIO }),
			items: [{ json: { photo: broken } }, { json: { photo: AVATAR } }],
			continueOnFail: true,
		});

		expect(requests.map((request) => request.body.avatar_url)).toStrictEqual([AVATAR]);
		expect(output).toStrictEqual([
			{
				json: { error: 'Invalid Avatar URL [item 0 (1st row)]', details: { description: `${reason} Nothing was sent to GPT.GE.` } },
				pairedItem: { item: 0 },
			},
			taskItem('task-0', AVATAR, 'audioUrl', 1),
		]);
	});
});

describe('a Base URL with /v1 (as OpenAI-compatible clients take it)', () => {
	const elsewhere = () => recordRequests(nock(API).persist().post(/^\/v1\/avatar/), () => [404, 'Not Found']);

	test.each(['https://api.gpt.ge/v1', 'https://api.gpt.ge/v1/', '  https://api.gpt.ge/v1/  '])(
		'%j: Generate posts to /avatar/generation on the host, with the token',
		async (baseUrl) => {
			const requests = interceptGenerate();
			const wrong = elsewhere();

			const output = await runNode({
				parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }),
				credentials: { apiToken: TOKEN, baseUrl },
			});

			expect(wrong).toStrictEqual([]);
			expect(requests.map((request) => [request.method, request.path, request.headers.authorization])).toStrictEqual([
				['POST', '/avatar/generation', `Bearer ${TOKEN}`],
			]);
			expect(output).toStrictEqual([taskItem('task-0', AVATAR)]);
		},
	);

	test('Account → Get Quota reads /v1/dashboard/billing/… once, not /v1/v1/…', async () => {
		const subscriptions = recordRequests(nock(API).get('/v1/dashboard/billing/subscription'), () => [200, { hard_limit_usd: 5 }]);
		const usages = recordRequests(nock(API).get('/v1/dashboard/billing/usage'), () => [200, { total_usage: 100 }]);

		const [item] = await runNode({ parameters: { resource: 'account', operation: 'getQuota' }, credentials: { apiToken: TOKEN, baseUrl: 'https://api.gpt.ge/v1' } });

		expect([...subscriptions, ...usages].map((request) => [request.path, request.headers.authorization])).toStrictEqual([
			['/v1/dashboard/billing/subscription', `Bearer ${TOKEN}`],
			['/v1/dashboard/billing/usage', `Bearer ${TOKEN}`],
		]);
		expect(item.json).toMatchObject({ quotaUsd: 5, usedUsd: 1, leftUsd: 4 });
	});

	test.each(['https://api.gpt.ge/v1', ' https://api.gpt.ge/v1/ '])('%j: the credential test calls /v1/dashboard/billing/subscription on the host and passes', async (baseUrl) => {
		const requests = recordRequests(nock(API).get('/v1/dashboard/billing/subscription'), () => [200, { hard_limit_usd: 5 }]);

		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl });

		expect(requests.map((request) => [request.method, request.path, request.headers.authorization])).toStrictEqual([
			['GET', '/v1/dashboard/billing/subscription', `Bearer ${TOKEN}`],
		]);
		expect(result).toMatchObject({ status: 'OK' });
	});

	test("a reseller's Base URL with a path and /v1 keeps its path", async () => {
		const requests = recordRequests(nock('https://reseller.example').get('/gptge/v1/dashboard/billing/subscription'), () => [200, { hard_limit_usd: 5 }]);

		const result = await runCredentialTest({ apiToken: 'reseller-token', baseUrl: 'https://reseller.example/gptge/v1' });

		expect(requests.map((request) => [request.path, request.headers.authorization])).toStrictEqual([
			['/gptge/v1/dashboard/billing/subscription', 'Bearer reseller-token'],
		]);
		expect(result.status).toBe('OK');
	});

	test('the Base URL field says a trailing /v1 is fine', () => {
		const { GptGeApi } = require('../credentials/GptGeApi.credentials');
		const baseUrl = new GptGeApi().properties.find((property) => property.name === 'baseUrl');

		expect(baseUrl.hint).toBe('A trailing /v1 (as in OpenAI-compatible clients) is fine: https://api.gpt.ge/v1 is read as https://api.gpt.ge');
	});
});
