// Voice → List and Generate's Voice picker, through n8n-core's RoutingNode and LoadOptionsContext.
const nock = require('nock');
const { NodeApiError } = require('n8n-workflow');
const { runListSearch, runNode, TOKEN } = require('./helpers/engine');
const { API, interceptGenerate, recordRequests } = require('./helpers/api');

const voices = {
	en: [
		{ audio_id: 'a1', audio_url: 'server/ranker/main/a1.wav', labels: ['Female'], language: 'en', name: 'Ava', vip_enable: false, voice_engine_id: 'e1', type: 1 },
		{ audio_id: 'a2', audio_url: 'server/ranker/main/a2.wav', labels: ['Male', 'Deep'], language: 'en', name: 'Brian', vip_enable: true, voice_engine_id: 'e2', type: 1 },
	],
	zh: [
		{ audio_id: 'cffcff22110049a487aa4fa7a382e3dc', audio_url: 'server/ranker/main/yh.wav', labels: ['Female'], language: 'zh', name: 'Yue Hua', vip_enable: false, voice_engine_id: 'e9', type: 2 },
	],
};

function interceptVoices() {
	return recordRequests(nock(API).persist().get('/avatar/voice').query(true), (path) => {
		const language = new URL(path, API).searchParams.get('language');
		return voices[language]
			? [200, { code: 'success', message: '', data: { audio_list: voices[language] } }]
			: [400, { code: 'invalid_request', message: 'language must be zh or en' }];
	});
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Voice → List', () => {
	test('GET /avatar/voice?language=… gives one item per voice, with the IDs Generate needs', async () => {
		const requests = interceptVoices();

		const output = await runNode({ parameters: { resource: 'voice', operation: 'list', language: 'en' } });

		expect(requests.map((request) => [request.path, request.headers.authorization])).toStrictEqual([
			['/avatar/voice?language=en', `Bearer ${TOKEN}`],
		]);
		expect(output).toStrictEqual(
			voices.en.map((voice) => ({
				json: { ...voice, voice: `${voice.voice_engine_id}:${voice.audio_id}` },
				pairedItem: { item: 0 },
			})),
		);
	});

	test('an API failure is a NodeApiError with its message', async () => {
		nock(API).get('/avatar/voice').query(true).reply(200, { code: 'error', message: 'voice service down' });

		const error = await runNode({ parameters: { resource: 'voice', operation: 'list', language: 'zh' } }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: voice service down');
	});
});

describe("Generate's Voice picker", () => {
	const useVoice = (language) => ({
		resource: 'avatar',
		operation: 'generate',
		voiceSource: 'useVoice',
		language,
		voice: { __rl: true, mode: 'list', value: '' },
	});

	test("lists the chosen language's voices; each value fills both IDs", async () => {
		const requests = interceptVoices();

		const result = await runListSearch({ method: 'searchVoices', parameters: useVoice('zh') });

		expect(requests.map((request) => request.path)).toStrictEqual(['/avatar/voice?language=zh']);
		expect(result).toStrictEqual({
			results: [{ name: 'Yue Hua (zh, Female)', value: 'e9:cffcff22110049a487aa4fa7a382e3dc' }],
		});
	});

	test('the search text filters by name and label', async () => {
		interceptVoices();

		const byLabel = await runListSearch({ method: 'searchVoices', parameters: useVoice('en'), filter: 'deep' });
		const byName = await runListSearch({ method: 'searchVoices', parameters: useVoice('en'), filter: 'AV' });

		expect(byLabel.results.map((result) => result.value)).toStrictEqual(['e2:a2']);
		expect(byName.results.map((result) => result.value)).toStrictEqual(['e1:a1']);
	});

	test('with the language set by an expression, voices of both languages are offered', async () => {
		const requests = interceptVoices();

		const result = await runListSearch({ method: 'searchVoices', parameters: useVoice('={{ $json.lang }}') });

		expect(requests.map((request) => request.path)).toStrictEqual(['/avatar/voice?language=en', '/avatar/voice?language=zh']);
		expect(result.results.map((entry) => entry.value)).toStrictEqual(['e1:a1', 'e2:a2', 'e9:cffcff22110049a487aa4fa7a382e3dc']);
	});

	test('a picked voice is sent as use_voice.voice_engine_id and use_voice.audio_id', async () => {
		const posts = interceptGenerate();

		await runNode({
			parameters: {
				...useVoice('zh'),
				avatarUrl: 'https://cdn.example.com/p.jpg',
				text: '你好',
				voice: { __rl: true, mode: 'list', value: 'e9:cffcff22110049a487aa4fa7a382e3dc', cachedResultName: 'Yue Hua (zh, Female)' },
			},
		});

		expect(posts[0].body.use_voice).toStrictEqual({
			voice_engine_id: 'e9',
			audio_id: 'cffcff22110049a487aa4fa7a382e3dc',
			language: 'zh',
			text: '你好',
		});
	});

	test('the picker goes to the credential\'s base URL with its token, and reports API errors', async () => {
		nock('https://gpt.reseller.example').get('/avatar/voice').query({ language: 'en' }).reply(401, { error: { message: 'Invalid token' } });

		const error = await runListSearch({
			method: 'searchVoices',
			parameters: useVoice('en'),
			credentials: { apiToken: 'bad', baseUrl: 'https://gpt.reseller.example/' },
		}).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: Invalid token');
	});

	test('an API error repeating the token shows it masked in the editor', async () => {
		const apiToken = 'sk-picker-0123456789';
		nock(API).get('/avatar/voice').query({ language: 'en' }).reply(401, { error: { message: `Invalid token ${apiToken}` } });

		const error = await runListSearch({ method: 'searchVoices', parameters: useVoice('en'), credentials: { apiToken, baseUrl: API } }).catch((e) => e);

		expect(error.message).toBe('GPT.GE: Invalid token ***');
		expect(JSON.stringify({ ...error, message: error.message, description: error.description })).not.toContain(apiToken);
	});
});
