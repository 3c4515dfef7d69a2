import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { notSent, stopped } from './errors';
import type { Sent } from './transport';

/** The result of one attempt: a value, or a temporary fault worth another try. */
export type Attempt<T> = { done: T } | { retry: string; retryAfterMs?: number };

/** Capped exponential backoff with jitter: 0.5-1 x min(cap, base x 2^attempt). */
export function backoffMs(attempt: number, baseMs = 500, capMs = 10_000): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
	return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
export function retryAfterMs(headers: IDataObject): number | undefined {
	const value = headers['retry-after'];
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export interface RetryLimits {
	/** Epoch ms after which no further attempt starts. */
	deadline: number;
	signal?: AbortSignal;
}

/** Repeats `attempt` while it reports a temporary fault and time remains; `giveUp` builds the final error. */
export async function retryTransient<T>(
	attempt: () => Promise<Attempt<T>>,
	limits: RetryLimits,
	giveUp: (lastFault: string) => Error,
): Promise<T> {
	for (let tries = 0; ; tries++) {
		const result = await attempt();
		if ('done' in result) return result.done;
		const delay = Math.max(result.retryAfterMs ?? 0, backoffMs(tries));
		if (Date.now() + delay > limits.deadline) throw giveUp(result.retry);
		await sleep(delay, limits.signal);
	}
}

/**
 * For a request about a task that is safe to repeat (a poll, a download) that got no answer: try
 * again, unless the execution was stopped or n8n refused to send it.
 */
export function retryIfLost(
	context: IExecuteSingleFunctions,
	sent: Exclude<Sent, { reply: unknown }>,
	taskId: string,
	what = '',
): Attempt<never> {
	if ('refused' in sent) throw notSent(context, sent.refused, taskId);
	if (sent.lost.code === 'ERR_CANCELED') throw stopped(context);
	return { retry: `${what}${sent.lost.message}` };
}
