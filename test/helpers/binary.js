// Binary data as n8n hands it to a node: in the default mode (base64 in the item) or in n8n's
// filesystem mode (the bytes in n8n-core's binary data store, the item holding only an ID).
const path = require('node:path');
// The DI container n8n-core itself uses (its own copy of @n8n/di).
const { Container } = require(require.resolve('@n8n/di', { paths: [path.dirname(require.resolve('n8n-core'))] }));
const { BinaryDataService } = require('n8n-core');

/** An item's binary entry in the default mode, as Read Files from Disk gives it. */
function inlineBinary(content, { fileName, mimeType }) {
	const buffer = Buffer.from(content);
	return {
		data: buffer.toString('base64'),
		mimeType,
		fileName,
		fileExtension: path.extname(fileName).slice(1),
		fileSize: `${buffer.length} B`,
	};
}

let service;

/**
 * n8n-core's binary data service in filesystem mode, storing in the test file's n8n user folder
 * (env.js makes it, isolate.js removes it), as n8n stores under its own.
 */
async function filesystemBinaryData() {
	if (service) return service;
	service = Container.get(BinaryDataService);
	service.config.mode = 'filesystem';
	service.config.localStoragePath = path.join(process.env.N8N_USER_FOLDER, 'binaryData');
	await service.init();
	return service;
}

/**
 * An item's binary entry in filesystem mode: `content` (a Buffer, or a stream for big files) is
 * stored by n8n-core itself, so the item holds `id`, `data: 'filesystem-v2'` and the metadata.
 */
async function storedBinary(content, { fileName, mimeType }) {
	const store = await filesystemBinaryData();
	const location = { type: 'execution', workflowId: 'wf-test', executionId: 'exec-test' };
	return await store.store(location, content, {
		mimeType,
		fileName,
		fileExtension: path.extname(fileName).slice(1),
		data: '',
	});
}

module.exports = { inlineBinary, storedBinary, filesystemBinaryData };
