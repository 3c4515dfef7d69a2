import type { FieldSpec, ModelSpec } from './fieldSpec';

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
];

export const replicateFamilies: Array<{ pattern: RegExp; like: string }> = [
	{ pattern: /ultra/, like: 'black-forest-labs/flux-1.1-pro-ultra' },
	{ pattern: /schnell/, like: 'black-forest-labs/flux-schnell' },
	{ pattern: /flux-dev/, like: 'black-forest-labs/flux-dev' },
	{ pattern: /flux-1\.1-pro/, like: 'black-forest-labs/flux-1.1-pro' },
	{ pattern: /flux-pro/, like: 'black-forest-labs/flux-pro' },
];
