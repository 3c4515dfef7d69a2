/**
 * Generate (BFL format, POST /flux/v1/{model}) run through n8n's real WorkflowExecute against the
 * CometAPI simulator: the exact body per model, what reaches which origin, and the output items.
 */
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import { Flux } from '../../nodes/Flux/Flux.node';

import { binaryBuffer } from '../harness/index.ts';
import type { Simulator } from '../simulator/index.ts';
import {
	apiRequests,
		bodiesSent,
	expectBinaryMatchesImage,
	fetchBytes,
	fluxRun,
	fluxRunOk,
	headerOf,
	itemWithBinary,
	requestsTo,
	SAMPLE_INPUT_BYTES,
	submitsSent,
	useSimulator,
} from './helpers.ts';

let sim: Simulator;
useSimulator({ generationMs: 150 }, (started) => (sim = started));

const IMG = 'https://example.com/in.png';

interface ModelCase {
	model: string;
	customModel?: string;
	/** What the user set under Additional Fields (some hidden for the model). */
	fields: INodeParameters;
	/** The exact body expected at POST /flux/v1/{path model}. */
	body: IDataObject;
	mimeType: string;
	ext: string;
}

// Each case sets fields the model takes (with non-default values) plus fields hidden for it,
// which n8n's routing must leave out of the body.
const cases: ModelCase[] = [
	{
		model: 'flux-pro-1.1',
		fields: {
			width: 512,
			height: 384,
			seed: 42,
			prompt_upsampling: true,
			safety_tolerance: 3,
			output_format: 'png',
			image_prompt: IMG,
			webhook_secret: 's3cret',
			// hidden for flux-pro-1.1
			steps: 10,
			guidance: 3,
			interval: 2,
			aspect_ratio: '1:1',
			raw: true,
			input_image: IMG,
		},
		body: {
			width: 512,
			height: 384,
			seed: 42,
			prompt_upsampling: true,
			safety_tolerance: 3,
			output_format: 'png',
			image_prompt: IMG,
			webhook_secret: 's3cret',
		},
		mimeType: 'image/png',
		ext: 'png',
	},
	{
		model: 'flux-pro-1.1-ultra',
		fields: {
			aspect_ratio: '21:9',
			raw: true,
			image_prompt: IMG,
			image_prompt_strength: 0.5,
			seed: 7,
			output_format: 'webp',
			// hidden for ultra
			width: 512,
			height: 512,
			steps: 20,
			input_image: IMG,
		},
		body: { aspect_ratio: '21:9', raw: true, image_prompt: IMG, image_prompt_strength: 0.5, seed: 7, output_format: 'webp' },
		mimeType: 'image/webp',
		ext: 'webp',
	},
	{
		model: 'flux-pro',
		fields: {
			steps: 30,
			guidance: 2,
			interval: 3,
			width: 768,
			height: 512,
			safety_tolerance: 0,
			// hidden for flux-pro
			aspect_ratio: '4:3',
			raw: false,
			image_prompt_strength: 0.3,
		},
		body: { steps: 30, guidance: 2, interval: 3, width: 768, height: 512, safety_tolerance: 0 },
		mimeType: 'image/jpeg',
		ext: 'jpg',
	},
	{
		model: 'flux-dev',
		fields: {
			steps: 12,
			guidance: 4.5,
			seed: 1234,
			prompt_upsampling: false,
			// hidden for flux-dev
			interval: 2,
			aspect_ratio: '1:1',
			input_image: IMG,
		},
		body: { steps: 12, guidance: 4.5, seed: 1234, prompt_upsampling: false },
		mimeType: 'image/jpeg',
		ext: 'jpg',
	},
	{
		model: 'flux-kontext-pro',
		fields: {
			input_image: IMG,
			aspect_ratio: '4:3',
			output_format: 'jpeg',
			seed: 5,
			// hidden for kontext
			width: 512,
			height: 512,
			steps: 10,
			image_prompt: IMG,
			raw: true,
		},
		body: { input_image: IMG, aspect_ratio: '4:3', output_format: 'jpeg', seed: 5 },
		mimeType: 'image/jpeg',
		ext: 'jpg',
	},
	{
		model: 'flux-kontext-max',
		fields: {
			input_image: IMG,
			safety_tolerance: 1,
			// hidden for kontext
			guidance: 3,
			image_prompt_strength: 0.2,
		},
		body: { input_image: IMG, safety_tolerance: 1 },
		// Kontext's default output format is PNG.
		mimeType: 'image/png',
		ext: 'png',
	},
	{
		model: 'flux-2-pro',
		fields: {
			input_image: IMG,
			width: 1024,
			height: 1536,
			safety_tolerance: 5,
			// hidden for flux-2-pro
			steps: 10,
			guidance: 3,
			aspect_ratio: '1:1',
			image_prompt: IMG,
		},
		body: { input_image: IMG, width: 1024, height: 1536, safety_tolerance: 5 },
		mimeType: 'image/jpeg',
		ext: 'jpg',
	},
	{
		model: 'flux-2-max',
		fields: {
			width: 2048,
			height: 1040,
			prompt_upsampling: true,
			output_format: 'png',
			// hidden for flux-2-max
			steps: 25,
			interval: 2,
		},
		body: { width: 2048, height: 1040, prompt_upsampling: true, output_format: 'png' },
		mimeType: 'image/png',
		ext: 'png',
	},
	{
		model: 'flux-2-flex',
		fields: {
			steps: 20,
			guidance: 7.5,
			width: 1008,
			height: 784,
			// hidden for flux-2-flex
			interval: 3,
			raw: true,
			aspect_ratio: '16:9',
		},
		body: { steps: 20, guidance: 7.5, width: 1008, height: 784 },
		mimeType: 'image/jpeg',
		ext: 'jpg',
	},
	{
		// A typed model ID: every field is offered; the ones set are sent as given.
		model: 'custom',
		customModel: 'flux-2-klein',
		fields: { width: 640, height: 480, seed: 99, output_format: 'png' },
		body: { width: 640, height: 480, seed: 99, output_format: 'png' },
		mimeType: 'image/png',
		ext: 'png',
	},
];

describe.each(cases.map((c) => ({ ...c, name: c.customModel ? `custom model ID ${c.customModel}` : c.model })))(
	'generate $name',
	(c) => {
	test('sends exactly the set fields the model takes, polls CometAPI, outputs the image', async () => {
		const pathModel = c.customModel ?? c.model;
		const prompt = `A lighthouse for ${pathModel}`;
		const result = await fluxRunOk(sim, {
			operation: 'generate',
			model: c.model,
			...(c.customModel && { customModel: c.customModel }),
			prompt,
			additionalFields: c.fields,
		});

		// The submit: path, headers, exact body.
		const submits = apiRequests(sim, { method: 'POST' });
		expect(submits).toHaveLength(1);
		const submit = submits[0];
		expect(submit.path).toBe(`/flux/v1/${pathModel}`);
		expect(submit.query).toEqual({});
		expect(submit.authorization).toBe(`Bearer ${sim.apiKey}`);
		expect(headerOf(submit, 'content-type')).toMatch(/^application\/json/);
		expect(headerOf(submit, 'prefer')).toBeUndefined();
		expect(submit.body).toStrictEqual({ prompt, ...c.body });

		// The simulator saw no field this model does not take (a misspelt field name lands here).
		const [item] = result.items;
		const taskId = item.json.taskId as string;
		const task = sim.task(taskId);
		expect(task?.model).toBe(pathModel);
		expect(task?.ignoredFields).toEqual([]);

		// Polling on CometAPI's own result route, for this task only.
		const polls = apiRequests(sim, { method: 'GET' });
		expect(polls.length).toBeGreaterThanOrEqual(1);
		for (const poll of polls) {
			expect(poll.path).toBe('/flux/v1/get_result');
			expect(poll.query).toEqual({ id: taskId });
			expect(poll.authorization).toBe(`Bearer ${sim.apiKey}`);
		}

		// One item per image.
		expect(result.items).toHaveLength(1);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			taskId,
			status: 'Ready',
			imageIndex: 0,
			imageCount: 1,
			prompt,
		});
		expect(Object.keys(item.json).sort()).toEqual(
			['cost', 'imageCount', 'imageIndex', 'imageUrl', 'inputMegapixels', 'outputMegapixels', 'prompt', 'response', 'seed', 'status', 'taskId'].sort(),
		);
		const response = item.json.response as IDataObject;
		expect(response).toMatchObject({ id: taskId, status: 'Ready' });
		expect((response.result as IDataObject).sample).toBe(item.json.imageUrl);
		expect(typeof item.json.seed).toBe('number');
		if (c.body.seed !== undefined) expect(item.json.seed).toBe(c.body.seed);
		expect(item.json.imageUrl).toEqual(expect.stringMatching(new RegExp(`^${sim.imageOrigin}/images/${taskId}/0\\.`)));

		// Downloaded once, without a key, and byte for byte what the image host serves.
		const downloads = requestsTo(sim, 'images');
		expect(downloads).toHaveLength(1);
		expect(downloads[0].authorization).toBeUndefined();
		await expectBinaryMatchesImage(item, { mimeType: c.mimeType, fileName: `${taskId}.${c.ext}` });
	});
	},
);

describe('generate: output items', () => {
	test('three input items: prompts from expressions, one output per item in input order, paired', async () => {
		const prompts = ['a red fox', 'a blue whale', 'a green frog'];
		const result = await fluxRunOk(
			sim,
			{ operation: 'generate', model: 'flux-dev', prompt: '={{ $json.prompt }}', additionalFields: { steps: 5 } },
			{ items: prompts.map((prompt, i) => ({ json: { prompt, n: i } })) },
		);
		expect(result.items).toHaveLength(3);
		const bodies = bodiesSent(sim, '/flux/v1/flux-dev');
		expect(bodies).toHaveLength(3);
		expect([...bodies].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toStrictEqual(
			prompts.map((prompt) => ({ prompt, steps: 5 })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
		);
		const taskIds = new Set<string>();
		for (const [i, item] of result.items.entries()) {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.prompt).toBe(prompts[i]);
			expect(sim.task(item.json.taskId as string)?.body.prompt).toBe(prompts[i]);
			taskIds.add(item.json.taskId as string);
			await expectBinaryMatchesImage(item, { mimeType: 'image/jpeg', fileName: `${item.json.taskId as string}.jpg` });
		}
		expect(taskIds.size).toBe(3);
	});

	test('options.binaryPropertyName puts the image in that binary property', async () => {
		const result = await fluxRunOk(sim, {
			operation: 'generate',
			model: 'flux-kontext-pro',
			prompt: 'make it snow',
			additionalFields: { input_image: IMG },
			options: { binaryPropertyName: 'picture' },
		});
		const [item] = result.items;
		expect(Object.keys(item.binary ?? {})).toEqual(['picture']);
		await expectBinaryMatchesImage(item, {
			key: 'picture',
			mimeType: 'image/png',
			fileName: `${item.json.taskId as string}.png`,
		});
	});

	test('downloadImages false: no binary, no download, imageUrl still usable', async () => {
		const result = await fluxRunOk(sim, {
			operation: 'generate',
			model: 'flux-pro-1.1',
			prompt: 'a quiet harbour',
			downloadImages: false,
		});
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ status: 'Ready', imageIndex: 0, imageCount: 1, prompt: 'a quiet harbour' });
		expect(requestsTo(sim, 'images')).toHaveLength(0);
		const served = await fetchBytes(item.json.imageUrl as string);
		expect(served.status).toBe(200);
		expect(served.contentType).toBe('image/jpeg');
	});

	test('the default model (flux-pro-1.1) with only a prompt sends only the prompt', async () => {
		const result = await fluxRunOk(sim, { operation: 'generate', prompt: 'just a prompt' });
		expect(submitsSent(sim)).toStrictEqual([{ path: '/flux/v1/flux-pro-1.1', body: { prompt: 'just a prompt' } }]);
		expect(result.items).toHaveLength(1);
		// The seed the API picked is reported even though none was sent.
		expect(Number.isInteger(result.items[0].json.seed)).toBe(true);
	});

	test.each([`/`, `/v1`, `//v1//`, `/v1/  `])('a credential Base URL ending in %j reaches the same routes', async (suffix) => {
		const result = await fluxRunOk(
			sim,
			{ operation: 'generate', model: 'flux-dev', prompt: 'a lighthouse' },
			{ credentials: { cometApi: { apiKey: sim.apiKey, baseUrl: `${sim.url}${suffix}` } } },
		);
		expect(result.items).toHaveLength(1);
		expect(submitsSent(sim).map((r) => r.path)).toEqual(['/flux/v1/flux-dev']);
		expect(apiRequests(sim, { method: 'GET' }).map((r) => r.path)).toContain('/flux/v1/get_result');
	});

	test('waitForCompletion false: the submit answer as is, nothing polled or downloaded', async () => {
		sim.configure({ generationMs: 2000 });
		const result = await fluxRunOk(sim, {
			operation: 'generate',
			model: 'flux-dev',
			prompt: 'later',
			waitForCompletion: false,
		});
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(Object.keys(item.json).sort()).toEqual(['id', 'polling_url']);
		expect(sim.task(item.json.id as string)?.status).toBe('Pending');
		expect(item.json.polling_url).toBe(`${sim.pollingOrigin}/v1/get_result?id=${item.json.id as string}`);
		expect(item.binary).toBeUndefined();
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(apiRequests(sim, { method: 'GET' })).toHaveLength(0);
		expect(requestsTo(sim, 'images')).toHaveLength(0);
	});
});

describe('generate: image inputs', () => {
	test('Kontext input_image from a URL string is sent as that URL', async () => {
		await fluxRunOk(sim, {
			operation: 'generate',
			model: 'flux-kontext-max',
			prompt: 'add a hat',
			additionalFields: { input_image: 'https://example.com/photos/cat.jpg' },
		});
		expect(bodiesSent(sim, '/flux/v1/flux-kontext-max')).toStrictEqual([
			{ prompt: 'add a hat', input_image: 'https://example.com/photos/cat.jpg' },
		]);
	});

	test('Kontext input_image from a binary property of the input item is sent as raw base64', async () => {
		const result = await fluxRunOk(
			sim,
			{
				operation: 'generate',
				model: 'flux-kontext-pro',
				prompt: 'add a hat',
				additionalFields: { input_imageBinaryProperty: 'photo', aspect_ratio: '1:1' },
			},
			{ items: [itemWithBinary('photo', SAMPLE_INPUT_BYTES, { mimeType: 'image/png', fileName: 'x.png' })] },
		);
		const [body] = bodiesSent(sim, '/flux/v1/flux-kontext-pro') as IDataObject[];
		expect(body).toStrictEqual({
			prompt: 'add a hat',
			aspect_ratio: '1:1',
			input_image: SAMPLE_INPUT_BYTES.toString('base64'),
		});
		expect(Buffer.from(body.input_image as string, 'base64').equals(SAMPLE_INPUT_BYTES)).toBe(true);
		expect(result.items).toHaveLength(1);
		expect((await binaryBuffer(result.items[0])).length).toBeGreaterThan(0);
	});

	test('each item sends its own binary input image', async () => {
		const jpeg = (text: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(text)]);
		const pictures = [jpeg('first picture'), jpeg('second picture, longer')];
		const result = await fluxRunOk(
			sim,
			{
				operation: 'generate',
				model: 'flux-2-pro',
				prompt: 'restyle',
				additionalFields: { input_imageBinaryProperty: 'data' },
			},
			{ items: pictures.map((bytes) => itemWithBinary('data', bytes, { mimeType: 'image/jpeg', fileName: 'p.jpg' })) },
		);
		expect(result.items).toHaveLength(2);
		for (const [i, item] of result.items.entries()) {
			expect(item.pairedItem).toEqual({ item: i });
			expect(sim.task(item.json.taskId as string)?.body.input_image).toBe(pictures[i].toString('base64'));
		}
	});

	test('image_prompt from a binary property for flux-pro-1.1', async () => {
		await fluxRunOk(
			sim,
			{
				operation: 'generate',
				model: 'flux-pro-1.1',
				prompt: 'in this style',
				additionalFields: { image_promptBinaryProperty: 'ref' },
			},
			{ items: [itemWithBinary('ref', SAMPLE_INPUT_BYTES)] },
		);
		expect(bodiesSent(sim, '/flux/v1/flux-pro-1.1')).toStrictEqual([
			{ prompt: 'in this style', image_prompt: SAMPLE_INPUT_BYTES.toString('base64') },
		]);
	});

	test('a binary image option hidden for the model (input_image on flux-pro-1.1) is not sent', async () => {
		const result = await fluxRun(
			sim,
			{
				operation: 'generate',
				model: 'flux-pro-1.1',
				prompt: 'no edit here',
				additionalFields: { input_imageBinaryProperty: 'photo', width: 512 },
			},
			{ items: [itemWithBinary('photo', SAMPLE_INPUT_BYTES)] },
		);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(bodiesSent(sim, '/flux/v1/flux-pro-1.1')).toStrictEqual([{ prompt: 'no edit here', width: 512 }]);
	});
});

describe('generate: n8n filesystem binary data mode', () => {
	test('binary input and output work when n8n keeps binary data on disk', async () => {
		const result = await fluxRunOk(
			sim,
			{
				operation: 'generate',
				model: 'flux-kontext-pro',
				prompt: 'on disk',
				additionalFields: { input_imageBinaryProperty: 'photo' },
			},
			{ items: [itemWithBinary('photo', SAMPLE_INPUT_BYTES)], binaryDataMode: 'filesystem' },
		);
		expect(bodiesSent(sim, '/flux/v1/flux-kontext-pro')).toStrictEqual([
			{ prompt: 'on disk', input_image: SAMPLE_INPUT_BYTES.toString('base64') },
		]);
		const [item] = result.items;
		expect(item.binary?.data.id).toMatch(/^filesystem/);
		await expectBinaryMatchesImage(item, { mimeType: 'image/png', fileName: `${item.json.taskId as string}.png` });
	});
});

describe('generate: Extra Body (JSON)', () => {
	test('fields of a model the catalogue does not list (flux-pro-1.0-fill) go into the body', async () => {
		const image = SAMPLE_INPUT_BYTES.toString('base64');
		await fluxRunOk(sim, {
			operation: 'generate',
			model: 'custom',
			customModel: 'flux-pro-1.0-fill',
			prompt: 'fill the sky',
			additionalFields: { seed: 7, extraBody: JSON.stringify({ image, mask: image, steps: 30 }) },
		});
		expect(bodiesSent(sim, '/flux/v1/flux-pro-1.0-fill')).toStrictEqual([
			{ prompt: 'fill the sky', seed: 7, image, mask: image, steps: 30 },
		]);
	});

	test('a field set both in Extra Body and as a field is refused before any request', async () => {
		const result = await fluxRun(sim, {
			operation: 'generate',
			model: 'flux-dev',
			prompt: 'twice',
			additionalFields: { steps: 20, extraBody: '{"steps": 30}' },
		});
		expect(result.error?.message).toMatch(/Extra Body \(JSON\) sets "steps", which is already set/);
		expect(submitsSent(sim)).toEqual([]);
	});
});

describe('generate: webhook secret', () => {
	test('is a password field (masked in the editor), and still sent as typed', async () => {
		const collections = new Flux().description.properties.filter((property) => property.name === 'additionalFields');
		const secrets = collections.flatMap((collection) => (collection.options as INodeProperties[]).filter((option) => option.name === 'webhook_secret'));
		expect(secrets.length).toBeGreaterThan(0);
		for (const secret of secrets) expect(secret.typeOptions?.password).toBe(true);

		await fluxRunOk(sim, { operation: 'generate', model: 'flux-dev', prompt: 'a kite', additionalFields: { webhook_secret: 's3cret' } });
		expect(bodiesSent(sim, '/flux/v1/flux-dev')).toStrictEqual([{ prompt: 'a kite', webhook_secret: 's3cret' }]);
	});
});
