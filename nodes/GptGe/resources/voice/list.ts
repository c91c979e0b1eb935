import type {
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import type { ItemState } from '../../shared/api/items';
import { routedThroughDoor } from '../../shared/api/routed';
import { isToolMode } from '../../shared/api/toolMode';
import { apiOptionsField } from '../../shared/descriptions';
import { VOICES_PATH } from '../../shared/endpoints';
import { DEFAULT_LANGUAGE, languageOptions, voiceIdsOf, voicesOf } from '../../shared/voices';

/** The All Languages choice: no `language` is sent, and GPT.GE lists every voice (its own default). */
const ALL_LANGUAGES = '';

const showOnlyForVoiceList = {
	resource: ['voice'],
	operation: ['list'],
};

export const voiceListDescription: INodeProperties[] = [
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		default: DEFAULT_LANGUAGE,
		description: 'List the voices that speak this language, or every voice',
		options: [...languageOptions, { name: 'All Languages', value: ALL_LANGUAGES }],
		displayOptions: { show: showOnlyForVoiceList },
		routing: { send: { type: 'query', property: 'language' } },
	},
	apiOptionsField(showOnlyForVoiceList),
];

/**
 * One item per voice, with `voice` ready for Generate's Voice field (By ID). A tool answers with
 * what a model picks a voice by, the list of a language being long.
 */
async function toVoiceItems(
	context: IExecuteSingleFunctions,
	state: ItemState,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const tool = isToolMode(context);
	return voicesOf(response.body).map((voice) => ({
		json: tool
			? { name: voice.name, language: voice.language, labels: voice.labels, voice: voiceIdsOf(voice) }
			: { ...voice, voice: voiceIdsOf(voice) },
		pairedItem: { item: state.itemIndex },
	}));
}

/** preSend: All Languages sends no `language` at all. */
async function withoutAllLanguages(this: IExecuteSingleFunctions, request: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	if (request.qs?.language === ALL_LANGUAGES) delete request.qs.language;
	return request;
}

export const voiceListRouting = routedThroughDoor(
	{ createsTask: false, endpoint: 'voices' },
	{ request: { method: 'GET', url: VOICES_PATH }, preSend: [withoutAllLanguages], postReceive: [toVoiceItems] },
);
