import type { IBinaryData, IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import type { Submission } from '../api/cometApi';
import type { ApiFormatName } from '../catalogue';
import { encodeImage, typedImageBytes } from '../catalogue/imageInputs';

/**
 * An image from a binary property stands in the checked body as a short mark until the item's
 * task slot is granted: a batch's bodies are checked before any submit, and holding every item's
 * images as base64 until its turn would grow memory with the batch, not with the tasks in flight.
 * The mark names the stored file (or a hash of bytes kept in memory), so identical requests still
 * have identical bodies.
 */
const MARK = 'n8n-binary-image:';

interface Pending {
	property: string;
	mimeType: string;
	file: string;
}

export function pendingImage(property: string, binary: IBinaryData, mimeType: string): string {
	const file = binary.id ?? `memory:${typedImageBytes(binary.data)}:${textHash(binary.data)}`;
	return MARK + JSON.stringify({ property, mimeType, file } satisfies Pending);
}

/** Whether the submission has images still to read. */
export function hasPendingImages(submission: Submission): boolean {
	return JSON.stringify(submission.body).includes(MARK);
}

/** The submission with each pending image read and encoded: call it once the slot is granted, drop it once answered. */
export async function withImagesRead(context: IExecuteSingleFunctions, format: ApiFormatName, submission: Submission): Promise<Submission> {
	// Both create routes carry the same images: each is read once.
	const read = new Map<string, Promise<string>>();
	const encoded = (mark: string) => {
		if (!read.has(mark)) {
			const { property, mimeType } = JSON.parse(mark.slice(MARK.length)) as Pending;
			read.set(mark, context.helpers.getBinaryDataBuffer(property).then((bytes) => encodeImage(format, bytes, mimeType)));
		}
		return read.get(mark) as Promise<string>;
	};
	const body = await replaceMarks(submission.body, encoded);
	const otherRoute = submission.otherRoute && { ...submission.otherRoute, body: await replaceMarks(submission.otherRoute.body, encoded) };
	return { ...submission, body, otherRoute };
}

async function replaceMarks<T>(value: T, encoded: (mark: string) => Promise<string>): Promise<T> {
	if (typeof value === 'string') return (value.startsWith(MARK) ? await encoded(value) : value) as T;
	if (Array.isArray(value)) return (await Promise.all(value.map((entry) => replaceMarks(entry, encoded)))) as T;
	if (typeof value !== 'object' || value === null) return value;
	const entries = await Promise.all(Object.entries(value as IDataObject).map(async ([key, entry]) => [key, await replaceMarks(entry, encoded)] as const));
	return Object.fromEntries(entries) as T;
}

/** FNV-1a over the text: tells binaries kept in memory apart in the mark, without copying them. */
function textHash(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
	return (hash >>> 0).toString(36);
}
