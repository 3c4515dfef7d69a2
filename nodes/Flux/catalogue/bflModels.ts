import type { FieldSpec, ModelSpec } from './fieldSpec';

const size = (min: number, max: number, multipleOf: number, byDefault: number): FieldSpec => ({
	kind: 'integer',
	min,
	max,
	multipleOf,
	default: byDefault,
});
const seed: FieldSpec = { kind: 'integer', min: 0, max: 4294967295 };
const safetyTolerance: FieldSpec = { kind: 'integer', min: 0, max: 6, default: 2 };
const jpegOrPng = (byDefault: string): FieldSpec => ({
	kind: 'choice',
	values: ['jpeg', 'png', 'webp'],
	default: byDefault,
});
const webhook: Record<string, FieldSpec> = {
	webhook_url: { kind: 'string', format: 'url' },
	webhook_secret: { kind: 'string' },
};
const aspectRatio: FieldSpec = { kind: 'ratioRange', widest: '21:9', tallest: '9:21', default: '16:9' };

const flux1Sized: Record<string, FieldSpec> = {
	image_prompt: { kind: 'image' },
	width: size(256, 1440, 32, 1024),
	height: size(256, 1440, 32, 768),
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: jpegOrPng('jpeg'),
	...webhook,
};

const kontext: Record<string, FieldSpec> = {
	input_image: { kind: 'image' },
	aspect_ratio: { ...aspectRatio, default: '1:1' },
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: jpegOrPng('png'),
	...webhook,
};

const flux2: Record<string, FieldSpec> = {
	input_image: { kind: 'image' },
	width: size(256, 2048, 16, 1024),
	height: size(256, 2048, 16, 1024),
	prompt_upsampling: { kind: 'boolean' },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: jpegOrPng('jpeg'),
	...webhook,
};

/** Models of the BFL format, with each one's fields, ranges and defaults (BFL's API reference). */
export const bflModels: ModelSpec[] = [
	{ id: 'flux-pro-1.1', name: 'FLUX 1.1 [pro]', fields: flux1Sized },
	{
		id: 'flux-pro-1.1-ultra',
		name: 'FLUX 1.1 [pro] Ultra',
		fields: {
			image_prompt: { kind: 'image' },
			aspect_ratio: aspectRatio,
			image_prompt_strength: { kind: 'number', min: 0, max: 1, default: 0.1 },
			raw: { kind: 'boolean', default: false },
			prompt_upsampling: { kind: 'boolean', default: false },
			seed,
			safety_tolerance: safetyTolerance,
			output_format: jpegOrPng('jpeg'),
			...webhook,
		},
	},
	{
		id: 'flux-pro',
		name: 'FLUX.1 [pro]',
		fields: {
			...flux1Sized,
			steps: { kind: 'integer', min: 1, max: 50, default: 40 },
			guidance: { kind: 'number', min: 1.5, max: 5, default: 2.5 },
			interval: { kind: 'number', min: 1, max: 4, default: 2 },
		},
	},
	{
		id: 'flux-dev',
		name: 'FLUX.1 [dev]',
		fields: {
			...flux1Sized,
			steps: { kind: 'integer', min: 1, max: 50, default: 28 },
			guidance: { kind: 'number', min: 1.5, max: 5, default: 3 },
		},
	},
	{ id: 'flux-kontext-pro', name: 'FLUX.1 Kontext [pro] (edit with an input image)', fields: kontext },
	{ id: 'flux-kontext-max', name: 'FLUX.1 Kontext [max] (edit with an input image)', fields: kontext },
	{ id: 'flux-2-pro', name: 'FLUX.2 [pro]', fields: flux2 },
	{ id: 'flux-2-max', name: 'FLUX.2 [max]', fields: flux2 },
	{
		id: 'flux-2-flex',
		name: 'FLUX.2 [flex]',
		fields: {
			...flux2,
			steps: { kind: 'integer', min: 1, max: 50, default: 50 },
			guidance: { kind: 'number', min: 1.5, max: 10, default: 4.5 },
		},
	},
];

/** For a model ID typed by hand: the catalogue model of the same family, or undefined. */
export const bflFamilies: Array<{ pattern: RegExp; like: string }> = [
	{ pattern: /^flux-2-flex/, like: 'flux-2-flex' },
	{ pattern: /^flux-2-/, like: 'flux-2-pro' },
	{ pattern: /kontext/, like: 'flux-kontext-pro' },
	{ pattern: /ultra/, like: 'flux-pro-1.1-ultra' },
	{ pattern: /^flux-dev/, like: 'flux-dev' },
];
