// Each model's accepted fields, written from /work/shared/reference/cometapi-flux-api.md and the
// public BFL/Replicate specs. Deliberately independent of the node's own tables, so a mismatch shows.

export type FieldSpec =
	| { type: 'string'; required?: boolean }
	| { type: 'url'; required?: boolean }
	| { type: 'integer'; min?: number; max?: number; multipleOf?: number }
	| { type: 'number'; min: number; max: number }
	| { type: 'boolean' }
	| { type: 'enum'; values: readonly string[] }
	/** "W:H" between 21:9 and 9:21. */
	| { type: 'ratio' };

export type FieldTable = Record<string, FieldSpec>;

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface BflModel {
	fields: FieldTable;
	defaultOutputFormat: ImageFormat;
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
const side1440: FieldSpec = { type: 'integer', min: 256, max: 1440, multipleOf: 32 };
const side2048: FieldSpec = { type: 'integer', min: 256, max: 2048, multipleOf: 16 };
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
	input_image: text,
	input_image_2: text,
	input_image_3: text,
	input_image_4: text,
	aspect_ratio: { type: 'ratio' },
};

const fillOrExpand: FieldTable = {
	...bflCommon,
	prompt: optionalPrompt,
	image: { type: 'string', required: true },
	steps: { type: 'integer', min: 15, max: 50 },
	guidance: { type: 'number', min: 1.5, max: 100 },
};

const flux2: FieldTable = {
	...bflCommon,
	prompt,
	input_image: text,
	...Object.fromEntries([2, 3, 4, 5, 6, 7, 8].map((n) => [`input_image_${n}`, text])),
	width: side2048,
	height: side2048,
};

export const BFL_MODELS: Record<string, BflModel> = {
	'flux-pro-1.1': { fields: proOneOne, defaultOutputFormat: 'jpeg' },
	'flux-dev': {
		fields: { ...proOneOne, steps: steps50, guidance: guidance5 },
		defaultOutputFormat: 'jpeg',
	},
	'flux-pro': {
		fields: {
			...proOneOne,
			steps: steps50,
			guidance: guidance5,
			interval: { type: 'integer', min: 1, max: 4 },
		},
		defaultOutputFormat: 'jpeg',
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
	},
	'flux-kontext-pro': { fields: kontext, defaultOutputFormat: 'png' },
	'flux-kontext-max': { fields: kontext, defaultOutputFormat: 'png', ownActiveLimit: 6 },
	'flux-pro-1.0-fill': {
		fields: { ...fillOrExpand, mask: text },
		defaultOutputFormat: 'jpeg',
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
	},
	'flux-2-pro': { fields: flux2, defaultOutputFormat: 'jpeg' },
	'flux-2-max': { fields: flux2, defaultOutputFormat: 'jpeg' },
	'flux-2-flex': {
		fields: { ...flux2, steps: steps50, guidance: { type: 'number', min: 1.5, max: 10 } },
		defaultOutputFormat: 'jpeg',
	},
	'flux-2-klein': { fields: flux2, defaultOutputFormat: 'jpeg' },
};

export type ReplicateFormat = 'webp' | 'jpg' | 'png';

export interface ReplicateModel {
	fields: FieldTable;
	/** Array of URLs (flux-schnell, flux-dev) or a single URL string (the pro models). */
	output: 'array' | 'single';
	defaultOutputFormat: ReplicateFormat;
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
	},
	'black-forest-labs/flux-dev': {
		fields: {
			...schnell,
			image: text,
			prompt_strength: { type: 'number', min: 0, max: 1 },
			num_inference_steps: { type: 'integer', min: 1, max: 50 },
			guidance: { type: 'number', min: 0, max: 10 },
		},
		output: 'array',
		defaultOutputFormat: 'webp',
	},
	'black-forest-labs/flux-1.1-pro': {
		fields: pro11,
		output: 'single',
		defaultOutputFormat: 'webp',
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
	},
};

/** Ids listed by GET /v1/models, besides the flux ones. */
export const OTHER_LISTED_MODELS = [
	'gpt-4o',
	'gpt-4o-mini',
	'claude-3-7-sonnet-latest',
	'mj_imagine',
];
