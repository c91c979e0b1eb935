import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

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
		default: 'en',
		required: true,
		description: 'Language of the text to speak',
		options: [
			{ name: 'English', value: 'en' },
			{ name: 'Chinese', value: 'zh' },
		],
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
