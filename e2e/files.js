// The files example in real n8n: Read Files from Disk (a photo and a recording shipped in
// examples/files) → Merge → Generate from binary. Both files are uploaded to the stand-in, whose
// CDN serves them back; the video is made from their URLs and downloaded.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./n8n');

const FILES = path.join(ROOT, 'examples/files');
const WORKFLOW = 'gptgeExampleFiles';
const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');

/** The example with its "Files" paths pointed at `folder` (the folder n8n may read). */
function filesWorkflow(example, folder) {
	const workflow = example('files-to-video.json');
	const files = workflow.nodes.find((node) => node.name === 'Files');
	for (const assignment of files.parameters.assignments.assignments) {
		assignment.value = path.join(folder, path.basename(assignment.value));
	}
	return workflow;
}

/** Runs the example once and checks every request it made and what it output. */
async function filesCase({ n8n, standIn, check, execute }) {
	await check('example "files from disk": Read Files from Disk → Merge → Generate from binary: the photo and the recording uploaded as sent, the video made from their URLs', async () => {
		for (const name of fs.readdirSync(FILES)) fs.copyFileSync(path.join(FILES, name), path.join(n8n.files, name));
		const before = standIn.requests.length;

		const runData = await execute(n8n, WORKFLOW);

		const [item] = runData['Make video'][0].data.main[0];
		const requests = standIn.requests.slice(before);
		const uploads = requests.filter((request) => request.path === '/v1/files');
		const sent = uploads.map((request) => request.body.multipart.map(({ name, filename, contentType, bytes, sha256: hash }) => ({ name, filename, contentType, bytes, hash })));
		const shipped = (name) => fs.readFileSync(path.join(FILES, name));
		assert.deepEqual(sent.sort((a, b) => a[0].filename.localeCompare(b[0].filename)), [
			[{ name: 'file', filename: 'presenter.png', contentType: 'image/png', bytes: shipped('presenter.png').length, hash: sha256(shipped('presenter.png')) }],
			[{ name: 'file', filename: 'speech.wav', contentType: sent[1][0].contentType, bytes: shipped('speech.wav').length, hash: sha256(shipped('speech.wav')) }],
		]);
		assert.match(sent[1][0].contentType, /^audio\//);
		for (const upload of uploads) assert.equal(upload.headers.authorization, `Bearer ${standIn.token}`);

		const creates = requests.filter((request) => request.path === '/avatar/generation');
		assert.equal(creates.length, 1, 'one video created');
		const { avatar, audio } = item.json.uploaded;
		assert.deepEqual(creates[0].body, { avatar_url: avatar, audio_url: audio, no_watermark: false });
		for (const [url, name] of [[avatar, 'presenter.png'], [audio, 'speech.wav']]) {
			assert.ok(url.startsWith(`${standIn.cdnUrl}/file/cdn/`), `${name} is served from the CDN host: ${url}`);
			assert.deepEqual(standIn.files.get(url.slice(standIn.cdnUrl.length)).content, shipped(name));
		}
		assert.equal(item.json.status, 'succeeded');
		assert.equal(item.json.videoUrl, `${standIn.cdnUrl}/videos/${item.json.taskId}-wm.mp4`);
		assert.equal(item.binary.data.mimeType, 'video/mp4');
	});
}

module.exports = { filesWorkflow, filesCase };
