// The example workflows as they open on n8n's canvas: each carries sticky notes (what it does,
// what to change for real use) that cover no node and no node's name, and its node names fit
// under their nodes.
const fs = require('node:fs');
const path = require('node:path');
const { GptGe } = require('../nodes/GptGe/GptGe.node');

const EXAMPLES = path.join(__dirname, '..', 'examples');
const FILES = [
	'agent-chat-with-gpt-ge-tools.json',
	'mcp-server-gpt-ge-tools.json',
	'one-video-per-row.json',
	'long-job-wait-loop.json',
	'files-to-video.json',
	'sheet-file-one-video-per-row.json',
	'schedule-one-video-per-row.json',
	'data-table-one-video-per-row.json',
];
const STICKY = 'n8n-nodes-base.stickyNote';
// n8n's canvas draws a node 100 × 100 px from its position and its name centred below it, in a
// box twice the node's width, two lines at most (about 24 characters a line).
const NAME_FITS = 24;
const areaOf = (node) => {
	const [x, y] = node.position;
	return { left: x - 50, top: y, right: x + 150, bottom: y + 170 };
};
const stickyArea = (note) => {
	const [x, y] = note.position;
	return { left: x, top: y, right: x + note.parameters.width, bottom: y + note.parameters.height };
};
// Markdown with the escapes taken out: what a reader sees (GPT\.GE is written so, not to be linked).
const unescaped = (markdown) => markdown.replace(/\\([.\\*_`])/g, '$1');
// Text outside code spans and explicit links: where n8n's Markdown (linkify on) would link a domain.
const linkableText = (markdown) => markdown.replace(/`[^`]*`/g, '').replace(/\]\([^)]*\)/g, ']').replace(/https?:\/\/\S+/g, '');
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe.each(FILES)('%s', (file) => {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
	const notes = workflow.nodes.filter((node) => node.type === STICKY);
	const nodes = workflow.nodes.filter((node) => node.type !== STICKY);

	test('two sticky notes: what it does (naming its nodes in bold), and what to change for real use', () => {
		expect(notes.map((note) => note.parameters.content.split('\n')[0])).toStrictEqual([expect.stringMatching(/^## \S/), '## For real use']);
		const named = [...notes[0].parameters.content.matchAll(/\*\*([^*]+)\*\*/g)].map((match) => unescaped(match[1]));
		expect(named.length).toBeGreaterThan(2);
		for (const name of named) expect(nodes.map((node) => node.name)).toContain(name);
		expect(unescaped(notes[1].parameters.content)).toMatch(/GPT\.GE account/);
	});

	test('only real links are links: "GPT.GE" and other domain-shaped words are written so that n8n does not link them', () => {
		const linkable = notes.flatMap((note) => [...linkableText(note.parameters.content).matchAll(/(?<!\\)\b[\w-]+\.(?:ge|com|net|org|io|ai|app)\b/gi)].map((match) => `${note.name}: ${match[0]}`));
		expect(linkable).toStrictEqual([]);
	});

	test('the notes cover no node, no node\'s name, and not each other', () => {
		const covered = notes.flatMap((note) => nodes.filter((node) => overlap(stickyArea(note), areaOf(node))).map((node) => `${note.name} covers ${node.name}`));
		expect(covered).toStrictEqual([]);
		expect(overlap(stickyArea(notes[0]), stickyArea(notes[1]))).toBe(false);
	});

	test(`node names fit under their nodes (${NAME_FITS} characters at most)`, () => {
		expect(nodes.filter((node) => node.name.length > NAME_FITS).map((node) => node.name)).toStrictEqual([]);
	});
});

// A user imports an example to learn the node as it is now (Simplify's flat items), not version 1,
// which stays for workflows built before it.
test.each(fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.json')))("%s: its GPT.GE nodes are at the node's default version", (file) => {
	const { defaultVersion } = new GptGe().description;
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
	const gptGe = workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-gptge.'));
	expect(gptGe.length).toBeGreaterThan(0);
	expect(gptGe.filter((node) => node.typeVersion !== defaultVersion).map((node) => `${node.name} v${node.typeVersion}`)).toStrictEqual([]);
});
