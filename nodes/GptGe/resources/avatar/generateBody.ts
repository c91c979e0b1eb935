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

/** Where each parameter goes in the body, by voice source (the API takes exactly one voice source). */
export const BODY_PATHS = {
	audioUrl: { ...common, audioUrl: 'audio_url' },
	createVoice: {
		...common,
		sampleAudioUrl: 'create_voice.audio_url',
		language: 'create_voice.language',
		text: 'create_voice.text',
	},
	useVoice: { ...common, voice: 'use_voice', language: 'use_voice.language', text: 'use_voice.text' },
} satisfies Record<VoiceSource, Record<string, string>>;

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
export const generateSentValues: SentValues = ({ body }) => {
	const sent = isObject(body) ? body : {};
	const paths: Record<string, string> = BODY_PATHS[voiceSourceOf(sent)];
	return Object.fromEntries(
		Object.entries(paths).map(([parameter, path]) => {
			const value = valueAt(sent, path);
			return [parameter, parameter === 'voice' ? voiceIdsSent(isObject(value) ? value : {}) : value];
		}),
	);
};

/** A file Generate can take from the item's binary data instead of a URL. */
export interface FileInput {
	/** What the output and the errors call it. */
	name: 'avatar' | 'audio';
	/** The URL / Binary File choice, the binary field's name, and the URL field it stands for. */
	choice: string;
	binaryField: string;
	/** The binary field's label: the voice sample's differs from the audio track's. */
	binaryLabel: string;
	urlField: string;
	accepted: AcceptedFiles;
	/** Where its URL goes in the body. */
	bodyPath: string;
}

const photoOrVideo: AcceptedFiles = { mimeTypes: ['image/', 'video/'], what: 'a photo or a video (image/… or video/…)' };
const audio: AcceptedFiles = { mimeTypes: ['audio/'], what: 'an audio file (audio/…)' };

/** The files of a Generate request with this voice source. */
export function fileInputsFor(voiceSource: VoiceSource): FileInput[] {
	const avatar: FileInput = {
		name: 'avatar',
		choice: 'avatarInput',
		binaryField: 'avatarBinaryProperty',
		binaryLabel: 'Avatar Binary Field',
		urlField: 'avatarUrl',
		accepted: photoOrVideo,
		bodyPath: BODY_PATHS.audioUrl.avatarUrl,
	};
	const voice = { name: 'audio', choice: 'audioInput', binaryField: 'audioBinaryProperty', accepted: audio } as const;
	if (voiceSource === 'audioUrl') {
		return [avatar, { ...voice, binaryLabel: 'Audio Binary Field', urlField: 'audioUrl', bodyPath: BODY_PATHS.audioUrl.audioUrl }];
	}
	if (voiceSource === 'createVoice') {
		const sample = { binaryLabel: 'Voice Sample Binary Field', urlField: 'sampleAudioUrl' };
		return [avatar, { ...voice, ...sample, bodyPath: BODY_PATHS.createVoice.sampleAudioUrl }];
	}
	return [avatar];
}
