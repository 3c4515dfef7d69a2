import { admissionError } from './admission.ts';
import { readMarkers } from './markers.ts';
import { REPLICATE_MODELS, type ReplicateFormat } from './models.ts';
import { cometError, json, type Reply } from './replies.ts';
import type { Incoming, SimState } from './state.ts';
import { replicateStatus, type TaskRecord } from './tasks.ts';
import { checkFields, isPlainObject, type Problem } from './validation.ts';
import { onTheWire } from './wire.ts';

const MAX_WAIT_SECONDS = 60;

/** POST /replicate/v1/predictions ({model, input}) and /replicate/v1/models/{owner}/{name}/predictions ({input}). */
export async function submitReplicate(
	state: SimState,
	req: Incoming,
	pathModel: string | undefined,
	sleep: (ms: number) => Promise<void>,
): Promise<Reply> {
	if (req.badJson) return validationFailed('Request body is not valid JSON');
	if (!isPlainObject(req.body))
		return validationFailed('- (root): Invalid type. Expected: object, given: null');
	const modelName = pathModel ?? req.body.model;
	if (typeof modelName !== 'string' || modelName === '')
		return validationFailed('- (root): model is required');
	const model = REPLICATE_MODELS[modelName];
	if (!model) return cometError(404, `Invalid model: ${modelName}`, 'model_not_found');
	const input = req.body.input;
	if (!isPlainObject(input)) return validationFailed('- (root): input is required');
	const { problems, ignored } = checkFields(model.fields, input);
	const crossProblem = model.check?.(input);
	if (crossProblem) problems.push({ ...crossProblem, kind: 'value_error' });
	if (problems.length > 0) return validationFailed(problems.map(describe).join(''));

	const markers = readMarkers(input.prompt);
	const refused = admissionError(state, req.token ?? '', markers);
	if (refused) return refused;

	const count =
		model.output === 'array' && typeof input.num_outputs === 'number' ? input.num_outputs : 1;
	const delivered = markers.nsfwPartial ? count - 1 : count;
	const task = state.tasks.create({
		format: 'replicate',
		model: modelName,
		apiKey: req.token ?? '',
		generationMs: markers.generationMs ?? state.options.generationMs,
		errorOnce: markers.errorOnce,
		outcome: markers.outcome,
		body: input,
		ignoredFields: ignored,
		prompt: typeof input.prompt === 'string' ? input.prompt : '',
		seed: typeof input.seed === 'number' ? input.seed : undefined,
		outputFormat: (input.output_format as ReplicateFormat | undefined) ?? model.defaultOutputFormat,
		imageIndexes: Array.from({ length: delivered }, (_, i) => i),
		outputShape: model.output,
		...model.size(input),
	});

	const waitSeconds = preferWait(req.headers.prefer);
	if (waitSeconds !== undefined) {
		// A few ms past readyAt: timers may fire a hair early and the task must be terminal by then.
		await sleep(Math.min(task.readyAt - Date.now() + 5, waitSeconds * 1000));
	}
	return json(201, onWire(state, task, { submitted: true }));
}

/** GET /replicate/v1/predictions/{id} */
export function getPrediction(state: SimState, id: string): Reply {
	const task = state.tasks.get(id);
	if (!task || task.format !== 'replicate') {
		return json(404, { title: 'Not found', detail: 'Not found.', status: 404 }, problemType);
	}
	return json(200, onWire(state, task));
}

function onWire(state: SimState, task: TaskRecord, how: { submitted?: boolean } = {}): Record<string, unknown> {
	const now = Date.now();
	const answer = prediction(state, task, now);
	return onTheWire(state.options.wire, task, answer, String(answer.error ?? ''), { ...how, now });
}

/** `Prefer: wait=N` (1-60 s) or plain `wait` (60 s); undefined when the client did not ask to wait. */
export function preferWait(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header.join(',') : (header ?? '');
	for (const part of value.split(/[,;]/)) {
		const match = /^\s*wait(?:\s*=\s*(\d+))?\s*$/i.exec(part);
		if (!match) continue;
		if (match[1] === undefined) return MAX_WAIT_SECONDS;
		return Math.min(MAX_WAIT_SECONDS, Math.max(1, Number(match[1])));
	}
	return undefined;
}

function prediction(state: SimState, task: TaskRecord, now = Date.now()): Record<string, unknown> {
	const status = replicateStatus(task, now);
	const generationMs = task.readyAt - task.createdAt;
	const startedAt = task.createdAt + generationMs / 10;
	const terminal = now >= task.readyAt;
	// Only a finished prediction has image links (a stuck one has no ready time to sign them with).
	const urls =
		status === 'succeeded'
			? task.imageIndexes.map((index) => state.images.url(state.origins.images, task, index, state.options.imageTtlMs))
			: [];
	const base = `${state.origins.replicateUrls}/v1/predictions/${task.id}`;
	return {
		id: task.id,
		model: task.model,
		version: 'hidden',
		input: task.body,
		logs: status === 'starting' ? '' : logs(task, status),
		output: status === 'succeeded' ? (task.outputShape === 'array' ? urls : urls[0]) : null,
		data_removed: false,
		error: errorOf(task, status),
		status,
		created_at: iso(task.createdAt),
		...(status !== 'starting' ? { started_at: iso(startedAt) } : {}),
		...(terminal ? { completed_at: iso(task.readyAt) } : {}),
		urls: {
			cancel: `${base}/cancel`,
			get: base,
			stream: `${state.origins.replicateUrls}/v1/files/bcwr-${task.id}`,
		},
		...(status === 'succeeded'
			? { metrics: { image_count: urls.length, predict_time: (task.readyAt - startedAt) / 1000 } }
			: {}),
	};
}

function errorOf(task: TaskRecord, status: string): string | null {
	if (status !== 'failed') return null;
	switch (task.outcome) {
		case 'ready':
			return 'All generated images contained NSFW content. Try running it again with a different prompt.';
		case 'content-moderated':
		case 'request-moderated':
			return 'Prompt or output flagged as sensitive (E005). Try a different prompt.';
		default:
			return 'Simulated prediction failure: CUDA error: out of memory';
	}
}

function logs(task: TaskRecord, status: string): string {
	const lines = [`Using seed: ${task.seed}`, 'Running prediction'];
	if (status === 'succeeded') lines.push(`Generated ${task.imageIndexes.length} image(s)`);
	return lines.join('\n') + '\n';
}

const problemType = { 'content-type': 'application/problem+json' };

function validationFailed(detail: string): Reply {
	return json(422, { detail, status: 422, title: 'Input validation failed' }, problemType);
}

function describe(problem: Problem): string {
	if (problem.kind === 'missing') return `- input: ${problem.field} is required\n`;
	return `- input.${problem.field}: ${problem.message.replace(/^Input should be /, 'Must be ')}\n`;
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}
