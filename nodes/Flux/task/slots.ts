import { sleep } from 'n8n-workflow';

/**
 * Slow start: the first submits go this many at a time, +1 per accepted one. A submit is answered
 * in milliseconds, so one process alone reaches Max Tasks in Flight at once; processes starting
 * together on one key probe the account's room instead of bursting past it.
 */
export const INITIAL_BOUND = 4;
/** The least time between two probes for room (see probe()). */
export const PROBE_SPACING_MS = 250;
/** Accepted probes after which the bound grows by slow start again. */
export const PROBES_BEFORE_SLOW_START = 2;

/** A held task slot: give it back when the task is done, or hand it back on a 429 and queue again. */
export interface TaskSlot {
	release(): void;
	/** The submit was accepted: the task runs in this slot, and the bound may grow. */
	accepted(): void;
	/** The submit was refused with 429: lower the bound, wait Retry-After (this submit alone), then a turn. */
	rateLimited(pauseMs: number): Promise<void>;
}

/**
 * Bounds the tasks one API key has running: CometAPI (like BFL) refuses more than its active-task
 * limit with 429. Shared by every item and execution in this n8n process. Other processes (queue-mode
 * workers) share the key's limit but not this memory, so the bound adapts the way TCP does:
 * - slow start from INITIAL_BOUND, +1 per accepted submit, until the first 429;
 * - a 429 brings the bound down to the other slots this process holds: the account has room for
 *   those, and for no more. TCP halves its window because a lost packet says only "too much"; a 429
 *   with the tasks still running says how much. Halving gave up a share that then stayed idle for
 *   a whole generation while another process crept up to it (test:queue: 1.5-1.75 x the ideal);
 * - after a round with no 429 (a bound's worth of accepted submits), it probes for room one task
 *   at a time, PROBE_SPACING_MS apart: +1 each time every slot holds an accepted task; after two
 *   accepted probes the room is real (another process has left), and slow start takes over, until
 *   a 429 or Max Tasks in Flight.
 */
export class TaskSlots {
	/** Slots held: submitting or running. */
	private active = 0;
	/** Slots whose task the account accepted and still runs. */
	private running = 0;
	private readonly queue: Array<() => void> = [];
	private pausedUntil = 0;
	/** Timers that look at the queue again: the end of a Retry-After pause, the next probe. */
	private readonly timers = new Map<'wake' | 'probe', AbortController>();
	private lastProbeAt = -Infinity;
	/** Probes sent since the last 429 (each accepted, or it would have been a 429). */
	private probesFound = 0;
	private slowStart = true;
	/** Accepted submits since the last 429: a bound's worth of them is a quiet round. */
	private quietAccepts = 0;
	bound: number;
	readonly limit: number;
	private readonly now: () => number;

	constructor(limit: number, now: () => number = Date.now) {
		this.limit = limit;
		this.bound = Math.min(limit, INITIAL_BOUND);
		this.now = now;
	}

	/** Slots that may be held now: the bound, a whole number from 1 to the limit. */
	get allowed(): number {
		return this.bound;
	}

	async acquire(signal?: AbortSignal): Promise<TaskSlot> {
		await this.take(signal);
		let held = true;
		let runs = false;
		const giveBack = () => {
			if (!held) return;
			held = false;
			this.active--;
			if (runs) this.running--;
			runs = false;
			this.grant();
		};
		return {
			release: giveBack,
			accepted: () => {
				if (!held || runs) return;
				runs = true;
				this.running++;
				this.onAccepted();
			},
			rateLimited: async (pauseMs) => {
				this.onRateLimited(pauseMs);
				giveBack();
				// The refused submit waits Retry-After; the others refill, within the lowered bound, the
				// room this process's own finished tasks leave (a pause for all of them left that room
				// idle for a second at every collision: test:queue's 12-active dips).
				await sleep(pauseMs, signal);
				await this.take(signal);
				held = true;
			},
		};
	}

	/**
	 * A refused submit: the account's room for this process is the other slots it holds, so the bound
	 * comes down to them (down to 1). Ends slow start. Holding nothing else, no task of this process
	 * will free room: every grant then waits Retry-After.
	 */
	onRateLimited(pauseMs: number): void {
		const othersHeld = this.active - 1;
		this.bound = Math.max(1, Math.min(this.bound, othersHeld));
		this.slowStart = false;
		this.quietAccepts = 0;
		this.probesFound = 0;
		if (othersHeld <= 0) this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(0, pauseMs));
	}

	/** Slow start; past it, a probe for room once a round was quiet. */
	onAccepted(): void {
		this.quietAccepts++;
		if (this.slowStart) this.bound = Math.min(this.limit, this.bound + 1);
		else this.probe();
		this.grant();
	}

	/**
	 * One more slot, when items wait, a whole round was quiet and every slot runs an accepted task;
	 * probes PROBE_SPACING_MS apart. When tasks of two processes end together, the other process's
	 * refills come within a few polls: probes in quick succession would take its room and have its
	 * refills refused (8-9 refusals at each wave measured in test:queue, against 0-1 with the spacing).
	 */
	private probe(): void {
		const due = this.queue.length > 0 && this.quietAccepts >= this.bound && this.running >= this.allowed;
		if (!due || this.bound >= this.limit) return;
		const wait = this.lastProbeAt + PROBE_SPACING_MS - this.now();
		if (wait <= 0) {
			// Room that lasted two spaced probes is not another process's refills in flight: slow start.
			if (++this.probesFound > PROBES_BEFORE_SLOW_START) this.slowStart = true;
			this.bound += 1;
			this.lastProbeAt = this.now();
		} else if (!this.timers.has('probe')) {
			this.later('probe', wait, () => {
				this.probe();
				this.grant();
			});
		}
	}

	private canGrant(): boolean {
		return this.active < this.allowed && this.now() >= this.pausedUntil;
	}

	/** Hands free slots to waiters in order; while a pause holds them, looks again when it ends. */
	private grant(): void {
		while (this.queue.length && this.canGrant()) {
			this.active++;
			this.queue.shift()!();
		}
		const paused = this.pausedUntil - this.now();
		if (this.queue.length && paused > 0 && !this.timers.has('wake')) {
			// A timer may fire a little before the clock reaches its end: grant() then schedules again.
			this.later('wake', paused, () => this.grant());
		}
	}

	/** Runs `then` after `ms`, unless nobody waits by then (a pending timer would hold the process up). */
	private later(name: 'wake' | 'probe', ms: number, then: () => void): void {
		const cancel = new AbortController();
		this.timers.set(name, cancel);
		sleep(ms, cancel.signal).then(
			() => {
				this.timers.delete(name);
				then();
			},
			() => this.timers.delete(name),
		);
	}

	/** Resolves once this caller holds a slot. */
	private async take(signal?: AbortSignal): Promise<void> {
		signal?.throwIfAborted();
		if (!this.queue.length && this.canGrant()) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const onAbort = () => {
				this.queue.splice(this.queue.indexOf(turn), 1);
				if (!this.queue.length) for (const timer of this.timers.values()) timer.abort();
				reject(signal?.reason ?? new Error('aborted'));
			};
			const turn = () => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			};
			this.queue.push(turn);
			signal?.addEventListener('abort', onAbort, { once: true });
			// Arriving during a pause with nobody else waiting: nothing else would wake this queue.
			this.grant();
		});
	}
}

const slotsByKey = new Map<string, TaskSlots>();

export function taskSlotsFor(key: string, limit: number): TaskSlots {
	const id = `${key}|${limit}`;
	let slots = slotsByKey.get(id);
	if (!slots) {
		slots = new TaskSlots(limit);
		slotsByKey.set(id, slots);
	}
	return slots;
}
