/**
 * Editing models and images from the workflow, through n8n's real engine against the simulator:
 * fill, expand, canny, depth; FLUX.2 and Kontext references as lists on both routes; images
 * from URLs and from binary properties (base64 on BFL, a data URI on Replicate).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../simulator/index.ts';
import { bodiesSent, fluxRun, fluxRunOk, modelCreateRoute, SAMPLE_INPUT_BYTES, submitsSent, useSimulator } from './helpers.ts';

// Replicate Predict's default create route: the model's own (see replicate.test.ts).

let sim: Simulator;
useSimulator({ generationMs: 100 }, (started) => (sim = started));

const URL_A = 'https://example.com/a.png';
const URL_B = 'https://example.com/b.png';
const rl = (value: string) => ({ __rl: true, mode: 'list', value });
const png = SAMPLE_INPUT_BYTES;
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a jpeg picture')]);
const b64 = (bytes: Buffer) => bytes.toString('base64');

/** One item with several binary properties. */
function itemWith(binaries: Record<string, { bytes: Buffer; mimeType: string }>): INodeExecutionData {
	const binary = Object.fromEntries(
		Object.entries(binaries).map(([name, { bytes, mimeType }]) => [name, { data: bytes.toString('base64'), mimeType, fileName: name }]),
	);
	return { json: {}, binary };
}
const picture = itemWith({ data: { bytes: png, mimeType: 'image/png' }, data_1: { bytes: jpeg, mimeType: 'image/jpeg' }, mask: { bytes: png, mimeType: 'image/png' } });

const generate = (model: string, additionalFields: INodeParameters): INodeParameters => ({ operation: 'generate', model: rl(model), prompt: 'edit it', additionalFields });
const predict = (model: string, additionalFields: INodeParameters): INodeParameters => ({ operation: 'replicatePredict', model: rl(model), prompt: 'edit it', additionalFields });

describe('BFL editing models: exact bodies', () => {
	test.each<[string, INodeParameters, IDataObject]>([
		['flux-pro-1.0-fill', { image: URL_A, mask: URL_B, steps: 30, guidance: 70 }, { image: URL_A, mask: URL_B, steps: 30, guidance: 70 }],
		['flux-pro-1.0-expand', { image: URL_A, top: 256, left: 128, output_format: 'png' }, { image: URL_A, top: 256, left: 128, output_format: 'png' }],
		['flux-pro-1.0-canny', { control_image: URL_A, canny_low_threshold: 40, canny_high_threshold: 180 }, { control_image: URL_A, canny_low_threshold: 40, canny_high_threshold: 180 }],
		['flux-pro-1.0-depth', { preprocessed_image: URL_A, guidance: 20, seed: 3 }, { preprocessed_image: URL_A, guidance: 20, seed: 3 }],
		['flux-2-pro', { input_image: `${URL_A}\n${URL_B}`, width: 2048, height: 2048, safety_tolerance: 5 }, { input_image: URL_A, input_image_2: URL_B, width: 2048, height: 2048, safety_tolerance: 5 }],
		['flux-kontext-max', { input_image: `${URL_A}, ${URL_B}` }, { input_image: URL_A, input_image_2: URL_B }],
	])('%s', async (model, fields, body) => {
		await fluxRunOk(sim, generate(model, fields));
		expect(bodiesSent(sim, `/flux/v1/${model}`)).toStrictEqual([{ prompt: 'edit it', ...body }]);
	});
});

describe('Replicate editing models: exact inputs, images from URLs', () => {
	test.each<[string, INodeParameters, IDataObject]>([
		['black-forest-labs/flux-2-max', { input_images: `${URL_A}, ${URL_B}`, aspect_ratio: 'custom', width: 1536, height: 1024, safety_tolerance: 5 }, { input_images: [URL_A, URL_B], aspect_ratio: 'custom', width: 1536, height: 1024, safety_tolerance: 5 }],
		['black-forest-labs/flux-2-dev', { input_images: URL_A, aspect_ratio: 'match_input_image', go_fast: false, output_format: 'png' }, { input_images: [URL_A], aspect_ratio: 'match_input_image', go_fast: false, output_format: 'png' }],
		['black-forest-labs/flux-kontext-max', { input_image: URL_A, aspect_ratio: '2:1', safety_tolerance: 2 }, { input_image: URL_A, aspect_ratio: '2:1', safety_tolerance: 2 }],
		['black-forest-labs/flux-kontext-pro', { input_image: URL_B, prompt_upsampling: true }, { input_image: URL_B, prompt_upsampling: true }],
		// Without an input image Kontext takes the full 0-6.
		['black-forest-labs/flux-kontext-max', { safety_tolerance: 6 }, { safety_tolerance: 6 }],
	])('%s %j', async (model, fields, input) => {
		await fluxRunOk(sim, predict(model, fields));
		expect(bodiesSent(sim, modelCreateRoute(model))).toStrictEqual([{ input: { prompt: 'edit it', ...input } }]);
	});
});

describe('images from binary properties', () => {
	test('fill: image and mask from binaries, as base64', async () => {
		await fluxRunOk(sim, generate('flux-pro-1.0-fill', { imageBinaryProperty: 'data', maskBinaryProperty: 'mask' }), { items: [picture] });
		expect(bodiesSent(sim, '/flux/v1/flux-pro-1.0-fill')).toStrictEqual([{ prompt: 'edit it', image: b64(png), mask: b64(png) }]);
	});

	test('expand, canny and depth take their image from a binary', async () => {
		await fluxRunOk(sim, generate('flux-pro-1.0-expand', { imageBinaryProperty: 'data_1', bottom: 64 }), { items: [picture] });
		await fluxRunOk(sim, generate('flux-pro-1.0-canny', { control_imageBinaryProperty: 'data' }), { items: [picture] });
		await fluxRunOk(sim, generate('flux-pro-1.0-depth', { preprocessed_imageBinaryProperty: 'data_1' }), { items: [picture] });
		expect(submitsSent(sim).map((s) => s.body)).toStrictEqual([
			{ prompt: 'edit it', image: b64(jpeg), bottom: 64 },
			{ prompt: 'edit it', control_image: b64(png) },
			{ prompt: 'edit it', preprocessed_image: b64(jpeg) },
		]);
	});

	test('FLUX.2 [pro] on BFL: named binaries become input_image, input_image_2, ...', async () => {
		await fluxRunOk(sim, generate('flux-2-pro', { input_imageBinaryProperty: 'data_1, data, mask' }), { items: [picture] });
		expect(bodiesSent(sim, '/flux/v1/flux-2-pro')).toStrictEqual([
			{ prompt: 'edit it', input_image: b64(jpeg), input_image_2: b64(png), input_image_3: b64(png) },
		]);
	});

	test('* takes every image binary of the item in order, and skips other files', async () => {
		const item = itemWith({ data: { bytes: png, mimeType: 'image/png' }, notes: { bytes: Buffer.from('text'), mimeType: 'text/plain' }, data_1: { bytes: jpeg, mimeType: 'image/jpeg' } });
		await fluxRunOk(sim, generate('flux-kontext-pro', { input_imageBinaryProperty: '*' }), { items: [item] });
		expect(bodiesSent(sim, '/flux/v1/flux-kontext-pro')).toStrictEqual([{ prompt: 'edit it', input_image: b64(png), input_image_2: b64(jpeg) }]);
	});

	test('* judges by bytes: an image declared application/octet-stream is taken, a text declared image/png is not', async () => {
		const item = itemWith({
			upload: { bytes: jpeg, mimeType: 'application/octet-stream' },
			notes: { bytes: Buffer.from('not a picture'), mimeType: 'image/png' },
			data: { bytes: png, mimeType: 'image/png' },
		});
		await fluxRunOk(sim, generate('flux-kontext-pro', { input_imageBinaryProperty: '*' }), { items: [item] });
		expect(bodiesSent(sim, '/flux/v1/flux-kontext-pro')).toStrictEqual([{ prompt: 'edit it', input_image: b64(jpeg), input_image_2: b64(png) }]);
	});

	test('Replicate FLUX.2: binaries become input_images as data URIs, typed by their bytes', async () => {
		await fluxRunOk(sim, predict('black-forest-labs/flux-2-pro', { input_imagesBinaryProperty: 'data, data_1', aspect_ratio: 'match_input_image', resolution: '2 MP' }), { items: [picture] });
		expect(bodiesSent(sim, modelCreateRoute('black-forest-labs/flux-2-pro'))).toStrictEqual([
			{
				input: { prompt: 'edit it', input_images: [`data:image/png;base64,${b64(png)}`, `data:image/jpeg;base64,${b64(jpeg)}`], aspect_ratio: 'match_input_image', resolution: '2 MP' },
			},
		]);
	});

	test('Replicate: URLs list for FLUX.2 [flex], single input_image for Kontext', async () => {
		await fluxRunOk(sim, predict('black-forest-labs/flux-2-flex', { input_images: `${URL_A}\n${URL_B}`, steps: 20, seed: 9 }));
		await fluxRunOk(sim, predict('black-forest-labs/flux-kontext-pro', { input_imageBinaryProperty: 'data_1', output_format: 'jpg' }), { items: [picture] });
		expect(bodiesSent(sim, modelCreateRoute('black-forest-labs/flux-2-flex'))).toStrictEqual([
			{ input: { prompt: 'edit it', input_images: [URL_A, URL_B], steps: 20, seed: 9 } },
		]);
		expect(bodiesSent(sim, modelCreateRoute('black-forest-labs/flux-kontext-pro'))).toStrictEqual([
			{ input: { prompt: 'edit it', input_image: `data:image/jpeg;base64,${b64(jpeg)}`, output_format: 'jpg' } },
		]);
	});
});

describe('refused before any request', () => {
	test('a binary that is not an image, whatever its name and declared type', async () => {
		const fake = itemWith({ data: { bytes: Buffer.from('%PDF-1.7 not a picture'), mimeType: 'image/png' } });
		const run = await fluxRun(sim, generate('flux-2-pro', { input_imageBinaryProperty: 'data' }), { items: [fake] });
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/Input Image \(Binary Properties\): binary property "data" is not an image/);
		expect(submitsSent(sim)).toEqual([]);
	});

	test('more binaries than the model takes', async () => {
		const nine = itemWith(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, { bytes: png, mimeType: 'image/png' }])));
		const run = await fluxRun(sim, generate('flux-2-pro', { input_imageBinaryProperty: '*' }), { items: [nine] });
		expect(run.error?.message).toMatch(/^Input Image takes at most 8 images \(got 9\) for flux-2-pro$/);
		expect(submitsSent(sim)).toEqual([]);
	});

	test('an image one byte over 20 MB: the message shows the bytes', async () => {
		const big = itemWith({ data: { bytes: Buffer.concat([png, Buffer.alloc(20 * 1024 * 1024 + 1 - png.length)]), mimeType: 'image/png' } });
		const run = await fluxRun(sim, generate('flux-pro-1.0-fill', { imageBinaryProperty: 'data' }), { items: [big] });
		expect(run.error?.message).toMatch(/Image \(Binary Property\): binary property "data" is 20971521 bytes, over the API's limit of 20971520 bytes \(20 MB\) per image/);
		expect(submitsSent(sim)).toEqual([]);
	});

	test('Replicate Kontext with an input image from a binary: safety_tolerance above 2 is refused', async () => {
		const run = await fluxRun(sim, predict('black-forest-labs/flux-kontext-pro', { input_imageBinaryProperty: 'data', safety_tolerance: 4 }), { items: [picture] });
		expect(run.error?.message).toMatch(/^Safety Tolerance must be at most 2 with Input Image set \(got 4\) for black-forest-labs\/flux-kontext-pro$/);
		expect(submitsSent(sim)).toEqual([]);
	});
});

describe('typed model IDs get their family fields', () => {
	test.each(['flux-2-klein', 'flux-2-klein-4b', 'flux-2-klein-9b'])('"By ID" %s: FLUX.2 [klein], its four references mapped', async (model) => {
		const four = [URL_A, URL_B, URL_A, URL_B];
		const run = await fluxRun(sim, { ...generate(model, { input_image: four.join('\n'), width: 1040 }), model: { __rl: true, mode: 'id', value: model } });
		expect(run.status).toBe('success');
		expect(bodiesSent(sim, `/flux/v1/${model}`)).toStrictEqual([
			{ prompt: 'edit it', input_image: URL_A, input_image_2: URL_B, input_image_3: URL_A, input_image_4: URL_B, width: 1040 },
		]);
	});
});
