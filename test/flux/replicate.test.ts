/**
 * Replicate Predict (POST /replicate/v1/predictions with Prefer: wait) run through n8n's real
 * WorkflowExecute against the CometAPI simulator: exact {model, input} bodies, the Prefer header,
 * array and single-string outputs, polling CometAPI (never the prediction's `urls`), and outputs.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WIRE_SHAPES, type Simulator } from '../simulator/index.ts';
import {
	apiRequests,
		bodiesSent,
	expectBinaryMatchesImage,
	fluxRun,
	fluxRunOk,
	headerOf,
	itemWithBinary,
	modelCreateRoute,
	requestsTo,
	SAMPLE_INPUT_BYTES,
	useSimulator,
	wireExpectations,
} from './helpers.ts';

const PREDICTIONS = '/replicate/v1/predictions';
/** The default create route: the model's own. */

interface ModelCase {
	name: string;
	model: string;
	customModel?: string;
	fields: INodeParameters;
	/** The exact `input` expected besides the prompt. */
	input: IDataObject;
	images: number;
	mimeType: string;
	ext: string;
}

const cases: ModelCase[] = [
	{
		name: 'flux-schnell (array output)',
		model: 'black-forest-labs/flux-schnell',
		fields: {
			aspect_ratio: '16:9',
			num_outputs: 2,
			num_inference_steps: 2,
			megapixels: '0.25',
			go_fast: false,
			disable_safety_checker: true,
			output_quality: 60,
			seed: 11,
			// hidden for schnell
			guidance: 3,
			image: 'https://example.com/in.png',
			width: 512,
			safety_tolerance: 3,
		},
		input: {
			aspect_ratio: '16:9',
			num_outputs: 2,
			num_inference_steps: 2,
			megapixels: '0.25',
			go_fast: false,
			disable_safety_checker: true,
			output_quality: 60,
			seed: 11,
		},
		images: 2,
		mimeType: 'image/webp',
		ext: 'webp',
	},
	{
		name: 'flux-dev (array output)',
		model: 'black-forest-labs/flux-dev',
		fields: {
			image: 'https://example.com/in.png',
			prompt_strength: 0.6,
			num_inference_steps: 30,
			guidance: 4,
			output_format: 'png',
			// hidden for flux-dev
			steps: 10,
			raw: true,
			image_prompt: 'https://example.com/ref.png',
		},
		input: {
			image: 'https://example.com/in.png',
			prompt_strength: 0.6,
			num_inference_steps: 30,
			guidance: 4,
			output_format: 'png',
		},
		images: 1,
		mimeType: 'image/png',
		ext: 'png',
	},
	{
		name: 'flux-1.1-pro (single-string output)',
		model: 'black-forest-labs/flux-1.1-pro',
		fields: {
			aspect_ratio: 'custom',
			width: 768,
			height: 512,
			safety_tolerance: 4,
			prompt_upsampling: true,
			output_format: 'jpg',
			// hidden for flux-1.1-pro
			num_outputs: 3,
			steps: 20,
			go_fast: true,
		},
		input: {
			aspect_ratio: 'custom',
			width: 768,
			height: 512,
			safety_tolerance: 4,
			prompt_upsampling: true,
			output_format: 'jpg',
		},
		images: 1,
		mimeType: 'image/jpeg',
		ext: 'jpg',
	},
	{
		name: 'flux-pro (single-string output)',
		model: 'black-forest-labs/flux-pro',
		fields: {
			steps: 40,
			guidance: 2.5,
			interval: 3,
			seed: 8,
			// hidden for flux-pro
			num_inference_steps: 4,
			megapixels: '1',
			raw: false,
		},
		input: { steps: 40, guidance: 2.5, interval: 3, seed: 8 },
		images: 1,
		mimeType: 'image/webp',
		ext: 'webp',
	},
	{
		name: 'flux-1.1-pro-ultra (single-string output)',
		model: 'black-forest-labs/flux-1.1-pro-ultra',
		fields: {
			aspect_ratio: '21:9',
			raw: true,
			image_prompt: 'https://example.com/ref.png',
			image_prompt_strength: 0.4,
			output_format: 'png',
			// hidden for ultra
			width: 512,
			num_outputs: 2,
			output_quality: 50,
		},
		input: {
			aspect_ratio: '21:9',
			raw: true,
			image_prompt: 'https://example.com/ref.png',
			image_prompt_strength: 0.4,
			output_format: 'png',
		},
		images: 1,
		mimeType: 'image/png',
		ext: 'png',
	},
	{
		name: 'a typed model ID',
		model: 'custom',
		customModel: 'black-forest-labs/flux-schnell',
		fields: { num_outputs: 3, output_format: 'jpg', aspect_ratio: '3:2' },
		input: { num_outputs: 3, output_format: 'jpg', aspect_ratio: '3:2' },
		images: 3,
		mimeType: 'image/jpeg',
		ext: 'jpg',
	},
];

// The same assertions against each shape CometAPI is known to answer in.
describe.each(WIRE_SHAPES)('%s answers', (wire) => {
	const expected = wireExpectations[wire];
	let sim: Simulator;
	useSimulator({ generationMs: 150, wire }, (started) => (sim = started));

	describe.each(cases)('replicate predict $name', (c) => {
		test('sends {input} exactly to the model\'s route, waits with Prefer: wait=10 (the documented default), one item per image', async () => {
			const modelId = c.customModel ?? c.model;
			const prompt = `A harbour at night by ${modelId}`;
			const result = await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: c.model,
				...(c.customModel && { customModel: c.customModel }),
				prompt,
				additionalFields: c.fields,
			});

			const submits = apiRequests(sim, { method: 'POST' });
			expect(submits).toHaveLength(1);
			const submit = submits[0];
			expect(submit.path).toBe(modelCreateRoute(modelId));
			expect(submit.authorization).toBe(`Bearer ${sim.apiKey}`);
			expect(headerOf(submit, 'prefer')).toBe('wait=10');
			expect(headerOf(submit, 'content-type')).toMatch(/^application\/json/);
			expect(submit.body).toStrictEqual({ input: { prompt, ...c.input } });

			expect(result.items).toHaveLength(c.images);
			const taskId = result.items[0].json.taskId as string;
			const task = sim.task(taskId);
			expect(task?.model).toBe(modelId);
			expect(task?.ignoredFields).toEqual([]);

			// The submit held until the prediction was done: nothing to poll, unless its answer was only the ID.
			expect(apiRequests(sim, { method: 'GET' })).toHaveLength(expected.minimalCreate ? 1 : 0);

			const urls = new Set<string>();
			for (const [i, item] of result.items.entries()) {
				expect(item.pairedItem).toEqual({ item: 0 });
				expect(item.json).toMatchObject({
					taskId,
					status: expected.succeeded.replicate,
					imageIndex: i,
					imageCount: c.images,
					prompt,
				});
				expect(Object.keys(item.json).sort()).toEqual(
					['cost', 'imageCount', 'imageIndex', 'imageUrl', 'inputMegapixels', 'outputMegapixels', 'prompt', 'response', 'seed', 'status', 'taskId'].sort(),
				);
				if (c.input.seed !== undefined) expect(item.json.seed).toBe(c.input.seed);
				const response = expected.provider(item.json.response as IDataObject);
				expect(response).toMatchObject({ id: taskId, status: 'succeeded', model: modelId });
				const output = response.output;
				if (Array.isArray(output)) expect(output[i]).toBe(item.json.imageUrl);
				else expect(output).toBe(item.json.imageUrl);
				urls.add(item.json.imageUrl as string);
				const fileName = c.images > 1 ? `${taskId}-${i + 1}.${c.ext}` : `${taskId}.${c.ext}`;
				await expectBinaryMatchesImage(item, { mimeType: c.mimeType, fileName });
			}
			expect(urls.size).toBe(c.images);
		});
	});

	describe('replicate predict: options and inputs', () => {
		test('options.preferWait sets the Prefer header', async () => {
			await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-schnell',
				prompt: 'a kite',
				options: { preferWait: 7 },
			});
			const [submit] = apiRequests(sim, { method: 'POST', path: modelCreateRoute('black-forest-labs/flux-schnell') });
			expect(headerOf(submit, 'prefer')).toBe('wait=7');
			expect(submit.body).toStrictEqual({ input: { prompt: 'a kite' } });
		});

		test.each([100000, 0, 2.5, -1])('options.preferWait %j from an expression is refused before any request, naming the field and its range', async (wait) => {
			const before = sim.requests.length;
			const result = await fluxRun(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-schnell',
				prompt: 'a kite',
				options: { preferWait: `={{ ${wait} }}` },
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(`Submit Wait (Seconds) must be a whole number, 1-60 (got ${wait})`);
			expect(sim.requests.slice(before)).toEqual([]);
		});

		test('extraInput is merged into input', async () => {
			const result = await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-dev',
				prompt: 'with a lora',
				additionalFields: { num_outputs: 1, extraInput: '{"lora_scale":0.5,"extra_lora":"owner/lora"}' },
			});
			expect(bodiesSent(sim, modelCreateRoute('black-forest-labs/flux-dev'))).toStrictEqual([
				{
					input: { prompt: 'with a lora', num_outputs: 1, lora_scale: 0.5, extra_lora: 'owner/lora' },
				},
			]);
			expect(result.items).toHaveLength(1);
		});

		test('image from a binary property of the input item is sent as a data URI', async () => {
			await fluxRunOk(
				sim,
				{
					operation: 'replicatePredict',
					model: 'black-forest-labs/flux-dev',
					prompt: 'img2img',
					additionalFields: { imageBinaryProperty: 'photo', prompt_strength: 0.7 },
				},
				{ items: [itemWithBinary('photo', SAMPLE_INPUT_BYTES, { mimeType: 'image/png', fileName: 'x.png' })] },
			);
			expect(bodiesSent(sim, modelCreateRoute('black-forest-labs/flux-dev'))).toStrictEqual([
				{
					input: {
						prompt: 'img2img',
						prompt_strength: 0.7,
						image: `data:image/png;base64,${SAMPLE_INPUT_BYTES.toString('base64')}`,
					},
				},
			]);
		});

		test('image_prompt from a binary property keeps the file\'s mime type in the data URI', async () => {
			await fluxRunOk(
				sim,
				{
					operation: 'replicatePredict',
					model: 'black-forest-labs/flux-1.1-pro',
					prompt: 'guided',
					additionalFields: { image_promptBinaryProperty: 'ref' },
				},
				{ items: [itemWithBinary('ref', SAMPLE_INPUT_BYTES, { mimeType: 'image/jpeg', fileName: 'r.jpg' })] },
			);
			const [body] = bodiesSent(sim, modelCreateRoute('black-forest-labs/flux-1.1-pro')) as IDataObject[];
			// The bytes decide the type (SAMPLE_INPUT_BYTES is a PNG), not the declared one.
			expect((body.input as IDataObject).image_prompt).toBe(`data:image/png;base64,${SAMPLE_INPUT_BYTES.toString('base64')}`);
		});

		test('when the Prefer wait ends first, the node polls CometAPI\'s prediction route until done', async () => {
			sim.configure({ generationMs: 1500 });
			const result = await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-schnell',
				prompt: 'slow one',
				additionalFields: { num_outputs: 2 },
				options: { preferWait: 1, pollInterval: 0.1 },
			});
			const [submit] = apiRequests(sim, { method: 'POST' });
			expect(headerOf(submit, 'prefer')).toBe('wait=1');
			expect(result.items).toHaveLength(2);
			const taskId = result.items[0].json.taskId as string;

			const polls = apiRequests(sim, { method: 'GET' });
			expect(polls.length).toBeGreaterThanOrEqual(1);
			for (const poll of polls) {
				expect(poll.path).toBe(`${PREDICTIONS}/${taskId}`);
				expect(poll.authorization).toBe(`Bearer ${sim.apiKey}`);
			}
			// The prediction's own urls (api.replicate.com stand-in) are never followed.
			expect(requestsTo(sim, 'replicate-urls')).toHaveLength(0);
			// Polled until done, then stopped: only the last poll saw the finished prediction.
			const readyAt = sim.readyAt(taskId) as number;
			expect(polls.filter((p) => p.at >= readyAt).length).toBeLessThanOrEqual(1);
			expect(polls.at(-1)!.at).toBeGreaterThanOrEqual(readyAt - 20);
			for (const [i, item] of result.items.entries()) {
				expect(item.json).toMatchObject({ taskId, status: expected.succeeded.replicate, imageIndex: i, imageCount: 2 });
				await expectBinaryMatchesImage(item, { mimeType: 'image/webp', fileName: `${taskId}-${i + 1}.webp` });
			}
		});

		test('several input items: each its own prediction, outputs grouped and paired by item', async () => {
			const prompts = ['one', 'two'];
			const result = await fluxRunOk(
				sim,
				{
					operation: 'replicatePredict',
					model: 'black-forest-labs/flux-schnell',
					prompt: '={{ $json.text }}',
					additionalFields: { num_outputs: '={{ $json.count }}' },
				},
				{ items: [{ json: { text: prompts[0], count: 2 } }, { json: { text: prompts[1], count: 1 } }] },
			);
			expect(result.items.map((item) => [item.pairedItem, item.json.prompt, item.json.imageIndex])).toEqual([
				[{ item: 0 }, 'one', 0],
				[{ item: 0 }, 'one', 1],
				[{ item: 1 }, 'two', 0],
			]);
			const inputs = (bodiesSent(sim, modelCreateRoute('black-forest-labs/flux-schnell')) as IDataObject[]).map((b) => b.input);
			expect(inputs).toEqual(expect.arrayContaining([{ prompt: 'one', num_outputs: 2 }, { prompt: 'two', num_outputs: 1 }]));
		});

		test('replicatePredict with waitForCompletion false returns the prediction at once, without Prefer: wait', async () => {
			sim.configure({ generationMs: 60_000 });
			const result = await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-schnell',
				prompt: 'do not wait',
				waitForCompletion: false,
			});
			const [submit] = apiRequests(sim, { method: 'POST' });
			expect(headerOf(submit, 'prefer') ?? '').not.toMatch(/wait/);
			expect(result.items).toHaveLength(1);
			const [item] = result.items;
			expect(item.binary).toBeUndefined();
			// The task ID at the top, whatever the shape: Get Result's Task ID can be {{ $json.id }}.
			expect(sim.task(String(item.json.id))).toMatchObject({ model: 'black-forest-labs/flux-schnell', body: { prompt: 'do not wait' } });
			// A minimal create answer carries nothing more to check.
			if (!expected.minimalCreate) {
				const prediction = expected.provider(item.json);
				expect(prediction).toMatchObject({ id: item.json.id, model: 'black-forest-labs/flux-schnell', input: { prompt: 'do not wait' } });
				expect(['starting', 'processing']).toContain(prediction.status);
			}
			expect(requestsTo(sim, 'images')).toHaveLength(0);
		});
	});

	describe('replicate predict: create routes', () => {
		const schnell = 'black-forest-labs/flux-schnell';
		test('Create Route "Predictions Route" sends {model, input} to /replicate/v1/predictions', async () => {
			const result = await fluxRunOk(sim, { operation: 'replicatePredict', model: schnell, prompt: 'a kite', options: { replicateRoute: 'predictions' } });
			expect(apiRequests(sim, { method: 'POST' }).map((r) => [r.path, r.body])).toEqual([
				[PREDICTIONS, { model: schnell, input: { prompt: 'a kite' } }],
			]);
			expect(result.items[0].json.status).toBe(expected.succeeded.replicate);
		});

		test.each([
			['model', modelCreateRoute(schnell), PREDICTIONS],
			['predictions', PREDICTIONS, modelCreateRoute(schnell)],
		])('a 404 on the %s route (no task made): the other route is tried once and the image delivered', async (route, first, second) => {
			sim.inject({ route: 'replicate-submit', kind: 'status', status: 404, message: 'Invalid URL' });
			const result = await fluxRunOk(sim, { operation: 'replicatePredict', model: schnell, prompt: 'a kite', options: { replicateRoute: route } });
			expect(apiRequests(sim, { method: 'POST' }).map((r) => r.path)).toEqual([first, second]);
			expect(result.items).toHaveLength(1);
		});

		test('a 404, then a 429 on the other route: the 429 is retried there, not on the first route', async () => {
			sim.inject({ route: 'replicate-submit', kind: 'status', status: 404, message: 'Invalid URL' });
			sim.inject({ route: 'replicate-submit', kind: 'status', status: 429, retryAfterSeconds: 0 });
			const result = await fluxRunOk(sim, { operation: 'replicatePredict', model: schnell, prompt: 'a kite' });
			expect(apiRequests(sim, { method: 'POST' }).map((r) => r.path)).toEqual([modelCreateRoute(schnell), PREDICTIONS, PREDICTIONS]);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].binary?.data).toBeDefined();
		});

		test('a 404 on both routes fails with CometAPI\'s words after one try of each', async () => {
			sim.inject({ route: 'replicate-submit', kind: 'status', status: 404, message: 'Invalid URL', times: 2 });
			const result = await fluxRun(sim, { operation: 'replicatePredict', model: schnell, prompt: 'a kite' });
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/Invalid URL/);
			expect(apiRequests(sim, { method: 'POST' })).toHaveLength(2);
		});

		test('a 500 on create is not sent again on any route (a task may exist)', async () => {
			sim.inject({ route: 'replicate-submit', kind: 'status', status: 500 });
			const result = await fluxRun(sim, { operation: 'replicatePredict', model: schnell, prompt: 'a kite' });
			expect(result.status).toBe('error');
			expect(apiRequests(sim, { method: 'POST' })).toHaveLength(1);
		});
	});
});
