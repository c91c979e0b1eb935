// Files from n8n's binary data: File → Upload and Generate from binary, through n8n-core's
// RoutingNode over real loopback HTTP against the stand-in, in n8n's default binary mode (base64
// in the item) and its filesystem mode (the bytes in n8n-core's binary data store).
const crypto = require('node:crypto');
const nock = require('nock');
const { runNode } = require('./helpers/engine');
const { withStandIn } = require('./helpers/api');
const { inlineBinary, storedBinary } = require('./helpers/binary');

afterAll(() => nock.enableNetConnect());

const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');
const photo = (row = 1) => Buffer.from(`\xff\xd8\xff\xe0 photo of row ${row} `.repeat(50), 'latin1');
const speech = Buffer.from('ID3 speech '.repeat(40));
const uploadParameters = (parameters = {}) => ({ resource: 'file', operation: 'upload', ...parameters });
const uploadsOf = (standIn) => standIn.requests.filter((request) => request.path === '/v1/files');
const createsOf = (standIn) => standIn.requests.filter((request) => request.path === '/avatar/generation');

/** GETs a URL the node output (on the stand-in's CDN host): status, type and bytes. */
async function download(url) {
	const response = await fetch(url);
	return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

/** What the stand-in recorded of an upload's body: one part per form field. */
const filePart = (fileName, contentType, content) => ({
	name: 'file',
	filename: fileName,
	contentType,
	rawHeaders: `Content-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}`,
	bytes: content.length,
	sha256: sha256(content),
});

describe.each([
	['default', async (content, meta) => inlineBinary(content, meta)],
	['filesystem', async (content, meta) => await storedBinary(content, meta)],
])('File → Upload, n8n %s binary mode', (_mode, binaryOf) => {
	test('sends one multipart/form-data request (field "file", the file name and type, the exact bytes) with the token, and outputs the file', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const content = photo();
			const items = [{ json: { row: 1 }, binary: { data: await binaryOf(content, { fileName: 'anna.jpg', mimeType: 'image/jpeg' }) } }];

			const output = await runNode({ parameters: uploadParameters(), items, credentials });

			const [request] = uploadsOf(standIn);
			expect(standIn.requests).toHaveLength(1);
			expect(request.method).toBe('POST');
			expect(request.headers.authorization).toBe(`Bearer ${standIn.token}`);
			expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----n8n-gptge-[0-9a-f]{24}$/);
			expect(Number(request.headers['content-length'])).toBeGreaterThan(content.length);
			expect(request.body).toStrictEqual({ multipart: [filePart('anna.jpg', 'image/jpeg', content)] });
			const [{ url }] = [...standIn.files.keys()].map((path) => ({ url: `${standIn.cdnUrl}${path}` }));
			expect(output).toStrictEqual([
				{
					json: { url, fileId: expect.stringMatching(/^file-/), bytes: content.length, fileName: 'anna.jpg', mimeType: 'image/jpeg' },
					pairedItem: { item: 0 },
				},
			]);
			// The URL serves the same bytes from the CDN host, which never saw the token.
			expect(await download(output[0].json.url)).toStrictEqual({ status: 200, type: 'image/jpeg', bytes: content });
			expect(standIn.cdnRequests.map((cdn) => cdn.headers.authorization)).toStrictEqual([undefined]);
		});
	});

	test('one request per item, each paired with its item; Input Binary Field and Options → Purpose are used', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const items = [];
			for (const row of [1, 2, 3]) {
				items.push({ json: { row }, binary: { voice: await binaryOf(photo(row), { fileName: `voice-${row}.mp3`, mimeType: 'audio/mpeg' }) } });
			}

			const output = await runNode({
				parameters: uploadParameters({ binaryPropertyName: 'voice', options: { purpose: 'avatar' } }),
				items,
				credentials,
			});

			expect(uploadsOf(standIn).map((request) => request.body.multipart.map((part) => [part.name, part.value ?? part.filename])).sort()).toStrictEqual([
				[['purpose', 'avatar'], ['file', 'voice-1.mp3']],
				[['purpose', 'avatar'], ['file', 'voice-2.mp3']],
				[['purpose', 'avatar'], ['file', 'voice-3.mp3']],
			]);
			expect(output.map((item) => [item.pairedItem, item.json.fileName, item.json.bytes])).toStrictEqual(
				[1, 2, 3].map((row) => [{ item: row - 1 }, `voice-${row}.mp3`, photo(row).length]),
			);
			for (const [index, item] of output.entries()) expect((await download(item.json.url)).bytes).toStrictEqual(photo(index + 1));
		});
	});

	test('a passing failure (502) is sent again, with the whole file again', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			standIn.setFault({ method: 'POST', path: '/v1/files', status: 502, times: 1 });
			const content = photo(7);
			const items = [{ json: {}, binary: { data: await binaryOf(content, { fileName: 'p.jpg', mimeType: 'image/jpeg' }) } }];

			const [item] = await runNode({ parameters: uploadParameters(), items, credentials });

			expect(uploadsOf(standIn).map((request) => [request.status, request.body.multipart[0].sha256])).toStrictEqual([
				[502, sha256(content)],
				[200, sha256(content)],
			]);
			expect(item.json.bytes).toBe(content.length);
		});
	});
});

test('default mode: a file of several decoding chunks (and base64 with line breaks) arrives byte for byte', async () => {
	await withStandIn({}, async (standIn, credentials) => {
		const content = crypto.randomBytes(2.5 * 1024 * 1024 + 7);
		const wrapped = { ...inlineBinary(content, { fileName: 'big.mp4', mimeType: 'video/mp4' }) };
		wrapped.data = wrapped.data.replace(/.{76}/g, '$&\n');
		const items = [
			{ json: {}, binary: { data: inlineBinary(content, { fileName: 'big.mp4', mimeType: 'video/mp4' }) } },
			{ json: {}, binary: { data: wrapped } },
		];

		const output = await runNode({ parameters: uploadParameters(), items, credentials });

		expect(uploadsOf(standIn).map((request) => request.body.multipart[0].sha256)).toStrictEqual([sha256(content), sha256(content)]);
		expect(output.map((item) => item.json.bytes)).toStrictEqual([content.length, content.length]);
	});
});

describe('File → Upload: bad input is refused before anything is sent, naming the field and the item', () => {
	const refused = async (items, parameters = {}) =>
		await withStandIn({}, async (standIn, credentials) => {
			const error = await runNode({ parameters: uploadParameters(parameters), items, credentials }).catch((thrown) => thrown);
			expect(standIn.requests).toStrictEqual([]);
			return error;
		});
	const jpeg = (bytes = 100) => inlineBinary(Buffer.alloc(bytes, 1), { fileName: 'a.jpg', mimeType: 'image/jpeg' });

	test('an item without the binary field: the message names the field and the item, the description the fields it has', async () => {
		const error = await refused([{ json: {}, binary: { data: jpeg() } }, { json: {}, binary: { photo: jpeg(), voice: jpeg() } }]);
		expect(error.message).toBe('Invalid Input Binary Field [item 1 (2nd row)]');
		expect(error.description).toBe(
			'The item has no binary field "data". Its binary fields are: photo, voice. Nothing was sent to GPT.GE.\n\nNo task was created in this run, so nothing was paid for.',
		);
	});

	test('an item without any binary data says where it should come from', async () => {
		const error = await refused([{ json: { photo: 'https://example.com/a.jpg' } }]);
		expect(error.message).toBe('Invalid Input Binary Field [item 0 (1st row)]');
		expect(error.description).toContain('The item has no binary field "data". It has no binary data at all: the node before this one must output the file');
	});

	test('an empty Input Binary Field', async () => {
		const error = await refused([{ json: {}, binary: { data: jpeg() } }], { binaryPropertyName: ' ' });
		expect(error.description).toContain('The value is empty: enter the name of the binary field that holds the file.');
	});

	test('a file over Options → Max Upload Size names its size and the limit', async () => {
		const error = await refused([{ json: {}, binary: { data: jpeg(3 * 1024 * 1024) } }], { options: { maxUploadSize: 2 } });
		expect(error.message).toBe('Invalid Input Binary Field [item 0 (1st row)]');
		expect(error.description).toContain('"a.jpg" in binary field "data" is 3 MB, larger than Options → Max Upload Size (2 MB).');
	});

	test('without the option the limit is 100 MB, read from n8n\'s metadata (nothing of the file is read)', async () => {
		const huge = { data: 'filesystem-v2', id: 'filesystem-v2:not/read', mimeType: 'video/mp4', fileName: 'huge.mp4', bytes: 100 * 1024 * 1024 + 1 };
		const error = await refused([{ json: {}, binary: { data: huge } }]);
		expect(error.description).toContain('"huge.mp4" in binary field "data" is 100 MB, larger than Options → Max Upload Size (100 MB).');
	});

	test('an empty file', async () => {
		const error = await refused([{ json: {}, binary: { data: jpeg(0) } }]);
		expect(error.description).toContain('"a.jpg" in binary field "data" is empty (0 bytes).');
	});

	test('under Continue On Fail the bad item becomes an error item and the others are uploaded', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const items = [{ json: {}, binary: { data: jpeg() } }, { json: {} }, { json: {}, binary: { data: jpeg() } }];
			const output = await runNode({ parameters: uploadParameters(), items, credentials, continueOnFail: true });
			expect(uploadsOf(standIn)).toHaveLength(2);
			expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(output[1].json).toStrictEqual({
				error: 'Invalid Input Binary Field [item 1 (2nd row)]',
				details: { description: expect.stringContaining('The item has no binary field "data".') },
			});
			expect(output[0].json.url).toMatch(/\/file\/cdn\//);
		});
	});
});

describe('File → Upload: what GPT.GE answers', () => {
	const oneFile = () => [{ json: {}, binary: { data: inlineBinary(photo(), { fileName: 'a.jpg', mimeType: 'image/jpeg' }) } }];

	test('an answer without a URL is an error that says so and shows the answer', async () => {
		await withStandIn({ uploadAnswerHasUrl: false }, async (standIn, credentials) => {
			const error = await runNode({ parameters: uploadParameters(), items: oneFile(), credentials }).catch((thrown) => thrown);
			expect(uploadsOf(standIn)).toHaveLength(1);
			expect(error.message).toBe('GPT.GE stored the file but gave no URL for it');
			expect(error.description).toMatch(/^GPT\.GE's other endpoints take files by URL only, so "a\.jpg" cannot be used from here\. GPT\.GE answered: \{"id":"file-[0-9a-f]+","object":"file","bytes":\d+,/);
		});
	});

	test('a file GPT.GE refuses (413) is not sent again, and the error carries its message', async () => {
		await withStandIn({ maxUploadBytes: 100 }, async (standIn, credentials) => {
			const error = await runNode({ parameters: uploadParameters(), items: oneFile(), credentials }).catch((thrown) => thrown);
			expect(uploadsOf(standIn).map((request) => request.status)).toStrictEqual([413]);
			expect(error.message).toBe('GPT.GE: file is too large: at most 100 bytes');
		});
	});

	test('a redirect to another origin is not followed: the file and the token go nowhere else', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			standIn.setFault({ method: 'POST', path: '/v1/files', redirect: 307 });
			const error = await runNode({ parameters: uploadParameters(), items: oneFile(), credentials }).catch((thrown) => thrown);
			expect(error.message).toBe(`GPT.GE redirected the request to ${standIn.cdnUrl}`);
			expect(standIn.cdnRequests).toStrictEqual([]);
		});
	});
});

const generateParameters = (parameters = {}) => ({
	resource: 'avatar',
	operation: 'generate',
	avatarInput: 'binary',
	avatarBinaryProperty: 'photo',
	voiceSource: 'audioUrl',
	audioInput: 'binary',
	audioBinaryProperty: 'speech',
	...parameters,
});

describe.each([
	['default', async (content, meta) => inlineBinary(content, meta)],
	['filesystem', async (content, meta) => await storedBinary(content, meta)],
])('Generate from binary, n8n %s binary mode', (_mode, binaryOf) => {
	const rows = async (count) => {
		const items = [];
		for (let row = 1; row <= count; row++) {
			items.push({
				json: { row },
				binary: {
					photo: await binaryOf(photo(row), { fileName: `person-${row}.jpg`, mimeType: 'image/jpeg' }),
					speech: await binaryOf(speech, { fileName: 'speech.mp3', mimeType: 'audio/mpeg' }),
				},
			});
		}
		return items;
	};

	test('each row uploads its photo and its audio, then creates the video with their URLs; the item says what was uploaded', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const items = await rows(3);

			const output = await runNode({ parameters: generateParameters(), items, credentials });

			const uploads = uploadsOf(standIn);
			expect(uploads.map((request) => request.body.multipart[0].filename).sort()).toStrictEqual(
				['person-1.jpg', 'person-2.jpg', 'person-3.jpg', 'speech.mp3', 'speech.mp3', 'speech.mp3'],
			);
			const creates = createsOf(standIn);
			expect(creates).toHaveLength(3);
			const urlOf = new Map([...standIn.files.entries()].map(([path, file]) => [`${standIn.cdnUrl}${path}`, file]));
			for (const [index, item] of output.entries()) {
				expect(item.pairedItem).toStrictEqual({ item: index });
				const create = creates.find((request) => request.body.avatar_url === item.json.avatarUrl);
				expect(create.body).toStrictEqual({ avatar_url: item.json.avatarUrl, audio_url: item.json.uploaded.audio, no_watermark: false });
				expect(item.json).toStrictEqual({
					taskId: expect.any(String),
					avatarUrl: item.json.uploaded.avatar,
					voiceSource: 'audioUrl',
					noWatermark: false,
					resumed: false,
					uploaded: { avatar: expect.stringMatching(/^http:\/\/localhost:\d+\/file\/cdn\//), audio: expect.stringMatching(/\.mp3$/) },
				});
				// Each row's video is made from its own photo.
				expect(urlOf.get(item.json.uploaded.avatar).content).toStrictEqual(photo(index + 1));
				// The upload happened before the create that uses it.
				const uploadIndex = standIn.requests.findIndex((request) => request.path === '/v1/files' && request.body.multipart[0].filename === `person-${index + 1}.jpg`);
				expect(uploadIndex).toBeLessThan(standIn.requests.indexOf(create));
			}
			expect(standIn.requests.every((request) => request.headers.authorization === `Bearer ${standIn.token}`)).toBe(true);
			expect(standIn.cdnRequests).toStrictEqual([]);
		});
	});

	test('Clone Voice From Sample takes the sample from binary data (create_voice.audio_url); the avatar may stay a URL', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const [item] = await rows(1);
			const parameters = generateParameters({
				avatarInput: 'url',
				avatarUrl: 'https://example.com/anna.jpg',
				voiceSource: 'createVoice',
				language: 'en',
				text: 'Hello',
			});

			const [output] = await runNode({ parameters, items: [item], credentials });

			expect(uploadsOf(standIn).map((request) => request.body.multipart[0].filename)).toStrictEqual(['speech.mp3']);
			expect(createsOf(standIn).map((request) => request.body)).toStrictEqual([
				{ avatar_url: 'https://example.com/anna.jpg', create_voice: { audio_url: output.json.uploaded.audio, language: 'en', text: 'Hello' }, no_watermark: false },
			]);
			expect(output.json.uploaded).toStrictEqual({ audio: expect.stringMatching(/\/file\/cdn\//) });
			expect(output.json.avatarUrl).toBe('https://example.com/anna.jpg');
		});
	});
});

describe('Generate from binary: bad input is refused before anything is uploaded or created', () => {
	const jpeg = inlineBinary(photo(), { fileName: 'anna.jpg', mimeType: 'image/jpeg' });
	const mp3 = inlineBinary(speech, { fileName: 'speech.mp3', mimeType: 'audio/mpeg' });
	const refused = async (items, parameters = {}) =>
		await withStandIn({}, async (standIn, credentials) => {
			const error = await runNode({ parameters: generateParameters(parameters), items, credentials }).catch((thrown) => thrown);
			expect(standIn.requests).toStrictEqual([]);
			return error;
		});

	test('a bad row among good ones: no row uploads or creates anything', async () => {
		const good = { json: {}, binary: { photo: jpeg, speech: mp3 } };
		const error = await refused([good, good, { json: {}, binary: { speech: mp3 } }, good]);
		expect(error.message).toBe('Invalid Avatar Binary Field [item 2 (3rd row)]');
		expect(error.description).toContain('The item has no binary field "photo". Its binary fields are: speech.');
	});

	test.each([
		['a document as the avatar', { photo: inlineBinary('%PDF', { fileName: 'cv.pdf', mimeType: 'application/pdf' }), speech: mp3 }, {}, 'Invalid Avatar Binary Field [item 0 (1st row)]', '"cv.pdf" in binary field "photo" is application/pdf, not a photo or a video (image/… or video/…).'],
		['a photo as the audio track', { photo: jpeg, speech: jpeg }, {}, 'Invalid Audio Binary Field [item 0 (1st row)]', '"anna.jpg" in binary field "speech" is image/jpeg, not an audio file (audio/…).'],
		['a photo as the voice sample', { photo: jpeg, speech: jpeg }, { voiceSource: 'createVoice', language: 'en', text: 'Hi' }, 'Invalid Voice Sample Binary Field [item 0 (1st row)]', '"anna.jpg" in binary field "speech" is image/jpeg, not an audio file (audio/…).'],
		['a photo over the limit', { photo: jpeg, speech: mp3 }, { options: { maxUploadSize: 0.0001 } }, 'Invalid Avatar Binary Field [item 0 (1st row)]', '"anna.jpg" in binary field "photo" is 1000 bytes, larger than Options → Max Upload Size (104 bytes).'],
	])('%s', async (_case, binary, parameters, message, reason) => {
		const error = await refused([{ json: {}, binary }], parameters);
		expect(error.message).toBe(message);
		expect(error.description).toContain(reason);
	});

	test('a video is a valid avatar', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const video = inlineBinary(Buffer.alloc(64, 7), { fileName: 'clip.mp4', mimeType: 'video/mp4' });
			const [item] = await runNode({ parameters: generateParameters(), items: [{ json: {}, binary: { photo: video, speech: mp3 } }], credentials });
			expect(item.json.uploaded.avatar).toMatch(/\.mp4$/);
		});
	});

	test('a row that resumes its task (Existing Task ID) uploads nothing', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			const [first] = await runNode({ parameters: generateParameters(), items: [{ json: {}, binary: { photo: jpeg, speech: mp3 } }], credentials });
			const before = standIn.requests.length;
			const [again] = await runNode({
				parameters: generateParameters({ options: { existingTaskId: first.json.taskId } }),
				items: [{ json: {} }],
				credentials,
			});
			expect(standIn.requests.slice(before).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET /avatar/task/${first.json.taskId}`]);
			expect(again.json).toMatchObject({ taskId: first.json.taskId, resumed: true });
		});
	});
});

describe('Generate from binary: an upload that worked is named when the video is not created', () => {
	const items = () => [
		{ json: {}, binary: { photo: inlineBinary(photo(), { fileName: 'anna.jpg', mimeType: 'image/jpeg' }), speech: inlineBinary(speech, { fileName: 'speech.mp3', mimeType: 'audio/mpeg' }) } },
	];

	test('GPT.GE refuses the create: the error lists the uploaded URLs for reuse', async () => {
		await withStandIn({ rejectWhen: () => 'avatar_url could not be read' }, async (standIn, credentials) => {
			const error = await runNode({ parameters: generateParameters(), items: items(), credentials }).catch((thrown) => thrown);
			const urls = [...standIn.files.keys()].map((path) => `${standIn.cdnUrl}${path}`);
			expect(urls).toHaveLength(2);
			expect(error.message).toBe('GPT.GE: avatar_url could not be read');
			expect(error.description).toContain(
				`Files uploaded for items that created no task (use these URLs instead of uploading again):\nitem 0 (1st row) avatar → ${urls[0]}\nitem 0 (1st row) audio → ${urls[1]}`,
			);
		});
	});

	test('under Continue On Fail the error item carries them', async () => {
		await withStandIn({ rejectWhen: () => 'avatar_url could not be read' }, async (standIn, credentials) => {
			const [item] = await runNode({ parameters: generateParameters(), items: items(), credentials, continueOnFail: true });
			const [avatar, audio] = [...standIn.files.keys()].map((path) => `${standIn.cdnUrl}${path}`);
			expect(item.json).toStrictEqual({
				error: 'GPT.GE: avatar_url could not be read',
				details: { description: expect.any(String), uploaded: { avatar, audio } },
			});
		});
	});

	test('the second upload fails: the error says which file, that no video was made, and names the first upload', async () => {
		await withStandIn({}, async (standIn, credentials) => {
			// The avatar's upload (1000 bytes) passes; the audio's (2000 bytes) is refused.
			standIn.configure({ maxUploadBytes: 1500 });
			const [item] = items();
			item.binary.speech = inlineBinary(Buffer.alloc(2000, 3), { fileName: 'speech.mp3', mimeType: 'audio/mpeg' });
			const error = await runNode({ parameters: generateParameters(), items: [item], credentials }).catch((thrown) => thrown);
			expect(createsOf(standIn)).toStrictEqual([]);
			expect(error.message).toBe('Could not upload the audio file "speech.mp3": GPT.GE: file is too large: at most 1500 bytes');
			const [avatar] = [...standIn.files.keys()].map((path) => `${standIn.cdnUrl}${path}`);
			expect(error.description).toContain('No video was created for this item.');
			expect(error.description).toContain(`item 0 (1st row) avatar → ${avatar}`);
		});
	});
});
