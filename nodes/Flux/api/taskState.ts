import type { IDataObject } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import { outcomeOf } from './taskStatus';

/** A task as both API formats describe it, read from an answer we do not trust. */
export interface TaskState {
	id: string;
	status: string;
	imageUrls: string[];
	seed?: number;
	prompt?: string;
	/** The API's own words on why the task failed, when it gave any. */
	error?: string;
	/** Progress 0-1 when the API reports it (BFL does while Pending). */
	progress?: number;
	raw: IDataObject;
}

/** Why an answer cannot be read as a task. */
export type Unusable = { unusable: string };

const unusable = (why: string): Unusable => ({ unusable: why });

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function describeError(value: unknown): string | undefined {
	if (value === null || value === undefined || value === '') return undefined;
	if (typeof value === 'string') return value;
	if (isObject(value) && typeof value.message === 'string') return value.message;
	return JSON.stringify(value);
}

function urlsOf(value: unknown): string[] {
	const list = Array.isArray(value) ? value : [value];
	return list.filter((url): url is string => typeof url === 'string' && /^https?:\/\//i.test(url));
}

/** An answer of GET /flux/v1/get_result, or of the BFL submit ({id, polling_url} / {id, status, webhook_url}). */
export function readBflTask(body: unknown, knownId?: string): TaskState | Unusable {
	if (!isObject(body)) return unusable('the answer is not a JSON object');
	const id = text(body.id) ?? knownId;
	if (!id) return unusable('the answer has no task "id"');
	const status = body.status === undefined && text(body.polling_url) ? 'Pending' : text(body.status);
	if (!status) return unusable('the answer has no "status"');
	const result = isObject(body.result) ? body.result : {};
	const imageUrls = urlsOf(result.sample);
	if (outcomeOf(status) === 'succeeded' && imageUrls.length === 0) {
		return unusable(`the task is "${status}" but the answer has no image URL in "result.sample"`);
	}
	return {
		id,
		status,
		imageUrls,
		seed: number(result.seed),
		prompt: text(result.prompt),
		error: describeError(body.details) ?? describeError(body.error),
		progress: number(body.progress),
		raw: body,
	};
}

/** A Replicate prediction: from the submit (with Prefer: wait) or GET /replicate/v1/predictions/{id}. */
export function readReplicateTask(body: unknown, knownId?: string): TaskState | Unusable {
	if (!isObject(body)) return unusable('the answer is not a JSON object');
	const id = text(body.id) ?? knownId;
	if (!id) return unusable('the answer has no prediction "id"');
	const status = text(body.status);
	if (!status) return unusable('the answer has no "status"');
	const imageUrls = urlsOf(body.output);
	if (outcomeOf(status) === 'succeeded' && imageUrls.length === 0) {
		return unusable(`the prediction "${status}" but its "output" has no image URL`);
	}
	const input = isObject(body.input) ? body.input : {};
	return {
		id,
		status,
		imageUrls,
		seed: number(input.seed),
		prompt: text(input.prompt),
		error: describeError(body.error),
		raw: body,
	};
}

export const readTask: Record<ApiFormatName, (body: unknown, knownId?: string) => TaskState | Unusable> = {
	bfl: readBflTask,
	replicate: readReplicateTask,
};
