import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { apiError, collectLater } from './errors';
import type { Attempt } from './retry';
import { retryAfterMs } from './retry';
import type { Reply } from './transport';

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** CometAPI's own words from any of the error shapes it (or BFL, or Replicate) answers with. */
export function apiMessage(body: unknown): string | undefined {
	if (typeof body === 'string') {
		return /^\s*</.test(body) ? 'an HTML page instead of JSON' : body.trim().slice(0, 300) || undefined;
	}
	if (!isObject(body)) return undefined;
	const { error, detail, message } = body;
	if (isObject(error) && typeof error.message === 'string') return error.message;
	if (typeof error === 'string') return error;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) {
		return detail
			.map((entry) => (isObject(entry) ? `${[entry.loc].flat().slice(-1).join('')}: ${String(entry.msg)}` : String(entry)))
			.join('; ');
	}
	return typeof message === 'string' ? message : undefined;
}

/** A 2xx answer that is an HTML page: what CometAPI sends keys that have no access to a route. */
export const isWebPage = (reply: Reply) =>
	reply.statusCode >= 200 && reply.statusCode < 300 && typeof reply.body === 'string' && /^\s*</.test(reply.body);

const errorCode = (body: unknown) =>
	isObject(body) && isObject(body.error) && typeof body.error.code === 'string' ? body.error.code : '';

export type Stage = 'submit' | 'poll';

/**
 * Reads a CometAPI reply: its JSON body, a temporary fault to retry, or a final `NodeApiError`.
 * Only 429 and 503 prove a submit created nothing; while polling every 429/5xx is worth another try.
 * A poll's task (`taskId`) was made: its errors name it, and how to collect it.
 */
export function readApiReply(context: IExecuteSingleFunctions, reply: Reply, stage: Stage, taskId?: string): Attempt<IDataObject> {
	const { statusCode, body } = reply;
	const said = apiMessage(body);
	if (statusCode >= 200 && statusCode < 300) {
		if (isObject(body)) return { done: body };
		if (stage === 'poll') return { retry: `CometAPI answered ${statusCode} with ${said ?? 'no JSON'}` };
		throw apiError(context, statusCode, `CometAPI answered the submit with ${said ?? 'no JSON'}`, body);
	}
	if (statusCode === 429 || statusCode === 503) {
		return { retry: `CometAPI answered ${statusCode}: ${said ?? 'busy'}`, retryAfterMs: retryAfterMs(reply.headers) };
	}
	const invalidRequest = errorCode(body) === 'invalid_request';
	if (stage === 'poll' && statusCode >= 500 && !invalidRequest) {
		return { retry: `CometAPI answered ${statusCode}: ${said ?? 'server error'}`, retryAfterMs: retryAfterMs(reply.headers) };
	}
	const task = taskId ? `Task ${taskId}: ` : '';
	const collect = taskId ? ` The task was made and may still finish: ${collectLater(taskId)}.` : '';
	if (statusCode >= 300 && statusCode < 400) {
		const location = String(reply.headers.location ?? 'another address');
		throw apiError(context, statusCode, `${task}CometAPI redirected to ${location}`, body, `Check the Base URL in the CometAPI credential.${collect}`);
	}
	const mayExist = stage === 'submit' && statusCode >= 500 && !invalidRequest;
	throw apiError(
		context,
		statusCode,
		`${task}CometAPI: ${said ?? `HTTP ${statusCode}`}`,
		body,
		mayExist ? 'The task may have been created anyway, so it was not sent again' : collect.trim() || undefined,
	);
}
