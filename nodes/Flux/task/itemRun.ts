import type { IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import type { TaskState } from '../api/taskState';
import type { NodeRun } from './nodeRun';
import { assertSucceeded, resultItems } from './resultItems';
import type { RunSettings } from './settings';
import { calledAsTool, toolAnswer, toolPendingAnswer, type ToolAsked } from './toolAnswer';
import type { WaitOptions } from './waitForTask';

/** What every step of one item needs. */
export interface ItemRun {
	context: IExecuteSingleFunctions;
	run: NodeRun;
	format: ApiFormatName;
	baseUrl: string;
	settings: RunSettings;
	/** The execution's cancel signal and the run's stop. */
	signal: AbortSignal;
}

export function waitLimits(item: ItemRun, from: number): WaitOptions {
	const { timeoutSeconds, pollIntervalMs } = item.settings;
	return { deadline: from + timeoutSeconds * 1000, timeoutSeconds, pollIntervalMs, signal: item.signal };
}

/** The item's images (or, to an AI Agent, a summary), once its task has succeeded. */
export async function finish(item: ItemRun, task: TaskState, limits: WaitOptions, asked: ToolAsked) {
	const { context } = item;
	item.run.seen(context.getItemIndex(), task);
	assertSucceeded(context, task);
	// An AI Agent gets text, never the file: no download, a small answer it can quote.
	if (calledAsTool(context)) return toolAnswer(context, task, asked);
	return await resultItems(context, task, item.settings, limits);
}

/**
 * A task not waited for. In a workflow: CometAPI's answer as is, with the task ID at the top in
 * every shape (Get Result's Task ID can be {{ $json.id }}). To an AI Agent: a small summary.
 */
export function notWaited(context: IExecuteSingleFunctions, task: TaskState, asked: ToolAsked): INodeExecutionData[] {
	if (calledAsTool(context)) return toolPendingAnswer(context, task, asked);
	return [{ json: { id: task.id, ...task.raw }, pairedItem: { item: context.getItemIndex() } }];
}

/** What a step returned, or the error it threw. */
export async function settle<T>(check: () => Promise<T>): Promise<{ value: T } | { error: Error }> {
	try {
		return { value: await check() };
	} catch (error) {
		return { error: error as Error };
	}
}
