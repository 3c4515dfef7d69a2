import type { Submission } from '../api/cometApi';
import type { Sent } from '../api/transport';

/**
 * Submits that carry images from binary properties, at most this many at once per n8n process.
 * Each holds its images several times over while it is sent (the files, their base64, the JSON
 * text of the body, and a Replicate answer that echoes them): when a wave of tasks ends together,
 * Max Tasks in Flight submits built at once would hold gigabytes. A send takes a fraction of a
 * second; the tasks still run as many at once as the slots allow.
 */
export const IMAGE_SENDS_AT_ONCE = 4;

let sending = 0;
const waiting: Array<() => void> = [];

/** Builds the request (reading its images) and sends it, in turn with the other image submits. */
export async function sendWithImages(
	target: Submission,
	build: (target: Submission) => Promise<Submission>,
	send: (ready: Submission) => Promise<Sent>,
): Promise<Sent> {
	if (sending >= IMAGE_SENDS_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
	else sending++;
	try {
		return await send(await build(target));
	} finally {
		const next = waiting.shift();
		if (next) next();
		else sending--;
	}
}
