import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import { IMAGE_HEAD_BYTES as HEAD_BYTES, typedImageBytes } from '../catalogue/imageInputs';

/**
 * A binary property's size without reading its file: n8n's `bytes`, else the stored file's
 * metadata (a stat in filesystem mode), else the length of the base64 kept in memory.
 */
export async function binarySize(context: IExecuteSingleFunctions, binary: IBinaryData): Promise<number> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) return (await context.helpers.getBinaryMetadata(binary.id)).fileSize;
	return typedImageBytes(binary.data) ?? 0;
}

/** The first bytes of a binary property's file, read alone (n8n's binary stream), to judge its type. */
export async function binaryHead(context: IExecuteSingleFunctions, binary: IBinaryData): Promise<Buffer> {
	if (!binary.id) return Buffer.from(binary.data.slice(0, Math.ceil(HEAD_BYTES / 3) * 4), 'base64');
	const stream = await context.helpers.getBinaryStream(binary.id, HEAD_BYTES);
	const chunks: Buffer[] = [];
	let length = 0;
	// Leaving the loop closes the file.
	for await (const chunk of stream) {
		chunks.push(chunk as Buffer);
		length += (chunk as Buffer).length;
		if (length >= HEAD_BYTES) break;
	}
	return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}
