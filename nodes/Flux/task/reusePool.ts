import type { ApiFormatName } from '../catalogue';
import type { TaskState } from '../api/taskState';

/** How long a result stays collectable: BFL's image links expire about 10 minutes after the task ends. */
export const RESULT_LIFETIME_MS = 10 * 60_000;

/** A task that was made (paid) but whose image reached no output. */
export interface ReusableTask {
	id: string;
	format: ApiFormatName;
	/** Its last known state: a finished one is downloaded without asking CometAPI again. */
	state?: TaskState;
}

interface Entry extends ReusableTask {
	expiresAt: number;
}

/**
 * Paid tasks waiting for the next identical request of the same node in this n8n process (the next
 * Retry On Fail try, a rerun): handed over instead of paying again. Keyed by a hash of the request,
 * never by the request itself (a body can hold megabytes of base64 images).
 */
const pool = new Map<string, Entry[]>();

export function keepForReuse(key: string, task: ReusableTask, now = Date.now()): void {
	dropExpired(now);
	const entries = pool.get(key) ?? [];
	entries.push({ ...task, expiresAt: now + RESULT_LIFETIME_MS });
	pool.set(key, entries);
}

/** The oldest unexpired paid task for this request, taken out of the pool. */
export function takeReusable(key: string, now = Date.now()): ReusableTask | undefined {
	dropExpired(now);
	const entries = pool.get(key);
	const entry = entries?.shift();
	if (entries && !entries.length) pool.delete(key);
	return entry && { id: entry.id, format: entry.format, state: entry.state };
}

/** Empties the pool, as a restart of n8n does. */
export function forgetReusableTasks(): void {
	pool.clear();
}

function dropExpired(now: number): void {
	for (const [key, entries] of pool) {
		const live = entries.filter((entry) => entry.expiresAt > now);
		if (live.length) pool.set(key, live);
		else pool.delete(key);
	}
}

/**
 * What makes two requests identical, as a hash: two 53-bit string hashes (cyrb53) with different
 * seeds, and the text's length. Node code may not import a crypto module; an accidental match of
 * all three between two different requests is out of reach.
 */
export function requestKey(parts: unknown[]): string {
	const text = JSON.stringify(parts);
	return `${text.length.toString(36)}-${cyrb53(text, 0x9e3779b9).toString(36)}-${cyrb53(text, 0x85ebca6b).toString(36)}`;
}

function cyrb53(text: string, seed: number): number {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, 2654435761);
		h2 = Math.imul(h2 ^ code, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
