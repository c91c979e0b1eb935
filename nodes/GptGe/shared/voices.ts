import type { IDataObject } from 'n8n-workflow';

/** A ready-made voice as GET /avatar/voice lists it. */
export interface Voice extends IDataObject {
	name: string;
	language: string;
	labels: string[];
	voice_engine_id: string;
	audio_id: string;
}

export const voiceLanguages = ['en', 'zh'] as const;

/** The voices in a GET /avatar/voice answer (`data.audio_list`). */
export function voicesOf(body: unknown): Voice[] {
	const list = (body as { data?: { audio_list?: unknown } } | undefined)?.data?.audio_list;
	return Array.isArray(list) ? (list as Voice[]) : [];
}

/** The one value that names a voice in this node: voice_engine_id:audio_id. */
export function voiceIdsOf(voice: Voice): string {
	return `${voice.voice_engine_id}:${voice.audio_id}`;
}
