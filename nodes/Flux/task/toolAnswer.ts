import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import type { TaskState } from '../api/taskState';

/** BFL's delivery links last about 10 minutes (CometAPI's docs); used when a link does not say. */
const TYPICAL_LINK_MINUTES = 10;

/**
 * Whether an AI Agent runs the node as a tool: n8n then runs it as `<type>Tool` and hands the
 * model the JSON of the output items as text. Binary data never reaches the model.
 */
export function calledAsTool(context: IExecuteSingleFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/** The link's own expiry, when it carries one (the `se` of a signed blob URL). */
function linkExpiry(imageUrl: string): Date | undefined {
	try {
		const expires = new URL(imageUrl).searchParams.get('se');
		const date = expires ? new Date(expires) : undefined;
		return date && !Number.isNaN(date.getTime()) ? date : undefined;
	} catch {
		return undefined;
	}
}

function lifetime(expiresAt: Date | undefined, now: number): string {
	if (!expiresAt) return `about ${TYPICAL_LINK_MINUTES} minutes from now`;
	const minutes = Math.max(0, Math.round((expiresAt.getTime() - now) / 60_000));
	return minutes < 1 ? 'less than a minute' : `about ${minutes} minute${minutes === 1 ? '' : 's'} from now`;
}

/** The task's cost for the model, when the API stated it. */
const statedCost = (task: TaskState) => (typeof task.cost?.cost === 'number' ? { cost: task.cost.cost } : {});

/** What the model asked for, when the item submitted a task (Get Result asks for none). */
export interface ToolAsked {
	model?: string;
	prompt?: string;
}

/**
 * What the model gets back: the image link and what it needs to talk about it, a few hundred
 * bytes. Not the raw answer, not the file: both would only cost the model tokens.
 */
export function toolAnswer(
	context: IExecuteSingleFunctions,
	task: TaskState,
	asked: ToolAsked,
	now = Date.now(),
): INodeExecutionData[] {
	const [imageUrl, ...more] = task.imageUrls;
	const expiresAt = linkExpiry(imageUrl);
	const json: IDataObject = {
		imageUrl,
		...(more.length ? { imageUrls: task.imageUrls } : {}),
		taskId: task.id,
		model: asked.model ?? null,
		prompt: task.prompt ?? asked.prompt ?? null,
		linkExpiresAt: expiresAt?.toISOString() ?? null,
		linkValidFor: lifetime(expiresAt, now),
		...statedCost(task),
		note: 'Give the user imageUrl exactly as it is; the link expires.',
	};
	return [{ json, pairedItem: { item: context.getItemIndex() } }];
}

/**
 * What the model gets when the node does not wait: the task and how to collect it. CometAPI's
 * raw answer (a polling URL, provider details) would only cost tokens and invite a fetch the
 * model cannot make with the key.
 */
export function toolPendingAnswer(
	context: IExecuteSingleFunctions,
	task: TaskState,
	asked: ToolAsked,
): INodeExecutionData[] {
	const json: IDataObject = {
		taskId: task.id,
		status: task.status,
		imageReady: false,
		model: asked.model ?? null,
		prompt: task.prompt ?? asked.prompt ?? null,
		...statedCost(task),
		note: 'The image is not ready yet. Collect it later with this node\'s Get Result operation and this taskId.',
	};
	return [{ json, pairedItem: { item: context.getItemIndex() } }];
}
