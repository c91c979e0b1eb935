import { isVoiceIds, languageCodes, languageNameOf } from './voices';
import { readableSize } from './files/binary';
import { directUrlOf } from './urls';
import type { InputProblem, ItemInput } from './validation';

/* The checks the GPT.GE endpoints need, on one item's input (validation.ts). Each returns a problem or undefined. */

/** A URL GPT.GE can download the file from, once trimmed, encoded and turned from a share page into its file (urls.ts). */
export function checkHttpUrl(input: ItemInput, parameter: string): InputProblem | undefined {
	const direct = directUrlOf(input.value(parameter));
	return 'problem' in direct ? { parameter, reason: direct.problem } : undefined;
}

export function checkNotEmpty(input: ItemInput, parameter: string): InputProblem | undefined {
	const value = input.value(parameter);
	if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
		return undefined;
	}
	return { parameter, reason: 'The value is empty.' };
}

export function checkOneOf(
	input: ItemInput,
	parameter: string,
	allowed: readonly string[],
): InputProblem | undefined {
	const value = input.value(parameter);
	if (typeof value === 'string' && allowed.includes(value)) return undefined;
	return {
		parameter,
		reason: `"${String(value)}" is not supported; use one of: ${allowed.join(', ')}.`,
	};
}

/** A voice as voice_engine_id:audio_id, the form the Voice picker and Voice → List use. */
export function checkVoiceIds(input: ItemInput, parameter: string): InputProblem | undefined {
	const value = input.value(parameter);
	if (typeof value !== 'string' || value.trim() === '') {
		return { parameter, reason: 'No voice is chosen.' };
	}
	if (!isVoiceIds(value)) {
		return {
			parameter,
			reason: `"${value}" is not voice_engine_id:audio_id. Pick a voice from the list, or use the "voice" field of Voice → List.`,
		};
	}
	return undefined;
}

/**
 * A voice picked from the list while another Language was chosen: the editor keeps the pick when
 * the language changes, and the video would speak the text in a voice of the other language. The
 * list names each voice "Name (language, labels…)", and n8n keeps that name with the pick.
 */
export function checkPickedVoiceLanguage(
	input: ItemInput,
	voiceParameter: string,
	languageParameter: string,
): InputProblem | undefined {
	const picked = input.pickedName(voiceParameter);
	const pickedLanguage = picked?.match(/\(([a-z]{2})[,)]/)?.[1];
	const language = input.value(languageParameter);
	if (!picked || !pickedLanguage || !languageCodes.includes(pickedLanguage) || pickedLanguage === language) {
		return undefined;
	}
	const name = picked.replace(/\s*\(.*$/, '');
	const chosen = languageNameOf(String(language));
	return {
		parameter: voiceParameter,
		reason: `"${name}" was picked from the ${languageNameOf(pickedLanguage)} voices, but Language is ${chosen}. Pick the voice again (the list shows the voices of the chosen Language), or set Language back to ${languageNameOf(pickedLanguage)}.`,
	};
}

/** The files a binary field may hold, by MIME type: e.g. ['image/', 'video/'], "a photo or a video". */
export interface AcceptedFiles {
	mimeTypes: string[];
	what: string;
}

/**
 * The binary field named by `parameter` holds a file that may be uploaded: it exists, it is of
 * an accepted type (any, without `accepted`), not empty, and not larger than `maxBytes`.
 */
export async function checkBinaryFile(
	input: ItemInput,
	parameter: string,
	maxBytes: number,
	accepted?: AcceptedFiles,
): Promise<InputProblem | undefined> {
	const value = input.value(parameter);
	const name = typeof value === 'string' ? value.trim() : '';
	if (!name) return { parameter, reason: 'The value is empty: enter the name of the binary field that holds the file.' };
	const file = await input.binaryFile(name);
	if (!file) {
		const names = input.binaryNames();
		const has = names.length
			? `Its binary fields are: ${names.join(', ')}.`
			: 'It has no binary data at all: the node before this one must output the file (e.g. Read Files from Disk, or a download).';
		return { parameter, reason: `The item has no binary field "${name}". ${has}` };
	}
	const mimeType = file.mimeType.toLowerCase();
	if (accepted && !accepted.mimeTypes.some((type) => mimeType.startsWith(type))) {
		return {
			parameter,
			reason: `"${file.fileName}" in binary field "${name}" is ${file.mimeType}, not ${accepted.what}.`,
		};
	}
	if (file.bytes === 0) return { parameter, reason: `"${file.fileName}" in binary field "${name}" is empty (0 bytes).` };
	if (file.bytes > maxBytes) {
		return {
			parameter,
			reason: `"${file.fileName}" in binary field "${name}" is ${readableSize(file.bytes)}, larger than Options → Max Upload Size (${readableSize(maxBytes)}).`,
		};
	}
	return undefined;
}
