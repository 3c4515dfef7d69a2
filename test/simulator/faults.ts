import { cloudflarePage, cometError, consolePage, type Reply } from './replies.ts';
import type { Fault, FaultKind, FaultRoute } from './types.ts';

const TRANSIENT_KINDS: FaultKind[] = ['status', 'html', 'reset', 'slow'];
const TRANSIENT_STATUSES = [429, 500, 502, 503, 504, 524];
const DEFAULT_SLOW_MS = 2000;

interface Queued {
	fault: Fault;
	remaining: number;
}

/** Injected faults, consumed in order per route, plus optional random ones for soak tests. */
export class FaultPlan {
	private queue: Queued[] = [];
	private randomRate = 0;
	private randomKinds: FaultKind[] = TRANSIENT_KINDS;
	private randomRoutes: FaultRoute[] | undefined;

	inject(fault: Fault): void {
		this.queue.push({ fault, remaining: fault.times ?? 1 });
	}

	setRandom(rate: number, kinds?: FaultKind[], routes?: FaultRoute[]): void {
		this.randomRate = rate;
		this.randomKinds = kinds && kinds.length > 0 ? kinds : TRANSIENT_KINDS;
		this.randomRoutes = routes && !routes.includes('any') ? routes : undefined;
	}

	/** The fault for this request, if any; `route` is undefined for requests outside the known routes. */
	take(route: FaultRoute | undefined): Fault | undefined {
		const index = this.queue.findIndex((q) => q.fault.route === 'any' || q.fault.route === route);
		if (index >= 0) {
			const queued = this.queue[index];
			if (--queued.remaining <= 0) this.queue.splice(index, 1);
			return queued.fault;
		}
		return this.random(route);
	}

	clear(): void {
		this.queue = [];
		this.setRandom(0);
	}

	private random(route: FaultRoute | undefined): Fault | undefined {
		if (this.randomRate <= 0 || !route || Math.random() >= this.randomRate) return undefined;
		if (this.randomRoutes && !this.randomRoutes.includes(route)) return undefined;
		const kind = pick(this.randomKinds);
		return {
			route,
			kind,
			status: kind === 'status' ? pick(TRANSIENT_STATUSES) : undefined,
			delayMs: kind === 'slow' ? 100 + Math.floor(Math.random() * 400) : undefined,
		};
	}
}

function pick<T>(items: readonly T[]): T {
	return items[Math.floor(Math.random() * items.length)];
}

export function slowDelay(fault: Fault): number {
	return fault.delayMs ?? DEFAULT_SLOW_MS;
}

/** The answer a 'status', 'html' or 'redirect' fault gives instead of the real one. */
export function faultReply(fault: Fault, defaultRetryAfterSeconds: number): Reply {
	if (fault.kind === 'html') return consolePage();
	if (fault.kind === 'redirect') return { status: 302, headers: { location: fault.location ?? '/' }, body: '' };
	const status = fault.status ?? 500;
	if (status === 502 || status === 524) return cloudflarePage(status);
	const headers: Record<string, string> = {};
	if (status === 429)
		headers['retry-after'] = String(fault.retryAfterSeconds ?? defaultRetryAfterSeconds);
	return cometError(status, fault.message ?? defaultMessage(status), fault.code ?? '', headers);
}

function defaultMessage(status: number): string {
	switch (status) {
		case 400:
			return 'bad request';
		case 401:
			return 'Invalid token';
		case 403:
			return 'forbidden';
		case 429:
			return 'rate limit exceeded, please try again later';
		case 503:
			return 'service temporarily unavailable';
		case 504:
			return 'upstream timed out';
		default:
			return 'upstream error: do request failed';
	}
}
