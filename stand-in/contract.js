'use strict';
// What the GPT.GE documentation fixes: the body checks of POST /avatar/generation and the
// voices GET /avatar/voice lists.

const { isPlainObject } = require('./checks');

const LANGUAGES = ['zh', 'en'];
const VOICE_SOURCES = ['audio_url', 'create_voice', 'use_voice'];

const VOICES = [
	voice('cffcff22110049a487aa4fa7a382e3dc', 'zh', 'Yue Hua', ['Female'], false, 1),
	voice('3a1f0c9e8b7d4e6fa2c5b8d1e4f70a93', 'zh', 'Jun Hao', ['Male'], false, 1),
	voice('b6e2d4f8a0c14e3b9d7f5a2c8e6b0d41', 'zh', 'Xiao Yu', ['Female', 'Young'], true, 2),
	voice('5d9c7b3a1e0f48d2b6a4c8e2f0d6b9a7', 'en', 'Emma', ['Female'], false, 1),
	voice('e0a2c4e6f8b04d1a9c3e5b7d9f1a3c5e', 'en', 'James', ['Male'], false, 1),
	voice('7f3b5d9e1c2a4b6d8f0e2c4a6b8d0f12', 'en', 'Olivia', ['Female', 'Narration'], true, 2),
];

function voice(audioId, language, name, labels, vipEnable, type) {
	return {
		audio_id: audioId,
		audio_url: `server/ranker/main/${language}/${name.toLowerCase().replace(/\s+/g, '_')}.wav`,
		labels,
		language,
		name,
		vip_enable: vipEnable,
		voice_engine_id: `engine-${language}-${audioId.slice(0, 8)}`,
		type,
	};
}

// Returns the problem with a POST /avatar/generation body, naming the field, or undefined.
function validateGeneration(body) {
	if (!isPlainObject(body)) return 'request body must be a JSON object';
	const avatarProblem = httpUrlProblem(body.avatar_url, 'avatar_url');
	if (avatarProblem) return avatarProblem;
	if (body.no_watermark !== undefined && typeof body.no_watermark !== 'boolean') {
		return 'no_watermark must be a boolean';
	}

	const given = VOICE_SOURCES.filter((source) => body[source] !== undefined && body[source] !== null);
	if (given.length === 0) return 'one of audio_url, create_voice or use_voice is required';
	if (given.length > 1) {
		return `only one of audio_url, create_voice or use_voice may be given, not ${given.join(' and ')}`;
	}

	const [source] = given;
	if (source === 'audio_url') return httpUrlProblem(body.audio_url, 'audio_url');
	const voiceSpec = body[source];
	if (!isPlainObject(voiceSpec)) return `${source} must be an object`;
	if (source === 'create_voice') {
		return (
			httpUrlProblem(voiceSpec.audio_url, 'create_voice.audio_url') ||
			languageProblem(voiceSpec.language, 'create_voice.language') ||
			textProblem(voiceSpec.text, 'create_voice.text')
		);
	}
	return (
		textProblem(voiceSpec.voice_engine_id, 'use_voice.voice_engine_id') ||
		textProblem(voiceSpec.audio_id, 'use_voice.audio_id') ||
		languageProblem(voiceSpec.language, 'use_voice.language') ||
		textProblem(voiceSpec.text, 'use_voice.text')
	);
}

function httpUrlProblem(value, field) {
	if (value === undefined || value === null || value === '') return `${field} is required`;
	if (typeof value !== 'string' || !/^https?:\/\/[^\s/]+/i.test(value)) {
		return `${field} must be an http(s) URL`;
	}
	return undefined;
}

function languageProblem(value, field) {
	if (value === undefined || value === null || value === '') return `${field} is required`;
	return LANGUAGES.includes(value) ? undefined : `${field} must be one of ${LANGUAGES.join(', ')}`;
}

function textProblem(value, field) {
	if (value === undefined || value === null || value === '') return `${field} is required`;
	if (typeof value !== 'string' || value.trim() === '') return `${field} must be a non-empty string`;
	return undefined;
}

module.exports = { LANGUAGES, VOICES, validateGeneration };
