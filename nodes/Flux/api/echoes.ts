import { sniffImage, typedImageBytes } from '../catalogue/imageInputs';
import { mapStrings } from './mapStrings';

/** Shorter strings are kept as they are: IDs, URLs, prompts, status texts. */
const LONGEST_KEPT_BASE64 = 1024;
const LONGEST_KEPT_TEXT = 4000;
const KEPT_TEXT_PREFIX = 200;

/**
 * CometAPI's answer without what echoes the input: a Replicate prediction, and CometAPI's envelope
 * around it, repeat `input` with every image the item sent. Data URIs and base64 fields become a
 * short placeholder, other very long texts are cut, so an output item's JSON (and the execution data
 * n8n saves) stays a few KB whatever the inputs were.
 */
export function withoutEchoes<T>(value: T): T {
	return mapStrings(value, shortText);
}

function shortText(text: string): string {
	const dataUri = /^data:([^;,]*)[^,]*,/i.exec(text.slice(0, 200));
	if (dataUri) return placeholder('data URI', dataUri[1] || undefined, typedImageBytes(text) ?? text.length);
	if (text.length <= LONGEST_KEPT_BASE64) return text;
	if (/^[A-Za-z0-9+/\r\n]+={0,2}$/.test(text)) {
		const head = Buffer.from(text.slice(0, 24), 'base64');
		return placeholder('base64', sniffImage(head)?.mimeType, typedImageBytes(text) ?? text.length);
	}
	if (text.length <= LONGEST_KEPT_TEXT) return text;
	return `${text.slice(0, KEPT_TEXT_PREFIX)}… <${text.length} characters, not kept>`;
}

function placeholder(what: string, mimeType: string | undefined, bytes: number): string {
	return `<${[what, mimeType, megabytes(bytes)].filter(Boolean).join(', ')}, not kept>`;
}

/** 2.1 MB, 50 MB, 0.4 MB, 12 KB: what a person reads at a glance. */
export function megabytes(bytes: number): string {
	return bytes >= 100 * 1024 ? `${(bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '')} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
