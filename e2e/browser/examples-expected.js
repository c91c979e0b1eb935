// What a newcomer must see when opening an example (issue 29), as pure judgements of a canvas
// reading (helpers/layout.js): notes that fit and read at the zoom n8n opens them with, nothing
// under n8n's own buttons, only real links as links. No browser here: each function takes
// readings and returns the failed expectations as sentences.

// The smallest rendered text (computed font size × canvas zoom) a note may show, per window size.
// n8n draws note text at 14 px (headings larger). Measured 2026-12-07 on 2.41.1 at 1440×900: the
// MCP example, whose text the issue calls tiny, renders at 9.6 px (zoom 0.685); the examples that
// read well at 11-14 px (zoom 0.79-1). So 10 px at 1440×900, and the same layout's share of it on
// a 1280×800 laptop (its fit zooms about 0.89 times as far): 9 px.
const VIEWPORTS = [
	{ width: 1440, height: 900, minFontPx: 10 },
	{ width: 1280, height: 800, minFontPx: 9 },
];
// Layout slack: a note's content may exceed its box by a pixel of rounding.
const SLACK_PX = 1;

const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const boxText = (box) => `[${box.left},${box.top}–${box.right},${box.bottom}]`;

/** The sticky notes' Markdown of an example, by node ID (and in order, for notes without an ID match). */
const notesOf = (workflow) => workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');

/**
 * Is this rendered link one the author wrote? An explicit Markdown link's or autolink's target,
 * or a URL with a scheme written out in the text: then the href is in the Markdown as written.
 * A domain-shaped word that markdown-it's linkify turned into a link ("GPT.GE" → http://GPT.GE)
 * is not.
 */
function authoredLink(markdown, { href }) {
	if (!href) return false;
	if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) return markdown.includes(`](${href}`);
	const decoded = (() => {
		try {
			return decodeURI(href);
		} catch {
			return href;
		}
	})();
	return [href, decoded, href.replace(/\/$/, '')].some((form) => markdown.includes(form));
}

/**
 * Judges one example's canvas reading: `layout` from readCanvasLayout, `workflow` the example's
 * JSON, `where` a prefix for the sentences (example and viewport), `minFontPx` that viewport's
 * smallest readable text. Returns { failures, notes
 * (per note: its numbers, for the summary), overlaps }.
 */
function judgeLayout(workflow, layout, where, minFontPx = VIEWPORTS[0].minFontPx) {
	const failures = [];
	const sources = notesOf(workflow);
	const notes = layout.notes.map((note, index) => {
		const source = sources.find((node) => node.id === note.id) ?? sources[index];
		const name = source?.name ?? `note ${index + 1}`;
		const markdown = source?.parameters?.content ?? '';
		const { content } = note;
		const overflow = {
			vertical: Math.max(0, content.scrollHeight - content.clientHeight),
			horizontal: Math.max(0, content.scrollWidth - content.clientWidth),
			codeBlocks: note.blocks.filter((block) => block.scrollWidth > block.clientWidth + SLACK_PX).map((block) => `${block.tag} ${block.scrollWidth}/${block.clientWidth} px wide`),
		};
		if (overflow.vertical > SLACK_PX || overflow.horizontal > SLACK_PX) {
			failures.push(`${where}: note "${name}" overflows its box (content ${content.scrollWidth}×${content.scrollHeight} px in ${content.clientWidth}×${content.clientHeight})`);
		}
		if (overflow.codeBlocks.length) failures.push(`${where}: note "${name}" has a code block wider than the note (a horizontal scrollbar): ${overflow.codeBlocks.join(', ')}`);
		if (note.fontPx.min !== null && note.fontPx.min < minFontPx) {
			failures.push(`${where}: note "${name}" text renders at ${note.fontPx.min} px (font size × zoom ${layout.zoom}), below ${minFontPx} px`);
		}
		const madeUp = note.links.filter((link) => !authoredLink(markdown, link));
		if (madeUp.length) {
			failures.push(`${where}: note "${name}" shows links the author did not write: ${madeUp.map((link) => `"${link.text}" → ${link.href}`).join(', ')}`);
		}
		// Recorded, not required: how much of its box the text fills (a note sized to its text fills most).
		const filled = content.clientHeight ? Math.round((content.textHeight / content.clientHeight) * 100) / 100 : null;
		return { name, fontPx: note.fontPx, overflow, filled, links: note.links, linksNotWritten: madeUp, box: note.box };
	});

	const overlaps = [];
	const drawn = [
		...layout.nodes.map((node) => ({ what: `node "${node.name}"`, box: node.box })),
		...notes.map((note) => ({ what: `note "${note.name}"`, box: note.box })),
	];
	for (const overlay of layout.overlays) {
		for (const item of drawn) {
			if (meets(overlay.box, item.box)) overlaps.push(`n8n's "${overlay.name}" ${boxText(overlay.box)} covers ${item.what} ${boxText(item.box)}`);
		}
	}
	for (const overlap of overlaps) failures.push(`${where}: ${overlap}`);
	return { failures, notes, overlaps };
}

// The Voice Source switches (issue 29, point 7): what the user wrote stays when switching.
const VOICE_SWITCHES = [
	{
		file: 'one-video-per-row.json',
		node: 'Generate video',
		// [voice source to pick, { field label: value expected shown }]
		steps: [
			['Clone Voice From Sample', { 'Voice Sample URL': '{{ $json.speech }}' }],
			['Audio URL', { 'Audio URL': '{{ $json.speech }}' }],
		],
	},
	{
		file: 'sheet-file-one-video-per-row.json',
		node: 'Start videos',
		steps: [
			['Clone Voice From Sample', { Language: '{{ $json.language }}', Text: '{{ $json.text }}' }],
			['Use Existing Voice', { Language: '{{ $json.language }}', Text: '{{ $json.text }}' }],
		],
	},
];

// The agent example's two prompts (issue 29, point 1), the first word for word from the issue.
const AGENT_PROMPTS = [
	{ name: 'text in a GPT.GE voice', prompt: 'Make a video of the person at https://example.com/anna.jpg saying Hello, welcome to our shop, in English.', speaks: 'text' },
	{ name: 'audio URL', prompt: 'Please make a video of https://example.com/agent/presenter.jpg speaking https://example.com/agent/hello.mp3', speaks: 'audio' },
];
const VIDEO_ANSWER = /^Your video is ready: (https?:\/\/\S+?)[ .]/;

// The results table (issue 29, point 3): after "Execute workflow", the node's output panel opens on
// the Table view with the row's own columns first, one row per spreadsheet row, each video done.
const RESULTS_TABLE = {
	file: 'one-video-per-row.json',
	node: 'Results table',
	view: 'table', // the display mode n8n's radio buttons show selected (radio-button-<value>)
	columns: ['row', 'name', 'status', 'videoUrl', 'taskId'],
	names: ['Anna', 'Bo', 'Cy'],
	status: 'succeeded',
	videoUrl: /-wm\.mp4$/, // the stand-in's watermarked video (…/videos/<task>-wm.mp4)
};

// The note that proves the escape: "GPT\.GE" must render as text, "GPT.GE" shows what linkify does.
const ESCAPE_PROBE = 'Escaped: GPT\\.GE account.\n\nPlain: GPT.GE account.';

module.exports = { VIEWPORTS, judgeLayout, authoredLink, VOICE_SWITCHES, AGENT_PROMPTS, VIDEO_ANSWER, RESULTS_TABLE, ESCAPE_PROBE };
