import type { FieldInfo, FieldSpec, ModelSpec } from './fieldSpec';

/** Body fields of `POST /flux/v1/{model}`, in the order the editor lists them. */
export const bflFieldInfo: Record<string, FieldInfo> = {
	input_image: {
		displayName: 'Input Image',
		description: 'Image to edit: a URL, base64, or (below) a binary property of the input item',
	},
	image_prompt: {
		displayName: 'Image Prompt',
		description: 'Reference image that guides style or content: a URL or base64',
	},
	width: { displayName: 'Width', description: 'Output width in pixels' },
	height: { displayName: 'Height', description: 'Output height in pixels' },
	aspect_ratio: { displayName: 'Aspect Ratio', description: 'Aspect ratio of the image, e.g. 16:9' },
	steps: { displayName: 'Steps', description: 'Number of diffusion steps: more is slower but finer' },
	guidance: { displayName: 'Guidance', description: 'How closely the image follows the prompt' },
	interval: { displayName: 'Interval', description: 'Diversity: higher gives more varied images' },
	image_prompt_strength: {
		displayName: 'Image Prompt Strength',
		description: 'How much the image prompt shapes the result',
	},
	raw: { displayName: 'Raw', description: 'Whether to generate less processed, more natural-looking images' },
	prompt_upsampling: {
		displayName: 'Prompt Upsampling',
		description: 'Whether to let the model expand the prompt for more detailed results',
	},
	seed: { displayName: 'Seed', description: 'Seed for reproducible results; leave unset for a random one' },
	safety_tolerance: {
		displayName: 'Safety Tolerance',
		description: 'Moderation level: 0 is the strictest, higher is more permissive',
	},
	output_format: { displayName: 'Output Format', description: 'File format of the image' },
	webhook_url: {
		displayName: 'Webhook URL',
		description: 'URL that CometAPI calls when the task ends, e.g. a Wait node\'s {{ $execution.resumeUrl }}',
	},
	webhook_secret: {
		displayName: 'Webhook Secret',
		description: 'Secret sent with the webhook call so the receiver can check it',
	},
};

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
