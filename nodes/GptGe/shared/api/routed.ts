import {
	NodeApiError,
	NodeOperationError,
	type DeclarativeRestApiSettings,
	type IDataObject,
	type IExecutePaginationFunctions,
	type IExecuteSingleFunctions,
	type IN8nHttpFullResponse,
	type INodeExecutionData,
	type INodePropertyRouting,
	type PostReceiveAction,
	type PreSendAction,
} from 'n8n-workflow';
import { maskDeep, maskError } from '../secrets';
import { checkedAnswer } from './answerError';
import type { Endpoint } from './answers';
import { accountOf, requestOptionsFor, secretsOf } from './account';
import { attemptUntilSettled, noteAnswer, outcomeOfAnswer, outcomeOfNoAnswer, type Ticket } from './attempts';
import { createKeyOf, createsOfThisProcess, resumeEarlierCreate, whatTheTryLeft } from './earlierTries';
import { itemStateOf, taskOfItem, type ItemState } from './items';
import { withLedger } from './ledger';
import type { Outcome } from './policy';
import { isToolMode, toolErrorItem } from './toolMode';

/*
 * Routed requests: an operation's routing, sent by the request layer. The routing builds a
 * request per item; n8n-core hands it to the operation's `requestOperations.pagination` function
 * (with `send.paginate` on), the one hook where a declarative node makes the call itself,
 * through `makeRoutingRequest`, which sends it and runs the postReceive steps. `checkApiAnswer`,
 * the first of those steps, reports what the API answered, so that only the answer to this very
 * request can cause it to be sent again. Each item has one state (items.ts), handed to the
 * operation's hooks.
 */

/** A request as the routing built it. */
export type RoutedRequest = DeclarativeRestApiSettings.HttpRequestOptions;

/**
 * Refuses an item's input before anything is sent (see validation.ts): the error, or null.
 * `failure` is an error met while reading what the item is about (`identify`): the item's problem.
 */
export type RequestCheck = (
	context: IExecuteSingleFunctions,
	request: RoutedRequest,
	state: ItemState,
	failure?: Error,
) => Promise<Error | null>;

/** A postReceive step of an operation, handed its item's state. */
export type ItemStep = (
	context: IExecuteSingleFunctions,
	state: ItemState,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
) => Promise<INodeExecutionData[]>;

/** What an operation's request is, for the request layer. */
export interface RoutedCall {
	createsTask: boolean;
	/** The endpoint its answer comes from (answers.ts reads it); an item resuming a task reads a task. */
	endpoint: Endpoint;
	/** Notes what the item is about (the task it reads or goes on with) before its input is checked. */
	identify?: (context: IExecuteSingleFunctions, state: ItemState) => void;
	checkInput?: RequestCheck;
	/**
	 * Makes the request the item sends, once its input is checked: the task's own path, files
	 * uploaded first (see files/). Runs once per item: a retry does not repeat it.
	 */
	prepare?: (context: IExecuteSingleFunctions, state: ItemState, request: RoutedRequest) => Promise<RoutedRequest>;
}

/** The answer to the request in flight for an item, as checkApiAnswer saw it. */
interface InFlight {
	ticket?: Ticket;
	response?: IN8nHttpFullResponse;
	error?: NodeApiError;
}

const inFlight = new WeakMap<ItemState, InFlight>();

/**
 * First postReceive step of every operation: reports the answer, then throws if it is a failure.
 * A failed create's task ID stays with the item: its error and the run's ledger name it.
 */
function answerCheckStep(call: RoutedCall): PostReceiveAction {
	return async function checkApiAnswer(
		this: IExecuteSingleFunctions,
		items: INodeExecutionData[],
		response: IN8nHttpFullResponse,
	): Promise<INodeExecutionData[]> {
		const state = itemStateOf(this);
		const endpoint = state.resumed ? 'task' : call.endpoint;
		const { secrets } = await accountOf(this);
		const { reading, error } = checkedAnswer(this.getNode(), response, endpoint, secrets, this.getItemIndex());
		if (!reading.ok && reading.taskId) Object.assign(state, { taskId: reading.taskId, created: true, uncertain: true });
		const sent = inFlight.get(state);
		if (sent) {
			Object.assign(sent, { response, error });
			if (sent.ticket) noteAnswer(sent.ticket, response);
		}
		if (error) throw error;
		return items;
	};
}

/** Last postReceive step of every operation: the items show no token. */
async function maskItems(this: IExecuteSingleFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const { secrets } = await accountOf(this);
	for (const item of items) maskDeep(item.json, secrets);
	return items;
}

/** An operation's step as n8n calls a postReceive function, with its item's state. */
function withItemState(step: ItemStep): PostReceiveAction {
	return async function (this: IExecuteSingleFunctions, items: INodeExecutionData[], response: IN8nHttpFullResponse) {
		return await step(this, itemStateOf(this), items, response);
	};
}

/**
 * An operation's routing, sent by the request layer: the engine's pagination hook hands the
 * request to `sendRouted`, and `checkApiAnswer` comes before the operation's own steps.
 */
export function routedThroughDoor(
	call: RoutedCall,
	routing: { request: INodePropertyRouting['request']; preSend?: PreSendAction[]; postReceive: ItemStep[] },
): INodePropertyRouting {
	return {
		request: routing.request,
		send: { paginate: true, ...(routing.preSend ? { preSend: routing.preSend } : {}) },
		operations: { pagination: sendRouted(call) },
		output: { postReceive: [answerCheckStep(call), ...routing.postReceive.map(withItemState), maskItems] },
	};
}

/** The error as n8n shows it, naming the item. */
export function asNodeError(context: IExecuteSingleFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= context.getItemIndex();
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex: context.getItemIndex() });
}

/**
 * Under Continue On Fail, the error item paired with its row. n8n's engine replaces the JSON of an
 * item that carries `error` with { error: message }, dropping the why and the task ID. Without
 * it, and with only keys n8n's error output recognises (error, details), the item keeps both and
 * still reaches that output.
 */
function errorItem(error: NodeApiError | NodeOperationError, state: ItemState): INodeExecutionData {
	const taskId = taskOfItem(state);
	const details = {
		...(error.description ? { description: error.description } : {}),
		...(taskId ? { taskId } : {}),
		...(Object.keys(state.uploads).length ? { uploaded: { ...state.uploads } } : {}),
	};
	const json: IDataObject = { error: error.message, ...(Object.keys(details).length ? { details } : {}) };
	return { json, pairedItem: { item: state.itemIndex } };
}

/**
 * The `requestOperations.pagination` function of an operation: checks the item, prepares its
 * request and sends it. A failed item becomes an error item under Continue On Fail; otherwise
 * its error lists the tasks the run created. A tool's error is its answer to the model.
 */
function sendRouted(call: RoutedCall) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const state = itemStateOf(this);
		let createKey: string | undefined;
		let lastFailure: Outcome | undefined;
		try {
			let failure: Error | undefined;
			try {
				call.identify?.(this, state);
			} catch (error) {
				failure = error as Error;
			}
			const problem = call.checkInput ? await call.checkInput(this, requestData.options, state, failure) : failure;
			if (problem) throw problem;
			// n8n's Retry On Fail: what an earlier try of this execution created is resumed, not bought again.
			createKey = call.createsTask && !state.resumed ? createKeyOf(this, state, requestData.options) : undefined;
			if (createKey) resumeEarlierCreate(this, state, createKey);
			// Sent afresh: nothing an earlier try left on the item's state is this try's task.
			if (createKey && !state.resumed) Object.assign(state, { taskId: undefined, created: false, uncertain: undefined });
			const request = call.prepare ? await call.prepare(this, state, requestData.options) : requestData.options;
			const account = await accountOf(this);
			const policy = { createsTask: call.createsTask && !state.resumed, priority: 'normal' as const };
			return await attemptUntilSettled<INodeExecutionData[]>(this, account, policy, async (attempt) => {
				const sent: InFlight = { ticket: attempt.ticket };
				inFlight.set(state, sent);
				const { url, ...options } = requestOptionsFor(account, attempt);
				try {
					const items = await this.makeRoutingRequest({
						...requestData,
						options: { ...request, ...options, ...(url ? { url } : {}) },
					});
					return { value: items };
				} catch (error) {
					if (sent.error && sent.error === error) {
						lastFailure = outcomeOfAnswer(sent.response!);
						return { failed: lastFailure, error: sent.error };
					}
					if (!sent.response) {
						lastFailure = outcomeOfNoAnswer(error);
						return { failed: lastFailure, error: error as Error };
					}
					// A later step (waiting, downloading) failed: final, never a reason to send again.
					throw asNodeError(this, error);
				}
			});
		} catch (error) {
			const secrets = await secretsOf(this);
			const nodeError = maskError(asNodeError(this, error), secrets);
			if (isToolMode(this)) return [maskDeep(toolErrorItem(nodeError, state, this.getNode().parameters), secrets)];
			if (this.continueOnFail()) return [maskDeep(errorItem(nodeError, state), secrets)];
			throw maskError(withLedger(this, nodeError), secrets);
		} finally {
			inFlight.delete(state);
			if (createKey && !state.resumed) {
				const left = whatTheTryLeft(state.created ? state.taskId : undefined, lastFailure);
				createsOfThisProcess.remember(createKey, left, Date.now());
			}
		}
	};
}
