import type {
	DeclarativeRestApiSettings,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getResult } from './actions/getResult.operation';
import { generate } from './actions/generate.operation';
import type { FluxOperation } from './actions/operation';
import { chosenModel } from './actions/prepareRequest';
import { replicatePredict } from './actions/replicatePredict.operation';
import { fetchTask, readTaskOrFail, submitTask } from './api/cometApi';
import { itemBaseUrl } from './api/credential';
import { stopped } from './api/errors';
import { afterAllItemsChecked } from './task/inputGate';
import { assertSucceeded, resultItems } from './task/resultItems';
import { readSettings } from './task/settings';
import { taskSlotsFor, type TaskSlot } from './task/slots';
import { calledAsTool, toolAnswer, toolPendingAnswer, type ToolAsked } from './task/toolAnswer';
import type { TaskState } from './api/taskState';
import { outcomeOf } from './api/taskStatus';
import { assertHttpBaseUrl } from './api/transport';
import { waitForTask } from './task/waitForTask';

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
		baseUrl: assertHttpBaseUrl(context, await itemBaseUrl(context)),
		submission: operation.prepare && (await operation.prepare(context, request.options)),
		taskId: operation.taskId?.(context) ?? '',
	}));
	const problem = await afterAllItemsChecked(context, 'error' in checked ? checked.error : undefined);
	if (problem || 'error' in checked) throw problem;
	const { settings, baseUrl, submission, taskId } = checked.value;
	const asked = (): ToolAsked => ({ model: chosenModel(context, format), prompt: context.getNodeParameter('prompt', '') as string });

	let task: TaskState;
	let slot: TaskSlot | undefined;
	// The timeout counts from the moment the item has its turn, not while it queues for a slot.
	let startedAt = Date.now();
	let taskCreatedAt: number | undefined;
	const limits = () => ({
		taskCreatedAt,
		deadline: startedAt + settings.timeoutSeconds * 1000,
		timeoutSeconds: settings.timeoutSeconds,
		pollIntervalMs: settings.pollIntervalMs,
		signal,
	});
	try {
		if (submission) {
			const slotKey = `${baseUrl}|${context.getNode().credentials?.cometApi?.id ?? ''}`;
			slot = await taskSlotsFor(slotKey, settings.maxTasksInFlight).acquire(signal);
			startedAt = Date.now();
			const answer = await submitTask(context, baseUrl, submission, { ...limits(), onRateLimited: slot.rateLimited });
			slot.accepted();
			taskCreatedAt = (startedAt + Date.now()) / 2;
			task = readTaskOrFail(context, format, answer, { submit: true });
			if (!settings.waitForCompletion) return notWaited(context, task, asked());
		} else {
			task = await fetchTask(context, baseUrl, format, taskId, limits(), { firstLookup: true });
			if (!settings.waitForCompletion && outcomeOf(task.status) === 'waiting') {
				return notWaited(context, task, {});
			}
		}
		task = await waitForTask(context, baseUrl, format, task, limits());
	} finally {
		slot?.release();
	}
	assertSucceeded(context, task);
	// An AI Agent gets text, never the file: no download, a small answer it can quote.
	if (calledAsTool(context)) return toolAnswer(context, task, submission ? asked() : {});
	return await resultItems(context, task, settings, limits());
}

/**
 * A task not waited for. In a workflow: CometAPI's answer as is, with the task ID at the top in
 * every shape (Get Result's Task ID can be {{ $json.id }}). To an AI Agent: a small summary.
 */
function notWaited(context: IExecuteSingleFunctions, task: TaskState, asked: ToolAsked): INodeExecutionData[] {
	if (calledAsTool(context)) return toolPendingAnswer(context, task, asked);
	return [{ json: { id: task.id, ...task.raw }, pairedItem: { item: context.getItemIndex() } }];
}

/** Everything the user gave is checked before any request: the result, or what was wrong. */
async function settle<T>(check: () => Promise<T>): Promise<{ value: T } | { error: Error }> {
	try {
		return { value: await check() };
	} catch (error) {
		return { error: error as Error };
	}
}

function asNodeError(context: IExecuteSingleFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(context.getNode(), message, { itemIndex: context.getItemIndex() });
}
