import type { IDataObject, INodePropertyRouting } from 'n8n-workflow';
import type { AcceptedFiles } from '../../shared/checks';
import type { SentValues } from '../../shared/validation';
import { isObject, valueAt } from '../../shared/values';
import { voiceIdsSent } from '../../shared/voices';

/*
 * The body of POST /avatar/generation, parameter by parameter: the one table of where each of
 * Generate's fields goes. The fields' routing, the uploads of files from binary data and the
 * input check all read it.
 */

export type VoiceSource = 'audioUrl' | 'createVoice' | 'useVoice';

const common = { avatarUrl: 'avatar_url', noWatermark: 'no_watermark' };

/**
 * Where each parameter goes in the body, by voice source (the API takes exactly one voice source).
 * The voice sample's parameter depends on the node's version (sampleUrlParameter): bodyPathsFor.
 */
export const BODY_PATHS = {
	audioUrl: { ...common, audioUrl: 'audio_url' },
	createVoice: { ...common, voiceSample: 'create_voice.audio_url', language: 'create_voice.language', text: 'create_voice.text' },
	useVoice: { ...common, voice: 'use_voice', language: 'use_voice.language', text: 'use_voice.text' },
} satisfies Record<VoiceSource, Record<string, string>>;

type SampleUrlParameter = 'sampleAudioUrl' | 'audioUrl';

/**
 * Which parameter holds Clone Voice From Sample's voice sample URL, by node version: the one table.
 * Versions 1 and 2 have a parameter of its own, which their saved workflows hold. From version 3
 * it is the Audio URL's parameter under the label Voice Sample URL, so a URL or expression
 * survives switching between the two voice sources (the editor drops a parameter no field shows).
 */
export const SAMPLE_URL_PARAMETER: Readonly<Record<number, SampleUrlParameter>> = {
	1: 'sampleAudioUrl',
	2: 'sampleAudioUrl',
	3: 'audioUrl',
};

/** The parameter holding the voice sample's URL in a node of this version (every version is in the table). */
export const sampleUrlParameter = (typeVersion: number): SampleUrlParameter => SAMPLE_URL_PARAMETER[typeVersion];

/** Each parameter that holds the voice sample's URL in some version, with those versions (its field's `@version`). */
export function sampleUrlParameters(): Array<{ parameter: SampleUrlParameter; versions: number[] }> {
	const versionsOf = new Map<SampleUrlParameter, number[]>();
	for (const [version, parameter] of Object.entries(SAMPLE_URL_PARAMETER)) {
		versionsOf.set(parameter, [...(versionsOf.get(parameter) ?? []), Number(version)]);
	}
	return [...versionsOf].map(([parameter, versions]) => ({ parameter, versions }));
}

/** Where each parameter of a node of this version goes in the body with this voice source, by parameter name. */
export function bodyPathsFor(voiceSource: VoiceSource, typeVersion: number): Record<string, string> {
	if (voiceSource !== 'createVoice') return BODY_PATHS[voiceSource];
	const { voiceSample, ...others } = BODY_PATHS.createVoice;
	return { ...others, [sampleUrlParameter(typeVersion)]: voiceSample };
}

/** A field's routing: its value goes to `path` in the body. */
export const sentTo = (path: string, value?: string): INodePropertyRouting => ({
	send: { type: 'body', property: path, ...(value ? { value } : {}) },
});

/** The voice source a built body is for: the object it carries, if any. */
function voiceSourceOf(body: IDataObject): VoiceSource {
	if (isObject(body.create_voice)) return 'createVoice';
	if (isObject(body.use_voice)) return 'useVoice';
	return 'audioUrl';
}

/**
 * Generate's parameters as its built body carries them (see SentValues), so the input check
 * evaluates no expression twice. The voice's two IDs read back as the one value that names it.
 */
export const generateSentValues: SentValues = ({ body }, _state, typeVersion) => {
	const sent = isObject(body) ? body : {};
	const paths = bodyPathsFor(voiceSourceOf(sent), typeVersion);
	return Object.fromEntries(
		Object.entries(paths).map(([parameter, path]) => {
			const value = valueAt(sent, path);
			return [parameter, parameter === 'voice' ? voiceIdsSent(isObject(value) ? value : {}) : value];
		}),
	);
};

/** The labels of Generate's file fields: the editor shows them and input errors name them. */
export const FILE_LABELS = {
	avatar: { url: 'Avatar URL', binary: 'Avatar Binary Field' },
	audioTrack: { url: 'Audio URL', binary: 'Audio Binary Field' },
	voiceSample: { url: 'Voice Sample URL', binary: 'Voice Sample Binary Field' },
};

/** A file Generate can take from the item's binary data instead of a URL. */
export interface FileInput {
	/** What the output and the errors call it. */
	name: 'avatar' | 'audio';
	/** The URL / Binary File choice, the binary field's name, and the URL field it stands for. */
	choice: string;
	binaryField: string;
	urlField: string;
	/** The fields' labels: the voice sample's differ from the audio track's, whose parameters it shares. */
	labels: { url: string; binary: string };
	accepted: AcceptedFiles;
	/** Where its URL goes in the body. */
	bodyPath: string;
}

const photoOrVideo: AcceptedFiles = { mimeTypes: ['image/', 'video/'], what: 'a photo or a video (image/… or video/…)' };
const audio: AcceptedFiles = { mimeTypes: ['audio/'], what: 'an audio file (audio/…)' };

const avatarFile: FileInput = {
	name: 'avatar',
	choice: 'avatarInput',
	binaryField: 'avatarBinaryProperty',
	urlField: 'avatarUrl',
	labels: FILE_LABELS.avatar,
	accepted: photoOrVideo,
	bodyPath: BODY_PATHS.audioUrl.avatarUrl,
};

const audioTrackFile: FileInput = {
	name: 'audio',
	choice: 'audioInput',
	binaryField: 'audioBinaryProperty',
	urlField: 'audioUrl',
	labels: FILE_LABELS.audioTrack,
	accepted: audio,
	bodyPath: BODY_PATHS.audioUrl.audioUrl,
};

/** The files of a Generate request with this voice source, in a node of this version. */
export function fileInputsFor(voiceSource: VoiceSource, typeVersion: number): FileInput[] {
	if (voiceSource === 'audioUrl') return [avatarFile, audioTrackFile];
	if (voiceSource === 'createVoice') {
		const sample = { urlField: sampleUrlParameter(typeVersion), labels: FILE_LABELS.voiceSample, bodyPath: BODY_PATHS.createVoice.voiceSample };
		return [avatarFile, { ...audioTrackFile, ...sample }];
	}
	return [avatarFile];
}
