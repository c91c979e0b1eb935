// Issue 29, point 7: switching Voice Source in the editor must not erase what the user wrote where
// two voice sources take the same thing. Version 3 makes the voice sample's URL the Audio URL's
// parameter (audioUrl); versions 1 and 2 keep sampleAudioUrl, which their saved workflows hold.
// generateBody.ts's SAMPLE_URL_PARAMETER is the one table of which parameter holds the sample.
const nock = require('nock');
const { NodeHelpers, deepCopy } = require('n8n-workflow');
const { runNode, loadNodeType } = require('./helpers/engine');
const { interceptGenerate } = require('./helpers/api');
const { inlineBinary } = require('./helpers/binary');
const { SAMPLE_URL_PARAMETER, bodyPathsFor, generateSentValues, sampleUrlParameter } = require('../nodes/GptGe/resources/avatar/generateBody');

const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const SAMPLE = 'https://cdn.example.com/voice-sample.mp3';
const SPEECH = '={{ $json.speech }}';

const description = loadNodeType().description;
const generate = (parameters) => ({ resource: 'avatar', operation: 'generate', avatarUrl: AVATAR, ...parameters });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('which parameter holds the voice sample, by node version (SAMPLE_URL_PARAMETER)', () => {
	test.each([
		[1, 'sampleAudioUrl'],
		[2, 'sampleAudioUrl'],
		[3, 'audioUrl'],
	])('version %i: %s', (typeVersion, parameter) => {
		expect(sampleUrlParameter(typeVersion)).toBe(parameter);
	});

	test("the table has a row for each of the node's versions, and 3 is the default", () => {
		expect(Object.keys(SAMPLE_URL_PARAMETER).map(Number)).toStrictEqual(description.version);
		expect(description.version).toStrictEqual([1, 2, 3]);
		expect(description.defaultVersion).toBe(3);
	});

	// What the editor shows for the URL of each voice source: the parameter and its label.
	const urlFieldShown = (typeVersion, voiceSource) => {
		const parameters = { resource: 'avatar', operation: 'generate', voiceSource, audioInput: 'url' };
		return description.properties
			.filter((property) => ['audioUrl', 'sampleAudioUrl'].includes(property.name))
			.filter((property) => NodeHelpers.displayParameter(parameters, property, { typeVersion, parameters }, description))
			.map((property) => [property.name, property.displayName, property.routing.send.property]);
	};

	test.each([1, 2, 3])('version %i: the field shown for the sample is the table\'s parameter, labelled Voice Sample URL', (typeVersion) => {
		expect(urlFieldShown(typeVersion, 'createVoice')).toStrictEqual([[sampleUrlParameter(typeVersion), 'Voice Sample URL', 'create_voice.audio_url']]);
		expect(urlFieldShown(typeVersion, 'audioUrl')).toStrictEqual([['audioUrl', 'Audio URL', 'audio_url']]);
	});
});

describe('where each parameter goes, by voice source and version (bodyPathsFor), and read back (generateSentValues)', () => {
	const common = { avatarUrl: 'avatar_url', noWatermark: 'no_watermark' };
	test.each([
		['audioUrl', 1, { ...common, audioUrl: 'audio_url' }],
		['audioUrl', 3, { ...common, audioUrl: 'audio_url' }],
		['createVoice', 1, { ...common, sampleAudioUrl: 'create_voice.audio_url', language: 'create_voice.language', text: 'create_voice.text' }],
		['createVoice', 2, { ...common, sampleAudioUrl: 'create_voice.audio_url', language: 'create_voice.language', text: 'create_voice.text' }],
		['createVoice', 3, { ...common, audioUrl: 'create_voice.audio_url', language: 'create_voice.language', text: 'create_voice.text' }],
		['useVoice', 3, { ...common, voice: 'use_voice', language: 'use_voice.language', text: 'use_voice.text' }],
	])('%s, version %i', (voiceSource, typeVersion, paths) => {
		expect(bodyPathsFor(voiceSource, typeVersion)).toStrictEqual(paths);
	});

	const body = { avatar_url: AVATAR, create_voice: { audio_url: SAMPLE, language: 'en', text: 'Hi' }, no_watermark: false };
	test.each([
		[2, { avatarUrl: AVATAR, noWatermark: false, sampleAudioUrl: SAMPLE, language: 'en', text: 'Hi' }],
		[3, { avatarUrl: AVATAR, noWatermark: false, audioUrl: SAMPLE, language: 'en', text: 'Hi' }],
	])('a cloning body read back at version %i: the sample under that version\'s parameter', (typeVersion, values) => {
		expect(generateSentValues({ body }, { itemIndex: 0 }, typeVersion)).toStrictEqual(values);
	});
});

describe('the request: each version sends its sample from its own parameter', () => {
	const sent = async (parameters, typeVersion, items) => {
		const requests = interceptGenerate();
		await runNode({ parameters: generate(parameters), typeVersion, items });
		expect(requests).toHaveLength(1);
		return requests[0].body;
	};

	test('version 3, Clone Voice From Sample: create_voice.audio_url from audioUrl, and nothing else', async () => {
		const body = await sent({
			voiceSource: 'createVoice',
			audioUrl: SAMPLE,
			language: 'zh',
			text: '大家好',
			// A version 2 parameter left in the node's JSON is no field of version 3: not sent.
			sampleAudioUrl: 'https://cdn.example.com/old-sample.mp3',
			voice: { __rl: true, mode: 'id', value: 'engine-1:audio-1' },
		}, 3);

		expect(body).toStrictEqual({ avatar_url: AVATAR, create_voice: { audio_url: SAMPLE, language: 'zh', text: '大家好' }, no_watermark: false });
	});

	test("version 3, Clone Voice From Sample: an expression in audioUrl is evaluated per row, a share link sent as its download link", async () => {
		const body = await sent(
			{ voiceSource: 'createVoice', audioUrl: SPEECH, language: 'en', text: 'Hello there' },
			3,
			[{ json: { speech: 'https://drive.google.com/file/d/1Sample/view?usp=drive_link' } }],
		);

		expect(body).toStrictEqual({
			avatar_url: AVATAR,
			create_voice: { audio_url: 'https://drive.google.com/uc?export=download&id=1Sample', language: 'en', text: 'Hello there' },
			no_watermark: false,
		});
	});

	// The input check reads the sample from the built body under the version's parameter
	// (generateSentValues); were it not found there it would be evaluated once more per row.
	test.each([
		[3, 'audioUrl', 6],
		[2, 'sampleAudioUrl', 4],
	])('version %i: the input check evaluates no expression in %s again (%i evaluations a row, all the engine\'s)', async (typeVersion, parameter, perRow) => {
		const { WorkflowExpression } = require('n8n-workflow');
		const resolve = WorkflowExpression.prototype.resolveSimpleParameterValue;
		let evaluations = 0;
		const spy = jest.spyOn(WorkflowExpression.prototype, 'resolveSimpleParameterValue').mockImplementation(function (value, ...rest) {
			if (value === SPEECH) evaluations += 1;
			return resolve.call(this, value, ...rest);
		});
		interceptGenerate({ times: 2 });
		try {
			await runNode({ parameters: generate({ voiceSource: 'createVoice', [parameter]: SPEECH, text: 'Hi' }), typeVersion, items: [{ json: { speech: SAMPLE } }, { json: { speech: SAMPLE } }] });
		} finally {
			spy.mockRestore();
		}
		expect(evaluations).toBe(perRow * 2);
	});

	test('version 3, Audio URL: audio_url from audioUrl, as before', async () => {
		expect(await sent({ voiceSource: 'audioUrl', audioUrl: AUDIO }, 3)).toStrictEqual({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: false });
	});

	// A workflow saved at version 1 or 2 runs unchanged: the same body as before version 3.
	test.each([1, 2])('version %i, Clone Voice From Sample: create_voice.audio_url from sampleAudioUrl; audioUrl is not sent', async (typeVersion) => {
		const body = await sent({ voiceSource: 'createVoice', sampleAudioUrl: SAMPLE, audioUrl: AUDIO, language: 'en', text: 'Hello there' }, typeVersion);

		expect(body).toStrictEqual({ avatar_url: AVATAR, create_voice: { audio_url: SAMPLE, language: 'en', text: 'Hello there' }, no_watermark: false });
	});

	test.each([1, 2])('version %i, Audio URL: audio_url from audioUrl; sampleAudioUrl is not sent', async (typeVersion) => {
		const body = await sent({ voiceSource: 'audioUrl', audioUrl: AUDIO, sampleAudioUrl: SAMPLE }, typeVersion);

		expect(body).toStrictEqual({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: false });
	});
});

describe('input errors name the field by the label shown for the voice source', () => {
	const refused = async (parameters, typeVersion, items) => {
		const requests = interceptGenerate();
		const error = await runNode({ parameters: generate(parameters), typeVersion, items }).catch((thrown) => thrown);
		expect(requests).toHaveLength(0);
		return error;
	};
	const clone = { voiceSource: 'createVoice', language: 'en', text: 'Hi' };

	test.each([
		[3, { ...clone, audioUrl: 'sample.mp3' }, 'Invalid Voice Sample URL [item 0 (1st row)]', '"sample.mp3" is not an http(s) URL.', 'audioUrl'],
		[3, { ...clone, audioUrl: '' }, 'Invalid Voice Sample URL [item 0 (1st row)]', 'The value is empty.', 'audioUrl'],
		// One parameter, two labels: under Audio URL the same parameter is still "Audio URL".
		[3, { voiceSource: 'audioUrl', audioUrl: 'speech.mp3' }, 'Invalid Audio URL [item 0 (1st row)]', '"speech.mp3" is not an http(s) URL.', 'audioUrl'],
		[2, { ...clone, sampleAudioUrl: 'sample.mp3' }, 'Invalid Voice Sample URL [item 0 (1st row)]', '"sample.mp3" is not an http(s) URL.', 'sampleAudioUrl'],
		[1, { ...clone, sampleAudioUrl: 'sample.mp3' }, 'Invalid Voice Sample URL [item 0 (1st row)]', '"sample.mp3" is not an http(s) URL.', 'sampleAudioUrl'],
		[2, { voiceSource: 'audioUrl', audioUrl: 'speech.mp3' }, 'Invalid Audio URL [item 0 (1st row)]', '"speech.mp3" is not an http(s) URL.', 'audioUrl'],
	])('version %i with %j: %s', async (typeVersion, parameters, message, reason, parameter) => {
		const error = await refused(parameters, typeVersion);

		expect(error.message).toBe(message);
		expect(error.description).toContain(reason);
		expect(error.context.parameter).toBe(parameter);
	});

	test.each([
		['createVoice', { ...clone, audioUrl: 'sample.mp3' }, 'Voice Sample URL'],
		['audioUrl', { voiceSource: 'audioUrl', audioUrl: 'sample.mp3' }, 'Audio URL'],
	])("version 3 as a tool, %s: a bad URL the workflow set is named by its label in the tool's answer", async (_source, parameters, label) => {
		const requests = interceptGenerate();

		const [{ json }] = await runNode({ parameters: generate(parameters), typeVersion: 3, tool: true });

		expect(requests).toHaveLength(0);
		const start = `The tool's ${label} (set in the workflow, not an argument): "sample.mp3" is not an http(s) URL.`;
		expect(json.error.slice(0, start.length)).toBe(start);
		expect(json.field).toBe('audioUrl');
	});

	test('version 3: an expression in the sample that gives no URL, for the row it gives none', async () => {
		const error = await refused({ ...clone, audioUrl: SPEECH }, 3, [{ json: { speech: SAMPLE } }, { json: { speech: 'not a url' } }]);

		expect(error.message).toBe('Invalid Voice Sample URL [item 1 (2nd row)]');
		expect(error.description).toContain('"not a url" is not an http(s) URL.');
	});

	test('version 3: a photo as the voice sample is refused under the Voice Sample Binary Field label', async () => {
		const photo = inlineBinary('jpeg bytes', { fileName: 'anna.jpg', mimeType: 'image/jpeg' });

		const error = await refused({ ...clone, audioInput: 'binary', audioBinaryProperty: 'speech' }, 3, [{ json: {}, binary: { speech: photo } }]);

		expect(error.message).toBe('Invalid Voice Sample Binary Field [item 0 (1st row)]');
		expect(error.description).toContain('"anna.jpg" in binary field "speech" is image/jpeg, not an audio file (audio/…).');
	});
});

/**
 * Voice Source changed in the editor, as n8n's editor does it (updateNodeParameter in
 * packages/frontend/editor-ui, useNodeSettingsParameters.ts): the values that differ from their
 * defaults, the new value set, then the parameters a field shows with their defaults; a parameter
 * no field shows any more is dropped, and n8n saves the result.
 */
function switchVoiceSource(parameters, voiceSource, typeVersion) {
	const node = { name: 'GPT.GE', type: 'n8n-nodes-gptge.gptGe', typeVersion, parameters };
	const own = NodeHelpers.getNodeParameters(description.properties, parameters, false, false, node, description);
	const changed = { ...deepCopy(own), voiceSource };
	return NodeHelpers.getNodeParameters(description.properties, changed, true, false, { ...node, parameters: changed }, description);
}

/** A Generate node of this version as the editor holds it once `parameters` are typed in: with the defaults of the fields it shows. */
function editorNode(typeVersion, parameters) {
	const node = { typeVersion, parameters: generate(parameters) };
	return NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
}

describe('switching Voice Source in the editor (the example: Audio URL {{ $json.speech }})', () => {
	const keep = (parameters) => ({ audioUrl: parameters.audioUrl, language: parameters.language, text: parameters.text });
	const speech = [{ json: { speech: AUDIO } }];

	test('version 3: audioUrl survives Audio URL → Clone Voice From Sample → Audio URL, and the node still sends it', async () => {
		const start = editorNode(3, { voiceSource: 'audioUrl', audioUrl: SPEECH });

		const cloning = switchVoiceSource(start, 'createVoice', 3);
		const back = switchVoiceSource(cloning, 'audioUrl', 3);

		expect(cloning.audioUrl).toBe(SPEECH);
		expect(back.audioUrl).toBe(SPEECH);
		expect(back).toStrictEqual(start);
		const requests = interceptGenerate();
		await runNode({ parameters: back, typeVersion: 3, items: speech });
		expect(requests[0].body).toStrictEqual({ avatar_url: AVATAR, audio_url: AUDIO, no_watermark: false });
	});

	test('version 3: the Audio URL typed before becomes the voice sample sent by Clone Voice From Sample', async () => {
		const cloning = { ...switchVoiceSource(editorNode(3, { audioUrl: SPEECH }), 'createVoice', 3), text: 'Hello there' };

		const requests = interceptGenerate();
		await runNode({ parameters: cloning, typeVersion: 3, items: speech });
		expect(requests[0].body).toStrictEqual({ avatar_url: AVATAR, create_voice: { audio_url: AUDIO, language: 'en', text: 'Hello there' }, no_watermark: false });
	});

	test('version 3: a binary sample (Binary File, its field) survives Audio URL → Clone Voice From Sample → Audio URL', () => {
		const start = editorNode(3, { audioInput: 'binary', audioBinaryProperty: 'speech' });

		const cloning = switchVoiceSource(start, 'createVoice', 3);

		expect([cloning.audioInput, cloning.audioBinaryProperty]).toStrictEqual(['binary', 'speech']);
		expect(switchVoiceSource(cloning, 'audioUrl', 3)).toStrictEqual(start);
	});

	test.each([2, 3])('version %i: text and language survive Use Existing Voice ↔ Clone Voice From Sample', (typeVersion) => {
		const using = editorNode(typeVersion, { voiceSource: 'useVoice', language: 'zh', text: '={{ $json.line }}' });

		const cloning = switchVoiceSource(using, 'createVoice', typeVersion);
		const back = switchVoiceSource(cloning, 'useVoice', typeVersion);

		expect([cloning.language, cloning.text]).toStrictEqual(['zh', '={{ $json.line }}']);
		expect([back.language, back.text]).toStrictEqual(['zh', '={{ $json.line }}']);
	});

	// Why version 3 exists: in version 2 the sample is another parameter, so trying Clone erases
	// the example's Audio URL, and n8n saves that at once.
	test('version 2: Audio URL → Clone Voice From Sample → Audio URL erases audioUrl (the sample field starts empty)', () => {
		const start = editorNode(2, { voiceSource: 'audioUrl', audioUrl: SPEECH });

		const cloning = switchVoiceSource(start, 'createVoice', 2);
		const back = switchVoiceSource(cloning, 'audioUrl', 2);

		expect(cloning).not.toHaveProperty('audioUrl');
		expect(cloning.sampleAudioUrl).toBe('');
		expect(back.audioUrl).toBe('');
		expect(switchVoiceSource({ ...cloning, sampleAudioUrl: SAMPLE }, 'audioUrl', 2).audioUrl).toBe('');
	});

	// What no shared parameter can keep: a thing only one of the two sources takes.
	test('version 3: what a source that does not take it still drops (Voice, the sample under Use Existing Voice, the text under Audio URL)', () => {
		const voice = { __rl: true, mode: 'id', value: 'engine-1:audio-1' };
		const using = editorNode(3, { voiceSource: 'useVoice', voice, language: 'zh', text: 'Hi' });
		expect(switchVoiceSource(switchVoiceSource(using, 'createVoice', 3), 'useVoice', 3).voice).toStrictEqual({ __rl: true, mode: 'list', value: '' });

		const cloning = editorNode(3, { voiceSource: 'createVoice', audioUrl: SPEECH, language: 'zh', text: 'Hi' });
		expect(keep(switchVoiceSource(switchVoiceSource(cloning, 'useVoice', 3), 'createVoice', 3))).toStrictEqual({ audioUrl: '', language: 'zh', text: 'Hi' });
		expect(keep(switchVoiceSource(switchVoiceSource(cloning, 'audioUrl', 3), 'createVoice', 3))).toStrictEqual({ audioUrl: SPEECH, language: 'en', text: '' });
	});
});
