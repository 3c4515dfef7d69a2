import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookDelivery } from './types.ts';

// Like real webhook senders, retry a few times with growing delays: a receiver such as n8n's Wait
// node answers 409 until its execution is parked, which may be just after a fast task ends.
const RETRY_DELAYS_MS = [200, 500, 1000, 2000, 4000];
const TIMEOUT_MS = 10_000;

/**
 * POSTs the task's final result to its webhook_url, retrying on errors, 409 and 5xx. Only the
 * secret the user chose goes along (X-Webhook-Secret), never the API key.
 */
export async function deliverWebhook(
	taskId: string,
	url: string,
	payload: unknown,
	secret: string | undefined,
	record: (delivery: WebhookDelivery) => void,
	later: (ms: number, run: () => void) => void,
): Promise<void> {
	const body = JSON.stringify(payload);
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(body)),
		'user-agent': 'cometapi-simulator-webhook/1.0',
	};
	if (secret !== undefined) headers['x-webhook-secret'] = secret;
	for (let attempt = 1; ; attempt++) {
		const result = await post(url, headers, body);
		record({ taskId, url, attempt, ...result, at: Date.now() });
		const worthRetrying = result.status === undefined || result.status === 409 || result.status >= 500;
		const delay = RETRY_DELAYS_MS[attempt - 1];
		if ((result.status !== undefined && result.status < 300) || !worthRetrying || delay === undefined) return;
		await new Promise<void>((resolve) => later(delay, resolve));
	}
}

function post(
	url: string,
	headers: Record<string, string>,
	body: string,
): Promise<{ status?: number; error?: string }> {
	return new Promise((resolve) => {
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			resolve({ error: 'invalid URL' });
			return;
		}
		const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
		const req = send(target, { method: 'POST', headers, timeout: TIMEOUT_MS }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode }));
			res.on('error', (error) => resolve({ error: error.message }));
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (error) => resolve({ error: error.message }));
		req.end(body);
	});
}
