// The AI Agent workflow of the agent cases (cases/agent.js): the example
// examples/agent-chat-with-gpt-ge-tools.json as a user imports it (Chat Trigger, AI Agent,
// OpenAI Chat Model on GPT.GE's /v1, Simple Memory, the GPT.GE tools: Generate from a text in a
// GPT.GE voice, Generate from an audio URL, Get Task and Voice List), with its chat made
// reachable over HTTP and its OpenAI credential the one the case made.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../n8n');

const EXAMPLE = path.join(ROOT, 'examples/agent-chat-with-gpt-ge-tools.json');
const OPENAI_CREDENTIAL_ID = 'gptge-openai-credential';

/** The OpenAI credential on GPT.GE's chat API (the stand-in's /v1, the same token), as POST /rest/credentials takes it. */
const openAiCredential = (standIn) => ({
	name: 'GPT.GE chat (OpenAI-compatible)',
	type: 'openAiApi',
	data: { apiKey: standIn.token, url: `${standIn.url}/v1` },
});

/**
 * The example, ready for POST /rest/workflows: its Chat Trigger public and answering with the
 * agent's output at /webhook/<webhookId>/chat (`responseMode`: 'lastNode', or 'streaming' for the
 * agent's answer streamed as it comes), its chat model on `openAi` ({ id, name }), "Use Responses
 * API" as `responsesApi` (the node's default: on).
 */
function agentWorkflow({ webhookId, openAi, responsesApi = true, responseMode = 'lastNode' }) {
	const { id, ...workflow } = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.chatTrigger') {
			Object.assign(node, { webhookId, parameters: { public: true, mode: 'webhook', options: { responseMode } } });
		}
		if (node.credentials?.openAiApi?.id === OPENAI_CREDENTIAL_ID) {
			node.credentials.openAiApi = openAi;
			node.parameters.responsesApiEnabled = responsesApi;
		}
	}
	return { ...workflow, name: `${workflow.name} (e2e, ${responsesApi ? 'Responses API' : 'Chat Completions'}, ${responseMode})` };
}

/** The node names of the example the cases look for. */
const AGENT_NODES = { speakText: 'Video from text', speakAudio: 'Video from audio', getTask: 'Check video', voices: 'List voices' };

module.exports = { AGENT_NODES, agentWorkflow, openAiCredential };
