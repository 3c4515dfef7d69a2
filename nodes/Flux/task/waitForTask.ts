import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import { fetchTask } from '../api/cometApi';
import { collectLater } from '../api/errors';
import { keepCost, type TaskState } from '../api/taskState';
import { meaningOf, outcomeOf } from '../api/taskStatus';

export interface WaitOptions {
	/** When CometAPI created the task, if known: the midpoint of its submit request. */
	taskCreatedAt?: number;
	deadline: number;
	timeoutSeconds: number;
	pollIntervalMs: number;
	signal?: AbortSignal;
}

/** Polls CometAPI's own result route until the task leaves the waiting statuses (or an unknown one). */
export async function waitForTask(
	context: IExecuteSingleFunctions,
	baseUrl: string,
	format: ApiFormatName,
	task: TaskState,
	options: WaitOptions,
): Promise<TaskState> {
	let first = options.taskCreatedAt === undefined ? undefined : { at: options.taskCreatedAt, progress: 0 };
	let latest: ProgressSample | undefined;
	while (outcomeOf(task.status) === 'waiting') {
		const delay = nextPollDelay(first, latest, Date.now(), options.pollIntervalMs);
		if (Date.now() + delay > options.deadline) throw timedOut(context, task, options.timeoutSeconds);
		await sleep(delay, options.signal);
		const sentAt = Date.now();
		task = keepCost(task, await fetchTask(context, baseUrl, format, task.id, options));
		// CometAPI measured the progress somewhere between sending and answering.
		latest = task.progress === undefined ? undefined : { at: (sentAt + Date.now()) / 2, progress: task.progress };
		first ??= latest;
	}
	return task;
}

/** A task's reported progress (0 to 1) and when it was measured. */
export interface ProgressSample {
	at: number;
	progress: number;
}

/**
 * The poll interval, or sooner when the reported progress says the task ends sooner: the
 * progress made between two samples, extended at the same rate to 1, plus a small margin.
 */
export function nextPollDelay(
	first: ProgressSample | undefined,
	latest: ProgressSample | undefined,
	now: number,
	intervalMs: number,
): number {
	if (!first || !latest || latest.progress <= first.progress || latest.progress >= 1) return intervalMs;
	const msPerProgress = (latest.at - first.at) / (latest.progress - first.progress);
	const endsAt = latest.at + (1 - latest.progress) * msPerProgress;
	return Math.min(intervalMs, Math.max(50, endsAt + 25 - now));
}

function timedOut(context: IExecuteSingleFunctions, task: TaskState, timeoutSeconds: number) {
	const unknown = meaningOf(task.status) ? '' : ' (a status this node does not know, so it kept waiting)';
	return new NodeOperationError(
		context.getNode(),
		`Task ${task.id} was still "${task.status}"${unknown} after ${timeoutSeconds} s`,
		{
			itemIndex: context.getItemIndex(),
			description: `It may still finish: ${collectLater(task.id)}, or raise Options > Timeout.`,
		},
	);
}
