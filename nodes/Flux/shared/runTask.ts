import type {
	DeclarativeRestApiSettings,
	IBinaryData,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { optionDefaults } from '../actions/common.properties';
import { getResult } from '../actions/getResult.operation';
import { generate } from '../actions/generate.operation';
import type { FluxOperation } from '../actions/operation';
import { replicatePredict } from '../actions/replicatePredict.operation';
import { apiError } from './apiReply';
import { fetchTask, readTaskOrFail, stopped, submitTask } from './cometApi';
import { downloadImage } from './images';
import { afterAllItemsChecked } from './inputGate';
import { positiveNumber } from './prepareRequest';
import { taskSlotsFor } from './taskSlots';
import type { TaskState } from './taskState';
import { outcomeOf, taskStatuses } from './taskStatus';
import { assertHttpBaseUrl } from './transport';
import { waitForTask } from './waitForTask';

const operations: Record<string, FluxOperation> = { generate, replicatePredict, getResult };

interface RunSettings {
	waitForCompletion: boolean;
	downloadImages: boolean;
	timeoutSeconds: number;
	pollIntervalMs: number;
	maxTasksInFlight: number;
	binaryPropertyName: string;
}

/**
 * Runs one item's task with the request n8n's routing built from the node's properties:
 * submit (or look up) the task, wait for it, download its images. Wired in as the routing's
 * `operations.pagination` function, n8n's hook for running a built request with our own code.
 */
export async function runTask(
	this: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	try {
		return await runItem(this, request);
	} catch (error) {
		if (this.getExecutionCancelSignal()?.aborted) throw stopped(this);
		const nodeError = asNodeError(this, error);
		if (!this.continueOnFail()) throw nodeError;
		return [{ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: this.getItemIndex() } }];
	}
}

async function runItem(context: IExecuteSingleFunctions, request: DeclarativeRestApiSettings.ResultOptions) {
	const operation = operations[context.getNodeParameter('operation', 'generate') as string];
	const format = operation.format(context);
	const signal = context.getExecutionCancelSignal();
	const checked = await settle(async () => ({
		settings: readSettings(context),
		baseUrl: assertHttpBaseUrl(context, request.options.baseURL),
		submission: operation.prepare && (await operation.prepare(context, request.options)),
		taskId: operation.taskId?.(context) ?? '',
	}));
	const problem = await afterAllItemsChecked(context, 'error' in checked ? checked.error : undefined);
	if (problem || 'error' in checked) throw problem;
	const { settings, baseUrl, submission, taskId } = checked.value;

	let task: TaskState;
	let release = () => {};
	// The timeout counts from the moment the item has its turn, not while it queues for a slot.
	let startedAt = Date.now();
	const limits = () => ({
		submittedAt: startedAt,
		deadline: startedAt + settings.timeoutSeconds * 1000,
		timeoutSeconds: settings.timeoutSeconds,
		pollIntervalMs: settings.pollIntervalMs,
		signal,
	});
	try {
		if (submission) {
			const slotKey = `${baseUrl}|${context.getNode().credentials?.cometApi?.id ?? ''}`;
			release = await taskSlotsFor(slotKey, settings.maxTasksInFlight).acquire(signal);
			startedAt = Date.now();
			const answer = await submitTask(context, baseUrl, submission, limits());
			if (!settings.waitForCompletion) return [{ json: answer, pairedItem: { item: context.getItemIndex() } }];
			task = readTaskOrFail(context, format, answer);
		} else {
			task = await fetchTask(context, baseUrl, format, taskId, limits());
			if (!settings.waitForCompletion && outcomeOf(task.status) === 'waiting') {
				return [{ json: task.raw, pairedItem: { item: context.getItemIndex() } }];
			}
		}
		task = await waitForTask(context, baseUrl, format, task, limits());
	} finally {
		release();
	}
	assertSucceeded(context, task);
	return await resultItems(context, task, settings, limits());
}

/** Everything the user gave is checked before any request: the result, or what was wrong. */
async function settle<T>(check: () => Promise<T>): Promise<{ value: T } | { error: Error }> {
	try {
		return { value: await check() };
	} catch (error) {
		return { error: error as Error };
	}
}

function readSettings(context: IExecuteSingleFunctions): RunSettings {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const binaryPropertyName = String(options.binaryPropertyName ?? optionDefaults.binaryPropertyName).trim();
	if (!binaryPropertyName) throw new NodeOperationError(context.getNode(), 'Put Output File in Field must not be empty');
	return {
		waitForCompletion: context.getNodeParameter('waitForCompletion', true) as boolean,
		downloadImages: context.getNodeParameter('downloadImages', true) as boolean,
		timeoutSeconds: positiveNumber(context, options.timeout ?? optionDefaults.timeout, 'Timeout (Seconds)'),
		pollIntervalMs: positiveNumber(context, options.pollInterval ?? optionDefaults.pollInterval, 'Poll Interval (Seconds)', 3600) * 1000,
		maxTasksInFlight: Math.floor(
			positiveNumber(context, options.maxTasksInFlight ?? optionDefaults.maxTasksInFlight, 'Max Tasks in Flight', 1000),
		),
		binaryPropertyName,
	};
}

function assertSucceeded(context: IExecuteSingleFunctions, task: TaskState) {
	const outcome = outcomeOf(task.status);
	if (outcome === 'succeeded') return;
	const known = outcome && taskStatuses[task.status];
	const reason = known ? known.reason : 'CometAPI reported a status this node does not know';
	const status = (known && known.shownAs) || task.status;
	const said = task.error ? `. CometAPI says: ${task.error}` : '';
	throw apiError(context, undefined, `Task ${task.id} ended "${status}": ${reason}${said}`, task.raw);
}

async function resultItems(
	context: IExecuteSingleFunctions,
	task: TaskState,
	settings: RunSettings,
	limits: { deadline: number; signal?: AbortSignal },
): Promise<INodeExecutionData[]> {
	const pairedItem = { item: context.getItemIndex() };
	const count = task.imageUrls.length;
	// Links must be saved now whatever the remaining timeout: give downloads their own minute.
	const downloadLimits = { ...limits, deadline: Math.max(limits.deadline, Date.now() + 60_000) };
	return await Promise.all(
		task.imageUrls.map(async (imageUrl, imageIndex) => {
			const json: IDataObject = {
				taskId: task.id,
				status: task.status,
				imageUrl,
				imageIndex,
				imageCount: count,
				prompt: task.prompt ?? null,
				seed: task.seed ?? null,
				response: task.raw,
			};
			if (!settings.downloadImages) return { json, pairedItem };
			const stem = count > 1 ? `${task.id}-${imageIndex + 1}` : task.id;
			const binary: IBinaryData = await downloadImage(context, imageUrl, { taskId: task.id, stem }, downloadLimits);
			return { json, binary: { [settings.binaryPropertyName]: binary }, pairedItem };
		}),
	);
}

function asNodeError(context: IExecuteSingleFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(context.getNode(), message, { itemIndex: context.getItemIndex() });
}
