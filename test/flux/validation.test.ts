import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startSimulator, type Simulator } from '../simulator/index.ts';
import { gradientPng } from '../simulator/png.ts';
import { items, runFlux } from './run.ts';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ generationMs: 100 });
});
afterAll(async () => sim.close());

const bfl = (model: string, additionalFields: INodeParameters = {}, more: INodeParameters = {}): INodeParameters => ({
	operation: 'generate',
	model,
	prompt: 'a lighthouse at dawn',
	additionalFields,
	...more,
});
const replicate = (model: string, additionalFields: INodeParameters = {}, more: INodeParameters = {}): INodeParameters => ({
	operation: 'replicatePredict',
	model: `black-forest-labs/${model}`,
	prompt: 'a lighthouse at dawn',
	additionalFields,
	...more,
});

/** An input item with a small PNG under binary `data`. */
const itemWithImage: INodeExecutionData = {
	json: {},
	binary: {
		data: { data: gradientPng(8, 8, 1).toString('base64'), mimeType: 'image/png', fileName: 'in.png' },
	},
};

interface Case {
	/** Parameters of the run. */
	parameters: INodeParameters;
	/** Every pattern must match the error message. */
	message: RegExp[];
	/** Patterns the description must match. */
	description?: RegExp[];
	/** Input items, default one empty item. */
	items?: INodeExecutionData[];
	/**
	 * 'node' (default): the node rejects the item itself; 'required': n8n refuses to run a node
	 * whose required parameter is empty (the editor's "Parameter X is required" issue).
	 */
	by?: 'node' | 'required';
}

const refs = (count: number) => Array.from({ length: count }, (_, i) => `https://example.com/${i}.png`).join('\n');
/** A PNG whose bytes are one over BFL's 20 MB limit, as base64. */
const overLimitBase64 = Buffer.concat([gradientPng(1, 1, 1), Buffer.alloc(20 * 1024 * 1024 + 1 - gradientPng(1, 1, 1).length)]).toString('base64');

const range = (low: string, high: string) => new RegExp(`${low.replace(/\./g, '\\.')}\\s*-\\s*${high.replace(/\./g, '\\.')}`);

// Rows: [title, case]. Each names the field and the allowed range or values.
const cases: Array<[string, Case]> = [
	// FLUX 1.1 [pro]: width/height 256-1440, multiples of 32
	['pro-1.1 width 500 (not a multiple of 32)', { parameters: bfl('flux-pro-1.1', { width: 500 }), message: [/^Width must be a whole number/, range('256', '1440'), /multiple of 32/, /\(got 500\) for flux-pro-1\.1$/] }],
	['pro-1.1 width 224 (below 256)', { parameters: bfl('flux-pro-1.1', { width: 224 }), message: [/^Width /, range('256', '1440')] }],
	['pro-1.1 height 1472 (above 1440)', { parameters: bfl('flux-pro-1.1', { height: 1472 }), message: [/^Height /, range('256', '1440')] }],
	['pro-1.1 safety_tolerance 7', { parameters: bfl('flux-pro-1.1', { safety_tolerance: 7 }), message: [/^Safety Tolerance /, range('0', '6')] }],
	['pro-1.1 safety_tolerance -1', { parameters: bfl('flux-pro-1.1', { safety_tolerance: -1 }), message: [/^Safety Tolerance /, range('0', '6')] }],
	['pro-1.1 output_format gif', { parameters: bfl('flux-pro-1.1', { output_format: 'gif' }), message: [/^Output Format /, /jpeg, png, webp/] }],
	['pro-1.1 seed -1', { parameters: bfl('flux-pro-1.1', { seed: -1 }), message: [/^Seed /, range('0', '4294967295')] }],
	['pro-1.1 webhook_url not a URL', { parameters: bfl('flux-pro-1.1', { webhook_url: 'my-server/hook' }), message: [/^Webhook URL /, /http\(s\) URL/] }],
	// FLUX.1 [dev]: steps 1-50, guidance 1.5-5
	['dev steps 0', { parameters: bfl('flux-dev', { steps: 0 }), message: [/^Steps /, range('1', '50')] }],
	['dev steps 51', { parameters: bfl('flux-dev', { steps: 51 }), message: [/^Steps /, range('1', '50')] }],
	['dev steps 10.5 (not whole)', { parameters: bfl('flux-dev', { steps: 10.5 }), message: [/^Steps /, /whole number/, range('1', '50')] }],
	['dev guidance 1', { parameters: bfl('flux-dev', { guidance: 1 }), message: [/^Guidance /, range('1.5', '5')] }],
	['dev guidance 5.5', { parameters: bfl('flux-dev', { guidance: 5.5 }), message: [/^Guidance /, range('1.5', '5')] }],
	// FLUX.1 [pro]: interval 1-4 besides steps/guidance
	['pro interval 0.5', { parameters: bfl('flux-pro', { interval: 0.5 }), message: [/^Interval /, range('1', '4')] }],
	['pro interval 4.5', { parameters: bfl('flux-pro', { interval: 4.5 }), message: [/^Interval /, range('1', '4')] }],
	['pro steps 51', { parameters: bfl('flux-pro', { steps: 51 }), message: [/^Steps /, range('1', '50')] }],
	['pro guidance 6', { parameters: bfl('flux-pro', { guidance: 6 }), message: [/^Guidance /, range('1.5', '5')] }],
	// FLUX 1.1 [pro] Ultra: aspect ratio 21:9 .. 9:21, image_prompt_strength 0-1
	['ultra aspect_ratio 3:1 (wider than 21:9)', { parameters: bfl('flux-pro-1.1-ultra', { aspect_ratio: '3:1' }), message: [/^Aspect Ratio /, /21:9/, /9:21/] }],
	['ultra aspect_ratio abc', { parameters: bfl('flux-pro-1.1-ultra', { aspect_ratio: 'abc' }), message: [/^Aspect Ratio /, /21:9/, /9:21/] }],
	['ultra image_prompt_strength 1.5', { parameters: bfl('flux-pro-1.1-ultra', { image_prompt_strength: 1.5 }), message: [/^Image Prompt Strength /, range('0', '1')] }],
	['ultra safety_tolerance 7', { parameters: bfl('flux-pro-1.1-ultra', { safety_tolerance: 7 }), message: [/^Safety Tolerance /, range('0', '6')] }],
	['ultra output_format gif', { parameters: bfl('flux-pro-1.1-ultra', { output_format: 'gif' }), message: [/^Output Format /, /jpeg, png, webp/] }],
	// Kontext
	['kontext-pro aspect_ratio 3:1', { parameters: bfl('flux-kontext-pro', { aspect_ratio: '3:1' }), message: [/^Aspect Ratio /, /21:9/, /9:21/] }],
	['kontext-pro aspect_ratio 1:3 (taller than 9:21)', { parameters: bfl('flux-kontext-pro', { aspect_ratio: '1:3' }), message: [/^Aspect Ratio /, /21:9/, /9:21/] }],
	['kontext-max aspect_ratio abc', { parameters: bfl('flux-kontext-max', { aspect_ratio: 'abc' }), message: [/^Aspect Ratio /, /21:9/, /9:21/] }],
	['kontext-pro safety_tolerance -1', { parameters: bfl('flux-kontext-pro', { safety_tolerance: -1 }), message: [/^Safety Tolerance /, range('0', '6')] }],
	[
		'kontext-pro input image from a missing binary property',
		{
			parameters: bfl('flux-kontext-pro', { input_imageBinaryProperty: 'photo' }),
			items: [itemWithImage],
			message: [/Input Image/, /Binary Properties/, /"photo"/],
			description: [/data/],
		},
	],
	// FLUX.2: multiples of 16, 256-2048
	['flux-2-pro width 1000 (not a multiple of 16)', { parameters: bfl('flux-2-pro', { width: 1000 }), message: [/^Width /, /multiple of 16/, /4 MP/] }],
	['flux-2-pro 2048 x 2064 (over 4 MP in all)', { parameters: bfl('flux-2-pro', { width: 2048, height: 2064 }), message: [/^Width x Height /, /at most 4 MP \(4194304 pixels\) in all/, /2048 x 2064/] }],
	['flux-2-max height 48 (below 64)', { parameters: bfl('flux-2-max', { height: 48 }), message: [/^Height /, /at least 64/, /4 MP/] }],
	['flux-2-pro output_format webp (BFL: jpeg or png)', { parameters: bfl('flux-2-pro', { output_format: 'webp' }), message: [/^Output Format /, /jpeg, png/] }],
	// FLUX.2 [klein] typed by ID: its own family, 4 references
	['"By ID" flux-2-klein-4b 5 references', { parameters: bfl('flux-2-klein-4b', { input_image: refs(5) }), message: [/^Input Image /, /at most 4 images \(got 5\) for flux-2-klein-4b/] }],
	['"By ID" flux-2-klein-9b width 1000', { parameters: bfl('flux-2-klein-9b', { width: 1000 }), message: [/^Width /, /multiple of 16/] }],
	// Canny and depth need a control image or a preprocessed one
	...(['flux-pro-1.0-canny', 'flux-pro-1.0-depth'] as const).map((model): [string, Case] => [
		`${model} with neither image`,
		{ parameters: bfl(model, { guidance: 20 }), message: [/^Control Image or Preprocessed Image is required: set one of them/, new RegExp(`for ${model}`)] },
	]),
	// Replicate Kontext: safety_tolerance at most 2 once an input image is given
	...(['flux-kontext-pro', 'flux-kontext-max'] as const).map((model): [string, Case] => [
		`replicate ${model} safety_tolerance 3 with an input image`,
		{ parameters: replicate(model, { input_image: 'https://example.com/a.png', safety_tolerance: 3 }), message: [/^Safety Tolerance /, /at most 2 with Input Image set \(got 3\)/] },
	]),
	['replicate flux-2-dev aspect_ratio custom (it takes no width/height)', { parameters: replicate('flux-2-dev', { aspect_ratio: 'custom' }), message: [/^Aspect Ratio /, /match_input_image/] }],
	// Images typed as base64 or a data URI count by their decoded bytes
	['flux-2-pro data URI over 20 MB', { parameters: bfl('flux-2-pro', { input_image: `data:image/png;base64,${overLimitBase64}` }), message: [/^Input Image /, /20971521 bytes/, /limit of 20971520 bytes \(20 MB\)/] }],
	['fill raw base64 image over 20 MB', { parameters: bfl('flux-pro-1.0-fill', { image: overLimitBase64 }), message: [/^Image /, /20971521 bytes/, /limit of 20971520 bytes/] }],
	['flux-2-pro 9 references', { parameters: bfl('flux-2-pro', { input_image: Array.from({ length: 9 }, (_, i) => `https://example.com/${i}.png`).join('\n') }), message: [/^Input Image /, /at most 8 images \(got 9\)/] }],
	['kontext-pro 5 references', { parameters: bfl('flux-kontext-pro', { input_image: Array.from({ length: 5 }, (_, i) => `https://example.com/${i}.png`).join(', ') }), message: [/at most 4 images \(got 5\)/] }],
	['fill without an image', { parameters: bfl('flux-pro-1.0-fill', { mask: 'https://example.com/m.png' }), message: [/^Image is required for flux-pro-1.0-fill/] }],
	['replicate flux-2-pro 9 references', { parameters: replicate('flux-2-pro', { input_images: Array.from({ length: 9 }, (_, i) => `https://example.com/${i}.png`).join('\n') }), message: [/at most 8 images/] }],
	['flux-2-flex guidance 10.5', { parameters: bfl('flux-2-flex', { guidance: 10.5 }), message: [/^Guidance /, range('1.5', '10')] }],
	['flux-2-flex steps 0', { parameters: bfl('flux-2-flex', { steps: 0 }), message: [/^Steps /, range('1', '50')] }],
	['flux-2-pro safety_tolerance 6', { parameters: bfl('flux-2-pro', { safety_tolerance: 6 }), message: [/^Safety Tolerance /, range('0', '5')] }],
	// Prompt
	['empty prompt', { parameters: bfl('flux-dev', {}, { prompt: '' }), message: [/Prompt/, /required/], by: 'required' }],
	['whitespace-only prompt', { parameters: bfl('flux-dev', {}, { prompt: '  \n\t ' }), message: [/Prompt/, /empty/] }],
	['prompt from an expression resolving to nothing', { parameters: bfl('flux-dev', {}, { prompt: '={{ $json.missing }}' }), message: [/Prompt/, /empty/] }],
	['replicate whitespace-only prompt', { parameters: replicate('flux-schnell', {}, { prompt: '   ' }), message: [/Prompt/, /empty/] }],
	// Expressions in number fields: the editor's bounds do not reach them, the node's check does
	["width from an expression resolving to 'wide'", { parameters: bfl('flux-dev', { width: "={{ 'wide' }}" }), message: [/^Width /, /number/, /"wide"/, range('256', '1440')] }],
	['width from an expression resolving to 1472 (above 1440)', { parameters: bfl('flux-dev', { width: '={{ 1440 + 32 }}' }), message: [/^Width must be/, range('256', '1440'), /\(got 1472\)/] }],
	['steps from an expression resolving to 0', { parameters: bfl('flux-dev', { steps: '={{ $json.steps ?? 0 }}' }), message: [/^Steps must be/, range('1', '50'), /\(got 0\)/] }],
	['replicate guidance from an expression resolving to 10.5', { parameters: replicate('flux-dev', { guidance: '={{ 21 / 2 }}' }), message: [/^Guidance must be/, range('0', '10'), /\(got 10\.5\)/] }],
	// Custom model IDs
	['custom BFL model id with a space', { parameters: bfl('custom', {}, { customModel: 'flux pro' }), message: [/Model/, /"flux pro"/] }],
	['custom BFL model id with a slash', { parameters: bfl('custom', {}, { customModel: 'black-forest-labs/flux-pro' }), message: [/Model/, /black-forest-labs\/flux-pro/] }],
	['custom Replicate model id with a space', { parameters: replicate('', {}, { model: 'custom', customModel: 'black-forest-labs/flux schnell' }), message: [/Model/, /flux schnell/] }],
	['custom Replicate model id with two slashes', { parameters: replicate('', {}, { model: 'custom', customModel: 'a/b/c' }), message: [/Model/, /"a\/b\/c"/] }],
	// Replicate
	['schnell num_outputs 5', { parameters: replicate('flux-schnell', { num_outputs: 5 }), message: [/^Number of Outputs /, range('1', '4')] }],
	['schnell num_inference_steps 5', { parameters: replicate('flux-schnell', { num_inference_steps: 5 }), message: [/^Inference Steps /, range('1', '4')] }],
	['schnell output_quality 101', { parameters: replicate('flux-schnell', { output_quality: 101 }), message: [/^Output Quality /, range('0', '100')] }],
	["schnell megapixels '2'", { parameters: replicate('flux-schnell', { megapixels: '2' }), message: [/^Megapixels /, /1, 0\.25/] }],
	["schnell aspect_ratio '7:3'", { parameters: replicate('flux-schnell', { aspect_ratio: '7:3' }), message: [/^Aspect Ratio /, /1:1, 16:9, 21:9/, /9:21/] }],
	['schnell output_format gif', { parameters: replicate('flux-schnell', { output_format: 'gif' }), message: [/^Output Format /, /webp, jpg, png/] }],
	['dev num_inference_steps 51', { parameters: replicate('flux-dev', { num_inference_steps: 51 }), message: [/^Inference Steps /, range('1', '50')] }],
	['dev guidance 11', { parameters: replicate('flux-dev', { guidance: 11 }), message: [/^Guidance /, range('0', '10')] }],
	[
		'dev image from a missing binary property',
		{ parameters: replicate('flux-dev', { imageBinaryProperty: 'photo' }), message: [/Image/, /Binary Property/, /"photo"/] },
	],
	['1.1-pro width 1000 (not a multiple of 32)', { parameters: replicate('flux-1.1-pro', { aspect_ratio: 'custom', width: 1000 }), message: [/^Width /, range('256', '1440'), /multiple of 32/] }],
	['1.1-pro safety_tolerance 7', { parameters: replicate('flux-1.1-pro', { safety_tolerance: 7 }), message: [/^Safety Tolerance /, range('1', '6')] }],
	['1.1-pro safety_tolerance 0', { parameters: replicate('flux-1.1-pro', { safety_tolerance: 0 }), message: [/^Safety Tolerance /, range('1', '6')] }],
	['pro (replicate) steps 51', { parameters: replicate('flux-pro', { steps: 51 }), message: [/^Steps /, range('1', '50')] }],
	['pro (replicate) interval 5', { parameters: replicate('flux-pro', { interval: 5 }), message: [/^Interval /, range('1', '4')] }],
	['ultra (replicate) image_prompt_strength 1.5', { parameters: replicate('flux-1.1-pro-ultra', { image_prompt_strength: 1.5 }), message: [/^Image Prompt Strength /, range('0', '1')] }],
	['ultra (replicate) output_format webp', { parameters: replicate('flux-1.1-pro-ultra', { output_format: 'webp' }), message: [/^Output Format /, /jpg, png/] }],
	['extraInput invalid JSON', { parameters: replicate('flux-schnell', { extraInput: '{"lora_scale": 0.8,' }), message: [/Extra Input \(JSON\)/, /valid JSON|JSON object/] }],
	['extraInput a JSON array', { parameters: replicate('flux-schnell', { extraInput: '[{"lora_scale": 0.8}]' }), message: [/Extra Input \(JSON\)/, /JSON object/] }],
	['extraInput clashing with a set field', { parameters: replicate('flux-schnell', { num_outputs: 2, extraInput: '{"num_outputs": 3}' }), message: [/Extra Input \(JSON\)/, /"num_outputs"/, /already set/] }],
	['extraInput clashing with the prompt', { parameters: replicate('flux-schnell', { extraInput: '{"prompt": "other"}' }), message: [/Extra Input \(JSON\)/, /"prompt"/, /already set/] }],
	// Get Result
	['getResult with an empty task id', { parameters: { operation: 'getResult', taskId: '' }, message: [/Task ID/, /required/], by: 'required' }],
	['getResult with a whitespace task id', { parameters: { operation: 'getResult', taskId: '   ' }, message: [/Task ID/, /empty/] }],
	['getResult with a task id from an expression resolving to nothing', { parameters: { operation: 'getResult', taskId: '={{ $json.id }}' }, message: [/Task ID/, /empty/] }],
	// Options
	['options.timeout 0', { parameters: bfl('flux-dev', {}, { options: { timeout: 0 } }), message: [/Timeout/, /from 0.1 to 86400/] }],
	['options.timeout -5', { parameters: bfl('flux-dev', {}, { options: { timeout: -5 } }), message: [/Timeout/, /from 0.1 to 86400/] }],
	['options.timeout 1e12 (a deadline that never comes)', { parameters: bfl('flux-dev', {}, { options: { timeout: 1e12 } }), message: [/Timeout/, /from 0.1 to 86400/] }],
	['options.pollInterval 0', { parameters: bfl('flux-dev', {}, { options: { pollInterval: 0 } }), message: [/Poll Interval/, /from 0.01 to 3600/] }],
	['options.pollInterval 0.0001 (a flood of polls)', { parameters: bfl('flux-dev', {}, { options: { pollInterval: 0.0001 } }), message: [/Poll Interval/, /from 0.01/] }],
	['options.maxTasksInFlight 0', { parameters: bfl('flux-dev', {}, { options: { maxTasksInFlight: 0 } }), message: [/Max Tasks in Flight/, /from 1 to 1000/] }],
	['options.queueTimeout 0', { parameters: bfl('flux-dev', {}, { options: { queueTimeout: 0 } }), message: [/Queue Timeout/, /from 0.1 to 86400/] }],
	['getResult options.timeout 0', { parameters: { operation: 'getResult', taskId: 'abc', options: { timeout: 0 } }, message: [/Timeout/, /from 0.1 to 86400/] }],
];

const matchAll = (text: string | undefined, patterns: RegExp[] = []) => {
	for (const pattern of patterns) expect(text ?? '').toMatch(pattern);
};

describe('invalid input fails before any request', () => {
	test.each(cases)('%s', async (_title, c) => {
		const run = await runFlux(sim, c.parameters, { items: c.items });
		expect(run.status).toBe('error');
		expect(run.error).toBeDefined();
		matchAll(run.error?.message, c.message);
		// Fields are named by their label alone, never followed by the API's name: "Width must be", not "Width (width) must be".
		expect(run.error?.message).not.toMatch(/ \([a-z]+(?:_[a-z]+)*(?:(?:, | or )[a-z]+(?:_[a-z]+)*)*\)/);
		expect(run.requests).toEqual([]);
		if (c.by === 'required') {
			// n8n's own check of required parameters stops the run before the node starts.
			expect(run.error?.name).toBe('WorkflowHasIssuesError');
			return;
		}
		matchAll(run.error?.description ?? '', c.description);
		// The node's validation error, not an answer from CometAPI: n8n's RoutingNode re-wraps every
		// error of a declarative node into NodeApiError, without an HTTP code.
		expect(['NodeOperationError', 'NodeApiError']).toContain(run.error?.name);
		expect((run.error as { httpCode?: string | null }).httpCode ?? 'none').toBe('none');

		// With "On Error: Continue" the item itself carries the node's NodeOperationError.
		const continued = await runFlux(sim, c.parameters, { items: c.items, continueOnFail: true });
		// Compared with the error, so a failure says what stopped the run.
		expect({ status: continued.status, error: continued.error?.stack }).toEqual({ status: 'success', error: undefined });
		expect(continued.requests).toEqual([]);
		expect(continued.items).toHaveLength(1);
		const [item] = continued.items;
		expect(item.error?.name).toBe('NodeOperationError');
		expect(item.json.error).toBe(run.error?.message);
		expect(item.pairedItem).toEqual({ item: 0 });
	});
});

test('a value out of range reads "Width must be ... (got 1000)": the label, the allowed range, the value and the model', async () => {
	const run = await runFlux(sim, bfl('flux-dev', { width: 1000 }));
	expect(run.error?.message).toBe('Width must be a whole number, 256-1440, a multiple of 32 (got 1000) for flux-dev');
	expect(run.error?.description).toBe('Change Width under Additional Fields.');
	expect(run.requests).toEqual([]);
});

describe('accepted values are sent as the API expects', () => {
	test("a number field from an expression resolving to '512' is sent as the number 512", async () => {
		const run = await runFlux(sim, bfl('flux-dev', { width: "={{ '512' }}", height: '={{ "768" }}' }));
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(run.submits).toBe(1);
		const submit = run.requests.find((r) => r.method === 'POST');
		expect(submit?.body).toEqual({ prompt: 'a lighthouse at dawn', width: 512, height: 768 });
		expect(run.items).toHaveLength(1);
		expect(run.items[0].binary?.data).toBeDefined();
	});

	test('FLUX.2 takes multiples of 16 that FLUX.1 refuses', async () => {
		const flux2 = await runFlux(sim, bfl('flux-2-pro', { width: 1040, height: 2048 }));
		expect(flux2.error).toBeUndefined();
		expect(flux2.requests.find((r) => r.method === 'POST')?.body).toMatchObject({ width: 1040, height: 2048 });

		const flux1 = await runFlux(sim, bfl('flux-pro-1.1', { width: 1040 }));
		expect(flux1.error?.message).toMatch(/multiple of 32/);
		expect(flux1.requests).toEqual([]);
	});

	test('a binary property is sent as base64 (BFL) and as a data URI (Replicate)', async () => {
		const base64 = itemWithImage.binary!.data.data;
		const kontext = await runFlux(sim, bfl('flux-kontext-pro', { input_imageBinaryProperty: 'data' }), { items: [itemWithImage] });
		expect(kontext.error).toBeUndefined();
		expect(kontext.requests.find((r) => r.method === 'POST')?.body).toMatchObject({ input_image: base64 });

		const dev = await runFlux(sim, replicate('flux-dev', { imageBinaryProperty: 'data' }), { items: [itemWithImage] });
		expect(dev.error).toBeUndefined();
		expect(dev.requests.find((r) => r.method === 'POST')?.body).toMatchObject({
			input: { image: `data:image/png;base64,${base64}` },
		});
	});
});

describe('one bad item among several', () => {
	const parameters = bfl('flux-dev', { width: '={{ $json.width }}' }, { prompt: '={{ $json.prompt }}' });
	const input = () =>
		items(4, (i) => ({
			prompt: i === 2 ? '   ' : `lighthouse ${i}`,
			width: i === 1 ? 1000 : 512,
		}));

	test('with continueOnFail only the bad items fail; the good ones produce images, pairing intact', async () => {
		const run = await runFlux(sim, parameters, { items: input(), continueOnFail: true });
		expect(run.status).toBe('success');
		expect(run.items).toHaveLength(4);
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));

		const [first, badWidth, badPrompt, last] = run.items;
		for (const good of [first, last]) {
			expect(good.error).toBeUndefined();
			expect(good.json.status).toBe('Ready');
			expect(good.binary?.data).toBeDefined();
		}
		expect(first.json.prompt).toBe('lighthouse 0');
		expect(last.json.prompt).toBe('lighthouse 3');
		expect(badWidth.json.error).toMatch(/^Width .*multiple of 32/);
		expect(badWidth.binary).toBeUndefined();
		expect(badPrompt.json.error).toMatch(/Prompt must not be empty/);

		// Only the good items were submitted.
		const prompts = run.requests.filter((r) => r.method === 'POST').map((r) => (r.body as IDataObject).prompt);
		expect(prompts.sort()).toEqual(['lighthouse 0', 'lighthouse 3']);
	});

	test('without continueOnFail the run fails before any item is submitted', async () => {
		const run = await runFlux(sim, parameters, { items: input() });
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/^Width .*multiple of 32|Prompt must not be empty/);
		// A good item submitted before the bad one is found costs credits for a run that fails anyway.
		expect(run.submits).toBe(0);
		expect(run.requests).toEqual([]);
	});
});
