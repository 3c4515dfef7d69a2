import { sleep } from 'n8n-workflow';

/** How far one 429 lowers the bound (TCP's multiplicative decrease), down to the tasks still running. */
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
	/** The submit was accepted: the task runs in this slot, and the bound may grow. */
	accepted(): void;
	/** The submit was refused with 429: lower the bound, pause new grants, then wait for a turn again. */
	rateLimited(pauseMs: number): Promise<void>;
}

/**
 * Bounds the tasks one API key has running: CometAPI (like BFL) refuses more than its active-task
 * limit with 429. Shared by every item and execution in this n8n process. Other processes (queue-mode
 * workers) share the key's limit but not this memory, so the bound adapts the way TCP does:
 * - slow start from INITIAL_BOUND, +1 per accepted submit, until the first 429;
 * - a 429 halves the bound (once per round: one burst of refusals is one signal), but never below
 *   the tasks this process has running: the account accepted those, so they are its share now;
 * - after a round with no 429 (a bound's worth of accepted submits), it probes for room one task
 *   at a time: +1 each time every slot holds an accepted task, until a 429 or Max Tasks in Flight.
 * Tasks of one batch finish together, so a share given up on a 429 would stay idle for a whole
 * generation while another process's bound crept up to it (measured: 1.5-1.75 x the ideal time).
 */
export class TaskSlots {
	/** Slots held: submitting or running. */
	private active = 0;
	/** Slots whose task the account accepted and still runs. */
	private running = 0;
	private readonly queue: Array<() => void> = [];
	private pausedUntil = 0;
	private wakeScheduled = false;
	private lastDecreaseAt = -Infinity;
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

	/** Slots that may be held now. */
	get allowed(): number {
		return Math.max(1, Math.floor(this.bound));
	}

	async acquire(signal?: AbortSignal): Promise<TaskSlot> {
		await this.take(signal);
		let held = true;
		let runs = false;
		let sentAfter = this.now();
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
				this.onRateLimited(pauseMs, sentAfter);
				giveBack();
				await this.take(signal);
				held = true;
				sentAfter = this.now();
			},
		};
	}

	/**
	 * Multiplicative decrease, once per round as TCP does (a refusal of a submit that left before the
	 * last decrease was answered for the old bound), never below the tasks running. Ends slow start;
	 * new grants pause until Retry-After has passed.
	 */
	onRateLimited(pauseMs: number, sentAt = this.now()): void {
		const now = this.now();
		const pause = Math.max(0, pauseMs);
		if (sentAt >= this.lastDecreaseAt && now - this.lastDecreaseAt >= Math.max(pause, 1)) {
			this.bound = Math.max(1, this.bound * DECREASE_FACTOR, Math.min(this.bound, this.running));
			this.lastDecreaseAt = now;
		}
		this.slowStart = false;
		this.quietAccepts = 0;
		this.pausedUntil = Math.max(this.pausedUntil, now + pause);
		this.grant();
	}

	/** Slow start; past it, after a quiet round, one more slot each time every slot runs a task. */
	onAccepted(): void {
		this.quietAccepts++;
		const probing = this.quietAccepts >= this.bound && this.running >= this.allowed;
		if (this.slowStart || probing) this.bound = Math.min(this.limit, Math.floor(this.bound) + 1);
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
