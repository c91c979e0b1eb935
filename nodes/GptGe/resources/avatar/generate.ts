import type { INodeProperties } from 'n8n-workflow';
import { routedThroughDoor } from '../../shared/api/routed';
import {
	apiOptionsField,
	binaryFieldName,
	fileInputChoice,
	languageField,
	maxUploadSizeOption,
	speechTextField,
	waitAndDownloadFields,
} from '../../shared/descriptions';
import { GENERATION_PATH } from '../../shared/endpoints';
import { simplifyField, toolWaitField } from '../../shared/outputFields';
import { shapeTaskOutput } from '../../shared/taskOutput';
import { inputCheck } from '../../shared/validation';
import { VOICE_IDS_EXPRESSION, VOICE_IDS_PATTERN } from '../../shared/voices';
import { waitForTask } from '../../shared/waiting';
import { BODY_PATHS, FILE_LABELS, generateSentValues, sampleUrlParameters, sentTo, type VoiceSource } from './generateBody';
import { checkGenerateInput, prepareGenerate, resumeExistingTask, toTaskItem } from './generateSteps';

/* Avatar → Generate: its fields and routing. What it does around its request is in generateSteps.ts. */

const showOnlyForGenerate = {
	resource: ['avatar'],
	operation: ['generate'],
};

function showForVoiceSource(voiceSource: VoiceSource, audioInput?: 'url' | 'binary') {
	return {
		show: { ...showOnlyForGenerate, voiceSource: [voiceSource], ...(audioInput ? { audioInput: [audioInput] } : {}) },
	};
}

/**
 * Voice Sample URL: one field per parameter that holds it, shown in the node versions it holds
 * it in (generateBody.ts, SAMPLE_URL_PARAMETER). From version 3 it is the Audio URL's parameter.
 */
const voiceSampleUrlFields: INodeProperties[] = sampleUrlParameters().map(({ parameter, versions }) => ({
	displayName: FILE_LABELS.voiceSample.url,
	name: parameter,
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. https://example.com/voice-sample.mp3',
	description: 'Public URL of a recording of the voice to clone. A Google Drive or Dropbox share link is sent as its download link.',
	displayOptions: { show: { ...showForVoiceSource('createVoice', 'url').show, '@version': versions } },
	routing: sentTo(BODY_PATHS.createVoice.voiceSample),
}));

const showForAvatarInput = (avatarInput: 'url' | 'binary') => ({ ...showOnlyForGenerate, avatarInput: [avatarInput] });

export const avatarGenerateDescription: INodeProperties[] = [
	fileInputChoice('Avatar Input', 'avatarInput', showOnlyForGenerate, 'photo or video of the person'),
	{
		displayName: FILE_LABELS.avatar.url,
		name: 'avatarUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/presenter.jpg',
		description:
			'Public URL of a photo or video of the person who will speak. A photo must show a face clearly. A Google Drive or Dropbox share link is sent as its download link.',
		displayOptions: { show: showForAvatarInput('url') },
		routing: sentTo(BODY_PATHS.audioUrl.avatarUrl),
	},
	binaryFieldName(FILE_LABELS.avatar.binary, 'avatarBinaryProperty', showForAvatarInput('binary'), 'photo or video of the person who speaks'),
	{
		displayName: 'Voice Source',
		name: 'voiceSource',
		type: 'options',
		// It decides which fields exist, so it cannot change from item to item.
		noDataExpression: true,
		default: 'audioUrl',
		displayOptions: { show: showOnlyForGenerate },
		options: [
			{
				name: 'Audio URL',
				value: 'audioUrl',
				description: 'Lip-sync the avatar to a ready audio track',
			},
			{
				name: 'Clone Voice From Sample',
				value: 'createVoice',
				description: 'Clone a voice from a recording and have it speak a text',
			},
			{
				name: 'Use Existing Voice',
				value: 'useVoice',
				description: 'Have a GPT.GE voice speak a text',
			},
		],
	},
	fileInputChoice('Audio Input', 'audioInput', showForVoiceSource('audioUrl').show, 'audio track'),
	{
		displayName: FILE_LABELS.audioTrack.url,
		name: 'audioUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/speech.mp3',
		description: 'Public URL of the audio track the avatar lip-syncs to. A Google Drive or Dropbox share link is sent as its download link.',
		displayOptions: showForVoiceSource('audioUrl', 'url'),
		routing: sentTo(BODY_PATHS.audioUrl.audioUrl),
	},
	binaryFieldName(FILE_LABELS.audioTrack.binary, 'audioBinaryProperty', showForVoiceSource('audioUrl', 'binary').show, 'audio track'),
	// The same choice and fields under the voice sample's labels: a value survives switching the source.
	fileInputChoice('Voice Sample Input', 'audioInput', showForVoiceSource('createVoice').show, 'recording of the voice to clone'),
	...voiceSampleUrlFields,
	binaryFieldName(
		FILE_LABELS.voiceSample.binary,
		'audioBinaryProperty',
		showForVoiceSource('createVoice', 'binary').show,
		'recording of the voice to clone',
	),
	{
		// GPT.GE's rule for cloning, shown where the sample is chosen rather than in a tooltip.
		displayName:
			'The voice sample needs at least 20 seconds of clear speech by one person; GPT.GE cannot clone a voice from a shorter one',
		name: 'sampleLengthNotice',
		type: 'notice',
		default: '',
		displayOptions: showForVoiceSource('createVoice'),
	},
	languageField(showForVoiceSource('createVoice'), BODY_PATHS.createVoice.language),
	speechTextField(showForVoiceSource('createVoice'), BODY_PATHS.createVoice.text),
	// Language comes before Voice: the voice list shows the voices of the chosen language.
	languageField(showForVoiceSource('useVoice'), BODY_PATHS.useVoice.language),
	{
		displayName: 'Voice',
		name: 'voice',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description:
			'A GPT.GE voice. Pick one from the list, or enter its IDs as voice_engine_id:audio_id (Voice → List outputs them in this form).',
		displayOptions: showForVoiceSource('useVoice'),
		// The list shows the voices of the chosen Language: reload it when the language changes.
		typeOptions: { loadOptionsDependsOn: ['language'] },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a voice...',
				typeOptions: { searchListMethod: 'searchVoices', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 7f3a…:cffcff22110049a487aa4fa7a382e3dc',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: VOICE_IDS_PATTERN,
							errorMessage: 'Enter voice_engine_id:audio_id',
						},
					},
				],
			},
		],
		// One value carries both IDs, so one pick fills both fields of use_voice.
		routing: sentTo(BODY_PATHS.useVoice.voice, VOICE_IDS_EXPRESSION),
	},
	speechTextField(showForVoiceSource('useVoice'), BODY_PATHS.useVoice.text),
	{
		displayName: 'Remove Watermark',
		name: 'noWatermark',
		type: 'boolean',
		default: false,
		description: 'Whether to generate the video without the GPT.GE watermark',
		displayOptions: { show: showOnlyForGenerate },
		routing: sentTo(BODY_PATHS.audioUrl.noWatermark),
	},
	...waitAndDownloadFields(showOnlyForGenerate, true),
	toolWaitField(showOnlyForGenerate, 40),
	simplifyField(showOnlyForGenerate),
	apiOptionsField(showOnlyForGenerate, [
		{
			displayName: 'Existing Task ID',
			name: 'existingTaskId',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.taskId }}',
			description:
				"The task this row already has, e.g. your sheet's task ID column. When it is not empty, no video is created for the row: its task is read as Get Task would, and Wait for Completion and Download Video apply. A scheduled run over a half-done sheet then pays only for the rows without one.",
			// No routing: the request layer reads it (resumeExistingTask) and sends the task's status query instead.
		},
		maxUploadSizeOption,
	]),
];

// Sent by the request layer: paced, never repeated once it may have created a task.
export const avatarGenerateRouting = routedThroughDoor(
	{
		createsTask: true,
		endpoint: 'create',
		identify: resumeExistingTask,
		checkInput: inputCheck(checkGenerateInput, avatarGenerateDescription, generateSentValues),
		prepare: prepareGenerate,
	},
	{ request: { method: 'POST', url: GENERATION_PATH }, postReceive: [toTaskItem, waitForTask, shapeTaskOutput] },
);
