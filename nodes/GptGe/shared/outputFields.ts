import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/* The fields that shape Generate's and Get Task's output (taskOutput.ts): Simplify, and a tool's wait. */

type ShowFor = NonNullable<IDisplayOptions['show']>;

/** Shown only where the node is an agent's or an MCP server's tool (n8n's `@tool` display option). */
export const onlyAsTool = { '@tool': [true] };

export function simplifyField(showFor: ShowFor): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			"Whether to return a flat item (task ID, status, progress, the video URL named by its watermark, thumbnail, failure reason, times) instead of the API's whole answer as well",
		// New in version 2: a version 1 node keeps the items its workflow reads.
		displayOptions: { show: { ...showFor, '@version': [{ _cnd: { gte: 2 } }] }, hide: onlyAsTool },
	};
}

/** How long a tool call waits for the video: it must answer before the agent's client gives up. */
export function toolWaitField(showFor: ShowFor, defaultSeconds: number): INodeProperties {
	return {
		displayName: 'Tool Wait (Seconds)',
		name: 'toolWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 600 },
		default: defaultSeconds,
		description:
			'How long the tool waits for the video before answering with the task ID and status, for the model to check again with Get Task. Keep it below what your agent or MCP client waits for a tool (often 60 s).',
		displayOptions: { show: { ...showFor, ...onlyAsTool } },
	};
}
