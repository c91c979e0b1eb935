// Package entry: n8n loads the classes through the "n8n" field of package.json; this makes the
// same built classes reachable with a plain require('n8n-nodes-gptge').
module.exports = {
	GptGe: require('./dist/nodes/GptGe/GptGe.node.js').GptGe,
	GptGeApi: require('./dist/credentials/GptGeApi.credentials.js').GptGeApi,
};
