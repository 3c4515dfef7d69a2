import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { apiError, stopped } from '../api/errors';
import { megabytes } from '../api/echoes';
import { IMAGE_HEAD_BYTES, IMAGE_TYPES_TEXT, sniffImage } from '../catalogue/imageInputs';
import type { Attempt, RetryLimits } from '../api/retry';
import { retryAfterMs, retryIfLost, retryTransient } from '../api/retry';
import type { Reply } from '../api/transport';
import { requestImage } from '../api/transport';

const DOWNLOAD_TIMEOUT_MS = 60_000;

export interface ImageFile {
	taskId: string;
	stem: string;
	/** Largest size taken; a bigger image fails the item, and is not downloaded again. */
	maxBytes: number;
}

/** A download over the size limit, with its size when the host said it or it came whole. */
class TooLarge extends Error {
	readonly bytes?: number;

	constructor(bytes?: number) {
		super('over the size limit');
		this.bytes = bytes;
	}
}

/** What n8n's request helper answers with `encoding: 'stream'`: a Node Readable (named so: node code imports only n8n-workflow). */
interface ByteStream extends AsyncIterable<Buffer> {
	read(): Buffer | null;
	unshift(chunk: Buffer): void;
	on(event: 'readable', listener: () => void): unknown;
	once(event: 'end' | 'error', listener: (error?: Error) => void): unknown;
	off(event: string, listener: (error?: Error) => void): unknown;
	destroy(error?: Error): void;
	destroyed: boolean;
}

type BinaryInput = Parameters<IExecuteSingleFunctions['helpers']['prepareBinaryData']>[0];

/**
 * Downloads a result image (without the API key) and streams it into n8n's binary data, typed by
 * its first bytes: a host's declared type is not trusted (an SVG or a web page labelled image/png is
 * refused). In filesystem or database mode nothing whole stays in memory, and no image may be
 * larger than `maxBytes`. Result links expire (BFL's after about 10 minutes), so an expired one is
 * said as such.
 */
export async function downloadImage(context: IExecuteSingleFunctions, url: string, file: ImageFile, limits: RetryLimits): Promise<IBinaryData> {
	const attempt = async (): Promise<Attempt<IBinaryData>> => {
		const sent = await requestImage(context, url, DOWNLOAD_TIMEOUT_MS);
		if (!('reply' in sent)) return retryIfLost(context, sent, file.taskId, 'the image download: ');
		const { statusCode, headers, body } = sent.reply;
		if (statusCode === 429 || statusCode >= 500) {
			discard(body);
			return { retry: `the image host answered ${statusCode}`, retryAfterMs: retryAfterMs(headers) };
		}
		const stored = await store(context, url, file, sent.reply).then(
			(binary) => ({ binary }),
			(error: unknown) => ({ error }),
		);
		discard(body);
		if ('binary' in stored) return { done: stored.binary };
		const { error } = stored;
		if (error instanceof TooLarge) throw tooLarge(context, url, file, error.bytes);
		if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
		if (context.getExecutionCancelSignal()?.aborted) throw stopped(context);
		// A stream cut mid-way: the link gives the same image again.
		return { retry: 'the image download broke off' };
	};
	const giveUp = (fault: string) =>
		apiError(context, undefined, `The image of task ${file.taskId} could not be downloaded: ${fault}`, undefined, url);
	return await retryTransient(attempt, limits, giveUp);
}

async function store(context: IExecuteSingleFunctions, url: string, file: ImageFile, reply: Reply): Promise<IBinaryData> {
	const { statusCode, headers } = reply;
	if ([401, 403, 404, 410].includes(statusCode)) {
		throw apiError(
			context,
			statusCode,
			`The image link of task ${file.taskId} has expired (HTTP ${statusCode})`,
			undefined,
			`Result links last only minutes: ${url}. Run the task again, and keep "Download Images" on so the file is saved at once.`,
		);
	}
	if (statusCode < 200 || statusCode >= 300) {
		throw apiError(context, statusCode, `The image of task ${file.taskId} could not be downloaded (HTTP ${statusCode})`, undefined, url);
	}
	const declaredBytes = Number(headers['content-length'] ?? NaN);
	if (declaredBytes > file.maxBytes) throw new TooLarge(declaredBytes);
	const stream = isByteStream(reply.body) ? reply.body : undefined;
	const stall = stream && stallGuard(stream);
	try {
		return await save(context, url, file, reply, declaredBytes, stall);
	} finally {
		stall?.stop();
	}
}

/** The body, typed by its first bytes, into n8n's binary data; a stream is read as it arrives. */
async function save(context: IExecuteSingleFunctions, url: string, file: ImageFile, reply: Reply, declaredBytes: number, stall?: StallGuard) {
	const { statusCode, headers } = reply;
	const stream = isByteStream(reply.body) ? reply.body : undefined;
	const head = stream ? await readHead(stream, IMAGE_HEAD_BYTES) : asBytes(reply.body);
	const image = sniffImage(head);
	if (!image) {
		const declared = String(headers['content-type'] ?? 'no content type');
		const size = Number.isFinite(declaredBytes) ? ` (${declaredBytes} bytes)` : '';
		const what = head.length ? `${declared}${size}, but its content is not ${IMAGE_TYPES_TEXT}` : 'an empty body';
		throw apiError(context, statusCode, `The image link of task ${file.taskId} answered with ${what}: not saved`, undefined, url);
	}
	const name = `${file.stem}.${image.extension}`;
	if (!stream) {
		if (head.length > file.maxBytes) throw new TooLarge(head.length);
		return await context.helpers.prepareBinaryData(head, name, image.mimeType);
	}
	// Readable.from, reached through the answer's own class (every Readable subclass inherits it).
	const from = (stream.constructor as unknown as { from: (source: AsyncIterable<Buffer>) => BinaryInput }).from;
	return await context.helpers.prepareBinaryData(from(withinLimit(head, stream, file.maxBytes, stall)), name, image.mimeType);
}

/** The bytes as they arrive, failing once they pass the limit (a host may not say the length, or lie). */
async function* withinLimit(head: Buffer, rest: ByteStream, maxBytes: number, stall?: StallGuard): AsyncGenerator<Buffer> {
	let total = head.length;
	yield head;
	for await (const chunk of rest) {
		stall?.touch();
		total += chunk.length;
		if (total > maxBytes) throw new TooLarge();
		yield chunk;
	}
}

/** The first `count` bytes (fewer when the body is shorter), leaving the rest in the stream. */
async function readHead(stream: ByteStream, count: number): Promise<Buffer> {
	return await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		const finish = (error?: Error) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', finish);
			if (error) reject(error);
			else resolve(Buffer.concat(chunks));
		};
		const onEnd = () => finish();
		const onReadable = () => {
			for (let chunk: Buffer | null; length < count && (chunk = stream.read()) !== null; ) {
				const wanted = chunk.subarray(0, count - length);
				if (wanted.length < chunk.length) stream.unshift(chunk.subarray(wanted.length));
				chunks.push(wanted);
				length += wanted.length;
			}
			if (length >= count) finish();
		};
		stream.on('readable', onReadable);
		stream.once('end', onEnd);
		stream.once('error', finish);
	});
}

interface StallGuard {
	touch(): void;
	stop(): void;
}

/**
 * Ends a body that sends nothing for the download timeout: the HTTP client's own timeout stops at
 * the answer's head when the body is a stream. The download is then tried again.
 */
function stallGuard(stream: ByteStream): StallGuard {
	const ended = new AbortController();
	let lastDataAt = Date.now();
	const watch = async () => {
		for (let quiet = 0; quiet < DOWNLOAD_TIMEOUT_MS; quiet = Date.now() - lastDataAt) {
			await sleep(DOWNLOAD_TIMEOUT_MS - quiet, ended.signal);
		}
		stream.destroy(new Error('the image host stopped sending'));
	};
	watch().catch(() => undefined);
	return { touch: () => (lastDataAt = Date.now()), stop: () => ended.abort() };
}

function isByteStream(body: unknown): body is ByteStream {
	return typeof body === 'object' && body !== null && typeof (body as ByteStream).read === 'function' && Symbol.asyncIterator in body;
}

function asBytes(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	return body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.alloc(0);
}

/** Lets go of an answer's body that is not (or no longer) read. */
function discard(body: unknown) {
	if (isByteStream(body) && !body.destroyed) body.destroy();
}

/** Said with the task and the size; not retried, since the same link gives the same image. */
function tooLarge(context: IExecuteSingleFunctions, url: string, file: ImageFile, bytes: number | undefined) {
	const limit = megabytes(file.maxBytes);
	const what = bytes === undefined ? `passed the limit of ${limit} while downloading` : `is ${megabytes(bytes)}, over the limit of ${limit}`;
	return apiError(
		context,
		undefined,
		`The image of task ${file.taskId} ${what}: not saved`,
		undefined,
		`Raise "Max Image Size (MB)" under Options to take it; the link, valid for minutes: ${url}`,
	);
}
