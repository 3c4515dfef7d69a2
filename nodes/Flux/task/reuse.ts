import type { IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { fetchTask, type Submission } from '../api/cometApi';
import { outcomeOf } from '../api/taskStatus';
import { finish, notWaited, settle, waitLimits, type ItemRun } from './itemRun';
import { requestKey, takeReusable } from './reusePool';
import type { ToolAsked } from './toolAnswer';
import { waitForTask } from './waitForTask';

/** Identical requests: the same credential, base URL, route and body (images and seed too), from the same node. */
export function reuseKeyOf(context: IExecuteSingleFunctions, baseUrl: string, submission: Submission): string {
	return requestKey([
		context.getNode().credentials?.cometApi?.id ?? '',
		baseUrl,
		submission.method,
		submission.url,
		submission.body,
		context.getWorkflow().id ?? '',
		context.getNode().name,
	]);
}

/**
 * A task made for the same request but never delivered (an earlier try or run of this node): its
 * images instead of a new submit. Undefined when there is none, or its result has expired.
 */
export async function reuseTask(item: ItemRun, reuseKey: string, asked: () => ToolAsked): Promise<INodeExecutionData[] | undefined> {
	const pooled = takeReusable(reuseKey);
	if (!pooled) return undefined;
	const { context, run, baseUrl, settings } = item;
	run.made(context.getItemIndex(), { ...pooled, reuseKey });
	const limits = waitLimits(item, Date.now());
	const looked = pooled.state ? { value: pooled.state } : await settle(async () => await fetchTask(context, baseUrl, pooled.format, pooled.id, limits));
	if ('error' in looked) {
		if (run.stoppedBy(looked.error) || context.getExecutionCancelSignal()?.aborted) throw looked.error;
		// CometAPI no longer knows the task (an envelope's "task_not_exist"): a new one is made.
		run.forget(context.getItemIndex());
		return undefined;
	}
	let task = looked.value;
	run.seen(context.getItemIndex(), task);
	if (outcomeOf(task.status) === 'failed') return undefined;
	if (!settings.waitForCompletion && outcomeOf(task.status) === 'waiting') return notWaited(context, task, asked());
	task = await waitForTask(context, baseUrl, pooled.format, task, limits);
	const finished = await settle(async () => await finish(item, task, limits, asked()));
	if ('value' in finished) return finished.value;
	const { error } = finished;
	if (!(error instanceof NodeApiError && expiredLinkCodes.includes(error.httpCode ?? ''))) throw error;
	// The image link has expired: a new task is made.
	run.forget(context.getItemIndex());
	return undefined;
}

const expiredLinkCodes = ['401', '403', '404', '410'];
