import { admissionError } from './admission.ts';
import { readMarkers } from './markers.ts';
import { BFL_MODELS } from './models.ts';
import { cometError, json, type Reply } from './replies.ts';
import type { Incoming, SimState } from './state.ts';
import { bflStatus, type TaskRecord } from './tasks.ts';
import { checkFields, isPlainObject, type Problem } from './validation.ts';
import { onTheWire, taskNotFound } from './wire.ts';

/** POST /flux/v1/{model} */
export function submitBfl(state: SimState, req: Incoming, modelName: string): Reply {
	const model = BFL_MODELS[modelName];
	if (!model) return cometError(404, `Invalid model: ${modelName}`, 'model_not_found');
	if (req.badJson) {
		return json(422, {
			detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error' }],
		});
	}
	if (!isPlainObject(req.body)) {
		return json(422, {
			detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
		});
	}
	const body = req.body;
	const { problems, ignored } = checkFields(model.fields, body);
	const pixels = Number(body.width ?? 1024) * Number(body.height ?? 1024);
	if (model.maxPixels && pixels > model.maxPixels) {
		problems.push({ field: 'width', kind: 'value_error', message: `Width x height must be at most ${model.maxPixels} pixels`, input: pixels });
	}
	const crossProblem = model.check?.(body);
	if (crossProblem) problems.push({ ...crossProblem, kind: 'value_error' });
	if (problems.length > 0) return validationError(problems);

	const markers = readMarkers(body.prompt);
	const refused = admissionError(
		state,
		req.token ?? '',
		markers,
		model.ownActiveLimit ? { model: modelName, limit: model.ownActiveLimit } : undefined,
	);
	if (refused) return refused;

	const size = model.size(body);
	const webhookUrl = typeof body.webhook_url === 'string' ? body.webhook_url : undefined;
	const task = state.tasks.create({
		format: 'bfl',
		model: modelName,
		apiKey: req.token ?? '',
		generationMs: markers.generationMs ?? state.options.generationMs,
		errorOnce: markers.errorOnce,
		outcome: markers.outcome,
		body,
		ignoredFields: ignored,
		webhookUrl,
		webhookSecret: typeof body.webhook_secret === 'string' ? body.webhook_secret : undefined,
		prompt: typeof body.prompt === 'string' ? body.prompt : '',
		seed: typeof body.seed === 'number' ? body.seed : undefined,
		outputFormat:
			(body.output_format as 'jpeg' | 'png' | 'webp' | undefined) ?? model.defaultOutputFormat,
		imageIndexes: [0],
		outputShape: 'single',
		...size,
	});
	const pollingUrl = `${state.origins.polling}/v1/get_result?id=${encodeURIComponent(task.id)}`;
	// Seen enveloped without polling_url: {id, status: "Pending"}.
	const created = webhookUrl
		? { id: task.id, status: 'Pending', webhook_url: webhookUrl }
		: state.options.wire === 'envelope'
			? { id: task.id, status: 'Pending' }
			: { id: task.id, polling_url: pollingUrl };
	const answer = { ...created, ...(modelName.startsWith('flux-2-') ? flux2Cost(body, size) : {}) };
	return json(200, onTheWire(state.options.wire, task, answer, '', { submitted: true }));
}

/** GET /flux/v1/get_result?id= on the API origin and GET /v1/get_result?id= on the polling origin. */
export function getResult(state: SimState, req: Incoming): Reply {
	const id = req.query.id;
	if (!id) {
		return json(422, {
			detail: [{ type: 'missing', loc: ['query', 'id'], msg: 'Field required', input: null }],
		});
	}
	const task = state.tasks.get(id);
	if (!task) return json(200, taskNotFound(state.options.wire, id));
	const now = Date.now();
	const answer = resultPayload(state, task, now);
	return json(200, onTheWire(state.options.wire, task, answer, failureText(answer.details), { now }));
}

/** The get_result answer; also the webhook payload once the task is terminal. */
export function resultPayload(
	state: SimState,
	task: TaskRecord,
	now = Date.now(),
): Record<string, unknown> {
	const status = bflStatus(task, now);
	if (status === 'Pending') {
		const progress = Math.min(
			0.99,
			(now - task.createdAt) / Math.max(1, task.readyAt - task.createdAt),
		);
		return {
			id: task.id,
			status,
			result: null,
			progress: Math.round(progress * 100) / 100,
			details: null,
		};
	}
	if (status === 'Ready') {
		const index = task.imageIndexes[0];
		return {
			id: task.id,
			status,
			result: {
				sample: state.images.url(state.origins.images, task, index, state.options.imageTtlMs),
				prompt: task.prompt,
				seed: task.seed,
				start_time: task.createdAt / 1000,
				end_time: task.readyAt / 1000,
				duration: (task.readyAt - task.createdAt) / 1000,
			},
			progress: null,
			details: null,
		};
	}
	return { id: task.id, status, result: null, progress: null, details: failureDetails(status) };
}

/**
 * What BFL's FLUX.2 submit answer adds: `cost` (credits), `input_mp`, `output_mp`. The simulator's
 * own price list: 3 credits for the first output megapixel (2^20 pixels), 1.5 for each further one
 * begun, and 1.5 per input image, each counted as one megapixel.
 */
export function flux2Cost(body: Record<string, unknown>, size: { width: number; height: number }) {
	const round = (value: number) => Math.round(value * 100) / 100;
	const outputMp = round((size.width * size.height) / 2 ** 20);
	const inputMp = Object.keys(body).filter((field) => /^input_image(_\d+)?$/.test(field)).length;
	return { cost: round(3 + 1.5 * (Math.ceil(outputMp) - 1) + 1.5 * inputMp), input_mp: inputMp, output_mp: outputMp };
}

function failureText(details: unknown): string {
	if (!isPlainObject(details)) return '';
	return typeof details.error === 'string' ? details.error : JSON.stringify(details);
}

function failureDetails(status: string): Record<string, unknown> {
	if (status === 'Content Moderated' || status === 'Request Moderated') {
		return { 'Moderation Reasons': ['Derivative Works'] };
	}
	if (status === 'Error') return { error: 'Simulated generation error: the model crashed' };
	return { error: 'Simulated task failure' };
}

function validationError(problems: Problem[]): Reply {
	return json(422, {
		detail: problems.map((p) => ({
			loc: ['body', p.field],
			msg: p.message,
			type: p.kind,
			...(p.kind === 'missing' ? {} : { input: p.input }),
		})),
	});
}
