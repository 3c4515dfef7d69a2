/**
 * BFL's finetuned models, through n8n's real engine against the simulator: the exact body of each,
 * the item stopped before any request without a Finetune ID, the simulator's own 422 for a body
 * without one (as BFL answers), and a typed finetuned ID that gets its family's fields.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { request } from 'undici';

import { findModel } from '../../nodes/Flux/catalogue';
import { modelFieldsCollection } from '../../nodes/Flux/catalogue/properties';
import type { Simulator } from '../simulator/index.ts';
import { bodiesSent, fluxRun, fluxRunOk, SAMPLE_INPUT_BYTES, submitsSent, useSimulator } from './helpers.ts';

let sim: Simulator;
useSimulator({ generationMs: 100 }, (started) => (sim = started));

const URL_A = 'https://example.com/a.png';
const URL_B = 'https://example.com/b.png';
const rl = (value: string) => ({ __rl: true, mode: 'list', value });
const generate = (model: string, additionalFields: INodeParameters): INodeParameters => ({
	operation: 'generate',
	model: rl(model),
	prompt: 'my dog on the moon',
	additionalFields,
});

describe('finetuned models: exact bodies', () => {
	test.each<[string, INodeParameters, IDataObject]>([
		[
			'flux-pro-finetuned',
			{ finetune_id: 'ft-dog', finetune_strength: 1.4, steps: 30, guidance: 3, width: 512, height: 512 },
			{ finetune_id: 'ft-dog', finetune_strength: 1.4, steps: 30, guidance: 3, width: 512, height: 512 },
		],
		[
			'flux-pro-1.1-ultra-finetuned',
			{ finetune_id: 'ft-dog', finetune_strength: 2, aspect_ratio: '21:9', image_prompt: URL_A, output_format: 'png' },
			{ finetune_id: 'ft-dog', finetune_strength: 2, aspect_ratio: '21:9', image_prompt: URL_A, output_format: 'png' },
		],
		[
			'flux-pro-1.0-fill-finetuned',
			{ finetune_id: 'ft-dog', image: URL_A, mask: URL_B, guidance: 70 },
			{ finetune_id: 'ft-dog', image: URL_A, mask: URL_B, guidance: 70 },
		],
		[
			'flux-pro-1.0-canny-finetuned',
			{ finetune_id: 'ft-dog', finetune_strength: 0, control_image: URL_A, canny_low_threshold: 40 },
			{ finetune_id: 'ft-dog', finetune_strength: 0, control_image: URL_A, canny_low_threshold: 40 },
		],
		[
			'flux-pro-1.0-depth-finetuned',
			{ finetune_id: 'ft-dog', control_image: URL_A, guidance: 20, seed: 3 },
			{ finetune_id: 'ft-dog', control_image: URL_A, guidance: 20, seed: 3 },
		],
	])('%s', async (model, fields, body) => {
		const result = await fluxRunOk(sim, generate(model, fields));
		expect(bodiesSent(sim, `/flux/v1/${model}`)).toStrictEqual([{ prompt: 'my dog on the moon', ...body }]);
		// The simulator (BFL's fields for the model) took every field sent.
		expect(sim.task(result.items[0].json.taskId as string)?.ignoredFields).toEqual([]);
	});
});

describe('finetuned models: the Finetune ID is required', () => {
	test.each(['flux-pro-finetuned', 'flux-pro-1.1-ultra-finetuned'])('%s without finetune_id: stopped before any request, naming the field', async (model) => {
		const run = await fluxRun(sim, generate(model, { finetune_strength: 1 }));
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(`Finetune ID is required for ${model}`);
		expect(submitsSent(sim)).toEqual([]);
	});

	test('an empty finetune_id is refused too', async () => {
		const run = await fluxRun(sim, generate('flux-pro-finetuned', { finetune_id: '  ' }));
		expect(run.error?.message).toMatch(/^Finetune ID must be a non-empty text \(got "  "\) for flux-pro-finetuned$/);
		expect(submitsSent(sim)).toEqual([]);
	});

	test('finetune_strength out of 0-2 is refused with the range', async () => {
		const run = await fluxRun(sim, generate('flux-pro-finetuned', { finetune_id: 'ft', finetune_strength: 2.5 }));
		expect(run.error?.message).toMatch(/^Finetune Strength must be a number, 0-2 \(got 2\.5\)/);
		expect(submitsSent(sim)).toEqual([]);
	});

	test('with Continue On Fail the item without a Finetune ID carries the error and the next one runs', async () => {
		const run = await fluxRun(
			sim,
			{ ...generate('flux-pro-finetuned', {}), additionalFields: { finetune_id: '={{ $json.finetune || "" }}' } },
			{ continueOnFail: true, items: [{ json: { finetune: 'ft-cat' } }, { json: {} }] as INodeExecutionData[] },
		);
		expect(run.items.map((item) => item.json.error ?? item.json.taskId)).toEqual([
			expect.any(String),
			expect.stringMatching(/^Finetune ID must be a non-empty text/),
		]);
		expect(bodiesSent(sim, '/flux/v1/flux-pro-finetuned')).toStrictEqual([{ prompt: 'my dog on the moon', finetune_id: 'ft-cat' }]);
	});

	test.each([
		['flux-pro-finetuned', { prompt: 'x' }],
		['flux-pro-1.0-depth-finetuned', { prompt: 'x', control_image: URL_A }],
	])('the simulator refuses %s without finetune_id with a 422, as BFL does', async (model, body) => {
		const answer = await request(`${sim.url}/flux/v1/${model}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(answer.statusCode).toBe(422);
		expect(await answer.body.json()).toEqual({ detail: [{ loc: ['body', 'finetune_id'], msg: 'Field required', type: 'missing' }] });
	});
});

describe('typed finetuned model IDs', () => {
	test('flux-pro-1.0-fill-finetuned typed by ID, with an image and a mask from binaries and a finetune_id', async () => {
		const b64 = SAMPLE_INPUT_BYTES.toString('base64');
		const picture: INodeExecutionData = {
			json: {},
			binary: {
				data: { data: b64, mimeType: 'image/png', fileName: 'in.png' },
				mask: { data: b64, mimeType: 'image/png', fileName: 'mask.png' },
			},
		};
		const parameters = {
			operation: 'generate',
			model: { __rl: true, mode: 'id', value: 'flux-pro-1.0-fill-finetuned' },
			prompt: 'my dog on the moon',
			additionalFields: { finetune_id: 'ft-dog', imageBinaryProperty: 'data', maskBinaryProperty: 'mask', steps: 20 },
		};
		await fluxRunOk(sim, parameters, { items: [picture] });
		expect(bodiesSent(sim, '/flux/v1/flux-pro-1.0-fill-finetuned')).toStrictEqual([
			{ prompt: 'my dog on the moon', finetune_id: 'ft-dog', image: b64, mask: b64, steps: 20 },
		]);
	});

	test.each([
		['flux-pro-1.0-fill-finetuned', 'flux-pro-1.0-fill-finetuned'],
		['flux-pro-1-0-canny-finetuned', 'flux-pro-1.0-canny-finetuned'],
		['flux-pro-1-0-depth-finetuned', 'flux-pro-1.0-depth-finetuned'],
		['flux-pro-1.1-ultra-finetuned-v2', 'flux-pro-1.1-ultra'],
		['flux-pro-1-1-ultra-finetuned', 'flux-pro-1.1-ultra-finetuned'],
		['flux-pro-1.1-finetuned', 'flux-pro-finetuned'],
		['flux-pro-1.0-fill', 'flux-pro-1.0-fill'],
	])('%s falls in the family of %s', (typed, family) => {
		expect(findModel('bfl', typed)?.id).toBe(family);
	});

	test('the editor offers Finetune ID and Finetune Strength for the finetuned models only', () => {
		const options = modelFieldsCollection('bfl', 'generate').options as Array<{ name: string; displayOptions?: { show?: IDataObject } }>;
		const shownFor = (name: string) =>
			options
				.filter((option) => option.name === name)
				.flatMap((option) => (option.displayOptions?.show?.['/model'] as unknown[]) ?? [])
				.filter((value): value is string => typeof value === 'string');
		const finetuned = ['flux-pro-finetuned', 'flux-pro-1.1-ultra-finetuned', 'flux-pro-1.0-fill-finetuned', 'flux-pro-1.0-canny-finetuned', 'flux-pro-1.0-depth-finetuned'];
		// The catalogue's models it shows for (plus "custom", the loose group for IDs of no known family).
		expect(shownFor('finetune_id').filter((id) => id !== 'custom').sort()).toEqual([...finetuned].sort());
		expect(shownFor('finetune_strength').filter((id) => id !== 'custom').sort()).toEqual([...finetuned].sort());
	});
});
