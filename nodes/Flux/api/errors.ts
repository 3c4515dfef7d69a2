import type { IExecuteSingleFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

const isObject = (value: unknown): value is JsonObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bad input from the user: named, with what is allowed, before any request. */
export function invalid(context: IExecuteSingleFunctions, message: string, description?: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { itemIndex: context.getItemIndex(), description });
}

/** A failure reported by (or about) CometAPI, with its own words and HTTP status where known. */
export function apiError(
	context: IExecuteSingleFunctions,
	statusCode: number | undefined,
	message: string,
	body?: unknown,
	description?: string,
): NodeApiError {
	const response: JsonObject = { message, ...(isObject(body) ? { body } : {}) };
	return new NodeApiError(context.getNode(), response, {
		message,
		description,
		httpCode: statusCode === undefined ? undefined : String(statusCode),
		itemIndex: context.getItemIndex(),
	});
}

export function stopped(context: IExecuteSingleFunctions) {
	return new NodeOperationError(context.getNode(), 'The execution was stopped', { itemIndex: context.getItemIndex() });
}

/** How to collect a task that was made: what every error after a submit tells the user. */
export const collectLater = (taskId: string) => `collect it later with the Get Result operation and task ID ${taskId}`;

/** n8n refused to send the request (e.g. the credential's allowed domains), with its reason and the task, if made. */
export function notSent(context: IExecuteSingleFunctions, reason: string, taskId?: string) {
	const task = taskId ? `Task ${taskId}: the` : 'The';
	return new NodeOperationError(context.getNode(), `${task} request was not sent: ${reason}`, {
		itemIndex: context.getItemIndex(),
		description: taskId ? `The task was made and may still finish: ${collectLater(taskId)}.` : undefined,
	});
}
