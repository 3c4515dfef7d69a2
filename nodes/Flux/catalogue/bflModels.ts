import type { FieldRule, FieldSpec, ModelSpec } from './fieldSpec';

const size = (min: number, max: number, multipleOf: number, byDefault: number): FieldSpec => ({
	kind: 'integer',
	min,
	max,
	multipleOf,
	default: byDefault,
});
const seed: FieldSpec = { kind: 'integer', min: 0, max: 4294967295 };
const safetyTolerance: FieldSpec = { kind: 'integer', min: 0, max: 6, default: 2 };
const jpegPngOrWebp = (byDefault: string): FieldSpec => ({
	kind: 'choice',
	values: ['jpeg', 'png', 'webp'],
	default: byDefault,
});
const webhook: Record<string, FieldSpec> = {
	webhook_url: { kind: 'string', format: 'url' },
	webhook_secret: { kind: 'string' },
};
const aspectRatio: FieldSpec = { kind: 'ratioRange', widest: '21:9', tallest: '9:21', default: '16:9' };

const proSteps: Record<string, FieldSpec> = {
	steps: { kind: 'integer', min: 1, max: 50, default: 40 },
	guidance: { kind: 'number', min: 1.5, max: 5, default: 2.5 },
};

const flux1Sized: Record<string, FieldSpec> = {
	image_prompt: { kind: 'image' },
	width: size(256, 1440, 32, 1024),
	height: size(256, 1440, 32, 768),
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: jpegPngOrWebp('jpeg'),
	...webhook,
};

// Kontext: input_image plus the experimental input_image_2 ... input_image_4.
const kontext: Record<string, FieldSpec> = {
	input_image: { kind: 'imageList', max: 4 },
	aspect_ratio: { ...aspectRatio, default: '1:1' },
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: jpegPngOrWebp('png'),
	...webhook,
};

// FLUX.2 sizes: multiples of 16, at least 64, at most 4 MP in all (so a side alone tops out at 4 MP / 64).
// BFL names no largest side; the editor stops at 2048, the side of BFL's largest example
// (2048 x 2048, "up to 4MP", https://docs.bfl.ai/flux_2/flux2_overview); expressions may go past it.
const FLUX2_MAX_PIXELS = 2048 * 2048;
const flux2Side = (times: string): FieldSpec => ({
	kind: 'integer',
	min: 64,
	max: FLUX2_MAX_PIXELS / 64,
	editorMax: 2048,
	multipleOf: 16,
	default: 1024,
	area: { times, maxPixels: FLUX2_MAX_PIXELS },
});
// FLUX.2 [pro]/[max]/[flex]: input_image plus input_image_2 ... input_image_8; output jpeg or png
// (BFL's FLUX.2 endpoints, e.g. https://docs.bfl.ai/api-reference/models/generate-or-edit-an-image-with-flux2-[pro]).
const flux2: Record<string, FieldSpec> = {
	input_image: { kind: 'imageList', max: 8 },
	width: flux2Side('height'),
	height: flux2Side('width'),
	prompt_upsampling: { kind: 'boolean' },
	seed,
	safety_tolerance: { ...safetyTolerance, max: 5 },
	output_format: { kind: 'choice', values: ['jpeg', 'png'], default: 'jpeg' },
	...webhook,
};

// FLUX.1 Tools [pro]: steps and guidance as BFL's reference gives them for each endpoint.
const tools = (guidance: FieldSpec): Record<string, FieldSpec> => ({
	steps: { kind: 'integer', min: 15, max: 50, default: 50 },
	guidance,
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: jpegPngOrWebp('jpeg'),
	...webhook,
});
const control = (guidance: FieldSpec): Record<string, FieldSpec> => ({
	control_image: { kind: 'image' },
	preprocessed_image: { kind: 'image' },
	...tools(guidance),
});
// Canny and depth follow a control image, or an edge/depth map made already: one of the two.
const controlRules: FieldRule[] = [{ kind: 'oneOfRequired', fields: ['control_image', 'preprocessed_image'] }];
const expandSide: FieldSpec = { kind: 'integer', min: 0, max: 2048, default: 0 };

const fillFields: Record<string, FieldSpec> = {
	image: { kind: 'image', required: true },
	mask: { kind: 'image' },
	...tools({ kind: 'number', min: 1.5, max: 100, default: 60 }),
};
const ultraFields: Record<string, FieldSpec> = {
	image_prompt: { kind: 'image' },
	aspect_ratio: aspectRatio,
	image_prompt_strength: { kind: 'number', min: 0, max: 1, default: 0.1 },
	raw: { kind: 'boolean', default: false },
	prompt_upsampling: { kind: 'boolean', default: false },
	seed,
	safety_tolerance: safetyTolerance,
	output_format: jpegPngOrWebp('jpeg'),
	...webhook,
};
const cannyGuidance: FieldSpec = { kind: 'number', min: 1, max: 100, default: 30 };
const depthGuidance: FieldSpec = { kind: 'number', min: 1, max: 100, default: 15 };
const cannyThresholds: Record<string, FieldSpec> = {
	canny_low_threshold: { kind: 'integer', min: 0, max: 500, default: 50 },
	canny_high_threshold: { kind: 'integer', min: 0, max: 500, default: 200 },
};

/**
 * A finetuned endpoint: its base model's fields without those BFL's finetuned endpoint does not
 * take, output jpeg or png, and the finetune: `finetune_id` (required) and `finetune_strength`
 * 0-2, default 1.1 (1.2 for Ultra). From BFL's API reference, e.g.
 * https://docs.bfl.ai/api-reference/tasks/generate-an-image-with-flux-[pro]-finetune and
 * https://docs.bfl.ai/api-reference/tasks/generate-an-image-with-flux-11-[pro]-finetune-with-ultra-mode.
 */
const finetuned = (base: Record<string, FieldSpec>, strength: number, without: string[] = []): Record<string, FieldSpec> => ({
	finetune_id: { kind: 'string', required: true },
	finetune_strength: { kind: 'number', min: 0, max: 2, default: strength },
	...Object.fromEntries(Object.entries(base).filter(([field]) => !without.includes(field))),
	output_format: { kind: 'choice', values: ['jpeg', 'png'], default: 'jpeg' },
});
// BFL's canny and depth finetuned endpoints take a control image only (required), no preprocessed image
// (https://docs.bfl.ai/api-reference/tasks/generate-an-image-with-flux1-canny-[pro]-finetune-using-a-control-image).
const finetunedControl = (guidance: FieldSpec): Record<string, FieldSpec> => ({
	control_image: { kind: 'image', required: true },
	...tools(guidance),
});

/**
 * Models of the BFL format, with each one's fields, ranges and defaults, from BFL's API reference
 * (https://docs.bfl.ai/api-reference, OpenAPI at https://api.bfl.ai/openapi.json): e.g. fill is
 * "POST /v1/flux-pro-1.0-fill", expand "/v1/flux-pro-1.0-expand", canny "/v1/flux-pro-1.0-canny",
 * depth "/v1/flux-pro-1.0-depth", FLUX.2 "/v1/flux-2-pro".
 */
export const bflModels: ModelSpec[] = [
	{ id: 'flux-pro-1.1', name: 'FLUX 1.1 [pro]', fields: flux1Sized },
	{ id: 'flux-pro-1.1-ultra', name: 'FLUX 1.1 [pro] Ultra', fields: ultraFields },
	{
		id: 'flux-pro',
		name: 'FLUX.1 [pro]',
		fields: { ...flux1Sized, ...proSteps, interval: { kind: 'number', min: 1, max: 4, default: 2 } },
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
	{ id: 'flux-pro-1.0-fill', name: 'FLUX.1 Fill [pro] (inpaint with a mask)', fields: fillFields },
	{
		id: 'flux-pro-1.0-expand',
		name: 'FLUX.1 Expand [pro] (outpaint)',
		fields: {
			image: { kind: 'image', required: true },
			top: expandSide,
			bottom: expandSide,
			left: expandSide,
			right: expandSide,
			...tools({ kind: 'number', min: 1.5, max: 100, default: 60 }),
		},
	},
	{
		id: 'flux-pro-1.0-canny',
		name: 'FLUX.1 Canny [pro] (follow the edges of an image)',
		fields: { ...control(cannyGuidance), ...cannyThresholds },
		rules: controlRules,
	},
	{
		id: 'flux-pro-1.0-depth',
		name: 'FLUX.1 Depth [pro] (follow the depth of an image)',
		fields: control(depthGuidance),
		rules: controlRules,
	},
	{
		id: 'flux-2-flex',
		name: 'FLUX.2 [flex]',
		fields: {
			...flux2,
			steps: { kind: 'integer', min: 1, max: 50, default: 50 },
			guidance: { kind: 'number', min: 1.5, max: 10, default: 4.5 },
		},
	},
	// BFL deprecated its finetuning API on 2025-10-31; CometAPI still lists inference on finetunes.
	{ id: 'flux-pro-finetuned', name: 'FLUX.1 [pro] Finetuned (your finetune)', fields: finetuned({ ...flux1Sized, ...proSteps }, 1.1) },
	{
		id: 'flux-pro-1.1-ultra-finetuned',
		name: 'FLUX 1.1 [pro] Ultra Finetuned (your finetune)',
		fields: finetuned(ultraFields, 1.2, ['raw']),
	},
	{ id: 'flux-pro-1.0-fill-finetuned', name: 'FLUX.1 Fill [pro] Finetuned (your finetune)', fields: finetuned(fillFields, 1.1) },
	{
		id: 'flux-pro-1.0-canny-finetuned',
		name: 'FLUX.1 Canny [pro] Finetuned (your finetune)',
		fields: finetuned({ ...finetunedControl(cannyGuidance), ...cannyThresholds }, 1.1),
	},
	{
		id: 'flux-pro-1.0-depth-finetuned',
		name: 'FLUX.1 Depth [pro] Finetuned (your finetune)',
		fields: finetuned(finetunedControl(depthGuidance), 1.1),
	},
];

/**
 * Families BFL serves that CometAPI does not list: reached only through a typed ID, never listed.
 * FLUX.2 [klein] (flux-2-klein-4b, flux-2-klein-9b) takes up to 4 references, input_image ...
 * input_image_4 (https://docs.bfl.ai/api-reference/models/generate-or-edit-an-image-with-flux2-[klein]-4b),
 * and otherwise FLUX.2's rules.
 */
export const bflUnlistedModels: ModelSpec[] = [
	{ id: 'flux-2-klein', name: 'FLUX.2 [klein]', fields: { ...flux2, input_image: { kind: 'imageList', max: 4 } } },
];

/** For a model ID typed by hand: the catalogue model of the same family, or undefined. */
export const bflFamilies: Array<{ pattern: RegExp; like: string }> = [
	{ pattern: /fill.*-finetuned$/, like: 'flux-pro-1.0-fill-finetuned' },
	{ pattern: /canny.*-finetuned$/, like: 'flux-pro-1.0-canny-finetuned' },
	{ pattern: /depth.*-finetuned$/, like: 'flux-pro-1.0-depth-finetuned' },
	{ pattern: /ultra.*-finetuned$/, like: 'flux-pro-1.1-ultra-finetuned' },
	{ pattern: /^flux-pro.*-finetuned$/, like: 'flux-pro-finetuned' },
	{ pattern: /fill/, like: 'flux-pro-1.0-fill' },
	{ pattern: /expand/, like: 'flux-pro-1.0-expand' },
	{ pattern: /canny/, like: 'flux-pro-1.0-canny' },
	{ pattern: /depth/, like: 'flux-pro-1.0-depth' },
	{ pattern: /^flux-2-flex/, like: 'flux-2-flex' },
	{ pattern: /^flux-2-klein/, like: 'flux-2-klein' },
	{ pattern: /^flux-2-/, like: 'flux-2-pro' },
	{ pattern: /kontext/, like: 'flux-kontext-pro' },
	{ pattern: /ultra/, like: 'flux-pro-1.1-ultra' },
	{ pattern: /^flux-dev/, like: 'flux-dev' },
];
