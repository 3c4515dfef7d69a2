/** Timed waits of in-flight requests (slow faults, Prefer: wait) that close() can cut short. */
export class Sleeper {
	private pending = new Map<NodeJS.Timeout, () => void>();

	sleep = (ms: number): Promise<void> =>
		new Promise((resolve) => {
			if (ms <= 0) {
				resolve();
				return;
			}
			const timer = setTimeout(() => {
				this.pending.delete(timer);
				resolve();
			}, ms);
			this.pending.set(timer, resolve);
		});

	wakeAll(): void {
		for (const [timer, resolve] of this.pending) {
			clearTimeout(timer);
			resolve();
		}
		this.pending.clear();
	}
}
