import type { FieldRule, FieldSpec, ModelSpec } from './fieldSpec';

const ratios = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'];
const seed: FieldSpec = { kind: 'integer', min: 0, max: 2147483647 };
const outputFormat: FieldSpec = { kind: 'choice', values: ['webp', 'jpg', 'png'], default: 'webp' };
const outputQuality: FieldSpec = { kind: 'integer', min: 0, max: 100, default: 80 };
const safetyTolerance: FieldSpec = { kind: 'integer', min: 1, max: 6, default: 2 };
const customSize = (byDefault: number): FieldSpec => ({
	kind: 'integer',
	min: 256,
	max: 1440,
	multipleOf: 32,
	default: byDefault,
});

const schnell: Record<string, FieldSpec> = {
	aspect_ratio: { kind: 'choice', values: ratios, default: '1:1' },
	num_outputs: { kind: 'integer', min: 1, max: 4, default: 1 },
	num_inference_steps: { kind: 'integer', min: 1, max: 4, default: 4 },
	megapixels: { kind: 'choice', values: ['1', '0.25'], default: '1' },
	go_fast: { kind: 'boolean', default: true },
	seed,
	disable_safety_checker: { kind: 'boolean', default: false },
	output_format: outputFormat,
	output_quality: outputQuality,
};

const proSized: Record<string, FieldSpec> = {
	image_prompt: { kind: 'image' },
	aspect_ratio: { kind: 'choice', values: [...ratios, 'custom'], default: '1:1' },
	width: customSize(1024),
	height: customSize(1024),
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: outputFormat,
	output_quality: outputQuality,
};

// FLUX.2 on Replicate (replicate.com/black-forest-labs/flux-2-pro, -max, -flex, -dev; the inputs
// CometAPI's own integration code sends): references as one `input_images` list. Width and height
// apply only with aspect_ratio custom, "a multiple of 32", and "the maximum image size is
// 2048x2048" (replicate.com/black-forest-labs/flux-2-max, its input schema).
const flux2Ratios = ['1:1', '16:9', '3:2', '2:3', '4:5', '5:4', '9:16', '3:4', '4:3', 'match_input_image'];
const flux2Side: FieldSpec = { kind: 'integer', min: 256, max: 2048, multipleOf: 32, default: 1024 };
const flux2: Record<string, FieldSpec> = {
	input_images: { kind: 'imageList', max: 8 },
	aspect_ratio: { kind: 'choice', values: [...flux2Ratios, 'custom'], default: '1:1' },
	resolution: { kind: 'choice', values: ['match_input_image', '0.5 MP', '1 MP', '2 MP', '4 MP'], default: '1 MP' },
	width: flux2Side,
	height: flux2Side,
	seed,
	safety_tolerance: { kind: 'integer', min: 0, max: 5, default: 2 },
	output_format: outputFormat,
	output_quality: outputQuality,
};

// Kontext on Replicate (replicate.com/black-forest-labs/flux-kontext-pro): one `input_image`; with
// it, Replicate caps safety_tolerance at 2 (replicate.com/black-forest-labs/flux-kontext-pro, its
// safety_tolerance input).
const kontextRules: FieldRule[] = [{ kind: 'capWhenSet', field: 'safety_tolerance', max: 2, when: 'input_image' }];
const kontext: Record<string, FieldSpec> = {
	input_image: { kind: 'image' },
	aspect_ratio: {
		kind: 'choice',
		values: ['match_input_image', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '4:5', '5:4', '21:9', '9:21', '2:1', '1:2'],
		default: 'match_input_image',
	},
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: { kind: 'integer', min: 0, max: 6, default: 2 },
	output_format: { kind: 'choice', values: ['jpg', 'png'], default: 'png' },
};

/** Models of the Replicate format (CometAPI's `/replicate/v1/predictions`), from Replicate's model pages. */
export const replicateModels: ModelSpec[] = [
	{ id: 'black-forest-labs/flux-schnell', name: 'FLUX.1 [schnell] (fast)', fields: schnell },
	{
		id: 'black-forest-labs/flux-dev',
		name: 'FLUX.1 [dev]',
		fields: {
			...schnell,
			image: { kind: 'image' },
			prompt_strength: { kind: 'number', min: 0, max: 1, default: 0.8 },
			num_inference_steps: { kind: 'integer', min: 1, max: 50, default: 28 },
			guidance: { kind: 'number', min: 0, max: 10, default: 3 },
		},
	},
	{ id: 'black-forest-labs/flux-1.1-pro', name: 'FLUX 1.1 [pro]', fields: proSized },
	{
		id: 'black-forest-labs/flux-pro',
		name: 'FLUX.1 [pro]',
		fields: {
			...proSized,
			steps: { kind: 'integer', min: 1, max: 50, default: 25 },
			guidance: { kind: 'number', min: 2, max: 5, default: 3 },
			interval: { kind: 'number', min: 1, max: 4, default: 2 },
		},
	},
	{
		id: 'black-forest-labs/flux-1.1-pro-ultra',
		name: 'FLUX 1.1 [pro] Ultra',
		fields: {
			image_prompt: { kind: 'image' },
			image_prompt_strength: { kind: 'number', min: 0, max: 1, default: 0.1 },
			aspect_ratio: { kind: 'choice', values: ratios, default: '1:1' },
			raw: { kind: 'boolean', default: false },
			seed,
			safety_tolerance: safetyTolerance,
			output_format: { kind: 'choice', values: ['jpg', 'png'], default: 'jpg' },
		},
	},
	{ id: 'black-forest-labs/flux-2-pro', name: 'FLUX.2 [pro]', fields: flux2 },
	{ id: 'black-forest-labs/flux-2-max', name: 'FLUX.2 [max]', fields: flux2 },
	{
		id: 'black-forest-labs/flux-2-flex',
		name: 'FLUX.2 [flex]',
		fields: {
			...flux2,
			steps: { kind: 'integer', min: 1, max: 50, default: 30 },
			guidance: { kind: 'number', min: 1.5, max: 10, default: 4.5 },
			prompt_upsampling: { kind: 'boolean', default: true },
		},
	},
	{
		id: 'black-forest-labs/flux-2-dev',
		name: 'FLUX.2 [dev]',
		fields: {
			input_images: { kind: 'imageList', max: 4 },
			// Its inputs have no width/height, so no custom ratio either.
			aspect_ratio: { kind: 'choice', values: flux2Ratios, default: '1:1' },
			go_fast: { kind: 'boolean', default: true },
			seed,
			disable_safety_checker: { kind: 'boolean', default: false },
			output_format: outputFormat,
			output_quality: outputQuality,
		},
	},
	{ id: 'black-forest-labs/flux-kontext-pro', name: 'FLUX.1 Kontext [pro] (edit with an input image)', fields: kontext, rules: kontextRules },
	{ id: 'black-forest-labs/flux-kontext-max', name: 'FLUX.1 Kontext [max] (edit with an input image)', fields: kontext, rules: kontextRules },
];

export const replicateFamilies: Array<{ pattern: RegExp; like: string }> = [
	{ pattern: /flux-2-flex/, like: 'black-forest-labs/flux-2-flex' },
	{ pattern: /flux-2-dev/, like: 'black-forest-labs/flux-2-dev' },
	{ pattern: /flux-2-/, like: 'black-forest-labs/flux-2-pro' },
	{ pattern: /kontext/, like: 'black-forest-labs/flux-kontext-pro' },
	{ pattern: /ultra/, like: 'black-forest-labs/flux-1.1-pro-ultra' },
	{ pattern: /schnell/, like: 'black-forest-labs/flux-schnell' },
	{ pattern: /flux-dev/, like: 'black-forest-labs/flux-dev' },
	{ pattern: /flux-1\.1-pro/, like: 'black-forest-labs/flux-1.1-pro' },
	{ pattern: /flux-pro/, like: 'black-forest-labs/flux-pro' },
];
