// Each model's accepted fields, written from /work/shared/reference/cometapi-flux-api.md and the
// public BFL/Replicate specs. Deliberately independent of the node's own tables, so a mismatch shows.

import { flux2Sides, ofInput, ratioAt, replicateFlux1, replicateFlux2 as replicateFlux2Size, sides, type SizeRule } from './sizes.ts';

export type FieldSpec =
	| { type: 'string'; required?: boolean }
	| { type: 'url'; required?: boolean }
	| { type: 'integer'; min?: number; max?: number; multipleOf?: number }
	/** An input image: an http(s) URL, or the file itself as base64 (raw, or a `data:image/...` URI) whose bytes are an image. */
	| { type: 'image'; required?: boolean }
	/** A JSON array of strings (Replicate's input_images), at most `maxItems`; `of: 'image'`: each one an image as above. */
	| { type: 'list'; maxItems: number; of?: 'image' }
	| { type: 'number'; min: number; max: number }
	| { type: 'boolean' }
	| { type: 'enum'; values: readonly string[] }
	/** "W:H" between 21:9 and 9:21. */
	| { type: 'ratio' };

export type FieldTable = Record<string, FieldSpec>;

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** A rule over several fields; the problem it finds, or undefined. */
export type CrossCheck = (body: Record<string, unknown>) => { field: string; message: string; input?: unknown } | undefined;

export interface BflModel {
	fields: FieldTable;
	check?: CrossCheck;
	/** width x height cap (FLUX.2: 4 MP). */
	maxPixels?: number;
	defaultOutputFormat: ImageFormat;
	/** The result's width and height. */
	size: SizeRule;
	/** Active-task cap for this model, on top of the per-key cap (BFL: 6 for flux-kontext-max). */
	ownActiveLimit?: number;
}

const prompt: FieldSpec = { type: 'string', required: true };
const optionalPrompt: FieldSpec = { type: 'string' };
const seed: FieldSpec = { type: 'integer' };
const bool: FieldSpec = { type: 'boolean' };
const text: FieldSpec = { type: 'string' };
const bflOutputFormat: FieldSpec = { type: 'enum', values: ['jpeg', 'png', 'webp'] };
const safetyTolerance: FieldSpec = { type: 'integer', min: 0, max: 6 };
const image: FieldSpec = { type: 'image' };
const side1440: FieldSpec = { type: 'integer', min: 256, max: 1440, multipleOf: 32 };
const steps50: FieldSpec = { type: 'integer', min: 1, max: 50 };
const guidance5: FieldSpec = { type: 'number', min: 1.5, max: 5 };

const bflCommon: FieldTable = {
	seed,
	prompt_upsampling: bool,
	safety_tolerance: safetyTolerance,
	output_format: bflOutputFormat,
	webhook_url: { type: 'url' },
	webhook_secret: text,
};

const proOneOne: FieldTable = {
	...bflCommon,
	prompt,
	image_prompt: text,
	width: side1440,
	height: side1440,
};

const kontext: FieldTable = {
	...bflCommon,
	prompt,
	input_image: image,
	input_image_2: image,
	input_image_3: image,
	input_image_4: image,
	aspect_ratio: { type: 'ratio' },
};

const fillOrExpand: FieldTable = {
	...bflCommon,
	prompt: optionalPrompt,
	image: { type: 'image', required: true },
	steps: { type: 'integer', min: 15, max: 50 },
	guidance: { type: 'number', min: 1.5, max: 100 },
};

// BFL's FLUX.2: sides multiples of 16, at least 64; width x height at most 4 MP; safety 0-5;
// jpeg or png. [klein] takes 4 references, the others 8.
const flux2Side: FieldSpec = { type: 'integer', min: 64, multipleOf: 16 };
const flux2References = (count: number): FieldTable => ({
	input_image: image,
	...Object.fromEntries(Array.from({ length: count - 1 }, (_, i) => [`input_image_${i + 2}`, image])),
});
const flux2: FieldTable = {
	...bflCommon,
	prompt,
	safety_tolerance: { type: 'integer', min: 0, max: 5 },
	output_format: { type: 'enum', values: ['jpeg', 'png'] },
	...flux2References(8),
	width: flux2Side,
	height: flux2Side,
};
const klein: FieldTable = {
	...Object.fromEntries(Object.entries(flux2).filter(([field]) => !field.startsWith('input_image'))),
	...flux2References(4),
};
const FLUX2_MAX_PIXELS = 2048 * 2048;

const flux1Size = sides(1024, 768);
const kontextSize = ratioAt(1, '1:1', 16, 'input_image');
const controlSize = ofInput('control_image', 'preprocessed_image');

const control: FieldTable = {
	...bflCommon,
	prompt,
	control_image: image,
	preprocessed_image: image,
	steps: { type: 'integer', min: 15, max: 50 },
	guidance: { type: 'number', min: 1, max: 100 },
};
const needsControl: CrossCheck = (body) =>
	body.control_image === undefined && body.preprocessed_image === undefined
		? { field: 'control_image', message: 'Either control_image or preprocessed_image must be provided' }
		: undefined;

// BFL's finetuned endpoints (docs.bfl.ai API reference): the base fields plus finetune_id (required)
// and finetune_strength 0-2; jpeg or png.
const finetune: FieldTable = {
	finetune_id: { type: 'string', required: true },
	finetune_strength: { type: 'number', min: 0, max: 2 },
	output_format: { type: 'enum', values: ['jpeg', 'png'] },
};
// Canny and depth finetuned: a control image, required, and no preprocessed image.
const finetunedControl: FieldTable = {
	...Object.fromEntries(Object.entries(control).filter(([field]) => field !== 'preprocessed_image')),
	...finetune,
	control_image: { type: 'image', required: true },
};

export const BFL_MODELS: Record<string, BflModel> = {
	'flux-pro-1.1': { fields: proOneOne, defaultOutputFormat: 'jpeg', size: flux1Size },
	'flux-dev': {
		fields: { ...proOneOne, steps: steps50, guidance: guidance5 },
		defaultOutputFormat: 'jpeg',
		size: flux1Size,
	},
	'flux-pro': {
		fields: {
			...proOneOne,
			steps: steps50,
			guidance: guidance5,
			interval: { type: 'integer', min: 1, max: 4 },
		},
		defaultOutputFormat: 'jpeg',
		size: flux1Size,
	},
	'flux-pro-1.1-ultra': {
		fields: {
			...bflCommon,
			prompt,
			image_prompt: text,
			aspect_ratio: { type: 'ratio' },
			raw: bool,
			image_prompt_strength: { type: 'number', min: 0, max: 1 },
		},
		defaultOutputFormat: 'jpeg',
		size: ratioAt(4, '16:9', 32),
	},
	'flux-kontext-pro': { fields: kontext, defaultOutputFormat: 'png', size: kontextSize },
	'flux-kontext-max': { fields: kontext, defaultOutputFormat: 'png', size: kontextSize, ownActiveLimit: 6 },
	'flux-pro-1.0-fill': {
		fields: { ...fillOrExpand, mask: image },
		defaultOutputFormat: 'jpeg',
		size: ofInput('image'),
	},
	'flux-pro-1.0-expand': {
		fields: {
			...fillOrExpand,
			top: { type: 'integer', min: 0, max: 2048 },
			bottom: { type: 'integer', min: 0, max: 2048 },
			left: { type: 'integer', min: 0, max: 2048 },
			right: { type: 'integer', min: 0, max: 2048 },
		},
		defaultOutputFormat: 'jpeg',
		size: ofInput('image'),
	},
	'flux-pro-1.0-canny': {
		fields: {
			...control,
			canny_low_threshold: { type: 'integer', min: 0, max: 500 },
			canny_high_threshold: { type: 'integer', min: 0, max: 500 },
		},
		check: needsControl,
		defaultOutputFormat: 'jpeg',
		size: controlSize,
	},
	'flux-pro-1.0-depth': { fields: control, check: needsControl, defaultOutputFormat: 'jpeg', size: controlSize },
	'flux-2-pro': { fields: flux2, defaultOutputFormat: 'jpeg', maxPixels: FLUX2_MAX_PIXELS, size: flux2Sides },
	'flux-2-max': { fields: flux2, defaultOutputFormat: 'jpeg', maxPixels: FLUX2_MAX_PIXELS, size: flux2Sides },
	'flux-2-flex': {
		fields: { ...flux2, steps: steps50, guidance: { type: 'number', min: 1.5, max: 10 } },
		defaultOutputFormat: 'jpeg',
		maxPixels: FLUX2_MAX_PIXELS,
		size: flux2Sides,
	},
	'flux-pro-finetuned': {
		fields: { ...proOneOne, steps: steps50, guidance: guidance5, ...finetune },
		defaultOutputFormat: 'jpeg',
		size: flux1Size,
	},
	'flux-pro-1.1-ultra-finetuned': {
		fields: {
			...bflCommon,
			prompt,
			image_prompt: text,
			aspect_ratio: { type: 'ratio' },
			image_prompt_strength: { type: 'number', min: 0, max: 1 },
			...finetune,
		},
		defaultOutputFormat: 'jpeg',
		size: ratioAt(4, '16:9', 32),
	},
	'flux-pro-1.0-fill-finetuned': { fields: { ...fillOrExpand, mask: image, ...finetune }, defaultOutputFormat: 'jpeg', size: ofInput('image') },
	'flux-pro-1.0-canny-finetuned': {
		fields: {
			...finetunedControl,
			canny_low_threshold: { type: 'integer', min: 0, max: 500 },
			canny_high_threshold: { type: 'integer', min: 0, max: 500 },
		},
		defaultOutputFormat: 'jpeg',
		size: controlSize,
	},
	'flux-pro-1.0-depth-finetuned': { fields: finetunedControl, defaultOutputFormat: 'jpeg', size: controlSize },
	'flux-2-klein': { fields: klein, defaultOutputFormat: 'jpeg', maxPixels: FLUX2_MAX_PIXELS, size: flux2Sides },
	'flux-2-klein-4b': { fields: klein, defaultOutputFormat: 'jpeg', maxPixels: FLUX2_MAX_PIXELS, size: flux2Sides },
	'flux-2-klein-9b': { fields: klein, defaultOutputFormat: 'jpeg', maxPixels: FLUX2_MAX_PIXELS, size: flux2Sides },
};

export type ReplicateFormat = 'webp' | 'jpg' | 'png';

export interface ReplicateModel {
	fields: FieldTable;
	check?: CrossCheck;
	/** Array of URLs (flux-schnell, flux-dev) or a single URL string (the pro models). */
	output: 'array' | 'single';
	defaultOutputFormat: ReplicateFormat;
	/** The result's width and height. */
	size: SizeRule;
}

export const REPLICATE_ASPECT_RATIOS = [
	'1:1',
	'16:9',
	'21:9',
	'3:2',
	'2:3',
	'4:5',
	'5:4',
	'3:4',
	'4:3',
	'9:16',
	'9:21',
] as const;

const replicateOutputFormat: FieldSpec = { type: 'enum', values: ['webp', 'jpg', 'png'] };
const outputQuality: FieldSpec = { type: 'integer', min: 0, max: 100 };
const replicateSafety: FieldSpec = { type: 'integer', min: 1, max: 6 };
const aspectRatio: FieldSpec = { type: 'enum', values: REPLICATE_ASPECT_RATIOS };
const aspectRatioOrCustom: FieldSpec = {
	type: 'enum',
	values: [...REPLICATE_ASPECT_RATIOS, 'custom'],
};
// Replicate rounds width/height to the nearest multiple of 32 instead of rejecting them.
const replicateSide: FieldSpec = { type: 'integer', min: 256, max: 1440 };

const schnell: FieldTable = {
	prompt,
	aspect_ratio: aspectRatio,
	num_outputs: { type: 'integer', min: 1, max: 4 },
	num_inference_steps: { type: 'integer', min: 1, max: 4 },
	seed,
	output_format: replicateOutputFormat,
	output_quality: outputQuality,
	disable_safety_checker: bool,
	go_fast: bool,
	megapixels: { type: 'enum', values: ['1', '0.25'] },
};

const pro11: FieldTable = {
	prompt,
	aspect_ratio: aspectRatioOrCustom,
	width: replicateSide,
	height: replicateSide,
	image_prompt: text,
	safety_tolerance: replicateSafety,
	prompt_upsampling: bool,
	seed,
	output_format: replicateOutputFormat,
	output_quality: outputQuality,
};

export const REPLICATE_MODELS: Record<string, ReplicateModel> = {
	'black-forest-labs/flux-schnell': {
		fields: schnell,
		output: 'array',
		defaultOutputFormat: 'webp',
		size: replicateFlux1,
	},
	'black-forest-labs/flux-dev': {
		fields: {
			...schnell,
			image,
			prompt_strength: { type: 'number', min: 0, max: 1 },
			num_inference_steps: { type: 'integer', min: 1, max: 50 },
			guidance: { type: 'number', min: 0, max: 10 },
		},
		output: 'array',
		defaultOutputFormat: 'webp',
		size: replicateFlux1,
	},
	'black-forest-labs/flux-1.1-pro': {
		fields: pro11,
		output: 'single',
		defaultOutputFormat: 'webp',
		size: replicateFlux1,
	},
	'black-forest-labs/flux-pro': {
		fields: {
			...pro11,
			steps: { type: 'integer', min: 1, max: 50 },
			guidance: { type: 'number', min: 2, max: 5 },
			interval: { type: 'number', min: 1, max: 4 },
		},
		output: 'single',
		defaultOutputFormat: 'webp',
		size: replicateFlux1,
	},
	'black-forest-labs/flux-1.1-pro-ultra': {
		fields: {
			prompt,
			aspect_ratio: aspectRatio,
			raw: bool,
			image_prompt: text,
			image_prompt_strength: { type: 'number', min: 0, max: 1 },
			safety_tolerance: replicateSafety,
			seed,
			output_format: { type: 'enum', values: ['jpg', 'png'] },
		},
		output: 'single',
		defaultOutputFormat: 'jpg',
		size: ratioAt(4, '1:1', 32),
	},
};

// FLUX.2 and Kontext on Replicate, with the inputs CometAPI's own code sends.
const flux2Ratios = ['1:1', '16:9', '3:2', '2:3', '4:5', '5:4', '9:16', '3:4', '4:3', 'match_input_image'];
const replicateFlux2: FieldTable = {
	prompt,
	input_images: { type: 'list', maxItems: 8, of: 'image' },
	aspect_ratio: { type: 'enum', values: [...flux2Ratios, 'custom'] },
	resolution: { type: 'enum', values: ['match_input_image', '0.5 MP', '1 MP', '2 MP', '4 MP'] },
	width: { type: 'integer', min: 256, max: 2048 },
	height: { type: 'integer', min: 256, max: 2048 },
	seed,
	safety_tolerance: { type: 'integer', min: 0, max: 5 },
	output_format: replicateOutputFormat,
	output_quality: outputQuality,
};
const replicateKontext: FieldTable = {
	prompt,
	input_image: image,
	aspect_ratio: { type: 'enum', values: ['match_input_image', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '4:5', '5:4', '21:9', '9:21', '2:1', '1:2'] },
	prompt_upsampling: bool,
	seed,
	safety_tolerance: { type: 'integer', min: 0, max: 6 },
	output_format: { type: 'enum', values: ['jpg', 'png'] },
};
// Replicate's Kontext: with an input image, safety_tolerance 2 at most.
const kontextSafety: CrossCheck = (input) =>
	input.input_image !== undefined && typeof input.safety_tolerance === 'number' && input.safety_tolerance > 2
		? { field: 'safety_tolerance', message: 'safety_tolerance must be less than or equal to 2 when input_image is provided', input: input.safety_tolerance }
		: undefined;
Object.assign(REPLICATE_MODELS, {
	'black-forest-labs/flux-2-pro': { fields: replicateFlux2, output: 'single', defaultOutputFormat: 'webp', size: replicateFlux2Size },
	'black-forest-labs/flux-2-max': { fields: replicateFlux2, output: 'single', defaultOutputFormat: 'webp', size: replicateFlux2Size },
	'black-forest-labs/flux-2-flex': {
		fields: { ...replicateFlux2, steps: { type: 'integer', min: 1, max: 50 }, guidance: { type: 'number', min: 1.5, max: 10 }, prompt_upsampling: bool },
		output: 'single',
		defaultOutputFormat: 'webp',
		size: replicateFlux2Size,
	},
	'black-forest-labs/flux-2-dev': {
		fields: {
			prompt,
			input_images: { type: 'list', maxItems: 4, of: 'image' },
			aspect_ratio: { type: 'enum', values: flux2Ratios },
			go_fast: bool,
			seed,
			disable_safety_checker: bool,
			output_format: replicateOutputFormat,
			output_quality: outputQuality,
		},
		output: 'single',
		defaultOutputFormat: 'webp',
		size: replicateFlux2Size,
	},
	'black-forest-labs/flux-kontext-pro': { fields: replicateKontext, check: kontextSafety, output: 'single', defaultOutputFormat: 'png', size: kontextSize },
	'black-forest-labs/flux-kontext-max': { fields: replicateKontext, check: kontextSafety, output: 'single', defaultOutputFormat: 'png', size: kontextSize },
} satisfies Record<string, ReplicateModel>);

/** Ids listed by GET /v1/models, besides the flux ones. */
export const OTHER_LISTED_MODELS = [
	'gpt-4o',
	'gpt-4o-mini',
	'claude-3-7-sonnet-latest',
	'mj_imagine',
];
