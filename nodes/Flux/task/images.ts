import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import { apiError } from '../api/errors';
import { IMAGE_TYPES_TEXT, sniffImage } from '../catalogue/imageInputs';
import type { Attempt, RetryLimits } from '../api/retry';
import { retryAfterMs, retryIfLost, retryTransient } from '../api/retry';
import type { Reply } from '../api/transport';
import { requestImage } from '../api/transport';

const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Downloads a result image (without the API key) and stores it as n8n binary data, typed by its
 * bytes: a host's declared type is not trusted (an SVG or a web page labelled image/png is refused).
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
		if (!('reply' in sent)) return retryIfLost(context, sent, file.taskId, 'the image download: ');
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
	const { body } = reply;
	const bytes = Buffer.isBuffer(body) ? body : body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.alloc(0);
	if (reply.statusCode < 200 || reply.statusCode >= 300) {
		throw apiError(context, reply.statusCode, `The image of task ${file.taskId} could not be downloaded (HTTP ${reply.statusCode})`, undefined, url);
	}
	const image = sniffImage(bytes);
	if (!image) {
		const declared = String(reply.headers['content-type'] ?? 'no content type');
		const what = bytes.length ? `${declared} (${bytes.length} bytes), but its content is not ${IMAGE_TYPES_TEXT}` : 'an empty body';
		throw apiError(context, reply.statusCode, `The image link of task ${file.taskId} answered with ${what}: not saved`, undefined, url);
	}
	return await context.helpers.prepareBinaryData(bytes, `${file.stem}.${image.extension}`, image.mimeType);
}
