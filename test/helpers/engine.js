// Runs the node the way n8n does: a Workflow holding the node, an ExecuteContext over it, and
// n8n-core's RoutingNode turning the declarative description into requests. Only the parts of
// n8n that live outside n8n-core (credential storage, the node loader) are stood in for here.
const { setMaxListeners } = require('node:events');
const { Workflow, ICredentialsHelper, NodeHelpers, createRunExecutionData } = require('n8n-workflow');
const { DirectoryLoader, ExecuteContext, LoadOptionsContext, RoutingNode, WorkflowExecute } = require('n8n-core');
// Under jest the TypeScript sources load through ts-jest; elsewhere (bench/) the build in dist/.
const built = typeof jest === 'undefined' ? '../../dist/' : '../../';
const { GptGe } = require(`${built}nodes/GptGe/GptGe.node`);
const { GptGeApi } = require(`${built}credentials/GptGeApi.credentials`);

const credentialType = new GptGeApi();
const TOKEN = 'test-token-0123456789';
const defaultCredentials = { apiToken: TOKEN, baseUrl: 'https://api.gpt.ge' };

/** A fresh node type, with the request options (batching, timeout…) n8n's loader adds. */
function loadNodeType() {
	const nodeType = new GptGe();
	DirectoryLoader.applyDeclarativeNodeOptionParameters(nodeType);
	return nodeType;
}

/** Stands in for n8n's credential store; applies the credential's own generic `authenticate`. */
class CredentialsHelper extends ICredentialsHelper {
	constructor(data) {
		super();
		this.data = data;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode(typeName) {
		return typeName === credentialType.name;
	}
	async getDecrypted() {
		return { ...this.data };
	}
	getCredentialsProperties() {
		return credentialType.properties;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		if (typeName !== credentialType.name) throw new Error(`unknown credential type ${typeName}`);
		const resolve = (value) =>
			workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
				$credentials: credentials,
			});
		const { headers = {} } = credentialType.authenticate.properties;
		const resolved = {};
		for (const [name, value] of Object.entries(headers)) resolved[name] = resolve(value);
		return { ...requestOptions, headers: { ...requestOptions.headers, ...resolved } };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	async getCredentials() {
		throw new Error('not needed by these tests');
	}
}

function nodeTypesOf(nodeType) {
	return {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
}

/**
 * The node as an agent's tool: n8n's loader serves it under the name `gptGeTool` (its `@tool`
 * display option and the node's tool mode go by that name); n8n's own conversion also adds the
 * tool description fields, which the e2e suite covers in a real n8n.
 */
function asTool(nodeType) {
	const description = { ...nodeType.description, name: `${nodeType.description.name}Tool` };
	return Object.assign(Object.create(Object.getPrototypeOf(nodeType)), nodeType, { description });
}

/** A Workflow holding the node, its parameters completed with defaults as n8n does on load. */
function workflowWith({ parameters, nodeType, continueOnFail = false, onError = continueOnFail ? 'continueRegularOutput' : undefined, workflowId = 'wf-test', typeVersion = 1 }) {
	const node = {
		id: 'gptge-node',
		name: 'GPT.GE',
		type: `n8n-nodes-gptge.${nodeType.description.name}`,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials: { gptGeApi: { id: 'cred-1', name: 'GPT.GE account' } },
		...(onError ? { onError } : {}),
	};
	const workflow = new Workflow({
		id: workflowId,
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf(nodeType),
	});
	const workflowNode = workflow.getNode(node.name);
	workflowNode.parameters = NodeHelpers.getNodeParameters(
		nodeType.description.properties,
		workflowNode.parameters,
		true,
		false,
		workflowNode,
		nodeType.description,
	);
	return { workflow, node: workflowNode };
}

// Every run is an execution of its own unless a test says which (n8n's Retry On Fail runs the
// node again in the same execution).
let executions = 0;

function additionalDataWith(credentials, currentNodeParameters, executionId = `exec-test-${++executions}`) {
	return {
		credentialsHelper: new CredentialsHelper(credentials),
		executionId,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		currentNodeParameters,
	};
}

/**
 * Runs one node over `items` and resolves with its first output, or rejects with the
 * error n8n would show. `parameters` are the node's parameters as the editor saves them.
 */
async function runNode({
	parameters,
	items = [{ json: {} }],
	credentials = defaultCredentials,
	continueOnFail = false,
	onError,
	nodeType = loadNodeType(),
	credentialsDecrypted,
	abortSignal = new AbortController().signal,
	workflowId,
	typeVersion,
	tool = false,
	executionId,
	runIndex = 0,
}) {
	if (tool) nodeType = asTool(nodeType);
	const { workflow, node } = workflowWith({ parameters, nodeType, continueOnFail, onError, workflowId, typeVersion });
	// As WorkflowExecute does: every waiting item listens to the one execution signal.
	setMaxListeners(Infinity, abortSignal);
	const inputData = { main: [items] };
	const executeData = { node, data: inputData, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataWith(credentials, undefined, executionId),
		'manual',
		createRunExecutionData(),
		runIndex,
		items,
		inputData,
		executeData,
		[],
		abortSignal,
	);
	const output = await new RoutingNode(context, nodeType, credentialsDecrypted).runNode();
	// What WorkflowExecute does to a node's output before anyone sees it: an item carrying
	// `error` keeps nothing of its JSON but { error: message }.
	WorkflowExecute.prototype.normalizeNodeErrors.call(undefined, output);
	return output[0];
}

/** Calls a list-search method the way the editor does for a resource locator's list. */
async function runListSearch({ method, parameters, filter, credentials = defaultCredentials }) {
	const nodeType = loadNodeType();
	const { workflow, node } = workflowWith({ parameters, nodeType });
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalDataWith(credentials, node.parameters),
		'parameters.voice',
	);
	return nodeType.methods.listSearch[method].call(context, filter);
}

/** Runs the credential's `test` request the way n8n's credentials tester does. */
/**
 * The credential test as n8n's credentials tester runs it (packages/cli credentials-tester.service,
 * the same in 1.123 and 2.41): the credential's test request through a RoutingNode, then its rules.
 * Status rules apply to a failed request, body rules to a successful one; otherwise a failure
 * shows the HTTP status text. The e2e suite checks the real tester in the real n8n.
 */
async function runCredentialTest(credentials = defaultCredentials) {
	const { request, rules = [] } = credentialType.test;
	const testNodeType = {
		description: {
			...loadNodeType().description,
			credentials: [{ name: credentialType.name, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request } }],
		},
	};
	let output;
	try {
		output = await runNode({
			parameters: {},
			nodeType: testNodeType,
			credentials,
			credentialsDecrypted: { id: 'cred-1', name: 'GPT.GE account', type: credentialType.name, data: credentials },
		});
	} catch (error) {
		const response = error.cause?.response;
		if (response) {
			const rule = rules.find((rule) => rule.type === 'responseCode' && rule.properties.value === response.status);
			if (rule) return { status: 'Error', message: rule.properties.message, requestError: error };
			return { status: 'Error', message: response.statusText || `Received HTTP status code: ${response.status}`, requestError: error };
		}
		return { status: 'Error', message: error.cause?.code ?? error.message, requestError: error };
	}
	const body = output[0].json;
	const rule = rules.find((rule) => rule.type === 'responseSuccessBody' && body?.[rule.properties.key] === rule.properties.value);
	if (rule) return { status: 'Error', message: rule.properties.message, output };
	return { status: 'OK', message: 'Connection successful!', output };
}

module.exports = { runNode, runListSearch, runCredentialTest, loadNodeType, TOKEN, defaultCredentials };
