import { imageDimensions, inlineImage, type Size } from './dimensions.ts';

// The size of each model's result, from what it was sent, as BFL's and Replicate's documentation
// describes it. A megapixel is 1024 x 1024 (FLUX.2's "4 MP" is 2048 x 2048).

/** A model's rule: the result's width and height for a request body (BFL) or input (Replicate). */
export type SizeRule = (body: Record<string, unknown>) => Size;

const MEGAPIXEL = 1024 * 1024;
/** WebP's largest side; the simulator draws nothing larger in any format. */
export const MAX_SIDE = 16383;
const SQUARE: Size = { width: 1024, height: 1024 };

/** Width and height as sent, else the model's defaults. */
export const sides =
	(width: number, height: number): SizeRule =>
	(body) => ({ width: numberOr(body.width, width), height: numberOr(body.height, height) });

/** aspect_ratio (else the input image's shape, else the default) at a set number of megapixels. */
export const ratioAt =
	(megapixels: number, defaultRatio: string, multiple: number, inputField?: string): SizeRule =>
	(body) =>
		fit(ratioOf(body.aspect_ratio) ?? inputShape(body, inputField) ?? (ratioOf(defaultRatio) as number), megapixels * MEGAPIXEL, multiple);

/** The input image's size (FLUX.1 Fill, Canny, Depth), grown by the borders Expand adds. */
export const ofInput =
	(...fields: string[]): SizeRule =>
	(body) => {
		const input = fields.map((field) => inputSize(body[field])).find(Boolean) ?? SQUARE;
		return {
			width: input.width + numberOr(body.left, 0) + numberOr(body.right, 0),
			height: input.height + numberOr(body.top, 0) + numberOr(body.bottom, 0),
		};
	};

/** BFL FLUX.2: width and height as sent, else the first reference's size, else 1024 x 1024. */
export const flux2Sides: SizeRule = (body) => {
	const input = inputSize(body.input_image) ?? SQUARE;
	return { width: numberOr(body.width, input.width), height: numberOr(body.height, input.height) };
};

// Replicate's FLUX.1 [schnell]/[dev] sizes for each aspect_ratio, about 1 MP.
const REPLICATE_FLUX1: Record<string, [number, number]> = {
	'1:1': [1024, 1024],
	'16:9': [1344, 768],
	'21:9': [1536, 640],
	'3:2': [1216, 832],
	'2:3': [832, 1216],
	'4:5': [896, 1088],
	'5:4': [1088, 896],
	'3:4': [896, 1152],
	'4:3': [1152, 896],
	'9:16': [768, 1344],
	'9:21': [640, 1536],
};

/** Replicate FLUX.1: the size for aspect_ratio (each side halved at megapixels "0.25"), or "custom" width and height rounded to 32. */
export const replicateFlux1: SizeRule = (input) => {
	if (input.aspect_ratio === 'custom') {
		return { width: roundTo(numberOr(input.width, 1024), 32), height: roundTo(numberOr(input.height, 1024), 32) };
	}
	const [width, height] = REPLICATE_FLUX1[String(input.aspect_ratio ?? '1:1')] ?? REPLICATE_FLUX1['1:1'];
	const scale = input.megapixels === '0.25' ? 0.5 : 1;
	return { width: width * scale, height: height * scale };
};

/** Replicate FLUX.2: aspect_ratio at resolution ("1 MP" by default), or "custom" width and height; match_input_image follows the first reference. */
export const replicateFlux2: SizeRule = (input) => {
	const references = Array.isArray(input.input_images) ? input.input_images : [];
	const first = inputSize(references[0]);
	if (input.aspect_ratio === 'custom') {
		return { width: roundTo(numberOr(input.width, 1024), 32), height: roundTo(numberOr(input.height, 1024), 32) };
	}
	const resolution = /^([\d.]+) MP$/.exec(String(input.resolution ?? '1 MP'));
	const pixels = resolution ? Number(resolution[1]) * MEGAPIXEL : first ? first.width * first.height : MEGAPIXEL;
	const ratio = ratioOf(input.aspect_ratio) ?? (first ? first.width / first.height : 1);
	return fit(ratio, pixels, 16);
};

/** The width and height, multiples of `multiple`, closest to `pixels` in all at this ratio. */
export function fit(ratio: number, pixels: number, multiple: number): Size {
	const width = Math.sqrt(pixels * ratio);
	return { width: roundTo(width, multiple), height: roundTo(width / ratio, multiple) };
}

function ratioOf(value: unknown): number | undefined {
	const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
	return match && Number(match[2]) > 0 ? Number(match[1]) / Number(match[2]) : undefined;
}

function inputShape(body: Record<string, unknown>, field: string | undefined): number | undefined {
	const size = field ? inputSize(body[field]) : undefined;
	return size ? size.width / size.height : undefined;
}

/** An inline input image's size; undefined for a URL or bytes whose header is no image's. */
function inputSize(value: unknown): Size | undefined {
	const bytes = inlineImage(value);
	const size = bytes ? imageDimensions(bytes) : undefined;
	return size && [size.width, size.height].every((side) => side >= 1 && side <= MAX_SIDE) ? size : undefined;
}

function roundTo(value: number, multiple: number): number {
	return Math.max(multiple, Math.round(value / multiple) * multiple);
}

function numberOr(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
