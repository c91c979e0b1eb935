import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { secretsOf } from '../shared/api/account';
import { apiGet } from '../shared/api/direct';
import { maskError } from '../shared/secrets';
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
	try {
		for (const language of languages.length ? languages : all) {
			const response = await apiGet(this, VOICES_PATH, { priority: 'normal', endpoint: 'voices', qs: { language } });
			voices.push(...voicesOf(response.body));
		}
	} catch (error) {
		// The editor shows it: no token in it, whatever the API or the network error repeated.
		throw maskError(error as Error, await secretsOf(this));
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
