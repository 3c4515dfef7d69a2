import { sleep } from 'n8n-workflow';

/** How far one 429 lowers the bound (TCP's multiplicative decrease). */
export const DECREASE_FACTOR = 0.5;
/**
 * Slow start: the first submits go this many at a time, +1 per accepted one. A submit is answered
 * in milliseconds, so one process alone reaches Max Tasks in Flight at once; processes starting
 * together on one key probe the account's room instead of bursting past it.
 */
export const INITIAL_BOUND = 4;

/** A held task slot: give it back when the task is done, or hand it back on a 429 and queue again. */
export interface TaskSlot {
	release(): void;
	/** The submit was accepted: the bound may grow again. */
	accepted(): void;
	/** The submit was refused with 429: lower the bound, pause new grants, then wait for a turn again. */
	rateLimited(pauseMs: number): Promise<void>;
}

/**
 * Bounds the tasks one API key has running: CometAPI (like BFL) refuses more than its active-task
 * limit with 429. Shared by every item and execution in this n8n process. Other processes (queue-mode
 * workers) share the key's limit but not this memory, so the bound adapts the way TCP does: slow start
 * from INITIAL_BOUND, halved on a 429 (once per round: one burst of refusals is one signal), then
 * raised by one per bound's worth of accepted submits, never above Max Tasks in Flight.
 */
export class TaskSlots {
	private active = 0;
	private readonly queue: Array<() => void> = [];
	private pausedUntil = 0;
	private wakeScheduled = false;
	private lastDecreaseAt = -Infinity;
	/** The adaptive bound; fractional, so additive increase can grow it by 1/bound per success. */
	bound: number;
	/** Below this the bound grows by 1 per accepted submit (slow start), above it by 1/bound. */
	private slowStartUntil: number;
	readonly limit: number;
	private readonly now: () => number;

	constructor(limit: number, now: () => number = Date.now) {
		this.limit = limit;
		this.bound = Math.min(limit, INITIAL_BOUND);
		this.slowStartUntil = limit;
		this.now = now;
	}

	/** Slots that may be held now. */
	get allowed(): number {
		return Math.max(1, Math.floor(this.bound));
	}

	async acquire(signal?: AbortSignal): Promise<TaskSlot> {
		await this.take(signal);
		let held = true;
		let sentAfter = this.now();
		const giveBack = () => {
			if (!held) return;
			held = false;
			this.active--;
			this.grant();
		};
		return {
			release: giveBack,
			accepted: () => this.onAccepted(),
			rateLimited: async (pauseMs) => {
				this.onRateLimited(pauseMs, sentAfter);
				giveBack();
				await this.take(signal);
				held = true;
				sentAfter = this.now();
			},
		};
	}

	/**
	 * Multiplicative decrease, once per round as TCP does: a refusal of a submit that left before the
	 * last decrease was answered for the old bound. New grants pause until Retry-After has passed.
	 */
	onRateLimited(retryAfterMs: number, sentAt = this.now()): void {
		const now = this.now();
		const pause = Math.max(0, retryAfterMs);
		if (sentAt >= this.lastDecreaseAt && now - this.lastDecreaseAt >= Math.max(pause, 1)) {
			this.bound = Math.max(1, this.bound * DECREASE_FACTOR);
			this.slowStartUntil = this.bound;
			this.lastDecreaseAt = now;
		}
		this.pausedUntil = Math.max(this.pausedUntil, now + pause);
		this.grant();
	}

	/** Slow start, then additive increase: one more slot per bound's worth of accepted submits. */
	onAccepted(): void {
		const step = this.bound < this.slowStartUntil ? 1 : 1 / this.bound;
		this.bound = Math.min(this.limit, this.bound + step);
		this.grant();
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
		if (this.queue.length && paused > 0 && !this.wakeScheduled) {
			// A timer may fire a little before the clock reaches its end: grant() then schedules again.
			this.wakeScheduled = true;
			void sleep(paused).then(() => {
				this.wakeScheduled = false;
				this.grant();
			});
		}
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
