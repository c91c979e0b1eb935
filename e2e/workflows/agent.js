// The AI Agent workflow of the agent cases (cases/agent.js): a Chat Trigger driven over HTTP,
// an AI Agent whose OpenAI Chat Model talks to the stand-in's OpenAI-compatible /v1, Simple
// Memory keyed by the chat's sessionId, and the GPT.GE node as two tools (Generate with
// $fromAI parameters, Get Task). Node versions both n8n 1.123 and 2.41 have.

/** The OpenAI credential on GPT.GE's chat API (the stand-in's /v1, the same token), as POST /rest/credentials takes it. */
const openAiCredential = (standIn) => ({
	name: 'GPT.GE chat (OpenAI-compatible)',
	type: 'openAiApi',
	data: { apiKey: standIn.token, url: `${standIn.url}/v1` },
});

/**
 * The agent workflow. `credentials`: { gptGe, openAi } as { id, name }; `webhookId`: the chat's
 * path (/webhook/<webhookId>/chat); `responsesApi`: the chat model's "Use Responses API".
 */
function agentWorkflow({ name, webhookId, credentials, responsesApi = true, responseMode = 'lastNode' }) {
	const gptGe = { gptGeApi: credentials.gptGe };
	const nodes = [
		{
			id: 'chat',
			name: 'When chat message received',
			type: '@n8n/n8n-nodes-langchain.chatTrigger',
			typeVersion: 1.4,
			position: [0, 0],
			webhookId,
			parameters: { public: true, mode: 'webhook', options: { responseMode } },
		},
		{
			id: 'agent',
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 3,
			position: [260, 0],
			parameters: {
				options: {
					systemMessage: 'You make talking-head videos with the GPT.GE tools and tell the user the video URL or the task ID.',
				},
			},
		},
		{
			id: 'model',
			name: 'OpenAI Chat Model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.3,
			position: [120, 220],
			parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, responsesApiEnabled: responsesApi, options: {} },
			credentials: { openAiApi: credentials.openAi },
		},
		{
			id: 'memory',
			name: 'Simple Memory',
			type: '@n8n/n8n-nodes-langchain.memoryBufferWindow',
			typeVersion: 1.3,
			position: [260, 220],
			parameters: { sessionIdType: 'fromInput', contextWindowLength: 10 },
		},
		{
			id: 'generate',
			name: 'Generate video',
			type: 'n8n-nodes-gptge.gptGeTool',
			typeVersion: 1,
			position: [400, 220],
			parameters: {
				descriptionType: 'manual',
				toolDescription: 'Makes a talking-head video from a photo URL and an audio URL. Answers with the task, its status and, when ready, the video URL.',
				resource: 'avatar',
				operation: 'generate',
				avatarUrl: "={{ $fromAI('avatarUrl', 'Public http(s) URL of a photo of the person who speaks', 'string') }}",
				voiceSource: 'audioUrl',
				audioUrl: "={{ $fromAI('audioUrl', 'Public http(s) URL of the speech audio', 'string') }}",
				toolWaitSeconds: 40,
			},
			credentials: gptGe,
		},
		{
			id: 'getTask',
			name: 'Get video task',
			type: 'n8n-nodes-gptge.gptGeTool',
			typeVersion: 1,
			position: [540, 220],
			parameters: {
				descriptionType: 'manual',
				toolDescription: 'Checks a video task by its task ID: its status and, when ready, the video URL.',
				resource: 'avatar',
				operation: 'getTask',
				taskId: "={{ $fromAI('taskId', 'The task ID the Generate video tool answered with', 'string') }}",
			},
			credentials: gptGe,
		},
	];
	const to = (node, type) => ({ [type]: [[{ node, type, index: 0 }]] });
	return {
		name,
		nodes,
		connections: {
			'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': to('AI Agent', 'ai_languageModel'),
			'Simple Memory': to('AI Agent', 'ai_memory'),
			'Generate video': to('AI Agent', 'ai_tool'),
			'Get video task': to('AI Agent', 'ai_tool'),
		},
		settings: { executionOrder: 'v1' },
	};
}

module.exports = { agentWorkflow, openAiCredential };
