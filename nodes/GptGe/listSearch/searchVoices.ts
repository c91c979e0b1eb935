import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { apiGet } from '../shared/api/direct';
import { VOICES_PATH } from '../shared/endpoints';
import { languageOptions, voiceIdsOf, voicesOf, type Voice } from '../shared/voices';

/** Generate's Voice picker: the voices of the chosen language (both when it is an expression). */
export async function searchVoices(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const chosen = this.getCurrentNodeParameter('language');
	const all = languageOptions.map((option) => String(option.value));
	const languages = all.filter((language) => chosen === language);
	const voices: Voice[] = [];
	for (const language of languages.length ? languages : all) {
		const response = await apiGet(this, VOICES_PATH, { priority: 'normal', endpoint: 'voices', qs: { language } });
		voices.push(...voicesOf(response.body));
	}
	const wanted = filter?.trim().toLowerCase() ?? '';
	return {
		results: voices
			.filter((voice) => `${voice.name} ${(voice.labels ?? []).join(' ')}`.toLowerCase().includes(wanted))
			.map((voice) => ({
				name: `${voice.name} (${[voice.language, ...(voice.labels ?? [])].join(', ')})`,
				value: voiceIdsOf(voice),
			})),
	};
}
