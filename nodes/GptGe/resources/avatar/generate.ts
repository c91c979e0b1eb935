import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { taskIdOf } from '../../shared/apiResponse';
import { binaryFileOf, maxUploadBytes, uploadFile } from '../../shared/files';
import { recordCreatedTask, recordResumedTask, recordUpload, resumedTaskOf, uploadsOfItem } from '../../shared/ledger';
import { summarizeTask, taskIdOfPath } from '../../shared/task';
import { routedThroughDoor, type RoutedRequest } from '../../shared/transport';
import {
	checkBinaryFile,
	checkHttpUrl,
	inputCheck,
	checkNotEmpty,
	checkOneOf,
	checkPickedVoiceLanguage,
	checkVoiceIds,
	type AcceptedFiles,
	type InputCheck,
	type InputProblem,
	type ItemInput,
	type SentValues,
} from '../../shared/validation';
import {
	apiOptionsField,
	binaryFieldName,
	fileInputChoice,
	languageField,
	maxUploadSizeOption,
	speechTextField,
	waitAndDownloadFields,
} from '../../shared/descriptions';
import { waitForTask } from '../../shared/waiting';

const showOnlyForGenerate = {
	resource: ['avatar'],
	operation: ['generate'],
};

type VoiceSource = 'audioUrl' | 'createVoice' | 'useVoice';

function showForVoiceSource(voiceSource: VoiceSource, audioInput?: 'url' | 'binary') {
	return {
		show: { ...showOnlyForGenerate, voiceSource: [voiceSource], ...(audioInput ? { audioInput: [audioInput] } : {}) },
	};
}

const showForAvatarInput = (avatarInput: 'url' | 'binary') => ({ ...showOnlyForGenerate, avatarInput: [avatarInput] });

export const avatarGenerateDescription: INodeProperties[] = [
	fileInputChoice('Avatar Input', 'avatarInput', showOnlyForGenerate, 'photo or video of the person'),
	{
		displayName: 'Avatar URL',
		name: 'avatarUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/presenter.jpg',
		description:
			'Public URL of a photo or video of the person who will speak. A photo must show a face clearly.',
		displayOptions: { show: showForAvatarInput('url') },
		routing: { send: { type: 'body', property: 'avatar_url' } },
	},
	binaryFieldName('Avatar Binary Field', 'avatarBinaryProperty', showForAvatarInput('binary'), 'photo or video of the person who speaks'),
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
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/speech.mp3',
		description: 'Public URL of the audio track the avatar lip-syncs to',
		displayOptions: showForVoiceSource('audioUrl', 'url'),
		routing: { send: { type: 'body', property: 'audio_url' } },
	},
	binaryFieldName('Audio Binary Field', 'audioBinaryProperty', showForVoiceSource('audioUrl', 'binary').show, 'audio track'),
	// The same choice and field under the voice sample's labels: a value survives switching the source.
	fileInputChoice('Voice Sample Input', 'audioInput', showForVoiceSource('createVoice').show, 'recording of the voice to clone'),
	{
		displayName: 'Voice Sample URL',
		name: 'sampleAudioUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/voice-sample.mp3',
		description:
			'Public URL of a recording of the voice to clone',
		displayOptions: showForVoiceSource('createVoice', 'url'),
		routing: { send: { type: 'body', property: 'create_voice.audio_url' } },
	},
	binaryFieldName(
		'Voice Sample Binary Field',
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
		maxUploadSizeOption,
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

/** A file Generate can take from the item's binary data instead of a URL. */
interface FileInput {
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
	bodyProperty: string;
}

const photoOrVideo: AcceptedFiles = { mimeTypes: ['image/', 'video/'], what: 'a photo or a video (image/… or video/…)' };
const audio: AcceptedFiles = { mimeTypes: ['audio/'], what: 'an audio file (audio/…)' };

/** The files of a Generate request with this voice source. */
function fileInputsFor(voiceSource: VoiceSource): FileInput[] {
	const avatar: FileInput = {
		name: 'avatar',
		choice: 'avatarInput',
		binaryField: 'avatarBinaryProperty',
		binaryLabel: 'Avatar Binary Field',
		urlField: 'avatarUrl',
		accepted: photoOrVideo,
		bodyProperty: 'avatar_url',
	};
	const voice = { name: 'audio', choice: 'audioInput', binaryField: 'audioBinaryProperty', accepted: audio } as const;
	if (voiceSource === 'audioUrl') {
		return [avatar, { ...voice, binaryLabel: 'Audio Binary Field', urlField: 'audioUrl', bodyProperty: 'audio_url' }];
	}
	if (voiceSource === 'createVoice') {
		const sample = { binaryLabel: 'Voice Sample Binary Field', urlField: 'sampleAudioUrl' };
		return [avatar, { ...voice, ...sample, bodyProperty: 'create_voice.audio_url' }];
	}
	return [avatar];
}

/** A file's URL, or its binary field, is one that can be sent. */
async function checkFileInput(input: ItemInput, file: FileInput): Promise<InputProblem | undefined> {
	if (input.value(file.choice) !== 'binary') return checkHttpUrl(input, file.urlField);
	const maxBytes = maxUploadBytes(input.value('options.maxUploadSize'));
	const problem = await checkBinaryFile(input, file.binaryField, maxBytes, file.accepted);
	return problem && { ...problem, label: file.binaryLabel };
}

/**
 * The rules of POST /avatar/generation that can be checked before paying for a request (or
 * uploading its files). A row that resumes its task (Existing Task ID) sends none of these fields.
 */
const checkGenerateInput: InputCheck = async (input, request) => {
	if (request.method === 'GET') return undefined;
	const voiceSource = input.value('voiceSource') as VoiceSource;
	for (const file of fileInputsFor(voiceSource)) {
		const problem = await checkFileInput(input, file);
		if (problem) return problem;
	}
	switch (voiceSource) {
		case 'createVoice':
			return checkSpeech(input);
		case 'useVoice':
			return checkVoiceIds(input, 'voice') ?? checkSpeech(input) ?? checkPickedVoiceLanguage(input, 'voice', 'language');
		default:
			return undefined;
	}
};

/** Sets `path` (e.g. create_voice.audio_url) in a request body. */
function setBodyProperty(body: IDataObject, path: string, value: string) {
	const keys = path.split('.');
	const last = keys.pop() as string;
	let object = body;
	for (const key of keys) object = (object[key] ??= {}) as IDataObject;
	object[last] = value;
}

/**
 * Once the item's input is checked: uploads the files it takes from binary data and puts their
 * URLs where the body wants them. Each upload is noted, so an error of this item names it.
 */
async function uploadBinaryInputs(context: IExecuteSingleFunctions, request: RoutedRequest): Promise<RoutedRequest> {
	if (request.method === 'GET') return request;
	const body = (request.body ?? {}) as IDataObject;
	for (const fileInput of fileInputsFor(context.getNodeParameter('voiceSource') as VoiceSource)) {
		if (context.getNodeParameter(fileInput.choice) !== 'binary') continue;
		const field = String(context.getNodeParameter(fileInput.binaryField)).trim();
		const file = await binaryFileOf(context, context.getInputData(), field);
		// The input check has made sure it is there; this only guards against a change since.
		if (!file) {
			throw new NodeOperationError(context.getNode(), `The item has no binary field "${field}"`, {
				itemIndex: context.getItemIndex(),
			});
		}
		try {
			const uploaded = await uploadFile(context, file);
			recordUpload(context, fileInput.name, uploaded.url);
			setBodyProperty(body, fileInput.bodyProperty, uploaded.url);
		} catch (error) {
			const failure = error as Error & { description?: string | null };
			failure.message = `Could not upload the ${fileInput.name} file "${file.fileName}": ${failure.message}`;
			failure.description = [failure.description, 'No video was created for this item.'].filter(Boolean).join(' ');
			throw failure;
		}
	}
	return { ...request, body };
}

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
	// Noted by resumeExistingTask when it made the row's request a status query.
	const resumedTaskId = resumedTaskOf(this);
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
	const uploaded = uploadsOfItem(this);
	return [
		{
			json: {
				taskId,
				avatarUrl: (uploaded?.avatar as string | undefined) ?? (this.getNodeParameter('avatarUrl') as string),
				voiceSource: this.getNodeParameter('voiceSource') as string,
				noWatermark: this.getNodeParameter('noWatermark') as boolean,
				resumed: false,
				// The URLs of the files uploaded from binary data for this video, by input.
				...(uploaded ? { uploaded } : {}),
			},
			pairedItem: { item: this.getItemIndex() },
		},
	];
}

// Sent by the door (shared/transport.ts): paced, never repeated once it may have created a task.
export const avatarGenerateRouting = routedThroughDoor(
	{
		createsTask: true,
		checkInput: inputCheck(checkGenerateInput, avatarGenerateDescription, sentValues),
		prepare: uploadBinaryInputs,
	},
	{ request: { method: 'POST', url: '/avatar/generation' }, postReceive: [toTaskItem, waitForTask] },
);
