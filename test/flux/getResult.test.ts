/**
 * Submitting without waiting, then collecting with Get Result, through n8n's real WorkflowExecute
 * against the CometAPI simulator, for both result formats (BFL get_result and Replicate predictions).
 */
import type { IDataObject, INodeExecutionData, INodePropertyOptions } from 'n8n-workflow';

import { Flux } from '../../nodes/Flux/Flux.node';

import { WIRE_SHAPES, type Simulator } from '../simulator/index.ts';
import {
	apiRequests,
		expectBinaryMatchesImage,
	fluxRun,
	fluxRunOk,
	requestsTo,
	useSimulator,
	wireExpectations,
} from './helpers.ts';

// The same assertions against each shape CometAPI is known to answer in.
describe.each(WIRE_SHAPES)('%s answers', (wire) => {
	const expected = wireExpectations[wire];
	let sim: Simulator;
	useSimulator({ generationMs: 150, wire }, (started) => (sim = started));

	/** Submits BFL tasks without waiting, one per prompt; returns the submit outputs. */
	async function submitBflWithoutWaiting(prompts: string[], model = 'flux-dev'): Promise<INodeExecutionData[]> {
		const result = await fluxRunOk(
			sim,
			{ operation: 'generate', model, prompt: '={{ $json.prompt }}', waitForCompletion: false },
			{ items: prompts.map((prompt) => ({ json: { prompt } })) },
		);
		return result.items;
	}

	describe('get result: BFL format', () => {
		test('a task submitted without waiting is collected by its ID from the submit output', async () => {
			sim.configure({ generationMs: 1200 });
			const submitted = await submitBflWithoutWaiting(['a windmill']);
			expect(submitted).toHaveLength(1);
			const answer = submitted[0].json;
			expect(Object.keys(answer).sort()).toEqual(expected.bflSubmitKeys);
			const id = answer.id as string;
			const pendingAtStart = sim.task(id)?.status === 'Pending';
			const before = sim.requests.length;

			// Collect it, in a second run fed with the first run's output.
			const result = await fluxRunOk(
				sim,
				{ operation: 'getResult', taskId: '={{ $json.id }}', resultFormat: 'bfl' },
				{ items: submitted },
			);
			const mine = sim.requests.slice(before);
			// Only CometAPI's own result route was asked; the polling_url host never.
			const gets = mine.filter((r) => r.origin === 'api');
			expect(gets.length).toBeGreaterThanOrEqual(1);
			if (pendingAtStart) {
				// It waited: asked again until the task was done, then stopped.
				expect(gets.length).toBeGreaterThanOrEqual(2);
				expect(gets.at(-1)!.at).toBeGreaterThanOrEqual((sim.readyAt(id) as number) - 20);
			}
			for (const get of gets) {
				expect(get.method).toBe('GET');
				expect(get.path).toBe('/flux/v1/get_result');
				expect(get.query).toEqual({ id });
				expect(get.authorization).toBe(`Bearer ${sim.apiKey}`);
			}
			expect(mine.filter((r) => r.origin === 'api' && r.method === 'POST')).toHaveLength(0);
			expect(mine.filter((r) => r.origin === 'polling')).toHaveLength(0);

			expect(result.items).toHaveLength(1);
			const [item] = result.items;
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json).toMatchObject({ taskId: id, status: expected.succeeded.bfl, imageIndex: 0, imageCount: 1, prompt: 'a windmill' });
			expect(typeof item.json.seed).toBe('number');
			expect(expected.provider(item.json.response as IDataObject).id).toBe(id);
			await expectBinaryMatchesImage(item, { mimeType: 'image/jpeg', fileName: `${id}.jpg` });
		});

		test('several tasks collected in one run keep input order and pairing', async () => {
			sim.configure({ generationMs: 300 });
			const prompts = ['first', 'second', 'third'];
			const submitted = await submitBflWithoutWaiting(prompts, 'flux-kontext-pro');
			const ids = submitted.map((item) => item.json.id as string);
			expect(new Set(ids).size).toBe(3);

			const result = await fluxRunOk(
				sim,
				{ operation: 'getResult', taskId: '={{ $json.id }}' },
				{ items: submitted },
			);
			expect(result.items).toHaveLength(3);
			for (const [i, item] of result.items.entries()) {
				expect(item.pairedItem).toEqual({ item: i });
				expect(item.json).toMatchObject({ taskId: ids[i], status: expected.succeeded.bfl, prompt: prompts[i] });
				await expectBinaryMatchesImage(item, { mimeType: 'image/png', fileName: `${ids[i]}.png` });
			}
		});

		test('waitForCompletion false on a pending task: its current state, one request, no download', async () => {
			sim.configure({ generationMs: 5000 });
			const [submitted] = await submitBflWithoutWaiting(['not yet']);
			const id = submitted.json.id as string;
			const before = sim.requests.length;

			const result = await fluxRunOk(sim, { operation: 'getResult', taskId: id, waitForCompletion: false });
			const mine = sim.requests.slice(before);
			expect(mine).toHaveLength(1);
			expect(mine[0]).toMatchObject({ origin: 'api', method: 'GET', path: '/flux/v1/get_result', query: { id } });
			expect(result.items).toHaveLength(1);
			const [item] = result.items;
			expect(item.binary).toBeUndefined();
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json.id).toBe(id);
			expect(expected.provider(item.json)).toMatchObject({ id, status: 'Pending', result: null });
			expect(typeof expected.provider(item.json).progress).toBe('number');
		});

		test('waitForCompletion false on a finished task: its images, without waiting', async () => {
			const [submitted] = await submitBflWithoutWaiting(['done already']);
			const id = submitted.json.id as string;
			await new Promise((resolve) => setTimeout(resolve, 250));
			expect(sim.task(id)?.status).toBe('Ready');
			const before = sim.requests.length;

			const result = await fluxRunOk(sim, {
				operation: 'getResult',
				taskId: id,
				waitForCompletion: false,
				options: { binaryPropertyName: 'image' },
			});
			expect(sim.requests.slice(before).filter((r) => r.origin === 'api')).toHaveLength(1);
			expect(result.items).toHaveLength(1);
			await expectBinaryMatchesImage(result.items[0], { key: 'image', mimeType: 'image/jpeg', fileName: `${id}.jpg` });
		});

		test('downloadImages false: the image link only', async () => {
			const [submitted] = await submitBflWithoutWaiting(['link only']);
			const id = submitted.json.id as string;
			const result = await fluxRunOk(sim, { operation: 'getResult', taskId: id, downloadImages: false });
			expect(result.items).toHaveLength(1);
			expect(result.items[0].binary).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ taskId: id, status: expected.succeeded.bfl });
			expect(result.items[0].json.imageUrl).toEqual(expect.stringContaining(`${sim.imageOrigin}/images/${id}/0.jpeg`));
			expect(requestsTo(sim, 'images')).toHaveLength(0);
		});

		test('an unknown task ID fails with CometAPI\'s "Task not found"', async () => {
			const result = await fluxRun(sim, { operation: 'getResult', taskId: 'no-such-task' });
			expect(result.status).toBe('error');
			expect(result.error?.message).toContain('no-such-task');
			expect(result.error?.message).toMatch(expected.notFound);
			expect(apiRequests(sim)).toHaveLength(1);
		});
	});

	describe('get result: Replicate format', () => {
		test('a prediction submitted without waiting is collected by its ID', async () => {
			sim.configure({ generationMs: 2000 });
			// Submit Wait of 1 s: the prediction is still running when the submit answers.
			const submitted = await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-schnell',
				prompt: 'collect me',
				additionalFields: { num_outputs: 2, output_format: 'png' },
				waitForCompletion: false,
				options: { preferWait: 1 },
			});
			expect(submitted.items).toHaveLength(1);
			const id = submitted.items[0].json.id as string;
			expect(sim.task(id)).toMatchObject({ model: 'black-forest-labs/flux-schnell', body: { prompt: 'collect me', num_outputs: 2, output_format: 'png' } });
			// A minimal create answer carries nothing more to check.
			if (!expected.minimalCreate) {
				const prediction = expected.provider(submitted.items[0].json);
				expect(prediction).toMatchObject({
					id,
					model: 'black-forest-labs/flux-schnell',
					input: { prompt: 'collect me', num_outputs: 2, output_format: 'png' },
					output: null,
				});
				expect(['starting', 'processing']).toContain(prediction.status);
			}
			expect(submitted.items[0].binary).toBeUndefined();
			const before = sim.requests.length;

			const result = await fluxRunOk(
				sim,
				{ operation: 'getResult', taskId: '={{ $json.id }}', resultFormat: 'replicate' },
				{ items: submitted.items },
			);
			const gets = sim.requests.slice(before).filter((r) => r.origin === 'api');
			expect(gets.length).toBeGreaterThanOrEqual(1);
			for (const get of gets) {
				expect(get.method).toBe('GET');
				expect(get.path).toBe(`/replicate/v1/predictions/${id}`);
				expect(get.authorization).toBe(`Bearer ${sim.apiKey}`);
			}
			expect(requestsTo(sim, 'replicate-urls')).toHaveLength(0);

			expect(result.items).toHaveLength(2);
			for (const [i, item] of result.items.entries()) {
				expect(item.pairedItem).toEqual({ item: 0 });
				expect(item.json).toMatchObject({
					taskId: id,
					status: expected.succeeded.replicate,
					imageIndex: i,
					imageCount: 2,
					prompt: 'collect me',
				});
				await expectBinaryMatchesImage(item, { mimeType: 'image/png', fileName: `${id}-${i + 1}.png` });
			}
		});

		test('waitForCompletion false on a running prediction: its current state', async () => {
			sim.configure({ generationMs: 5000 });
			const submitted = await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-1.1-pro',
				prompt: 'still running',
				waitForCompletion: false,
				options: { preferWait: 1 },
			});
			const id = submitted.items[0].json.id as string;
			const before = sim.requests.length;

			const result = await fluxRunOk(sim, {
				operation: 'getResult',
				taskId: id,
				resultFormat: 'replicate',
				waitForCompletion: false,
			});
			const mine = sim.requests.slice(before);
			expect(mine).toHaveLength(1);
			expect(mine[0]).toMatchObject({ origin: 'api', method: 'GET', path: `/replicate/v1/predictions/${id}` });
			expect(result.items).toHaveLength(1);
			expect(result.items[0].binary).toBeUndefined();
			// Without Prefer: wait the submit answers at once, so the prediction may still be starting.
			expect(result.items[0].json.id).toBe(id);
			const prediction = expected.provider(result.items[0].json);
			expect(prediction).toMatchObject({ id, output: null, model: 'black-forest-labs/flux-1.1-pro' });
			expect(['starting', 'processing']).toContain(prediction.status);
		});

		test('a single-string output (flux-1.1-pro) is collected as one image', async () => {
			sim.configure({ generationMs: 2000 });
			const submitted = await fluxRunOk(sim, {
				operation: 'replicatePredict',
				model: 'black-forest-labs/flux-1.1-pro',
				prompt: 'single',
				additionalFields: { output_format: 'jpg' },
				waitForCompletion: false,
				options: { preferWait: 1 },
			});
			const id = submitted.items[0].json.id as string;
			const result = await fluxRunOk(sim, { operation: 'getResult', taskId: id, resultFormat: 'replicate' });
			expect(result.items).toHaveLength(1);
			const [item] = result.items;
			expect(item.json).toMatchObject({ taskId: id, status: expected.succeeded.replicate, imageIndex: 0, imageCount: 1 });
			expect(expected.provider(item.json.response as IDataObject).output).toBe(item.json.imageUrl);
			await expectBinaryMatchesImage(item, { mimeType: 'image/jpeg', fileName: `${id}.jpg` });
		});

		test('an unknown prediction ID fails as not found', async () => {
			const result = await fluxRun(sim, { operation: 'getResult', taskId: 'nosuchprediction', resultFormat: 'replicate' });
			expect(result.status).toBe('error');
			expect(result.error?.message).toContain('nosuchprediction');
			expect(result.error?.message).toContain('not found');
		});
	});
});

test('Get Result says, before its list is opened, which operation made the task: its choices are the operations by name', () => {
	const { properties } = new Flux().description;
	const submittedBy = properties.find((property) => property.name === 'resultFormat')!;
	const operations = properties.find((property) => property.name === 'operation')!.options as INodePropertyOptions[];
	const nameOf = (operation: string) => operations.find((option) => option.value === operation)!.name;
	expect(submittedBy.displayName).toBe('Task Submitted By');
	expect((submittedBy.options as INodePropertyOptions[]).map((option) => option.name)).toEqual([nameOf('generate'), nameOf('replicatePredict')]);
	// n8n shows a hint under the field at all times, a description only on hover.
	for (const operation of ['generate', 'replicatePredict']) expect(submittedBy.hint).toContain(nameOf(operation));
	expect(submittedBy.hint).toMatch(/Task ID/);
});
