import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { getResult } from './actions/getResult.operation';
import { generate } from './actions/generate.operation';
import type { FluxOperation } from './actions/operation';
import { hasPendingImages, withImagesRead } from './actions/pendingImages';
import { chosenModel } from './actions/prepareRequest';
import { replicatePredict } from './actions/replicatePredict.operation';
import { fetchTask, readTaskOrFail, submitTask, type Submission, type SubmitLimits } from './api/cometApi';
import { itemBaseUrl } from './api/credential';
import { stopped } from './api/errors';
import { sendWithImages } from './task/imageSends';
import { finish, notWaited, settle, waitLimits, type ItemRun } from './task/itemRun';
import { joinNodeRun, type NodeRun } from './task/nodeRun';
import { reuseKeyOf, reuseTask } from './task/reuse';
import { readSettings } from './task/settings';
import { taskSlotsFor, type TaskSlot } from './task/slots';
import type { ToolAsked } from './task/toolAnswer';
import type { TaskState } from './api/taskState';
import { outcomeOf } from './api/taskStatus';
import { assertHttpBaseUrl } from './api/transport';
import { waitForTask, type WaitOptions } from './task/waitForTask';

const operations: Record<string, FluxOperation> = { generate, replicatePredict, getResult };

/**
 * Runs one item's task with the request n8n's routing built from the node's properties:
 * submit (or look up) the task, wait for it, download its images. Wired in as the routing's
 * `operations.pagination` function, n8n's hook for running a built request with our own code.
 */
export async function runTask(
	this: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	const run = joinNodeRun(this);
	try {
		const output = await runItem(this, request, run);
		run.deliver(this.getItemIndex());
		return output;
	} catch (error) {
		if (this.getExecutionCancelSignal()?.aborted) throw stopped(this);
		// Another item failed: the run fails with that item's error, which names this item's task.
		if (run.stoppedBy(error)) return [];
		const nodeError = asNodeError(this, error);
		if (this.continueOnFail()) {
			return [{ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: this.getItemIndex() } }];
		}
		const runError = run.failed(this.getItemIndex(), nodeError);
		if (runError) throw runError;
		return [];
	} finally {
		run.settle();
	}
}

async function runItem(context: IExecuteSingleFunctions, request: DeclarativeRestApiSettings.ResultOptions, run: NodeRun) {
	const operation = operations[context.getNodeParameter('operation', 'generate') as string];
	const format = operation.format(context);
	const checked = await settle(async () => ({
		settings: readSettings(context),
		baseUrl: assertHttpBaseUrl(context, await itemBaseUrl(context)),
		submission: operation.prepare && (await operation.prepare(context, request.options)),
		taskId: operation.taskId?.(context) ?? '',
	}));
	const problem = await run.allChecked('error' in checked ? checked.error : undefined);
	if (problem || 'error' in checked) throw problem;
	const { settings, baseUrl, submission, taskId } = checked.value;
	const item: ItemRun = { context, run, format, baseUrl, settings, signal: anySignal(context.getExecutionCancelSignal(), run.stopSignal) };

	if (!submission) return await collect(item, taskId);
	const asked = (): ToolAsked => ({ model: chosenModel(context, format), prompt: context.getNodeParameter('prompt', '') as string });
	const reuseKey = reuseKeyOf(context, baseUrl, submission);
	const reused = await reuseTask(item, reuseKey, asked);
	if (reused) return reused.map((output) => ({ ...output, json: { ...output.json, reused: true } }));

	let task: TaskState;
	let slot: TaskSlot | undefined;
	let limits: WaitOptions;
	// Until the task is known to be fine, a failure of this item stops its run.
	let failing = true;
	try {
		const queued = queueLimits(item);
		let sentAt = Date.now();
		let answer: IDataObject;
		try {
			const held = await taskSlotsOf(item).acquire(queued.signal);
			slot = held;
			sentAt = Date.now();
			// Faults that prove no task was made are retried for the Timeout; time re-queued after a 429
			// does not count, up to the Queue Timeout.
			const submitLimits: SubmitLimits = {
				deadline: Math.min(queued.deadline, sentAt + settings.timeoutSeconds * 1000),
				signal: queued.signal,
				onRateLimited: async (pauseMs) => {
					const pausedAt = Date.now();
					await held.rateLimited(pauseMs);
					submitLimits.deadline = Math.min(queued.deadline, submitLimits.deadline + Date.now() - pausedAt);
				},
			};
			// The images are read for each send, in the slot, and dropped once it is answered: an item
			// waiting in the queue after a 429 holds none.
			const readImages = async (target: Submission) => await withImagesRead(context, format, target);
			answer = await submitTask(context, baseUrl, submission, submitLimits, hasPendingImages(submission) ? async (target, send) => await sendWithImages(target, readImages, send) : undefined);
		} catch (error) {
			throw queueError(item, queued.signal, error, 'submitted');
		} finally {
			queued.over();
		}
		slot.accepted();
		// The Timeout is the task's: it counts from the accepted submit, not the time spent queueing.
		const acceptedAt = Date.now();
		task = readTaskOrFail(context, format, answer, { submit: true });
		run.made(context.getItemIndex(), { id: task.id, format, reuseKey });
		// Another item failed while this submit was on its way: the task is named in the run's error.
		run.stopSignal.throwIfAborted();
		if (!settings.waitForCompletion) {
			failing = false;
			return notWaited(context, task, asked());
		}
		limits = { ...waitLimits(item, acceptedAt), taskCreatedAt: (sentAt + acceptedAt) / 2 };
		task = await waitForTask(context, baseUrl, format, task, limits);
		failing = outcomeOf(task.status) === 'failed';
	} finally {
		// Before the slot is given back: no waiting item of a failing run takes it and pays.
		if (failing) run.stop(context.getItemIndex());
		slot?.release();
	}
	return await finish(item, task, limits, asked());
}

/**
 * Get Result: a task that already runs, collected in a task slot like a submitted one, so a
 * thousand task IDs are not a thousand pollers and downloads at once. Its Timeout counts from the
 * first lookup, once it has its slot.
 */
async function collect(item: ItemRun, taskId: string): Promise<INodeExecutionData[]> {
	const { context, baseUrl, format, settings } = item;
	const queued = queueLimits(item);
	let slot: TaskSlot;
	try {
		slot = await taskSlotsOf(item).acquire(queued.signal);
	} catch (error) {
		throw queueError(item, queued.signal, error, 'looked up');
	} finally {
		queued.over();
	}
	try {
		slot.accepted();
		const limits = waitLimits(item, Date.now());
		const task = await fetchTask(context, baseUrl, format, taskId, limits, { firstLookup: true });
		if (!settings.waitForCompletion && outcomeOf(task.status) === 'waiting') return notWaited(context, task, {});
		return await finish(item, await waitForTask(context, baseUrl, format, task, limits), limits, {});
	} finally {
		slot.release();
	}
}

/** The task slots of the item's API key: shared by its submits and lookups in this process. */
function taskSlotsOf({ context, baseUrl, settings }: ItemRun) {
	return taskSlotsFor(`${baseUrl}|${context.getNode().credentials?.cometApi?.id ?? ''}`, settings.maxTasksInFlight);
}

/** Until a submit is accepted: the Queue Timeout bounds the wait for a slot and 429 refusals. */
function queueLimits(item: ItemRun) {
	const ms = item.settings.queueTimeoutSeconds * 1000;
	const expired = new AbortController();
	const over = new AbortController();
	sleep(ms, over.signal).then(
		() => expired.abort(new Error('Queue Timeout')),
		() => {},
	);
	return { deadline: Date.now() + ms, signal: anySignal(item.signal, expired.signal), over: () => over.abort() };
}

/** The Queue Timeout's own error when it ended the wait; any other error as it is. */
function queueError(item: ItemRun, queued: AbortSignal, error: unknown, nothing: 'submitted' | 'looked up'): unknown {
	return queued.aborted && error === queued.reason && !item.signal.aborted ? queueTimedOut(item, nothing) : error;
}

function queueTimedOut({ context, settings }: ItemRun, nothing: string) {
	return new NodeOperationError(
		context.getNode(),
		`No task slot came free within the Queue Timeout (${settings.queueTimeoutSeconds} s): nothing was ${nothing} for this item`,
		{
			itemIndex: context.getItemIndex(),
			description: `All ${settings.maxTasksInFlight} tasks this API key may run at once (Max Tasks in Flight) stayed busy, here or in another process. Raise Options > Queue Timeout, or send fewer items at once.`,
		},
	);
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal {
	return AbortSignal.any(signals.filter((signal) => signal !== undefined));
}

function asNodeError(context: IExecuteSingleFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(context.getNode(), message, { itemIndex: context.getItemIndex() });
}
