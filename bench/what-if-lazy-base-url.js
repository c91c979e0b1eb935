// What if n8n-core did not evaluate every parameter twice per item? A measurement aid only,
// preloaded into a benchmark, never part of the node:
//
//   NODE_OPTIONS="-r ./bench/what-if-lazy-base-url.js" BENCH_CASES=limit-20,limit-50 npm run bench:bulk
//
// n8n-core 2.x's RoutingNode, to learn whether a request's base URL is the node's own, runs
// resolveBaseUrl for each item: every parameter of the node evaluated again (each expression
// field twice more a row), though only a field that routes a baseURL can change the answer. This
// gives the same answer without that when no field routes one (this node's case: its request
// layer sends to the credential's origin), so a bench shows what the pass costs.
'use strict';

const path = require('node:path');

const { RoutingNode } = require(path.join(path.dirname(require.resolve('n8n-core')), 'execution-engine/routing-node.js'));

/** Whether a field, or one inside it (a collection's options, a fixed collection's values), routes a baseURL. */
const routesBaseUrl = (field) =>
	Boolean(field?.routing?.request && 'baseURL' in field.routing.request) || [...(field?.options ?? []), ...(field?.values ?? [])].some(routesBaseUrl);

/** Per node description, looked at once: whether any of its fields routes a baseURL (the pass runs for every item). */
const anyRoutesBaseUrl = new WeakMap();

const resolveBaseUrl = RoutingNode.prototype.resolveBaseUrl;
RoutingNode.prototype.resolveBaseUrl = function (itemIndex, runIndex, executeData, thisArgs, keys) {
	const { description } = this.nodeType;
	if (!anyRoutesBaseUrl.has(description)) anyRoutesBaseUrl.set(description, description.properties.some(routesBaseUrl));
	if (anyRoutesBaseUrl.get(description)) return resolveBaseUrl.call(this, itemIndex, runIndex, executeData, thisArgs, keys);
	const baseURL = description.requestDefaults?.baseURL;
	return baseURL === undefined ? undefined : this.getParameterValue(baseURL, itemIndex, runIndex, executeData, keys, false);
};
