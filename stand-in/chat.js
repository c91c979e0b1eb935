'use strict';
// The OpenAI-compatible chat API that GPT.GE serves under /v1 with the same token: the model
// list, Chat Completions and the Responses API (n8n's OpenAI Chat Model uses the Responses API by
// default from its version 1.3, Chat Completions when "Use Responses API" is off), each with or
// without `stream: true`. This module reads and writes the wire formats; what the assistant says
// is decided by the script in chat-script.js. IDs derive from the request, so the same request
// always gets the same answer.

const crypto = require('node:crypto');
const { gatewayError, sendJson } = require('./http');
const { nextTurn } = require('./chat-script');

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-5-mini'];

/** The chat route of a request, or undefined. */
function findChatRoute(method, pathname) {
	if (method === 'GET' && pathname === '/v1/models') return { handle: listModels };
	if (method === 'POST' && pathname === '/v1/chat/completions') return { handle: (state, exchange) => answerChat(exchange, CHAT_COMPLETIONS) };
	if (method === 'POST' && pathname === '/v1/responses') return { handle: (state, exchange) => answerChat(exchange, RESPONSES) };
	return undefined;
}

function listModels(state, { res }) {
	const data = MODELS.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'gpt.ge' }));
	return sendJson(res, 200, { object: 'list', data });
}

/** Reads the request in `format`, lets the script decide the turn, and writes it (as a stream when asked). */
function answerChat({ res, rawBody }, format) {
	let body;
	try {
		body = JSON.parse(rawBody);
	} catch {
		return sendJson(res, 400, gatewayError('request body is not valid JSON', 'invalid_request_error'));
	}
	const problem = format.problemWith(body);
	if (problem) return sendJson(res, 400, gatewayError(problem, 'invalid_request_error'));
	const conversation = format.conversationOf(body);
	const turn = nextTurn(conversation, format.toolsOf(body));
	const id = crypto.createHash('sha256').update(rawBody).digest('hex').slice(0, 24);
	const usage = {
		in: Math.ceil(conversation.reduce((sum, { text }) => sum + text.length, 0) / 4),
		out: Math.ceil((turn.text ?? JSON.stringify(turn.toolCall)).length / 4),
	};
	const answer = { id, model: body.model, created: Math.floor(Date.now() / 1000), turn, usage };
	if (body.stream !== true) return sendJson(res, 200, format.whole(answer));
	res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
	for (const event of format.events(answer, body)) res.write(event);
	res.end();
	return undefined;
}

// ── Chat Completions: POST /v1/chat/completions

const CHAT_COMPLETIONS = {
	problemWith(body) {
		if (typeof body.model !== 'string' || body.model === '') return 'model is required';
		if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages must be a non-empty array';
		return undefined;
	},
	conversationOf(body) {
		return body.messages.map((message) => ({
			role: message.role === 'developer' ? 'system' : message.role,
			text: textOf(message.content),
			toolCalls: (message.tool_calls || []).map((call) => ({ id: call.id, name: call.function?.name, arguments: call.function?.arguments })),
		}));
	},
	toolsOf(body) {
		return (body.tools || []).filter((tool) => tool.type === 'function' && tool.function).map(({ function: tool }) => tool);
	},
	whole({ id, model, created, turn, usage }) {
		const message = turn.toolCall
			? { role: 'assistant', content: null, tool_calls: [completionsToolCall(id, turn.toolCall)] }
			: { role: 'assistant', content: turn.text };
		return {
			id: `chatcmpl-${id}`,
			object: 'chat.completion',
			created,
			model,
			choices: [{ index: 0, message, logprobs: null, finish_reason: turn.toolCall ? 'tool_calls' : 'stop' }],
			usage: completionsUsage(usage),
		};
	},
	*events({ id, model, created, turn, usage }, body) {
		const chunk = (delta, finishReason = null) =>
			sse(undefined, { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
		if (turn.toolCall) {
			const { id: callId, type, function: call } = completionsToolCall(id, turn.toolCall);
			yield chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type, function: { name: call.name, arguments: '' } }] });
			for (const piece of pieces(call.arguments)) yield chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
			yield chunk({}, 'tool_calls');
		} else {
			yield chunk({ role: 'assistant', content: '' });
			for (const piece of pieces(turn.text)) yield chunk({ content: piece });
			yield chunk({}, 'stop');
		}
		if (body.stream_options?.include_usage) {
			yield sse(undefined, { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created, model, choices: [], usage: completionsUsage(usage) });
		}
		yield 'data: [DONE]\n\n';
	},
};

const completionsToolCall = (id, { name, arguments: args }) => ({ id: `call_${id}`, type: 'function', function: { name, arguments: JSON.stringify(args) } });
const completionsUsage = (usage) => ({ prompt_tokens: usage.in, completion_tokens: usage.out, total_tokens: usage.in + usage.out });

// ── The Responses API: POST /v1/responses

const RESPONSES = {
	problemWith(body) {
		if (typeof body.model !== 'string' || body.model === '') return 'model is required';
		if (typeof body.input !== 'string' && !Array.isArray(body.input)) return 'input must be a string or an array';
		return undefined;
	},
	conversationOf(body) {
		const items = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
		const turns = body.instructions ? [{ role: 'system', text: body.instructions }] : [];
		for (const item of items) {
			if (item.type === 'function_call') {
				turns.push({ role: 'assistant', text: '', toolCalls: [{ id: item.call_id, name: item.name, arguments: item.arguments }] });
			} else if (item.type === 'function_call_output') {
				turns.push({ role: 'tool', text: typeof item.output === 'string' ? item.output : JSON.stringify(item.output) });
			} else if (item.role) {
				turns.push({ role: item.role === 'developer' ? 'system' : item.role, text: textOf(item.content) });
			}
			// Other items (reasoning, built-in tool calls) say nothing the script reads.
		}
		return turns;
	},
	toolsOf(body) {
		return (body.tools || []).filter((tool) => tool.type === 'function');
	},
	whole(answer) {
		return responseObject(answer, 'completed', [outputItem(answer)]);
	},
	*events(answer) {
		let sequence = 0;
		const event = (type, fields) => sse(type, { type, sequence_number: sequence++, ...fields });
		const item = outputItem(answer);
		yield event('response.created', { response: responseObject(answer, 'in_progress', []) });
		yield event('response.in_progress', { response: responseObject(answer, 'in_progress', []) });
		const at = { output_index: 0, item_id: item.id };
		if (item.type === 'function_call') {
			yield event('response.output_item.added', { output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } });
			for (const piece of pieces(item.arguments)) yield event('response.function_call_arguments.delta', { ...at, delta: piece });
			yield event('response.function_call_arguments.done', { ...at, arguments: item.arguments });
		} else {
			const { text } = item.content[0];
			const part = { type: 'output_text', text: '', annotations: [] };
			yield event('response.output_item.added', { output_index: 0, item: { ...item, content: [], status: 'in_progress' } });
			yield event('response.content_part.added', { ...at, content_index: 0, part });
			for (const piece of pieces(text)) yield event('response.output_text.delta', { ...at, content_index: 0, delta: piece });
			yield event('response.output_text.done', { ...at, content_index: 0, text });
			yield event('response.content_part.done', { ...at, content_index: 0, part: item.content[0] });
		}
		yield event('response.output_item.done', { output_index: 0, item });
		yield event('response.completed', { response: responseObject(answer, 'completed', [item]) });
	},
};

function outputItem({ id, turn }) {
	if (turn.toolCall) {
		const { name, arguments: args } = turn.toolCall;
		return { type: 'function_call', id: `fc_${id}`, call_id: `call_${id}`, name, arguments: JSON.stringify(args), status: 'completed' };
	}
	return { type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: turn.text, annotations: [] }] };
}

function responseObject({ id, model, created, usage }, status, output) {
	const text = output.flatMap((item) => (item.type === 'message' ? item.content.map((part) => part.text) : [])).join('');
	return {
		id: `resp_${id}`,
		object: 'response',
		created_at: created,
		status,
		error: null,
		incomplete_details: null,
		model,
		output,
		output_text: text,
		parallel_tool_calls: true,
		tool_choice: 'auto',
		usage: status === 'completed' ? { input_tokens: usage.in, output_tokens: usage.out, total_tokens: usage.in + usage.out } : null,
	};
}

// ── Shared by both formats

/** A message's content as text: a string, or the text of its parts. */
function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part.text ?? '')).join('');
	return '';
}

/** A server-sent event; the Responses API names its events, Chat Completions does not. */
const sse = (type, data) => `${type ? `event: ${type}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

/** A text cut in pieces of up to 16 characters, as a streamed answer arrives. */
function pieces(text) {
	const result = [];
	for (let start = 0; start < text.length; start += 16) result.push(text.slice(start, start + 16));
	return result.length ? result : [''];
}

module.exports = { findChatRoute, MODELS };
