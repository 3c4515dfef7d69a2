import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { pictureJpeg } from './jpeg.ts';
import { picturePng, type ImageSpec } from './png.ts';
import { requestId, xml, type Reply } from './replies.ts';
import { MAX_SIDE } from './sizes.ts';
import { bflStatus, type OutputFormat, type TaskRecord } from './tasks.ts';
import type { ImageWeight } from './types.ts';
import { pictureWebp } from './webp.ts';

export function contentTypeOf(format: OutputFormat): string {
	return format === 'jpeg' || format === 'jpg' ? 'image/jpeg' : `image/${format}`;
}

/** Signed-URL look alike of BFL's delivery links (Azure blob SAS): expiry `se` plus a signature. */
export class ImageLinks {
	private secret = randomBytes(32);

	url(origin: string, task: TaskRecord, index: number, ttlMs: number): string {
		const path = `/images/${task.id}/${index}.${task.outputFormat}`;
		const expires = new Date(task.readyAt + ttlMs).toISOString();
		const query = new URLSearchParams({
			se: expires,
			sp: 'r',
			sv: '2021-08-06',
			sr: 'b',
			rsct: contentTypeOf(task.outputFormat),
			sig: this.sign(path, expires),
		});
		return `${origin}${path}?${query}`;
	}

	serve(
		path: string,
		query: Record<string, string>,
		findTask: (id: string) => TaskRecord | undefined,
		ttlMs: number,
		weight: ImageWeight,
	): Reply {
		const match = /^\/images\/([^/]+)\/(\d+)\.(jpeg|jpg|png|webp)$/.exec(path);
		const task = match ? findTask(match[1]) : undefined;
		const index = match ? Number(match[2]) : -1;
		if (
			!match ||
			!task ||
			task.outputFormat !== match[3] ||
			!task.imageIndexes.includes(index) ||
			bflStatus(task) !== 'Ready'
		) {
			return blobError(404, 'BlobNotFound', 'The specified blob does not exist.');
		}
		if (!this.verify(path, query.se ?? '', query.sig ?? '')) {
			return blobError(
				403,
				'AuthenticationFailed',
				'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
				'Signature did not match.',
			);
		}
		if (Date.now() > task.readyAt + ttlMs) {
			return blobError(
				403,
				'AuthenticationFailed',
				'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
				`Signed expiry time [${new Date(task.readyAt + ttlMs).toUTCString()}] must be after signed start time [${new Date().toUTCString()}]`,
			);
		}
		const pieces = picture(task, index, weight);
		return {
			status: 200,
			headers: {
				'content-type': contentTypeOf(task.outputFormat),
				'content-length': String(pieces.reduce((sum, piece) => sum + piece.length, 0)),
				'last-modified': new Date(task.readyAt).toUTCString(),
				'x-ms-blob-type': 'BlockBlob',
			},
			body: pieces,
		};
	}

	private sign(path: string, expires: string): string {
		return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('base64');
	}

	private verify(path: string, expires: string, signature: string): boolean {
		const expected = Buffer.from(this.sign(path, expires));
		const given = Buffer.from(signature);
		return expected.length === given.length && timingSafeEqual(expected, given);
	}
}

/** The task's image at the size it asked for, the same bytes at every download. */
export function picture(task: TaskRecord, index: number, weight: ImageWeight): Buffer[] {
	const spec: ImageSpec = {
		width: Math.min(task.width, MAX_SIDE),
		height: Math.min(task.height, MAX_SIDE),
		seed: task.seed + index,
		prompt: task.prompt,
		weight,
	};
	if (task.outputFormat === 'png') return picturePng(spec);
	return task.outputFormat === 'webp' ? pictureWebp(spec) : pictureJpeg(spec);
}

function blobError(status: number, code: string, message: string, detail?: string): Reply {
	const time = new Date().toISOString();
	return xml(
		status,
		`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\n` +
			`RequestId:${requestId()}\nTime:${time}</Message>` +
			(detail ? `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>` : '') +
			`</Error>`,
	);
}
