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
	/** What the task cost, when the answer states it. */
	cost?: TaskCost;
	raw: IDataObject;
}

/** What BFL's answer states a task cost (FLUX.2: `cost` in credits, `input_mp`, `output_mp`); null where it does not say. */
export interface TaskCost {
	cost: number | null;
	inputMegapixels: number | null;
	outputMegapixels: number | null;
}

/** Why an answer cannot be read as a task: unusable, or CometAPI refusing in its own words. */
export type Unusable = { unusable: string } | { refused: string };

const unusable = (why: string): Unusable => ({ unusable: why });

/** What the answer replies to: the submit that made the task, or a lookup of a known task. */
export type Asked = { submit: true } | { taskId: string };

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

function costOf(body: IDataObject): TaskCost | undefined {
	const stated = { cost: number(body.cost), inputMegapixels: number(body.input_mp), outputMegapixels: number(body.output_mp) };
	if (Object.values(stated).every((value) => value === undefined)) return undefined;
	return { cost: stated.cost ?? null, inputMegapixels: stated.inputMegapixels ?? null, outputMegapixels: stated.outputMegapixels ?? null };
}

/** The submit's answer states the cost and a poll's may not: what the task cost stays known. */
export function keepCost(earlier: TaskState, later: TaskState): TaskState {
	return later.cost || !earlier.cost ? later : { ...later, cost: earlier.cost };
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
	cost?: TaskCost;
}

interface Provider {
	noun: string;
	images: string;
	/** The status of a task that was just made, for a create answer that names none. */
	accepted: string;
	read(body: IDataObject): ProviderAnswer;
}

const providers: Record<ApiFormatName, Provider> = {
	// GET /flux/v1/get_result, or the BFL submit ({id, polling_url} / {id, status[, webhook_url]}).
	bfl: {
		noun: 'task',
		images: '"result.sample"',
		accepted: 'Pending',
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
				cost: costOf(body),
			};
		},
	},
	// A Replicate prediction: from the submit (with Prefer: wait) or GET /replicate/v1/predictions/{id}.
	replicate: {
		noun: 'prediction',
		images: '"output"',
		accepted: 'starting',
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
 * CometAPI's refusal inside a 200 answer: a `code` with no task in `data`, said in its `message`
 * (`{code: "...", message: "...", data: null}`).
 */
function refusalOf(body: IDataObject, envelope: IDataObject | undefined): string | undefined {
	if (!('code' in body)) return undefined;
	if (envelope && (text(envelope.task_id) ?? text(envelope.id) ?? text(envelope.status))) return undefined;
	const said = text(body.message);
	const code = String(body.code);
	if (said) return said;
	return code.toLowerCase() === 'success' ? undefined : `code "${code}"`;
}

/**
 * Any task answer of CometAPI: the provider's raw shape, or CometAPI's task envelope
 * `{code, message, data: {task_id, status, progress, fail_reason, data: <provider answer>}}`
 * (also `{data: <provider answer>}`). Images, seed and prompt come from the provider's answer;
 * where the two disagree, the envelope's status decides.
 */
export function readTaskAnswer(format: ApiFormatName, body: unknown, asked: Asked): TaskState | Unusable {
	if (!isObject(body)) return unusable('the answer is not a JSON object');
	const envelope = isObject(body.data) ? body.data : undefined;
	const refused = refusalOf(body, envelope);
	if (refused) return { refused };
	const inner = envelope ? (isObject(envelope.data) ? envelope.data : envelope) : body;
	const { noun, images, accepted, read } = providers[format];
	const provider = read(inner);
	const id = text(envelope?.task_id) ?? text(body.id) ?? provider.id ?? ('taskId' in asked ? asked.taskId : undefined);
	if (!id) return unusable(`the answer has no ${noun} "id"`);
	// CometAPI's own code reads only the id of a create answer: one with an id made the task.
	const status = text(envelope?.status) ?? provider.status ?? ('submit' in asked ? accepted : undefined);
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
