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

/**
 * The answer as read off the wire, its echoed `input` images replaced by placeholders (and nothing
 * else, so a result sent inline is kept): a task waiting for its turn holds a few KB, not its images.
 */
export function withoutEchoedInput<T>(answer: T): T {
	if (typeof answer !== 'object' || answer === null) return answer;
	let copy: Record<string, unknown> | undefined;
	for (const [name, field] of Object.entries(answer)) {
		const kept = name === 'input' ? mapStrings(field, imagePlaceholder) : withoutEchoedInput(field);
		if (kept === field) continue;
		copy ??= (Array.isArray(answer) ? [...answer] : { ...answer }) as Record<string, unknown>;
		copy[name] = kept;
	}
	return (copy ?? answer) as T;
}

function shortText(text: string): string {
	const kept = imagePlaceholder(text);
	if (kept !== text || text.length <= LONGEST_KEPT_TEXT) return kept;
	return `${text.slice(0, KEPT_TEXT_PREFIX)}… <${text.length} characters, not kept>`;
}

function imagePlaceholder(text: string): string {
	const dataUri = /^data:([^;,]*)[^,]*,/i.exec(text.slice(0, 200));
	if (dataUri) return placeholder('data URI', dataUri[1] || undefined, typedImageBytes(text) ?? text.length);
	if (text.length <= LONGEST_KEPT_BASE64 || !/^[A-Za-z0-9+/\r\n]+={0,2}$/.test(text)) return text;
	const head = Buffer.from(text.slice(0, 24), 'base64');
	return placeholder('base64', sniffImage(head)?.mimeType, typedImageBytes(text) ?? text.length);
}

function placeholder(what: string, mimeType: string | undefined, bytes: number): string {
	return `<${[what, mimeType, megabytes(bytes)].filter(Boolean).join(', ')}, not kept>`;
}

/** 2.1 MB, 50 MB, 0.4 MB, 12 KB: what a person reads at a glance. */
export function megabytes(bytes: number): string {
	return bytes >= 100 * 1024 ? `${(bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '')} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
