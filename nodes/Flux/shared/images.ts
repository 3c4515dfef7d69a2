import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import { apiError } from './apiReply';
import { notSent, stopped } from './cometApi';
import type { Attempt, RetryLimits } from './retry';
import { retryAfterMs, retryTransient } from './retry';
import type { Reply } from './transport';
import { requestImage } from './transport';

const DOWNLOAD_TIMEOUT_MS = 60_000;

const extensionByMime: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
};

const mimeByExtension: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
};

/**
 * Downloads a result image (without the API key) and stores it as n8n binary data.
 * Result links expire (BFL's after about 10 minutes), so an expired one is said as such.
 */
export async function downloadImage(
	context: IExecuteSingleFunctions,
	url: string,
	file: { taskId: string; stem: string },
	limits: RetryLimits,
): Promise<IBinaryData> {
	const attempt = async (): Promise<Attempt<Reply>> => {
		const sent = await requestImage(context, url, DOWNLOAD_TIMEOUT_MS);
		if ('refused' in sent) throw notSent(context, sent.refused);
		if ('lost' in sent) {
			if (sent.lost.code === 'ERR_CANCELED') throw stopped(context);
			return { retry: `the image download ${sent.lost.message}` };
		}
		const { statusCode, headers } = sent.reply;
		if (statusCode === 429 || statusCode >= 500) {
			return { retry: `the image host answered ${statusCode}`, retryAfterMs: retryAfterMs(headers) };
		}
		return { done: sent.reply };
	};
	const giveUp = (fault: string) =>
		apiError(context, undefined, `The image of task ${file.taskId} could not be downloaded: ${fault}`, undefined, url);
	const reply = await retryTransient(attempt, limits, giveUp);

	if ([401, 403, 404, 410].includes(reply.statusCode)) {
		throw apiError(
			context,
			reply.statusCode,
			`The image link of task ${file.taskId} has expired (HTTP ${reply.statusCode})`,
			undefined,
			`Result links last only minutes: ${url}. Run the task again, and keep "Download Images" on so the file is saved at once.`,
		);
	}
	if (reply.statusCode < 200 || reply.statusCode >= 300 || !(reply.body instanceof Buffer || reply.body instanceof ArrayBuffer)) {
		throw apiError(context, reply.statusCode, `The image of task ${file.taskId} could not be downloaded (HTTP ${reply.statusCode})`, undefined, url);
	}
	const bytes = Buffer.from(reply.body as ArrayBuffer);
	const mimeType = imageMimeType(reply.headers['content-type'], url);
	const fileName = `${file.stem}.${extensionByMime[mimeType] ?? 'bin'}`;
	return await context.helpers.prepareBinaryData(bytes, fileName, mimeType);
}

function imageMimeType(contentType: unknown, url: string): string {
	const declared = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	if (declared.startsWith('image/')) return declared;
	const extension = /\.([a-z0-9]+)(?:$|[?#])/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? '';
	return mimeByExtension[extension] ?? 'application/octet-stream';
}
