import type {
	IExecuteSingleFunctions,
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
		description: 'List the voices that speak this language',
		options: languageOptions,
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

export const voiceListRouting = routedThroughDoor(
	{ createsTask: false },
	{ request: { method: 'GET', url: VOICES_PATH }, postReceive: [toVoiceItems] },
);
