// What a user must see in the editor with n8n-nodes-gptge installed: the names, fields, labels,
// hints and banners the editor check expects (its header comment says where and how).
const NODE_NAME = 'GPT.GE';
const SEARCH_TERMS = ['GPT.GE', 'gptge', 'avatar'];
const ACTIONS = ['Generate a talking avatar video', 'Get the status of a video task', 'List voices', 'Get the quota and usage of the token', 'Upload a file'];
const GENERATE_ACTION = ACTIONS[0];
/** The File resource's one action, and the header n8n lists it under in the node's action view. */
const UPLOAD_ACTION = { name: 'Upload a file', group: /^File actions$/i };
/**
 * Per Voice Source option: the voice-related parameters it must show, exactly and in this order
 * (with every file input left on its default, URL), and the label its URL / Binary File choice
 * (audioInput, one parameter shown under two labels) must have.
 */
const VOICE_SOURCES = {
	'Audio URL': { shows: ['audioInput', 'audioUrl'], audioInputLabel: 'Audio Input' },
	// From node version 3 the voice sample's URL is the Audio URL's parameter, labelled Voice Sample URL.
	'Clone Voice From Sample': { shows: ['audioInput', 'audioUrl', 'language', 'text'], audioInputLabel: 'Voice Sample Input' },
	'Use Existing Voice': { shows: ['language', 'voice', 'text'] },
};
// sampleAudioUrl is versions 1 and 2's voice sample: listed so a version 3 node showing it is seen.
const VOICE_PARAMETERS = ['audioInput', 'audioUrl', 'audioBinaryProperty', 'sampleAudioUrl', 'language', 'voice', 'text'];
/** Shown for every Voice Source, in this order (Avatar Input on its default, URL). */
const ALWAYS_SHOWN = ['avatarInput', 'avatarUrl', 'voiceSource'];
/** Shown only once a file input is switched to Binary File. */
const BINARY_ONLY = ['avatarBinaryProperty', 'audioBinaryProperty'];
const CLONE_NOTICE = /at least 20 seconds/i;
/** The choice's option that takes the file from the input item's binary data. */
const BINARY_FILE = 'Binary File';
/**
 * Generate's file inputs switched to Binary File: the choice (its parameter and label), the URL
 * field it hides, and the binary field it shows instead (label, default value, hint). `voiceSource`:
 * the Voice Source it is shown under.
 */
const BINARY_INPUTS = [
	{ input: 'avatar', choice: 'avatarInput', choiceLabel: 'Avatar Input', urlField: 'avatarUrl', urlLabel: 'Avatar URL', field: 'avatarBinaryProperty', label: 'Avatar Binary Field', value: 'data', hint: /The name of the input binary field holding the photo or video/ },
	{ input: 'audio', voiceSource: 'Audio URL', choice: 'audioInput', choiceLabel: 'Audio Input', urlField: 'audioUrl', urlLabel: 'Audio URL', field: 'audioBinaryProperty', label: 'Audio Binary Field', value: 'data', hint: /The name of the input binary field holding the audio track/ },
	{ input: 'voice sample', voiceSource: 'Clone Voice From Sample', choice: 'audioInput', choiceLabel: 'Voice Sample Input', urlField: 'audioUrl', urlLabel: 'Voice Sample URL', field: 'audioBinaryProperty', label: 'Voice Sample Binary Field', value: 'data', hint: /The name of the input binary field holding the recording of the voice to clone/ },
];
const NODE_TYPE = 'n8n-nodes-gptge.gptGe';
/** With Wait for Completion on: the fields it shows and the default each input must display (not "10.0"). */
const WAIT_FIELDS = {
	pollInterval: { label: 'Poll Interval (Seconds)', shows: '10' },
	maxWait: { label: 'Max Wait (Minutes)', shows: '15' },
};
/** Generate's Options collection: what its "Add Option" dropdown must list, in this order. */
const GENERATE_OPTIONS = ['Existing Task ID', 'Max Upload Size (MB)', 'Max Requests per Second'];
/** The option the check adds there, and the field it must then show. */
const EXISTING_TASK_ID = { parameter: 'existingTaskId', label: 'Existing Task ID', placeholder: 'e.g. {{ $json.taskId }}' };
/** The line n8n shows under the node's name on the canvas (the description's `subtitle`). */
const CANVAS_SUBTITLE = 'Generate: Avatar';
/**
 * Tool mode: the nodes whose tool connector must offer GPT.GE (each added from "Add first step"
 * by searching `search` and clicking `row`; `connector` is the label under its handle).
 */
const TOOL_PARENTS = [
	{ name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', search: 'AI Agent', row: /^AI Agent$/, connector: 'Tool' },
	{ name: 'MCP Server Trigger', type: '@n8n/n8n-nodes-langchain.mcpTrigger', search: 'MCP Server', row: /^MCP Server Trigger$/, connector: 'Tools' },
];
/** How the node creator lists GPT.GE under a tool connector, and the node type it adds. */
const TOOL_ROW = 'GPT.GE Tool';
/**
 * The searches that must list it there. Not "avatar" (the codex alias): 2.41.1 lists the tool
 * for it, 1.123.81 lists nothing ("We didn't make that... yet"; seen 2026-12-05).
 */
const TOOL_SEARCH_TERMS = ['GPT.GE', 'gptge'];
const TOOL_NODE_TYPE = 'n8n-nodes-gptge.gptGeTool';
/** What the tool's panel shows when added: its default resource and operation, as displayed. */
const TOOL_DEFAULTS = { resource: 'Avatar', operation: 'Generate' };
/**
 * Tool mode's own fields: Tool Wait, shown only in a tool's panel with its default as typed; and
 * the fields a tool's panel must not show (a tool waits as Tool Wait says; an agent drops binary).
 */
const TOOL_ONLY = { toolWaitSeconds: { label: 'Tool Wait (Seconds)', shows: '40' } };
const HIDDEN_AS_TOOL = ['waitForCompletion', 'downloadVideo', 'simplify'];
/** The tool switched to Get Task: its own Tool Wait (0: it answers at once), and the same fields hidden. */
const GET_TASK_TOOL = { operation: 'Get Task', toolOnly: { toolWaitSeconds: { label: 'Tool Wait (Seconds)', shows: '0' } }, shows: 'taskId' };
/**
 * The field the check lets the model define: the button's tooltip, what the field then shows,
 * and what the saved workflow then holds (the $fromAI form the model fills).
 */
const MODEL_DEFINED = {
	parameter: 'avatarUrl',
	label: 'Avatar URL',
	tooltip: /Let the model define this parameter/,
	shows: /Defined automatically by the model/,
	saved: /^=\{\{.*\$fromAI\('Avatar_URL'/,
};
const CREDENTIAL_TYPE = 'GPT.GE API';
/**
 * The credential dialog's fields, in this order; what a new credential's Rate Limit shows (not
 * "0.0") and the hint under it that says what 0 means.
 */
const CREDENTIAL_FIELDS = ['API Token', 'Base URL', 'Rate Limit (Requests per Second)', "0: the node learns the limit from GPT.GE's answers"];
const RATE_LIMIT_SHOWS = '0';
/** What the credential dialog's banner must show after a save with a wrong token (n8n 2.41). */
const WRONG_TOKEN_SAYS = /GPT\.GE refused the token \(HTTP 401\)\. .*Check the API Token/;
/** The success banner (n8n 1.123 and 2.41 both say "Connection tested successfully"). */
const TEST_PASSED = /Connection tested successfully|tested successfully|connected successfully/i;
/** A banner's headline: the test passed or failed. */
const TEST_DONE = /tested successfully|connected successfully|Couldn.t connect|failed/i;

module.exports = {
	CREDENTIAL_FIELDS,
	RATE_LIMIT_SHOWS,
	NODE_NAME,
	SEARCH_TERMS,
	ACTIONS,
	GENERATE_ACTION,
	UPLOAD_ACTION,
	VOICE_SOURCES,
	VOICE_PARAMETERS,
	ALWAYS_SHOWN,
	BINARY_ONLY,
	CLONE_NOTICE,
	BINARY_FILE,
	BINARY_INPUTS,
	NODE_TYPE,
	WAIT_FIELDS,
	GENERATE_OPTIONS,
	EXISTING_TASK_ID,
	CANVAS_SUBTITLE,
	TOOL_PARENTS,
	TOOL_ROW,
	TOOL_SEARCH_TERMS,
	TOOL_NODE_TYPE,
	TOOL_DEFAULTS,
	TOOL_ONLY,
	HIDDEN_AS_TOOL,
	GET_TASK_TOOL,
	MODEL_DEFINED,
	CREDENTIAL_TYPE,
	WRONG_TOKEN_SAYS,
	TEST_PASSED,
	TEST_DONE,
};
