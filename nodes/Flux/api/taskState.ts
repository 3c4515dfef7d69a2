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
	/** Progress 0-1 when the API reports it (BFL while Pending, CometAPI's envelope as "40%"). */
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

/** 0.4 from BFL's 0.4 or the envelope's "40%". */
function fraction(value: unknown): number | undefined {
	const percent = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value) : null;
	return percent ? Number(percent[1]) / 100 : number(value);
}

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

/** What a provider's own answer (BFL's or Replicate's shape) says about its task. */
interface ProviderAnswer {
	id?: string;
	status?: string;
	imageUrls: string[];
	seed?: number;
	prompt?: string;
	error?: string;
	progress?: number;
}

const providers: Record<ApiFormatName, { noun: string; images: string; read(body: IDataObject): ProviderAnswer }> = {
	// GET /flux/v1/get_result, or the BFL submit ({id, polling_url} / {id, status[, webhook_url]}).
	bfl: {
		noun: 'task',
		images: '"result.sample"',
		read(body) {
			const result = isObject(body.result) ? body.result : {};
			return {
				id: text(body.id),
				status: body.status === undefined && text(body.polling_url) ? 'Pending' : text(body.status),
				imageUrls: urlsOf(result.sample),
				seed: number(result.seed),
				prompt: text(result.prompt),
				error: describeError(body.details) ?? describeError(body.error),
				progress: number(body.progress),
			};
		},
	},
	// A Replicate prediction: from the submit (with Prefer: wait) or GET /replicate/v1/predictions/{id}.
	replicate: {
		noun: 'prediction',
		images: '"output"',
		read(body) {
			const input = isObject(body.input) ? body.input : {};
			return {
				id: text(body.id),
				status: text(body.status),
				imageUrls: urlsOf(body.output),
				seed: number(input.seed),
				prompt: text(input.prompt),
				error: describeError(body.error),
			};
		},
	},
};

/**
 * Any task answer of CometAPI: the provider's raw shape, or CometAPI's task envelope
 * `{code, message, data: {task_id, status, progress, fail_reason, data: <provider answer>}}`
 * (also `{data: <provider answer>}`). Images, seed and prompt come from the provider's answer;
 * where the two disagree, the envelope's status decides.
 */
export function readTaskAnswer(format: ApiFormatName, body: unknown, knownId?: string): TaskState | Unusable {
	if (!isObject(body)) return unusable('the answer is not a JSON object');
	const envelope = isObject(body.data) ? body.data : undefined;
	const inner = envelope ? (isObject(envelope.data) ? envelope.data : envelope) : body;
	const { noun, images, read } = providers[format];
	const provider = read(inner);
	const id = text(envelope?.task_id) ?? provider.id ?? knownId;
	if (!id) return unusable(`the answer has no ${noun} "id"`);
	const status = text(envelope?.status) ?? provider.status;
	if (!status) return unusable('the answer has no "status"');
	if (outcomeOf(status) === 'succeeded' && provider.imageUrls.length === 0) {
		return unusable(`the ${noun} is "${status}" but the answer has no image URL in ${images}`);
	}
	return {
		...provider,
		id,
		status,
		error: text(envelope?.fail_reason) ?? provider.error,
		progress: fraction(envelope?.progress) ?? provider.progress,
		raw: body,
	};
}
