import { sleep } from 'n8n-workflow';

import { INITIAL_BOUND, TaskSlots } from '../../nodes/Flux/task/slots';

// The bound's arithmetic with a fixed clock: slow start from 4 (+1 per accepted submit), halved on a
// 429 (once per Retry-After), then +1/bound per accepted submit, never above the limit, never below 1.
/** Past slow start: as many accepted submits as it takes to reach the limit. */
function atLimit(slots: TaskSlots): TaskSlots {
	while (slots.bound < slots.limit) slots.onAccepted();
	return slots;
}

describe('adaptive task bound', () => {
	let now = 1_000_000;
	const clock = () => now;
	beforeEach(() => {
		now = 1_000_000;
	});

	test('slow start: begins at 4 and grows by one per accepted submit up to Max Tasks in Flight', () => {
		const slots = new TaskSlots(24, clock);
		expect(slots.allowed).toBe(INITIAL_BOUND);
		slots.onAccepted();
		expect(slots.allowed).toBe(INITIAL_BOUND + 1);
		for (let i = 0; i < 100; i++) slots.onAccepted();
		expect(slots.bound).toBe(24);
		expect(new TaskSlots(2, clock).allowed).toBe(2);
	});

	test('after a 429, growth is additive from the halved bound: slow start ends there', () => {
		const slots = new TaskSlots(24, clock);
		for (let i = 0; i < 12; i++) slots.onAccepted(); // 16
		slots.onRateLimited(1000); // 8, and slow start ends at 8
		expect(slots.bound).toBe(8);
		for (let i = 0; i < 8; i++) slots.onAccepted();
		expect(slots.allowed).toBe(8);
		slots.onAccepted();
		expect(slots.allowed).toBe(9);
	});

	test('a 429 halves the bound; a burst of 429s within Retry-After counts once', () => {
		const slots = atLimit(new TaskSlots(24, clock));
		slots.onRateLimited(1000);
		expect(slots.bound).toBe(12);
		now += 500;
		slots.onRateLimited(1000);
		slots.onRateLimited(1000);
		expect(slots.bound).toBe(12);
		now += 500;
		slots.onRateLimited(1000);
		expect(slots.bound).toBe(6);
	});

	test('never below 1', () => {
		const slots = new TaskSlots(4, clock);
		for (let i = 0; i < 5; i++) {
			slots.onRateLimited(0);
			now += 1;
		}
		expect(slots.bound).toBe(1);
		expect(slots.allowed).toBe(1);
	});

	test('additive increase: one slot per bound of accepted submits, capped at the limit', () => {
		const slots = atLimit(new TaskSlots(24, clock));
		slots.onRateLimited(1000); // 12
		for (let i = 0; i < 12; i++) slots.onAccepted();
		// 12 steps of 1/bound from 12 reach just under 13 (each step is a little smaller).
		expect(slots.bound).toBeGreaterThan(12.95);
		expect(slots.bound).toBeLessThan(13);
		expect(slots.allowed).toBe(12);
		slots.onAccepted();
		expect(slots.allowed).toBe(13);
		for (let i = 0; i < 1000; i++) slots.onAccepted();
		expect(slots.bound).toBe(24);
	});

	test('a refused holder gives its slot back, waits Retry-After, then queues behind waiters', async () => {
		const slots = new TaskSlots(2);
		const a = await slots.acquire();
		const b = await slots.acquire();
		const order: string[] = [];
		const c = slots.acquire().then((slot) => (order.push('c'), slot));
		const t0 = Date.now();
		// b is refused: the bound drops to 1; its retry waits 50 ms and a turn.
		const bAgain = b.rateLimited(50).then(() => order.push('b'));
		a.release(); // active is now 0 of 1 allowed, but grants pause for Retry-After
		await new Promise((r) => setTimeout(r, 10));
		expect(order).toEqual([]);
		const cSlot = await c;
		expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
		expect(order).toEqual(['c']);
		cSlot.release();
		await bAgain;
		expect(order).toEqual(['c', 'b']);
	});

	test('a Retry-After timer that fires before the pause ends by the clock still wakes the queue', async () => {
		let skew = 0;
		const slots = new TaskSlots(1, () => Date.now() + skew);
		const a = await slots.acquire();
		const waiting = slots.acquire();
		const refused = a.rateLimited(50);
		// Node's timers may fire a little before Date.now() reaches the end of the pause.
		skew = -30;
		const granted = await Promise.race([waiting.then(() => 'granted'), sleep(1000).then(() => 'lost')]);
		expect(granted).toBe('granted');
		(await waiting).release();
		await refused;
	});

	test('a caller that arrives during a Retry-After pause, with nobody else waiting, gets its turn when it ends', async () => {
		const slots = new TaskSlots(4);
		slots.onRateLimited(50);
		const granted = await Promise.race([slots.acquire().then(() => 'granted'), sleep(1000).then(() => 'lost')]);
		expect(granted).toBe('granted');
	});

	test('an aborted waiter leaves the queue', async () => {
		const slots = new TaskSlots(1);
		const a = await slots.acquire();
		const abort = new AbortController();
		const waiting = slots.acquire(abort.signal);
		abort.abort(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
		a.release();
		const next = await slots.acquire();
		next.release();
	});
});
