// The agent example in the editor (issue 29, point 1): a copy of "chat with an AI agent that makes
// videos" with its OpenAI credential on the GPT.GE API's /v1 (the stand-in's scripted model),
// its chat opened with n8n's "Open chat" button, the two prompts typed, the answers read in the
// chat panel. Asserted on the answers and on the API's records (one POST /avatar/generation per
// prompt, with what the prompt gave), never on the tool nodes' names.
const { AGENT_PROMPTS, VIDEO_ANSWER } = require('../examples-expected');
const { sleep, tid } = require('../helpers/page');
const { createCopy, restCall } = require('../helpers/rest');
const { slug } = require('../helpers/text');
const { openWorkflow } = require('./examples');

const CHAT_INPUT = `textarea${tid('chat-input')}, ${tid('chat-input')} textarea`;
const ANSWER_TIMEOUT_MS = 120_000;

/** The bot's finished messages in the chat panel, in order. */
const botMessages = (page) =>
	page.$$eval('.chat-message-from-bot', (messages) =>
		messages.filter((message) => !message.classList.contains('chat-message-typing') && message.offsetParent !== null).map((message) => message.innerText.trim()),
	);

/** Types `prompt` into the chat as a user does and resolves with the agent's answer (the next bot message). */
async function ask(page, prompt) {
	const before = (await botMessages(page)).length;
	await page.click(CHAT_INPUT);
	await page.type(CHAT_INPUT, prompt);
	await page.keyboard.press('Enter');
	const startedAt = Date.now();
	for (;;) {
		const messages = await botMessages(page);
		if (messages.length > before && messages[messages.length - 1]) return messages[messages.length - 1];
		if (Date.now() - startedAt > ANSWER_TIMEOUT_MS) throw new Error(`no answer in the chat panel ${ANSWER_TIMEOUT_MS / 1000} s after "${prompt}"`);
		await sleep(500);
	}
}

/**
 * `example`: the agent example's JSON; `api`: { baseUrl, token } of the GPT.GE API (the
 * stand-in); `apiRequests()`: the API's records so far ([{ method, path, body }]).
 */
async function agentChat(session, example, { api, apiRequests }) {
	const { page, base, summary, expect, stage, shot } = session;
	const record = { prompts: [] };
	summary.agentChat = record;
	let ready = false;
	await stage('agent example: a copy with its OpenAI credential on the API\'s /v1, opened, its chat opened with "Open chat"', async () => {
		const credential = await restCall(page, 'POST', '/credentials', {
			name: 'GPT.GE chat (examples check)',
			type: 'openAiApi',
			data: { apiKey: api.token, url: `${api.baseUrl.replace(/\/+$/, '')}/v1` },
		});
		record.credentialId = credential.id;
		const id = await createCopy(page, example, {
			name: `${example.name} (examples check copy)`,
			change: (node) => {
				if (node.credentials?.openAiApi) node.credentials.openAiApi = { id: credential.id, name: credential.name };
			},
		});
		record.copyId = id;
		await openWorkflow(page, base, id);
		await page.click(tid('workflow-chat-button'));
		await page.waitForSelector(CHAT_INPUT, { visible: true, timeout: 15_000 });
		await sleep(500);
		record.openedScreenshot = await shot('agent-chat-open');
		ready = true;
	});
	if (!ready) return;

	for (const { name, prompt, speaks } of AGENT_PROMPTS) {
		const entry = { name, prompt };
		record.prompts.push(entry);
		await stage(`agent example: "${prompt}" answered with a video URL`, async () => {
			const since = apiRequests().length;
			entry.answer = await ask(page, prompt);
			entry.screenshot = await shot(`agent-chat-${slug(name)}`);
			const creates = apiRequests()
				.slice(since)
				.filter((request) => request.method === 'POST' && request.path === '/avatar/generation');
			entry.creates = creates.map((request) => request.body);
			const where = `agent example, "${prompt}"`;
			expect(VIDEO_ANSWER.test(entry.answer), `${where}: the chat answered ${JSON.stringify(entry.answer)}, not "Your video is ready: <url> …" — see ${entry.screenshot}`);
			if (!expect(creates.length === 1, `${where}: ${creates.length} POST /avatar/generation, expected one: ${JSON.stringify(entry.creates)}`)) return;
			const body = creates[0].body ?? {};
			const photo = prompt.match(/https:\/\/\S+?\.jpg/)[0];
			expect(body.avatar_url === photo, `${where}: avatar_url ${JSON.stringify(body.avatar_url)}, expected ${photo}`);
			if (speaks === 'audio') {
				const audio = prompt.match(/https:\/\/\S+?\.mp3/)[0];
				expect(body.audio_url === audio, `${where}: audio_url ${JSON.stringify(body.audio_url)}, expected ${audio}`);
			} else {
				const voice = body.use_voice ?? {};
				expect(
					Boolean(voice.voice_engine_id && voice.audio_id && voice.language) && /Hello, welcome to our shop/.test(voice.text ?? ''),
					`${where}: expected use_voice with a voice (voice_engine_id, audio_id), a language and the text "Hello, welcome to our shop", got ${JSON.stringify(body)}`,
				);
			}
		});
	}
	await restCall(page, 'DELETE', `/credentials/${record.credentialId}`).catch(() => {});
}

module.exports = { agentChat };
