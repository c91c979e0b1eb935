const fs = require('node:fs');
const path = require('node:path');
const nock = require('nock');
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { runNode, TOKEN } = require('./helpers/engine');
const { API, interceptGenerate } = require('./helpers/api');
const { startLoopbackApi } = require('./helpers/loopback');

const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const SAMPLE = 'https://cdn.example.com/voice-sample.mp3';

const generate = (parameters) => ({ resource: 'avatar', operation: 'generate', ...parameters });
// What a failed run's error ends with when no task was created.
const NOTHING_CREATED = '\n\nNo task was created in this run, so nothing was paid for.';
const MAY_HAVE_CREATED =
	'The request reached GPT.GE (or may have) but no usable answer came back, so the video may have been created and paid for. ' +
	"It was not sent again. Check your GPT.GE account's tasks and usage before running this row again.";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Avatar → Generate: the request', () => {
	test('Audio URL: posts avatar_url, audio_url and no_watermark with the bearer token', async () => {
		const requests = interceptGenerate();

		await runNode({ parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }) });

		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/avatar/generation');
		expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers.accept).toBe('application/json');
		expect(request.body).toStrictEqual({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: false });
	});

	test('Clone Voice From Sample: sends create_voice {audio_url, language, text} and nothing else', async () => {
		const requests = interceptGenerate();

		await runNode({
			parameters: generate({
				avatarUrl: AVATAR,
				voiceSource: 'createVoice',
				sampleAudioUrl: SAMPLE,
				language: 'zh',
				text: '大家好',
				// Left over from an earlier choice of voice source: must not leak into the body.
				audioUrl: AUDIO,
				voice: { __rl: true, mode: 'id', value: 'engine-1:audio-1' },
			}),
		});

		expect(requests[0].body).toStrictEqual({
			avatar_url: AVATAR,
			create_voice: { audio_url: SAMPLE, language: 'zh', text: '大家好' },
			no_watermark: false,
		});
	});

	test('Use Existing Voice: sends use_voice {voice_engine_id, audio_id, language, text} and nothing else', async () => {
		const requests = interceptGenerate();

		await runNode({
			parameters: generate({
				avatarUrl: AVATAR,
				voiceSource: 'useVoice',
				voice: { __rl: true, mode: 'list', value: 'engine-1:cffcff22110049a487aa4fa7a382e3dc' },
				language: 'en',
				text: 'Welcome to the tour.',
				audioUrl: AUDIO,
				sampleAudioUrl: SAMPLE,
			}),
		});

		expect(requests[0].body).toStrictEqual({
			avatar_url: AVATAR,
			use_voice: {
				voice_engine_id: 'engine-1',
				audio_id: 'cffcff22110049a487aa4fa7a382e3dc',
				language: 'en',
				text: 'Welcome to the tour.',
			},
			no_watermark: false,
		});
	});

	test('Remove Watermark sends no_watermark: true', async () => {
		const requests = interceptGenerate();

		await runNode({ parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO, noWatermark: true }) });

		expect(requests[0].body.no_watermark).toBe(true);
	});

	test('a base URL from the credential (with a trailing slash) is where the request goes', async () => {
		const requests = interceptGenerate({ host: 'https://reseller.example.net' });

		await runNode({
			parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }),
			credentials: { apiToken: 'other-token', baseUrl: 'https://reseller.example.net/' },
		});

		expect(requests).toHaveLength(1);
		expect(requests[0].path).toBe('/avatar/generation');
		expect(requests[0].headers.authorization).toBe('Bearer other-token');
	});

	test('a Base URL that is not a web address fails with what to set, and nothing is sent', async () => {
		const requests = interceptGenerate();

		const error = await runNode({
			parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }),
			credentials: { apiToken: TOKEN, baseUrl: 'api.gpt.ge' },
		}).catch((e) => e);

		expect(requests).toHaveLength(0);
		expect(error.message).toBe('Base URL "api.gpt.ge" is not a web address');
		expect(error.description).toMatch(
			/^Set Base URL in the GPT\.GE API credential to the API's address with http:\/\/ or https:\/\/, e\.g\. https:\/\/api\.gpt\.ge\. Nothing was sent to GPT\.GE\./,
		);
	});
});

describe("Avatar → Generate: the documentation's example request", () => {
	const docs = fs.readFileSync(path.join(__dirname, 'fixtures/avatar-generation-docs.en.txt'), 'utf8');
	const between = (start, end) => {
		const from = docs.indexOf(start) + start.length;
		return docs.slice(from, docs.indexOf(end, from));
	};
	// The same body, as each of the three examples on the page writes it.
	const examples = {
		curl: JSON.parse(between("-d '", "'")),
		javascript: new Function(`return ${between('JSON.stringify(', ')\n')}`)(),
		python: JSON.parse(
			between('json=', '\n)').replace(/'/g, '"').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false'),
		),
	};

	test('the three forms on the page are the same body', () => {
		expect(examples.javascript).toStrictEqual(examples.curl);
		expect(examples.python).toStrictEqual(examples.curl);
		expect(Object.keys(examples.curl).sort()).toStrictEqual(['audio_url', 'avatar_url', 'no_watermark']);
	});

	test.each(Object.keys(examples))('the node reproduces the %s example field for field', async (form) => {
		const example = examples[form];
		const requests = interceptGenerate();

		await runNode({
			parameters: generate({
				avatarUrl: example.avatar_url,
				voiceSource: 'audioUrl',
				audioUrl: example.audio_url,
				noWatermark: example.no_watermark,
			}),
		});

		expect(requests[0].path).toBe('/avatar/generation');
		expect(requests[0].body).toStrictEqual(example);
	});
});

describe('Avatar → Generate: many items (a spreadsheet, one video per row)', () => {
	const rows = [
		{ photo: 'https://cdn.example.com/anna.jpg', voice: 'engine-a', audio: 'audio-a', lang: 'en', line: 'Hi, I am Anna.' },
		{ photo: 'https://cdn.example.com/bo.png', voice: 'engine-b', audio: 'audio-b', lang: 'zh', line: '我是波。' },
		{ photo: 'https://cdn.example.com/cy.mp4', voice: 'engine-c', audio: 'audio-c', lang: 'en', line: 'Cy here.' },
	];
	const perRow = generate({
		avatarUrl: '={{ $json.photo }}',
		voiceSource: 'useVoice',
		voice: { __rl: true, mode: 'id', value: '={{ $json.voice }}:{{ $json.audio }}' },
		language: '={{ $json.lang }}',
		text: '={{ $json.line }}',
		noWatermark: '={{ $json.lang === "zh" }}',
	});

	test("each row is one request with that row's values", async () => {
		const requests = interceptGenerate({ times: 3 });

		await runNode({ parameters: perRow, items: rows.map((json) => ({ json })) });

		const sent = requests.map((request) => request.body).sort((a, b) => a.avatar_url.localeCompare(b.avatar_url));
		expect(sent).toStrictEqual(
			rows.map((row) => ({
				avatar_url: row.photo,
				use_voice: { voice_engine_id: row.voice, audio_id: row.audio, language: row.lang, text: row.line },
				no_watermark: row.lang === 'zh',
			})),
		);
	});

	test('one output item per row, in row order, each paired with its row and carrying its task ID', async () => {
		// Task IDs derived from the request, so the pairing is checked whatever order requests arrive in.
		interceptGenerate({
			times: 3,
			reply: (body) => [200, { code: 'success', message: '', data: `task-for-${body.use_voice.voice_engine_id}` }],
		});

		const output = await runNode({ parameters: perRow, items: rows.map((json) => ({ json })) });

		expect(output).toStrictEqual(
			rows.map((row, index) => ({
				json: { taskId: `task-for-${row.voice}`, avatarUrl: row.photo, voiceSource: 'useVoice', noWatermark: row.lang === 'zh', resumed: false },
				pairedItem: { item: index },
			})),
		);
	});
});

describe('Avatar → Generate: the answer', () => {
	test('{"code":"success","data":"<id>"} becomes { taskId } paired with the input item', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', message: '', data: '57b9ba07db5e4ed5bf18ebb4179a826d' }] });

		const output = await runNode({ parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }) });

		expect(output).toStrictEqual([
			{
				json: { taskId: '57b9ba07db5e4ed5bf18ebb4179a826d', avatarUrl: AVATAR, voiceSource: 'audioUrl', noWatermark: false, resumed: false },
				pairedItem: { item: 0 },
			},
		]);
	});

	test('the task ID is also found under "id", as the documentation\'s field table names it', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', message: '', id: 'from-id-field' }] });

		const [item] = await runNode({ parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }) });

		expect(item.json.taskId).toBe('from-id-field');
	});

	test('success without any task ID is an error, not an item without one', async () => {
		interceptGenerate({ reply: () => [200, { code: 'success', message: '' }] });

		const error = await runNode({ parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }) }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE answered with no task ID in its answer');
		expect(error.description).toContain('(GPT.GE answered with no task ID in its answer.)');
	});
});

describe('Avatar → Generate: errors', () => {
	const run = (options = {}) =>
		runNode({ parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }), ...options }).catch((e) => e);

	test('HTTP 200 with code other than "success" is a NodeApiError with the API\'s message', async () => {
		interceptGenerate({ reply: () => [200, { code: 'insufficient_quota', message: 'Your balance is not enough', data: null }] });

		const error = await run();

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GPT.GE: Your balance is not enough');
		expect(error.description).toBe(
			'The GPT.GE account behind this token is out of credit: top it up, or raise the token\'s quota, then run again. (GPT.GE answered with code "insufficient_quota".)' +
				NOTHING_CREATED,
		);
		expect(error.context.itemIndex).toBe(0);
	});

	test('401 names the token as the thing to check and keeps the gateway\'s message', async () => {
		const requests = interceptGenerate({
			reply: () => [401, { error: { message: 'Invalid token (request id: 2025)', type: 'new_api_error', code: 'invalid_token' } }],
		});

		const error = await run();

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('401');
		// Not a thrown HTTP error, so n8n-core's retry-after-401 does not post (and pay) twice.
		expect(requests).toHaveLength(1);
		expect(error.message).toBe('GPT.GE: Invalid token (request id: 2025)');
		expect(error.description).toBe(
			"GPT.GE did not accept the API token. Check the API Token in the GPT.GE API credential (copy it again from your GPT.GE account). If the token comes from a reseller, set Base URL to that reseller's API address. (GPT.GE answered with HTTP 401.)" +
				NOTHING_CREATED,
		);
	});

	test('403 also points at the token', async () => {
		interceptGenerate({ reply: () => [403, { error: { message: 'token has no access to this model' } }] });

		const error = await run();

		expect(error.httpCode).toBe('403');
		expect(error.message).toBe('GPT.GE: token has no access to this model');
		expect(error.description).toMatch(/^The token may not do this: it may be disabled, expired or limited to other models\. Check it in your GPT\.GE account/);
	});

	test('402 says the account is out of credit', async () => {
		interceptGenerate({ reply: () => [402, { error: { message: 'Payment required' } }] });

		const error = await run();

		expect(error.httpCode).toBe('402');
		expect(error.message).toBe('GPT.GE: Payment required');
		expect(error.description).toBe(
			"The GPT.GE account behind this token is out of credit: top it up, or raise the token's quota, then run again. (GPT.GE answered with HTTP 402.)" +
				NOTHING_CREATED,
		);
	});

	test('429 proves nothing was created: the POST is sent again after Retry-After and succeeds', async () => {
		const requests = interceptGenerate({
			times: 2,
			reply: (body, index) =>
				index === 0
					? [429, { error: { message: 'The system is busy', type: 'rate_limit' } }, { 'Retry-After': '0' }]
					: [200, { code: 'success', message: '', data: 'after-429' }],
		});

		const output = await run();

		expect(requests.map((request) => request.body)).toStrictEqual(Array(2).fill({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: false }));
		expect(output.map((item) => item.json.taskId)).toStrictEqual(['after-429']);
	});

	test('a 429 that never ends: given up after 12 tries, saying nothing was created and what to do', async () => {
		const requests = interceptGenerate({
			times: 20,
			reply: () => [429, { error: { message: 'The system is busy', type: 'rate_limit' } }, { 'Retry-After': '0' }],
		});

		const error = await run();

		expect(requests).toHaveLength(12);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('429');
		expect(error.message).toBe('GPT.GE: The system is busy');
		expect(error.description).toBe(
			'GPT.GE refused the request 12 times for its rate limit, so nothing was created for this item. Run it again later, ' +
				"or set Rate Limit in the GPT.GE API credential to your plan's limit if other workflows or queue-mode workers use the same token." +
				NOTHING_CREATED,
		);
	}, 15_000); // each 429 soon after another slows the pacer further: about 5 s in all

	test('500 with a non-JSON body still reports what the server said', async () => {
		interceptGenerate({ reply: () => [500, 'upstream exploded'] });

		const error = await run();

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('500');
		expect(error.message).toBe('GPT.GE: upstream exploded');
		expect(error.description).toBe(
			'The GPT.GE service failed to process the request. Try again later. (GPT.GE answered with HTTP 500.) ' +
				MAY_HAVE_CREATED +
				NOTHING_CREATED,
		);
	});

	test('a dropped connection is a NodeApiError and the POST is not repeated', async () => {
		nock.enableNetConnect('127.0.0.1');
		const api = await startLoopbackApi(() => 'drop');
		try {
			const error = await runNode({
				parameters: generate({ avatarUrl: AVATAR, audioUrl: AUDIO }),
				credentials: { apiToken: TOKEN, baseUrl: api.url },
			}).catch((e) => e);

			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe(
				'The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.',
			);
			expect(api.requests.map((request) => [request.method, request.path])).toStrictEqual([['POST', '/avatar/generation']]);
		} finally {
			await api.close();
			nock.disableNetConnect();
		}
	});

	test('Continue On Fail: the failing item carries its error, the others go on', async () => {
		interceptGenerate({
			times: 3,
			reply: (body) =>
				body.avatar_url.endsWith('bad.jpg')
					? [200, { code: 'fail', message: 'no face found in the image' }]
					: [200, { code: 'success', message: '', data: `task-${body.avatar_url.slice(-5, -4)}` }],
		});
		const items = ['https://x.example/1.jpg', 'https://x.example/bad.jpg', 'https://x.example/3.jpg'].map((photo) => ({ json: { photo } }));

		const output = await runNode({
			parameters: generate({ avatarUrl: '={{ $json.photo }}', audioUrl: AUDIO }),
			items,
			continueOnFail: true,
		});

		expect(output).toHaveLength(3);
		expect(output[0]).toStrictEqual({
			json: { taskId: 'task-1', avatarUrl: 'https://x.example/1.jpg', voiceSource: 'audioUrl', noWatermark: false, resumed: false },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toStrictEqual({
			json: {
				error: 'GPT.GE: no face found in the image',
				details: { description: 'GPT.GE did not accept the request. Check the node\'s input values and your account balance. (GPT.GE answered with code "fail".)' },
			},
			pairedItem: { item: 1 },
		});
		expect(output[2].json.taskId).toBe('task-3');
		expect(output[2].pairedItem).toStrictEqual({ item: 2 });
	});
});

describe('Avatar → Generate: input is checked before anything is sent', () => {
	const valid = {
		audioUrl: { avatarUrl: AVATAR, voiceSource: 'audioUrl', audioUrl: AUDIO },
		createVoice: { avatarUrl: AVATAR, voiceSource: 'createVoice', sampleAudioUrl: SAMPLE, language: 'en', text: 'Hello there' },
		useVoice: { avatarUrl: AVATAR, voiceSource: 'useVoice', voice: { __rl: true, mode: 'list', value: 'engine-1:audio-1' }, language: 'zh', text: '你好' },
	};
	const cases = [
		['audioUrl', { avatarUrl: '' }, 'Avatar URL', 'The value is empty.'],
		['audioUrl', { avatarUrl: 'ftp://cdn.example.com/a.jpg' }, 'Avatar URL', '"ftp://cdn.example.com/a.jpg" starts with ftp:, not http(s).'],
		['audioUrl', { avatarUrl: 'presenter.jpg' }, 'Avatar URL', '"presenter.jpg" is not an http(s) URL.'],
		['audioUrl', { audioUrl: 'file:///tmp/speech.mp3' }, 'Audio URL', '"file:///tmp/speech.mp3" starts with file:, not http(s).'],
		['audioUrl', { audioUrl: 'https://' }, 'Audio URL', '"https://" has no host.'],
		['audioUrl', { audioUrl: '   ' }, 'Audio URL', 'The value is empty.'],
		['createVoice', { sampleAudioUrl: 'sample.mp3' }, 'Voice Sample URL', '"sample.mp3" is not an http(s) URL.'],
		['createVoice', { text: '  ' }, 'Text', 'The value is empty.'],
		['createVoice', { language: 'fr' }, 'Language', '"fr" is not supported; use one of: zh, en.'],
		['useVoice', { voice: { __rl: true, mode: 'list', value: '' } }, 'Voice', 'No voice is chosen.'],
		['useVoice', { voice: { __rl: true, mode: 'id', value: 'engine-1' } }, 'Voice', '"engine-1" is not voice_engine_id:audio_id.'],
		['useVoice', { voice: { __rl: true, mode: 'id', value: 'engine-1:' } }, 'Voice', '"engine-1:" is not voice_engine_id:audio_id.'],
		['useVoice', { text: '' }, 'Text', 'The value is empty.'],
		['useVoice', { language: '' }, 'Language', '"" is not supported; use one of: zh, en.'],
	];

	test.each(cases)('%s with %j → invalid %s, and no request', async (source, change, field, reason) => {
		const requests = interceptGenerate();

		const error = await runNode({ parameters: generate({ ...valid[source], ...change }) }).catch((e) => e);

		expect(requests).toHaveLength(0);
		expect(error.message).toBe(`Invalid ${field} [item 0 (1st row)]`);
		expect(error.description).toContain(reason);
		expect(error.description).toContain('Nothing was sent to GPT.GE.');
	});

	test.each(Object.keys(valid))('the valid %s input passes the same checks', async (source) => {
		const requests = interceptGenerate();

		await runNode({ parameters: generate(valid[source]) });

		expect(requests).toHaveLength(1);
	});

	describe('a voice picked from the list for another Language (the editor keeps it when Language changes)', () => {
		const picked = (cachedResultName) => ({ __rl: true, mode: 'list', value: 'engine-1:audio-1', cachedResultName });

		test('is refused before sending, naming the voice and both languages', async () => {
			const requests = interceptGenerate();

			const error = await runNode({
				parameters: generate({ ...valid.useVoice, voice: picked('Yue Hua (zh, Female)'), language: 'en', text: 'Hello' }),
			}).catch((e) => e);

			expect(requests).toHaveLength(0);
			expect(error.message).toBe('Invalid Voice [item 0 (1st row)]');
			expect(error.description).toBe(
				'"Yue Hua" was picked from the Chinese voices, but Language is English. Pick the voice again (the list shows the voices of the chosen Language), or set Language back to Chinese. Nothing was sent to GPT.GE.' +
					NOTHING_CREATED,
			);
		});

		test.each([
			['the same language', picked('Yue Hua (zh, Female)'), 'zh'],
			['a voice typed By ID (no language known)', { __rl: true, mode: 'id', value: 'engine-1:audio-1' }, 'en'],
			['a pick from before names carried the language', picked('Yue Hua'), 'en'],
		])('is not in the way for %s', async (_case, voice, language) => {
			const requests = interceptGenerate();

			await runNode({ parameters: generate({ ...valid.useVoice, voice, language }) });

			expect(requests).toHaveLength(1);
		});
	});

	test('a bad row among good ones fails the node before ANY row is sent, naming the row', async () => {
		const requests = interceptGenerate({ times: 4 });
		const photos = ['https://x.example/1.jpg', 'https://x.example/2.jpg', 'not a url', 'https://x.example/4.jpg'];

		const error = await runNode({
			parameters: generate({ avatarUrl: '={{ $json.photo }}', audioUrl: AUDIO }),
			items: photos.map((photo) => ({ json: { photo } })),
		}).catch((e) => e);

		expect(requests).toHaveLength(0);
		expect(error.message).toBe('Invalid Avatar URL [item 2 (3rd row)]');
		expect(error.description).toContain('"not a url" is not an http(s) URL.');
		// RoutingNode wraps a preSend error of the first item it reads (item 0) in a NodeApiError;
		// ours is its cause, and the message is what names the row.
		expect(error.cause).toBeInstanceOf(NodeOperationError);
		expect(error.cause.message).toBe('Invalid Avatar URL [item 2 (3rd row)]');
	});

	test('Continue On Fail: only the bad row is held back, as a NodeOperationError naming it', async () => {
		const requests = interceptGenerate({ times: 3 });
		const photos = ['https://x.example/1.jpg', '', 'https://x.example/3.jpg'];

		const output = await runNode({
			parameters: generate({ avatarUrl: '={{ $json.photo }}', audioUrl: AUDIO }),
			items: photos.map((photo) => ({ json: { photo } })),
			continueOnFail: true,
		});

		expect(requests.map((request) => request.body.avatar_url).sort()).toStrictEqual([photos[0], photos[2]]);
		expect(output[0].json.avatarUrl).toBe(photos[0]);
		expect(output[1].json).toStrictEqual({
			error: 'Invalid Avatar URL [item 1 (2nd row)]',
			details: { description: 'The value is empty. Nothing was sent to GPT.GE.' },
		});
		expect(output[1].pairedItem).toStrictEqual({ item: 1 });
		expect(output[2].json.avatarUrl).toBe(photos[2]);
	});

	test('an expression that cannot be evaluated for a row fails the node, naming that row, and nothing is sent', async () => {
		const requests = interceptGenerate({ times: 2 });

		const error = await runNode({
			parameters: generate({
				avatarUrl: '={{ $json.photo }}',
				audioUrl: '={{ $json.useSheet ? $("Sheet").item.json.audio : $json.audio }}',
			}),
			items: [{ json: { photo: 'https://x.example/1.jpg', audio: AUDIO } }, { json: { photo: 'https://x.example/2.jpg', useSheet: true } }],
		}).catch((e) => e);

		// The engine's own error, for the row whose expression failed.
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe("Referenced node doesn't exist");
		expect(error.context.itemIndex).toBe(1);
		// Row 0 was built first, but the door sends no row before every row is built and checked.
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(requests).toStrictEqual([]);
	});
});
