// The examples check's judgements (e2e/browser/examples-expected.js), row by row, on readings
// shaped as helpers/layout.js reads them from the editor: which links an author wrote, when a
// note overflows or reads too small, when n8n's buttons cover a node or a note.
const { authoredLink, judgeLayout } = require('../e2e/browser/examples-expected');

describe('authoredLink: only links the author wrote', () => {
	const markdown = 'See [the docs](https://docs.gpt.ge/api) or https://api.gpt.ge. Your GPT.GE account, and <https://example.com/a b>.';
	test.each([
		['an explicit Markdown link', { text: 'the docs', href: 'https://docs.gpt.ge/api' }, true],
		['a URL written with its scheme', { text: 'https://api.gpt.ge', href: 'https://api.gpt.ge' }, true],
		['"GPT.GE" linkified', { text: 'GPT.GE', href: 'http://GPT.GE' }, false],
		['a scheme-less href not in the Markdown', { text: 'x', href: 'gpt.ge' }, false],
		['an autolink, percent-encoded by markdown-it', { text: 'https://example.com/a b', href: 'https://example.com/a%20b' }, true],
		['no href', { text: 'x', href: null }, false],
	])('%s', (_, link, expected) => {
		expect(authoredLink(markdown, link)).toBe(expected);
	});
});

describe('judgeLayout', () => {
	const workflow = {
		nodes: [
			{ id: 'n1', name: 'Note: what it does', type: 'n8n-nodes-base.stickyNote', parameters: { content: 'Runs on GPT.GE; https://api.gpt.ge' } },
			{ id: 'g1', name: 'Generate video', type: 'n8n-nodes-gptge.gptGe', parameters: {} },
		],
	};
	const box = (left, top, right, bottom) => ({ left, top, right, bottom });
	const note = (change = {}) => ({
		id: 'n1',
		box: box(100, 100, 500, 400),
		content: { clientHeight: 300, scrollHeight: 300, clientWidth: 400, scrollWidth: 400, textHeight: 150 },
		blocks: [],
		fontPx: { min: 14, body: 14 },
		links: [{ text: 'https://api.gpt.ge', href: 'https://api.gpt.ge' }],
		...change,
	});
	const layout = (change = {}) => ({
		zoom: 1,
		notes: [note()],
		nodes: [{ name: 'Generate video', box: box(600, 500, 700, 640) }],
		overlays: [{ name: 'execute-workflow-button', box: box(800, 800, 980, 836) }],
		...change,
	});

	test('a layout that fits, reads and is uncovered passes, with its numbers recorded', () => {
		const judged = judgeLayout(workflow, layout(), 'x', 10);
		expect(judged.failures).toEqual([]);
		expect(judged.notes).toEqual([
			{
				name: 'Note: what it does',
				fontPx: { min: 14, body: 14 },
				overflow: { vertical: 0, horizontal: 0, codeBlocks: [] },
				filled: 0.5,
				links: [{ text: 'https://api.gpt.ge', href: 'https://api.gpt.ge' }],
				linksNotWritten: [],
				box: box(100, 100, 500, 400),
			},
		]);
	});

	test.each([
		['content taller than the note', { notes: [note({ content: { clientHeight: 300, scrollHeight: 340, clientWidth: 400, scrollWidth: 400, textHeight: 340 } })] }, 'x: note "Note: what it does" overflows its box (content 400×340 px in 400×300)'],
		['a code block scrolling sideways', { notes: [note({ blocks: [{ tag: 'code', clientWidth: 414, scrollWidth: 610, clientHeight: 60, scrollHeight: 60 }] })] }, 'x: note "Note: what it does" has a code block wider than the note (a horizontal scrollbar): code 610/414 px wide'],
		['text below the threshold', { zoom: 0.685, notes: [note({ fontPx: { min: 9.6, body: 9.6 } })] }, 'x: note "Note: what it does" text renders at 9.6 px (font size × zoom 0.685), below 10 px'],
		['"GPT.GE" linkified', { notes: [note({ links: [{ text: 'GPT.GE', href: 'http://GPT.GE' }] })] }, 'x: note "Note: what it does" shows links the author did not write: "GPT.GE" → http://GPT.GE'],
		['a button over a node\'s subtitle', { overlays: [{ name: 'workflow-chat-button', box: box(680, 620, 800, 656) }] }, 'x: n8n\'s "workflow-chat-button" [680,620–800,656] covers node "Generate video" [600,500–700,640]'],
		['a button over a note', { overlays: [{ name: 'tidy-up-button', box: box(480, 390, 516, 426) }] }, 'x: n8n\'s "tidy-up-button" [480,390–516,426] covers note "Note: what it does" [100,100–500,400]'],
	])('fails on %s', (_, change, failure) => {
		expect(judgeLayout(workflow, layout(change), 'x', 10).failures).toEqual([failure]);
	});

	test('boxes that only touch do not overlap', () => {
		expect(judgeLayout(workflow, layout({ overlays: [{ name: 'b', box: box(700, 640, 720, 660) }] }), 'x', 10).failures).toEqual([]);
	});
});
