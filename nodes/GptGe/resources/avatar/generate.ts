import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { taskIdOf } from '../../shared/apiResponse';
import { recordCreatedTask, recordResumedTask } from '../../shared/ledger';
import { summarizeTask, taskIdOfPath } from '../../shared/task';
import { routedThroughDoor } from '../../shared/transport';
import {
	checkHttpUrl,
	inputCheck,
	checkNotEmpty,
	checkOneOf,
	checkPickedVoiceLanguage,
	checkVoiceIds,
	type InputCheck,
	type InputProblem,
	type ItemInput,
	type SentValues,
} from '../../shared/validation';
import { apiOptionsField, languageField, speechTextField, waitAndDownloadFields } from '../../shared/descriptions';
import { waitForTask } from '../../shared/waiting';

const showOnlyForGenerate = {
	resource: ['avatar'],
	operation: ['generate'],
};

type VoiceSource = 'audioUrl' | 'createVoice' | 'useVoice';

function showForVoiceSource(voiceSource: VoiceSource) {
	return { show: { ...showOnlyForGenerate, voiceSource: [voiceSource] } };
}

export const avatarGenerateDescription: INodeProperties[] = [
	{
		displayName: 'Avatar URL',
		name: 'avatarUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/presenter.jpg',
		description:
			'Public URL of a photo or video of the person who will speak. A photo must show a face clearly.',
		displayOptions: { show: showOnlyForGenerate },
		routing: { send: { type: 'body', property: 'avatar_url' } },
	},
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
	{
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/speech.mp3',
		description: 'Public URL of the audio track the avatar lip-syncs to',
		displayOptions: showForVoiceSource('audioUrl'),
		routing: { send: { type: 'body', property: 'audio_url' } },
	},
	{
		displayName: 'Voice Sample URL',
		name: 'sampleAudioUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/voice-sample.mp3',
		description:
			'Public URL of a recording of the voice to clone',
		displayOptions: showForVoiceSource('createVoice'),
		routing: { send: { type: 'body', property: 'create_voice.audio_url' } },
	},
	{
		// GPT.GE's rule for cloning, shown where the sample is chosen rather than in a tooltip.
		displayName:
			'The voice sample needs at least 20 seconds of clear speech by one person; GPT.GE cannot clone a voice from a shorter one',
		name: 'sampleLengthNotice',
		type: 'notice',
		default: '',
		displayOptions: showForVoiceSource('createVoice'),
	},
	languageField(showForVoiceSource('createVoice'), 'create_voice.language'),
	speechTextField(showForVoiceSource('createVoice'), 'create_voice.text'),
	// Language comes before Voice: the voice list shows the voices of the chosen language.
	languageField(showForVoiceSource('useVoice'), 'use_voice.language'),
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
							regex: '[^:\\s]+:[^:\\s]+',
							errorMessage: 'Enter voice_engine_id:audio_id',
						},
					},
				],
			},
		],
		routing: {
			send: {
				type: 'body',
				property: 'use_voice',
				// One value carries both IDs, so one pick fills both fields of use_voice.
				value: '={{ { voice_engine_id: String($value ?? "").split(":")[0], audio_id: String($value ?? "").split(":").slice(1).join(":") } }}',
			},
		},
	},
	speechTextField(showForVoiceSource('useVoice'), 'use_voice.text'),
	{
		displayName: 'Remove Watermark',
		name: 'noWatermark',
		type: 'boolean',
		default: false,
		description: 'Whether to generate the video without the GPT.GE watermark',
		displayOptions: { show: showOnlyForGenerate },
		routing: { send: { type: 'body', property: 'no_watermark' } },
	},
	...waitAndDownloadFields(showOnlyForGenerate, true),
	apiOptionsField(showOnlyForGenerate, [
		{
			displayName: 'Existing Task ID',
			name: 'existingTaskId',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.taskId }}',
			description:
				"The task this row already has, e.g. your sheet's task ID column. When it is not empty, no video is created for the row: its task is read as Get Task would, and Wait for Completion and Download Video apply. A scheduled run over a half-done sheet then pays only for the rows without one.",
			// The row's request becomes the status query of its task (resumeExistingTask makes it a GET).
			routing: {
				request: {
					url: '={{ String($value ?? "").trim() ? "/avatar/task/" + encodeURIComponent(String($value).trim()) : "/avatar/generation" }}',
				},
				send: { preSend: [resumeExistingTask] },
			},
		},
	]),
];

/** A row with an Existing Task ID: its request reads that task (a GET without body); the run notes it. */
async function resumeExistingTask(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const taskId = taskIdOfPath(requestOptions.url);
	if (!taskId) return requestOptions;
	recordResumedTask(this, taskId);
	const statusQuery: IHttpRequestOptions = { ...requestOptions, method: 'GET' };
	delete statusQuery.body;
	return statusQuery;
}

const languages = ['zh', 'en'] as const;

function checkSpeech(input: ItemInput): InputProblem | undefined {
	return checkOneOf(input, 'language', languages) ?? checkNotEmpty(input, 'text');
}

/**
 * The rules of POST /avatar/generation that can be checked before paying for a request. A row
 * that resumes its task (Existing Task ID) sends none of these fields.
 */
const checkGenerateInput: InputCheck = (input, request) => {
	if (request.method === 'GET') return undefined;
	const avatarProblem = checkHttpUrl(input, 'avatarUrl');
	if (avatarProblem) return avatarProblem;
	switch (input.value('voiceSource') as VoiceSource) {
		case 'createVoice':
			return checkHttpUrl(input, 'sampleAudioUrl') ?? checkSpeech(input);
		case 'useVoice':
			return checkVoiceIds(input, 'voice') ?? checkSpeech(input) ?? checkPickedVoiceLanguage(input, 'voice', 'language');
		default:
			return checkHttpUrl(input, 'audioUrl');
	}
};

/** Where Generate's fields are in the body it sends (see SentValues). */
const sentValues: SentValues = ({ body }) => {
	const sent = (body ?? {}) as IDataObject;
	const createVoice = (sent.create_voice ?? {}) as IDataObject;
	const useVoice = (sent.use_voice ?? {}) as IDataObject;
	const spoken = sent.create_voice ? createVoice : useVoice;
	const [engineId, audioId] = [useVoice.voice_engine_id ?? '', useVoice.audio_id ?? ''];
	return {
		avatarUrl: sent.avatar_url,
		audioUrl: sent.audio_url,
		sampleAudioUrl: createVoice.audio_url,
		voice: audioId === '' ? engineId : `${engineId}:${audioId}`,
		language: spoken.language,
		text: spoken.text,
	};
};

/**
 * One item per created task, paired with the input item it was made from. A resumed row's
 * answer is its task's status: the item is that task, as Get Task outputs it, marked resumed.
 */
async function toTaskItem(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const resumedTaskId = String(this.getNodeParameter('options.existingTaskId', '') ?? '').trim();
	if (resumedTaskId) {
		const summary = summarizeTask(resumedTaskId, (response.body as IDataObject).data);
		return [{ json: { ...summary, resumed: true }, pairedItem: { item: this.getItemIndex() } }];
	}
	const taskId = taskIdOf(response.body);
	if (!taskId) {
		throw new NodeApiError(this.getNode(), { body: JSON.stringify(response.body) }, {
			message: 'GPT.GE reported success but returned no task ID',
			description: 'The answer had no task ID in "data" or "id". Please report this answer.',
			itemIndex: this.getItemIndex(),
		});
	}
	// Paid for from here on: the run's errors list it even if this item fails later.
	recordCreatedTask(this, taskId);
	return [
		{
			json: {
				taskId,
				avatarUrl: this.getNodeParameter('avatarUrl') as string,
				voiceSource: this.getNodeParameter('voiceSource') as string,
				noWatermark: this.getNodeParameter('noWatermark') as boolean,
				resumed: false,
			},
			pairedItem: { item: this.getItemIndex() },
		},
	];
}

// Sent by the door (shared/transport.ts): paced, never repeated once it may have created a task.
export const avatarGenerateRouting = routedThroughDoor(
	{ createsTask: true, checkInput: inputCheck(checkGenerateInput, avatarGenerateDescription, sentValues) },
	{ request: { method: 'POST', url: '/avatar/generation' }, postReceive: [toTaskItem, waitForTask] },
);
