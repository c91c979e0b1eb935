import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { isObject } from './values';

/* GPT.GE's languages and ready-made voices: every Language field, check and voice list reads them here. */

/** The languages GPT.GE speaks, in its documentation's order ("supports zh, en"), by code. */
const LANGUAGE_NAMES: Record<string, string> = { zh: 'Chinese', en: 'English' };

export const DEFAULT_LANGUAGE = 'en';

export const languageCodes = Object.keys(LANGUAGE_NAMES);

/** A language's name (English for en), or the code itself when GPT.GE does not speak it. */
export const languageNameOf = (code: string): string => LANGUAGE_NAMES[code] ?? code;

/** The options of every Language field: the default first. */
export const languageOptions: INodePropertyOptions[] = [
	DEFAULT_LANGUAGE,
	...languageCodes.filter((code) => code !== DEFAULT_LANGUAGE),
].map((code) => ({ name: languageNameOf(code), value: code }));

/** A ready-made voice as GET /avatar/voice lists it. */
export interface Voice extends IDataObject {
	name: string;
	language: string;
	labels: string[];
	voice_engine_id: string;
	audio_id: string;
}

/** Labels as a list, whatever JSON type they came in ("Female, Young" or ["Female", "Young"]). */
function labelsOf(labels: unknown): string[] {
	if (Array.isArray(labels)) return labels.filter((label) => label !== null && label !== '').map(String);
	if (typeof labels === 'string') return labels.split(/[,，]/).map((label) => label.trim()).filter(Boolean);
	return labels === null || labels === undefined ? [] : [String(labels)];
}

/**
 * The voices in a GET /avatar/voice answer (`data.audio_list`, or `data` itself as a list), their
 * labels a list and their names and IDs strings; `type` and the rest as GPT.GE gave them.
 */
export function voicesOf(body: unknown): Voice[] {
	const data = isObject(body) ? body.data : undefined;
	const list = isObject(data) ? data.audio_list : data;
	if (!Array.isArray(list)) return [];
	return list.filter(isObject).map((voice) => ({
		...voice,
		name: String(voice.name ?? ''),
		language: String(voice.language ?? ''),
		labels: labelsOf(voice.labels),
		voice_engine_id: String(voice.voice_engine_id ?? ''),
		audio_id: String(voice.audio_id ?? ''),
	}));
}

/*
 * The one value that names a voice in this node: voice_engine_id:audio_id, as the Voice picker,
 * Voice → List and the By ID field give it. The body's use_voice takes the two IDs apart.
 */
const SEPARATOR = ':';

/** The form of a voice's IDs, as a regular expression's text (the By ID field validates with it). */
export const VOICE_IDS_PATTERN = `[^${SEPARATOR}\\s]+${SEPARATOR}[^${SEPARATOR}\\s]+`;

export const isVoiceIds = (value: string): boolean => new RegExp(`^${VOICE_IDS_PATTERN}$`).test(value);

export function voiceIdsOf(voice: Pick<Voice, 'voice_engine_id' | 'audio_id'>): string {
	return `${voice.voice_engine_id}${SEPARATOR}${voice.audio_id}`;
}

/** The voice's IDs as Generate's body sends them: `use_voice`'s two fields, as an n8n expression of `$value`. */
export const VOICE_IDS_EXPRESSION =
	`={{ { voice_engine_id: String($value ?? "").split("${SEPARATOR}")[0], ` +
	`audio_id: String($value ?? "").split("${SEPARATOR}").slice(1).join("${SEPARATOR}") } }}`;

/** The voice's IDs read back from `use_voice` as sent (one of them alone when the other is empty). */
export function voiceIdsSent(useVoice: IDataObject): string {
	const engineId = String(useVoice.voice_engine_id ?? '');
	const audioId = String(useVoice.audio_id ?? '');
	return audioId === '' ? engineId : voiceIdsOf({ voice_engine_id: engineId, audio_id: audioId });
}
