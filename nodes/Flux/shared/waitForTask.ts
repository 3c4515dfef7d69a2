import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import { fetchTask } from './cometApi';
import type { TaskState } from './taskState';
import { outcomeOf } from './taskStatus';

export interface WaitOptions {
	submittedAt: number;
	deadline: number;
	timeoutSeconds: number;
	pollIntervalMs: number;
	signal?: AbortSignal;
}

/** Polls CometAPI's own result route until the task leaves the waiting statuses. */
export async function waitForTask(
	context: IExecuteSingleFunctions,
	baseUrl: string,
	format: ApiFormatName,
	task: TaskState,
	options: WaitOptions,
): Promise<TaskState> {
	while (outcomeOf(task.status) === 'waiting') {
		const delay = nextPollDelay(task, Date.now() - options.submittedAt, options.pollIntervalMs);
		if (Date.now() + delay > options.deadline) throw timedOut(context, task, options.timeoutSeconds);
		await sleep(delay, options.signal);
		task = await fetchTask(context, baseUrl, format, task.id, options);
	}
	return task;
}

/**
 * The poll interval, or sooner when the API's reported progress says the task ends sooner:
 * with progress p after t ms, the task should end after t/p ms.
 */
export function nextPollDelay(task: TaskState, elapsedMs: number, intervalMs: number): number {
	const { progress } = task;
	if (progress === undefined || progress <= 0 || progress >= 1 || elapsedMs <= 0) return intervalMs;
	const remaining = (elapsedMs * (1 - progress)) / progress;
	return Math.min(intervalMs, Math.max(50, remaining + 25));
}

function timedOut(context: IExecuteSingleFunctions, task: TaskState, timeoutSeconds: number) {
	return new NodeOperationError(
		context.getNode(),
		`Task ${task.id} was still "${task.status}" after ${timeoutSeconds} s`,
		{
			itemIndex: context.getItemIndex(),
			description: `It may still finish: collect it later with the Get Result operation and task ID ${task.id}, or raise Options > Timeout.`,
		},
	);
}
