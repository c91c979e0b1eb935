'use strict';
// The stand-in's chat model: a script, not a model. From a conversation (already read out of
// either wire format by chat.js) and the tools offered, it decides the assistant's next turn the
// same way every time: call the GPT.GE Generate tool with what the user's message gives, call
// Get Task when the user asks for the status, and after a tool's answer reply in plain text.
//
// A conversation is [{ role: 'system' | 'user' | 'assistant' | 'tool', text, toolCalls? }];
// a tool is { name, description, parameters } (parameters: a JSON schema).
// nextTurn() returns { text } or { toolCall: { name, arguments } } (arguments: an object).

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'bmp', 'mp4', 'mov', 'webm'];
const AUDIO_EXTENSIONS = ['mp3', 'wav', 'm4a', 'aac', 'ogg', 'flac'];
// A link, or a bare file name: the model passes on what the user wrote, even "my-face.jpg",
// and the tool is the one to refuse it.
const URLISH = new RegExp(
	`(https?://[^\\s"'<>]+)|((?:[\\w.-]+/)*[\\w-]+\\.(?:${[...IMAGE_EXTENSIONS, ...AUDIO_EXTENSIONS].join('|')}))(?![\\w/])`,
	'gi',
);
const ASKS_FOR_STATUS = /\b(status|ready|done|finished|progress)\b|\bis (my|the) video\b/i;
const TASK_ID_IN_TEXT = /"?task ?id"?\s*[:=]?\s*"?([A-Za-z0-9_-]{6,})/i;
const HEX_TASK_ID = /\b[0-9a-f]{32}\b/;
const ASK_FOR_INPUT = 'Send me a photo URL and an audio URL or a text to speak, and I will make a talking video of them.';
// What a user may wish a voice to be, as the label GPT.GE gives such voices.
const WISHES = [
	[/\b(female|woman|girl)\b/i, 'female'],
	[/\b(male|man|boy)\b/i, 'male'],
	[/\bnarrat\w*/i, 'narration'],
	[/\byoung\b/i, 'young'],
];
// "…, in English." after the words to speak says their language; it is not part of them.
const LANGUAGE_CLAUSE = /,?\s+in (english|chinese|mandarin)[.!]?$/i;

function nextTurn(conversation, tools) {
	const lastUser = findLastIndex(conversation, (turn) => turn.role === 'user');
	if (lastUser < 0) return { text: ASK_FOR_INPUT };
	const message = conversation[lastUser].text;
	const facts = factsOf(message);
	const sinceUser = conversation.slice(lastUser + 1);
	const toolAnswers = sinceUser.filter((turn) => turn.role === 'tool');
	if (toolAnswers.length > 0) {
		const lastAnswer = toolAnswers[toolAnswers.length - 1].text;
		return videoWithVoiceFrom(lastAnswer, facts, tools, sinceUser) || { text: replyTo(lastAnswer) };
	}

	if (facts.urls.length === 0 && ASKS_FOR_STATUS.test(message)) {
		const taskId = latestTaskId(conversation.slice(0, lastUser));
		if (!taskId) return { text: 'I have not made a video in this conversation yet, so there is no task to check.' };
		const getTask = pickTool(tools, 'getTask');
		if (!getTask) return { text: `I have no tool to check a task with. Its task ID is ${taskId}.` };
		return callTool(getTask, { ...facts, taskId });
	}
	const voices = pickTool(tools, 'voices');
	if (facts.urls.length === 0 && /\bvoices?\b/i.test(message) && voices) return callTool(voices, facts);
	const generate = generateToolFor(tools, facts);
	if (!generate) return { text: 'I have no tool to make a video with.' };
	if (facts.urls.length === 0) return { text: ASK_FOR_INPUT };
	// A text to speak in a GPT.GE voice: the voice comes from the voice list first.
	if (asksFor(generate, 'voice') && voices) return callTool(voices, facts);
	return callTool(generate, facts);
}

/**
 * After the voice list, the video the user asked for: the Generate tool that takes a voice,
 * called with the voice the user wished for (by its labels: "a female voice", "a narrator"),
 * else the list's first. Undefined when that is not what the conversation is doing.
 */
function videoWithVoiceFrom(answerText, facts, tools, sinceUser) {
	const voices = itemsOf(answerText).filter((item) => typeof item.voice === 'string');
	const generate = generateToolFor(tools, facts);
	const generated = sinceUser.some((turn) => (turn.toolCalls || []).some((call) => call.name === generate?.name));
	if (voices.length === 0 || !generate || !asksFor(generate, 'voice') || generated || !facts.imageUrl || !facts.text) return undefined;
	const labelsOf = (voice) => (Array.isArray(voice.labels) ? voice.labels : String(voice.labels || '').split(',')).map((label) => label.trim().toLowerCase());
	const chosen = voices.find((voice) => facts.wish && labelsOf(voice).includes(facts.wish)) || voices[0];
	return callTool(generate, { ...facts, voice: chosen.voice, language: chosen.language || facts.language });
}

/** The plain-text reply to a tool's answer: its error, else the video URL, else the task and its status. */
function replyTo(answerText) {
	const items = itemsOf(answerText);
	const failed = items.find((item) => typeof item.error === 'string' || (item.error && item.error.message));
	if (failed) {
		const error = typeof failed.error === 'string' ? failed.error : failed.error.message;
		return `The GPT.GE tool answered with an error: ${error}${failed.nothingCreated ? ' Nothing was created.' : ''}`;
	}
	const voices = items.filter((item) => typeof item.voice === 'string' && typeof item.name === 'string');
	if (voices.length > 0) return `GPT.GE voices: ${voices.map((item) => `${item.name} (${item.voice})`).join(', ')}.`;

	const task = items.find((item) => item.taskId || item.task_id) || {};
	const taskId = task.taskId || task.task_id || (HEX_TASK_ID.exec(answerText) || [])[0];
	// The URL the tool's `next` sentence names, else `videoUrl` (the video as asked for), else a
	// named one (version 1 items have only those).
	const suggested = typeof task.next === 'string' ? (/https?:\/\/\S+/.exec(task.next) || [])[0]?.replace(/[.,;)]+$/, '') : undefined;
	const videoUrl = suggested || task.videoUrl || task.videoUrlWithoutWatermark || task.videoUrlWithWatermark || videoUrlIn(items);
	if (videoUrl) return `Your video is ready: ${videoUrl}${taskId ? ` (task ID ${taskId})` : ''}.`;
	if (task.status === 'failed') return `The video failed: ${task.failReason || 'no reason given'}${taskId ? ` (task ID ${taskId})` : ''}.`;
	if (taskId) {
		// The node gives progress as a number of percent; another client may send "40%".
		const progress = typeof task.progress === 'number' ? `${task.progress}%` : task.progress;
		const status = task.status ? ` (status: ${task.status}${progress ? `, ${progress}` : ''})` : '';
		return `Your video is not ready yet${status}. Task ID: ${taskId}. Ask me for its status later.`;
	}
	return `The GPT.GE tool answered: ${answerText}`;
}

/** The objects in a tool's answer: n8n sends a JSON item, a list of items, or plain text. */
function itemsOf(text) {
	let value;
	try {
		value = JSON.parse(text);
	} catch {
		return [];
	}
	const items = [];
	const collect = (entry) => {
		if (Array.isArray(entry)) entry.forEach(collect);
		else if (entry && typeof entry === 'object') items.push(entry.json && typeof entry.json === 'object' ? entry.json : entry);
		else if (typeof entry === 'string' && /^\s*[[{]/.test(entry)) items.push(...itemsOf(entry));
	};
	collect(value);
	return items;
}

function videoUrlIn(items) {
	for (const item of items) {
		for (const [key, value] of Object.entries(item)) {
			if (/video.*url/i.test(key) && typeof value === 'string' && /^https?:\/\//.test(value)) return value;
		}
	}
	return undefined;
}

/** The task ID the conversation mentions last: in a tool's answer or in the assistant's own words. */
function latestTaskId(turns) {
	for (let index = turns.length - 1; index >= 0; index -= 1) {
		const { text = '' } = turns[index];
		// The user's words and the agent's instructions name no task of ours.
		if (turns[index].role === 'user' || turns[index].role === 'system') continue;
		const named = TASK_ID_IN_TEXT.exec(text);
		if (named) return named[1];
		const hex = HEX_TASK_ID.exec(text);
		if (hex) return hex[0];
	}
	return undefined;
}

/** What a user's message gives: its links (photo, audio), the words to speak, the language. */
function factsOf(message) {
	const urls = [];
	for (const match of message.matchAll(URLISH)) {
		urls.push({ url: (match[1] || match[2]).replace(/[.,;:!?)\]]+$/, ''), before: message.slice(Math.max(0, match.index - 40), match.index) });
	}
	const kindOf = ({ url, before }) => {
		const extension = (/\.(\w+)(?:[?#].*)?$/.exec(url) || [])[1]?.toLowerCase();
		if (AUDIO_EXTENSIONS.includes(extension)) return 'audio';
		if (IMAGE_EXTENSIONS.includes(extension)) return 'image';
		const lastWord = (/(audio|voice|speech|sound|track|photo|image|picture|face|avatar|portrait)\W*$/i.exec(before) || [])[1];
		if (!lastWord) return undefined;
		return /audio|voice|speech|sound|track/i.test(lastWord) ? 'audio' : 'image';
	};
	const kinds = urls.map(kindOf);
	const unclaimed = urls.filter((_url, index) => kinds[index] === undefined).map(({ url }) => url);
	const imageUrl = urls.find((_url, index) => kinds[index] === 'image')?.url ?? unclaimed.shift();
	const audioUrl = urls.find((_url, index) => kinds[index] === 'audio')?.url ?? unclaimed.shift();
	const quoted = /["“]([^"”]+)["”]/.exec(message);
	const said = /\bsay(?:s|ing)?:?\s+(.+?)\s*$/i.exec(message);
	const text = quoted ? quoted[1] : said ? said[1].replace(LANGUAGE_CLAUSE, '') : undefined;
	const wish = (WISHES.find(([words]) => words.test(message)) || [])[1];
	const language = /\b(chinese|mandarin)\b|[\u4e00-\u9fff]/i.test(message)
		? 'zh'
		: /\benglish\b/i.test(message) || text
			? 'en'
			: undefined;
	return { urls, imageUrl, audioUrl, text, language, wish };
}

/** The tool of a kind: 'generate', 'getTask' or 'voices', found by its name, else its description. */
function pickTool(tools, kind) {
	const kindOf = (words) => {
		if (/generat|create|make/i.test(words)) return 'generate';
		if (/task|status|check/i.test(words)) return 'getTask';
		if (/voice/i.test(words) && /list|voices/i.test(words)) return 'voices';
		if (/video/i.test(words)) return 'generate';
		return undefined;
	};
	return tools.find((tool) => kindOf(tool.name) === kind) || tools.find((tool) => !kindOf(tool.name) && kindOf(tool.description || '') === kind);
}

/**
 * Of the tools that make a video, the one for what the user gave: an audio URL, else a text to
 * speak, else the first.
 */
function generateToolFor(tools, facts) {
	const generators = tools.filter((tool) => pickTool([tool], 'generate'));
	const wanted = facts.audioUrl ? 'audioUrl' : facts.text ? 'text' : undefined;
	return generators.find((tool) => wanted && asksFor(tool, wanted)) || generators[0];
}

/** Whether one of the tool's arguments asks for the fact. */
function asksFor(tool, fact) {
	const properties = (tool.parameters && tool.parameters.properties) || {};
	return Object.entries(properties).some(([name, schema]) => (factFor(name) || factFor(schema.description || '')) === fact);
}

const callTool = (tool, facts) => ({ toolCall: { name: tool.name, arguments: argumentsFor(tool, facts) } });

/** The tool's arguments: each property of its schema filled from the facts its name (else its description) asks for. */
function argumentsFor(tool, facts) {
	const properties = (tool.parameters && tool.parameters.properties) || {};
	const values = {};
	for (const [name, schema] of Object.entries(properties)) {
		const fact = factFor(name) || factFor(schema.description || '');
		let value = fact && facts[fact];
		if (fact === 'language' && Array.isArray(schema.enum) && !schema.enum.includes(value)) value = schema.enum[0];
		if (value !== undefined) values[name] = value;
	}
	return values;
}

function factFor(words) {
	if (/task/i.test(words)) return 'taskId';
	if (/lang/i.test(words)) return 'language';
	if (/^voice$|voice.?id|voice_engine/i.test(words)) return 'voice';
	if (/audio|sound|speech.?url|track|sample/i.test(words)) return 'audioUrl';
	if (/avatar|photo|image|picture|face|portrait/i.test(words)) return 'imageUrl';
	if (/text|script|say|words|speak/i.test(words)) return 'text';
	return undefined;
}

function findLastIndex(list, test) {
	for (let index = list.length - 1; index >= 0; index -= 1) if (test(list[index])) return index;
	return -1;
}

module.exports = { nextTurn, factsOf, replyTo };
