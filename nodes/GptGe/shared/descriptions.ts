import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { onlyAsTool } from './outputFields';
import { DEFAULT_LANGUAGE, languageOptions } from './voices';

/*
 * The spoken-text fields appear under two voice sources and are sent under a different body
 * object for each (create_voice / use_voice). They share one parameter name so a value
 * survives switching the voice source; displayOptions keep exactly one copy active.
 */

export function languageField(displayOptions: IDisplayOptions, bodyProperty: string): INodeProperties {
	return {
		displayName: 'Language',
		name: 'language',
		type: 'options',
		default: DEFAULT_LANGUAGE,
		required: true,
		description: 'Language of the text to speak',
		options: languageOptions,
		displayOptions,
		routing: { send: { type: 'body', property: bodyProperty } },
	};
}

export function speechTextField(displayOptions: IDisplayOptions, bodyProperty: string): INodeProperties {
	return {
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. Hello, and welcome to our product tour.',
		description: 'What the avatar says',
		displayOptions,
		routing: { send: { type: 'body', property: bodyProperty } },
	};
}

type ShowFor = NonNullable<IDisplayOptions['show']>;

/** Options → Max Upload Size, for every operation that uploads a binary file. */
export const maxUploadSizeOption: INodeProperties = {
	displayName: 'Max Upload Size (MB)',
	name: 'maxUploadSize',
	type: 'number',
	typeOptions: { minValue: 0.1, numberPrecision: 1 },
	default: 100,
	description:
		"The largest file to upload, in MB of 1,048,576 bytes. A larger file is refused before anything is sent. 100 MB is the only limit GPT.GE's documentation mentions (a reseller's copy of its generation page).",
};

/**
 * Where a file comes from: a public URL, or the input item's binary data (uploaded to GPT.GE
 * first). One per file the operation takes; `name` is shared where two copies show one choice
 * under different labels.
 */
export function fileInputChoice(
	displayName: string,
	name: string,
	showFor: ShowFor,
	what: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'options',
		// It decides which fields exist, so it cannot change from item to item.
		noDataExpression: true,
		default: 'url',
		displayOptions: { show: showFor },
		options: [
			{ name: 'URL', value: 'url', description: `A public link to the ${what}` },
			{
				name: 'Binary File',
				value: 'binary',
				description: `The ${what} in a binary field of the input item, uploaded to GPT.GE first`,
			},
		],
	};
}

/** The binary field a file is read from, shown when its choice is Binary File. */
export function binaryFieldName(
	displayName: string,
	name: string,
	showFor: ShowFor,
	what: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		hint: `The name of the input binary field holding the ${what}`,
		displayOptions: { show: showFor },
	};
}

/**
 * "Wait for Completion" and "Download Video", shared by Generate and Get Task (their
 * postReceive step is waitForTask). Get Task can download a finished video without waiting;
 * Generate has nothing to download unless it waits.
 */
export function waitAndDownloadFields(showFor: ShowFor, downloadNeedsWait: boolean): INodeProperties[] {
	// A tool waits as its Tool Wait says (outputFields.ts), and an agent drops binary data.
	const whenWaiting = { show: { ...showFor, waitForCompletion: [true] }, hide: onlyAsTool };
	const downloadShownFor = downloadNeedsWait ? whenWaiting : { show: showFor, hide: onlyAsTool };
	const whenDownloading = { show: { ...downloadShownFor.show, downloadVideo: [true] }, hide: onlyAsTool };
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			description:
				'Whether to keep polling the task until the video is ready or has failed, instead of returning at once',
			displayOptions: { show: showFor, hide: onlyAsTool },
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description: 'How long to wait between two status checks',
			displayOptions: whenWaiting,
		},
		{
			displayName: 'Max Wait (Minutes)',
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 15,
			description: 'How long to wait for the video in all before giving up',
			displayOptions: whenWaiting,
		},
		{
			displayName: 'On Timeout',
			name: 'onTimeout',
			type: 'options',
			default: 'fail',
			description: 'What to do when the video is not ready within Max Wait',
			options: [
				{
					name: 'Fail the Item',
					value: 'fail',
					description: 'Report an error for the item',
				},
				{
					name: 'Return the Latest Status',
					value: 'returnLatest',
					description: 'Output the task as last seen, with timedOut set to true',
				},
			],
			displayOptions: whenWaiting,
		},
		{
			displayName: 'Download Video',
			name: 'downloadVideo',
			type: 'boolean',
			default: false,
			description:
				'Whether to add the finished video to the item as a binary file (nothing is added while the task is not finished)',
			displayOptions: downloadShownFor,
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the output binary field to put the video in',
			displayOptions: whenDownloading,
		},
		{
			displayName: 'File Name',
			name: 'videoFileName',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.name }}.mp4',
			hint: 'Empty: the task ID, as <taskId>.mp4',
			description: 'The name the downloaded video gets, e.g. from a column of your sheet (.mp4 is added when it has no extension)',
			displayOptions: whenDownloading,
		},
	];
}

/**
 * Options of every operation, with the operation's own (`extra`) before them. Max Requests per
 * Second caps this node's own requests (api/pacer.ts); the account's limit is the credential's.
 */
export function apiOptionsField(showFor: ShowFor, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showFor },
		options: [
			...extra,
			{
				displayName: 'Max Requests per Second',
				name: 'maxRequestsPerSecond',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 10,
				description:
					"The most requests per second this node sends, in all its runs together. It never speeds up or slows down other workflows: your plan's limit, which all of them share, is the Rate Limit of the GPT.GE API credential.",
			},
		],
	};
}

/**
 * The canvas subtitle, "Generate: Avatar", as n8n's own nodes read: the display names of the
 * chosen operation and resource, taken from their options so they cannot drift apart.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const displayNames = (parameter: string) =>
		JSON.stringify(
			Object.fromEntries(
				properties
					.filter((property) => property.name === parameter)
					.flatMap((property) => (property.options ?? []) as Array<{ name: string; value: unknown }>)
					.map((option) => [option.value, option.name]),
			),
		);
	return `={{ ${displayNames('operation')}[$parameter["operation"]] + ": " + ${displayNames('resource')}[$parameter["resource"]] }}`;
}
