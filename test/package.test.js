// What n8n and npm see of the package: the built files, the entry point and the manifest.
const fs = require('node:fs');
const path = require('node:path');
const { NodeHelpers } = require('n8n-workflow');
const pkg = require('../package.json');
const { loadNodeType } = require('./helpers/engine');

const root = path.join(__dirname, '..');
const built = (file) => path.join(root, file);
const codex = JSON.parse(fs.readFileSync(built('nodes/GptGe/GptGe.node.json'), 'utf8'));
/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
const githubAnchor = (heading) =>
	heading
		.replace(/^#+ /, '')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');

describe('package manifest', () => {
	test('is a community node package with no runtime dependencies', () => {
		expect(pkg.name).toBe('n8n-nodes-gptge');
		expect(pkg.license).toBe('MIT');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.peerDependencies).toStrictEqual({ 'n8n-workflow': '*' });
		expect(pkg.files).toStrictEqual(['dist']);
		expect(pkg.n8n).toStrictEqual({
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: ['dist/credentials/GptGeApi.credentials.js'],
			nodes: ['dist/nodes/GptGe/GptGe.node.js'],
		});
	});

	test('every file the n8n field names is built, with its icons and codex', () => {
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(fs.existsSync(built(file))).toBe(true);
		}
		for (const asset of ['gptge.svg', 'gptge.dark.svg', 'GptGe.node.json']) {
			expect(fs.existsSync(built(`dist/nodes/GptGe/${asset}`))).toBe(true);
		}
	});

	test('index.js exports the built node and credential classes', () => {
		const entry = require('..');
		expect(pkg.main).toBe('index.js');
		expect(new entry.GptGe().description.name).toBe('gptGe');
		expect(new entry.GptGeApi().name).toBe('gptGeApi');
	});

	test('the codex names this package\'s node and links documentation to headings the README has', () => {
		expect(codex.node).toBe(`${pkg.name}.gptGe`);
		const readmeAnchors = fs
			.readFileSync(built('README.md'), 'utf8')
			.split('\n')
			.filter((line) => /^#+ /.test(line))
			.map(githubAnchor);
		for (const { url } of [...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation]) {
			const [page, anchor] = url.split('#');
			expect(page).toBe(pkg.homepage.split('#')[0]);
			if (anchor !== 'readme') expect(readmeAnchors).toContain(anchor);
		}
	});

	// n8n's node creator (editor-ui useViewStacks.ts, filterOutAiNodes) drops from search every node
	// whose categories include "AI" unless its AI subcategories include "Root Nodes". n8n's own
	// video-making nodes (OpenAI, Google Gemini) are filed as AI → Agents, Miscellaneous, Root Nodes.
	test('the codex keeps the node in the add-node search: an AI node must be an AI "Root Nodes" node', () => {
		expect(codex.categories).toContain('AI');
		expect(codex.subcategories.AI).toEqual(expect.arrayContaining(['Root Nodes']));
		expect(codex.subcategories.AI).not.toContain('Tools');
	});

	// The search matches only the display name and codex.alias, never the description.
	test.each(['gptge', 'gpt.ge', 'avatar', 'digital human', 'talking head', 'lip sync', 'video'])(
		'search finds the node by "%s": only the display name and the codex aliases are searched',
		(term) => {
			const searched = [loadNodeType().description.displayName, ...codex.alias].map((text) => text.toLowerCase());
			expect(searched).toContain(term);
		},
	);
});

describe('node description', () => {
	const nodeType = loadNodeType();
	const { description } = nodeType;

	test('is declarative: routing only, no execute method', () => {
		expect(nodeType.execute).toBeUndefined();
		// The door sets the base URL per request; an expression here would be evaluated twice per row.
		expect(description.requestDefaults.baseURL).toBeUndefined();
	});

	test('can be used as an AI tool and shows "Operation: Resource" by their display names as subtitle', () => {
		expect(description.usableAsTool).toBe(true);
		const subtitle = (resource, operation) =>
			new Function('$parameter', `return ${description.subtitle.slice(3, -2)}`)({ resource, operation });
		expect([subtitle('avatar', 'generate'), subtitle('avatar', 'getTask'), subtitle('voice', 'list')]).toStrictEqual([
			'Generate: Avatar',
			'Get Task: Avatar',
			'List: Voice',
		]);
	});

	test('action names read as n8n\'s own do (the add-node panel lists them)', () => {
		const actions = description.properties
			.filter((property) => property.name === 'operation')
			.flatMap((property) => property.options.map((option) => option.action));
		expect(actions).toStrictEqual([
			'Get the quota and usage of the token',
			'Generate a talking avatar video',
			'Get the status of a video task',
			'Upload a file',
			'List voices',
		]);
	});

	test("n8n's loader gives it the batching and timeout request options (Timeout sets the door's request timeout)", () => {
		const requestOptions = description.properties.find((property) => property.name === 'requestOptions');
		const names = requestOptions.options.map((option) => option.displayName);
		expect(names).toEqual(expect.arrayContaining(['Batching', 'Timeout']));
	});

	test.each([
		['avatar', 'generate', [['existingTaskId', 'string'], ['maxUploadSize', 'number']]],
		['avatar', 'getTask', []],
		['voice', 'list', []],
		['account', 'getQuota', []],
		['file', 'upload', [['maxUploadSize', 'number'], ['purpose', 'string']]],
	])('%s → %s has Options → Max Requests per Second, and sends through the door', (resource, operation, ownOptions) => {
		const parameters = { resource, operation };
		const options = description.properties.filter(
			(property) => property.name === 'options' && NodeHelpers.displayParameter(parameters, property, null, description),
		);
		expect(options.map((property) => property.options.map((option) => [option.name, option.type]))).toStrictEqual([
			[...ownOptions, ['maxRequestsPerSecond', 'number']],
		]);
		const operationProperty = description.properties.find(
			(property) => property.name === 'operation' && NodeHelpers.displayParameter(parameters, property, null, description),
		);
		const { routing } = operationProperty.options.find((option) => option.value === operation);
		expect(routing.send.paginate).toBe(true);
		expect(typeof routing.operations.pagination).toBe('function');
		expect(routing.output.postReceive[0].name).toBe('checkApiAnswer');
	});

	// Version 3 (the default): the voice sample's URL is the Audio URL's parameter, audioUrl.
	const v3 = ['noWatermark', 'waitForCompletion', 'simplify', 'options'];
	test.each([
		[3, 'audioUrl', 'url', ['avatarInput', 'avatarUrl', 'voiceSource', 'audioInput', 'audioUrl', ...v3]],
		[3, 'audioUrl', 'binary', ['avatarInput', 'avatarBinaryProperty', 'voiceSource', 'audioInput', 'audioBinaryProperty', ...v3]],
		[3, 'createVoice', 'url', ['avatarInput', 'avatarUrl', 'voiceSource', 'audioInput', 'audioUrl', 'sampleLengthNotice', 'language', 'text', ...v3]],
		[3, 'createVoice', 'binary', ['avatarInput', 'avatarBinaryProperty', 'voiceSource', 'audioInput', 'audioBinaryProperty', 'sampleLengthNotice', 'language', 'text', ...v3]],
		// Language before Voice: the voice list shows the chosen language's voices.
		[3, 'useVoice', 'url', ['avatarInput', 'avatarUrl', 'voiceSource', 'language', 'voice', 'text', ...v3]],
		[3, 'useVoice', 'binary', ['avatarInput', 'avatarBinaryProperty', 'voiceSource', 'language', 'voice', 'text', ...v3]],
		// Versions 1 and 2 keep the sample in sampleAudioUrl, which their saved workflows hold (1 has no Simplify).
		[2, 'createVoice', 'url', ['avatarInput', 'avatarUrl', 'voiceSource', 'audioInput', 'sampleAudioUrl', 'sampleLengthNotice', 'language', 'text', ...v3]],
		[1, 'createVoice', 'url', ['avatarInput', 'avatarUrl', 'voiceSource', 'audioInput', 'sampleAudioUrl', 'sampleLengthNotice', 'language', 'text', 'noWatermark', 'waitForCompletion', 'options']],
		[1, 'audioUrl', 'url', ['avatarInput', 'avatarUrl', 'voiceSource', 'audioInput', 'audioUrl', 'noWatermark', 'waitForCompletion', 'options']],
	])('version %i, voice source %s, files from %s: the editor shows exactly those fields, in this order', (typeVersion, voiceSource, from, expected) => {
		const parameters = { resource: 'avatar', operation: 'generate', voiceSource, avatarInput: from, audioInput: from };
		const shown = description.properties
			.filter((property) => !['resource', 'operation', 'requestOptions'].includes(property.name))
			.filter((property) => NodeHelpers.displayParameter(parameters, property, { typeVersion, parameters }, description))
			.map((property) => property.name);
		expect(shown).toStrictEqual(expected);
	});
});
