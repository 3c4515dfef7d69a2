import type { IDataObject } from 'n8n-workflow';

import type { ApiFormatName } from './index';

/**
 * The largest input image BFL takes: 20 MB per image ("Input images: up to 20MB", BFL's FLUX.2
 * and Kontext guides, https://docs.bfl.ai/flux_2/flux2_image_editing and
 * https://docs.bfl.ai/kontext/kontext_image_editing). The same cap is applied on the Replicate route.
 */
export const MAX_INPUT_IMAGE_BYTES = 20 * 1024 * 1024;

/** Why an image of this many bytes is refused, or undefined. In bytes: rounded, 20.0 MB is "over" 20.0 MB. */
export function oversizeProblem(bytes: number): string | undefined {
	if (bytes <= MAX_INPUT_IMAGE_BYTES) return undefined;
	return `is ${bytes} bytes, over the API's limit of ${MAX_INPUT_IMAGE_BYTES} bytes (${MAX_INPUT_IMAGE_BYTES / 2 ** 20} MB) per image`;
}

/** The decoded size of an image typed as base64 or a data URI, counted without decoding; undefined for a URL. */
export function typedImageBytes(value: string): number | undefined {
	if (/^https?:\/\//i.test(value)) return undefined;
	const base64 = value.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
	const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
	return Math.floor((base64.length * 3) / 4) - padding;
}

const magicNumbers: Array<{ mimeType: string; extension: string; magic: Array<number | null> }> = [
	{ mimeType: 'image/png', extension: 'png', magic: [0x89, 0x50, 0x4e, 0x47] },
	{ mimeType: 'image/jpeg', extension: 'jpg', magic: [0xff, 0xd8, 0xff] },
	{ mimeType: 'image/gif', extension: 'gif', magic: [0x47, 0x49, 0x46, 0x38] },
	// RIFF....WEBP
	{ mimeType: 'image/webp', extension: 'webp', magic: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50] },
];

/** How many first bytes judge an image's type: the longest magic number. */
export const IMAGE_HEAD_BYTES = Math.max(...magicNumbers.map(({ magic }) => magic.length));

/** The image types the node takes in and saves, as said to users. */
export const IMAGE_TYPES_TEXT = 'PNG, JPEG, WebP or GIF';

/**
 * The image type the bytes show (not a file name or a declared type), with its file extension, or
 * undefined: for inputs and downloads alike, since a declared type is only a claim.
 */
export function sniffImage(bytes: Uint8Array): { mimeType: string; extension: string } | undefined {
	return magicNumbers.find(({ magic }) => magic.every((byte, index) => byte === null || bytes[index] === byte));
}

export const sniffImageType = (bytes: Uint8Array): string | undefined => sniffImage(bytes)?.mimeType;

/** How each format wants a file: BFL raw base64, Replicate a data URI. */
export function encodeImage(format: ApiFormatName, bytes: Buffer, mimeType: string): string {
	const base64 = bytes.toString('base64');
	return format === 'bfl' ? base64 : `data:${mimeType};base64,${base64}`;
}

/**
 * The entries of an image list typed as text: URLs (or data URIs) separated by new lines or
 * commas. Only a comma before `http(s):` or `data:` separates, since a data URI holds one.
 */
export function splitImageList(value: unknown): unknown {
	if (Array.isArray(value)) return value;
	if (typeof value !== 'string') return value;
	return value
		.split(/\s*\n\s*|\s*,\s*(?=https?:\/\/|data:)/i)
		.map((entry) => entry.trim())
		.filter(Boolean);
}

/**
 * Where an image list goes in the body, the one place that knows it: BFL numbers the fields
 * (`input_image`, `input_image_2`, ... `input_image_8`), Replicate takes a JSON array.
 */
export function imageListFields(format: ApiFormatName, field: string, images: string[]): IDataObject {
	if (format === 'replicate') return { [field]: images };
	return Object.fromEntries(images.map((image, index) => [index === 0 ? field : `${field}_${index + 1}`, image]));
}
