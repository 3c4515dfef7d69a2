import type { FieldInfo, FieldSpec, ModelSpec } from './fieldSpec';

/** Fields of the Replicate prediction's `input` object, in the order the editor lists them. */
export const replicateFieldInfo: Record<string, FieldInfo> = {
	image: {
		displayName: 'Image',
		description: 'Input image for image-to-image: a URL, a data URI, or (below) a binary property',
	},
	image_prompt: {
		displayName: 'Image Prompt',
		description: 'Reference image that guides the composition: a URL or a data URI',
	},
	prompt_strength: {
		displayName: 'Prompt Strength',
		description: 'With an input image: 1 replaces the image entirely, lower keeps more of it',
	},
	aspect_ratio: { displayName: 'Aspect Ratio', description: 'Aspect ratio of the image' },
	width: {
		displayName: 'Width',
		description: 'Output width in pixels; used when Aspect Ratio is "custom"',
	},
	height: {
		displayName: 'Height',
		description: 'Output height in pixels; used when Aspect Ratio is "custom"',
	},
	num_outputs: { displayName: 'Number of Outputs', description: 'How many images to make' },
	num_inference_steps: {
		displayName: 'Inference Steps',
		description: 'Number of denoising steps',
	},
	steps: { displayName: 'Steps', description: 'Number of diffusion steps' },
	guidance: { displayName: 'Guidance', description: 'How closely the image follows the prompt' },
	interval: { displayName: 'Interval', description: 'Diversity: higher gives more varied images' },
	image_prompt_strength: {
		displayName: 'Image Prompt Strength',
		description: 'How much the image prompt shapes the result',
	},
	raw: { displayName: 'Raw', description: 'Whether to generate less processed, more natural-looking images' },
	megapixels: { displayName: 'Megapixels', description: 'Approximate size of the image' },
	go_fast: {
		displayName: 'Go Fast',
		description: 'Whether to run a faster, slightly lower-quality version of the model',
	},
	prompt_upsampling: {
		displayName: 'Prompt Upsampling',
		description: 'Whether to let the model expand the prompt for more detailed results',
	},
	seed: { displayName: 'Seed', description: 'Seed for reproducible results; leave unset for a random one' },
	safety_tolerance: {
		displayName: 'Safety Tolerance',
		description: 'Moderation level: 1 is the strictest, 6 the most permissive',
	},
	disable_safety_checker: {
		displayName: 'Disable Safety Checker',
		description: 'Whether to turn off the safety checker for generated images',
	},
	output_format: { displayName: 'Output Format', description: 'File format of the images' },
	output_quality: {
		displayName: 'Output Quality',
		description: 'Quality of lossy images (JPEG, WebP); not used for PNG',
	},
};

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
