/**
 * Bounds the tasks one API key has running: CometAPI (like BFL) refuses more than its
 * active-task limit with 429. Shared by every item and execution in this n8n process.
 */
export class TaskSlots {
	private active = 0;
	private readonly queue: Array<() => void> = [];
	readonly limit: number;

	constructor(limit: number) {
		this.limit = limit;
	}

	async acquire(signal?: AbortSignal): Promise<() => void> {
		if (this.active >= this.limit) await this.waitForTurn(signal);
		else this.active++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = this.queue.shift();
			if (next) next();
			else this.active--;
		};
	}

	/** Resolves once a released slot is handed over to this waiter. */
	private async waitForTurn(signal?: AbortSignal): Promise<void> {
		signal?.throwIfAborted();
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
