// The workflow of the MCP cases: the MCP example (MCP Server Trigger + three GPT.GE tools) as a
// user imports it, with Generate's Tool Wait shortened so that its first answer says "not ready
// yet" (the stand-in's videos take 3 s) and the client goes on with Get Task, as a model would.
// Its trigger takes Bearer Auth with the credential it names; the cases import that credential.
const { example } = require('./builders');

const MCP_EXAMPLE = 'mcp-server-gpt-ge-tools.json';
const MCP_WORKFLOW_ID = 'gptgeExampleMcpServer';
const GENERATE_TOOL_WAIT_SECONDS = 1;

function mcpWorkflow() {
	const workflow = example(MCP_EXAMPLE);
	const generate = workflow.nodes.find((node) => node.type === 'n8n-nodes-gptge.gptGeTool' && node.parameters.operation === 'generate');
	generate.parameters.toolWaitSeconds = GENERATE_TOOL_WAIT_SECONDS;
	return workflow;
}

module.exports = { MCP_WORKFLOW_ID, GENERATE_TOOL_WAIT_SECONDS, mcpWorkflow };
