import { sleep } from 'n8n-workflow';

import { INITIAL_BOUND, TaskSlots, type TaskSlot } from '../../nodes/Flux/task/slots';

// The bound's arithmetic with a fixed clock: slow start from 4 (+1 per accepted submit), halved on a
// 429 (once per Retry-After) but never below the tasks running, then after each quiet round +1 at a
// time while every slot runs an accepted task; never above the limit, never below 1.
/** Past slow start: as many accepted submits as it takes to reach the limit. */
function atLimit(slots: TaskSlots): TaskSlots {
	while (slots.bound < slots.limit) slots.onAccepted();
	return slots;
}

/** Takes `count` slots (each must be free now); `accepted` of them get their submit accepted. */
async function hold(slots: TaskSlots, count: number, accepted = count): Promise<TaskSlot[]> {
	const held: TaskSlot[] = [];
	for (let i = 0; i < count; i++) held.push(await slots.acquire());
	held.slice(0, accepted).forEach((slot) => slot.accepted());
	return held;
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

	test('a 429 halves the bound, but never below the tasks this process has running', async () => {
		const slots = atLimit(new TaskSlots(24, clock));
		const running = await hold(slots, 10);
		slots.onRateLimited(1000); // half of 24 is 12, above the 10 running
		expect(slots.bound).toBe(12);
		now += 1000; // Retry-After has passed
		running.push(...(await hold(slots, 2)));
		slots.onRateLimited(1000); // half of 12 is 6, but the account runs 12 of this process's tasks
		expect(slots.bound).toBe(12);
		running.forEach((slot) => slot.release());
		now += 1000;
		slots.onRateLimited(1000); // nothing runs: halved
		expect(slots.bound).toBe(6);
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

	test('after a 429, slow start ends; after a quiet round, one more slot at a time while every slot runs', async () => {
		const slots = new TaskSlots(24, clock);
		const first = await hold(slots, 4); // slow start: 4 accepted -> 8
		expect(slots.bound).toBe(8);
		const more = await hold(slots, 4, 2); // 2 accepted -> 10; 2 refused
		slots.onRateLimited(1000); // half of 10 is 5, below the 6 running
		expect(slots.bound).toBe(6);
		more.slice(2).forEach((slot) => slot.release());

		// A generation later the 6 tasks end and 6 new ones are accepted: the round was quiet.
		now += 2000;
		[...first, ...more].forEach((slot) => slot.release());
		const round = await hold(slots, 6, 5);
		expect(slots.bound).toBe(6); // 5 accepted of a round of 6: no growth yet
		round[5].accepted();
		expect(slots.bound).toBe(7); // every slot runs an accepted task: probe one more
		const probe = await hold(slots, 1);
		expect(slots.bound).toBe(8); // accepted: probe again
		const refused = await hold(slots, 1, 0);
		slots.onRateLimited(1000); // the account is full: back to the 7 running
		expect(slots.bound).toBe(7);
		refused[0].release();

		// The next round's accepts alone do not grow it until a whole round is quiet again.
		now += 2000;
		[...round, ...probe].forEach((slot) => slot.release());
		const next = await hold(slots, 7, 6);
		expect(slots.bound).toBe(7);
		next[6].accepted();
		expect(slots.bound).toBe(8);
	});

	test('probing stops at Max Tasks in Flight', async () => {
		const slots = new TaskSlots(6, clock);
		slots.onRateLimited(0); // slow start over: half of 4
		expect(slots.bound).toBe(2);
		now += 10;
		await hold(slots, 2); // a quiet round of 2, every slot running: 3
		for (let i = 0; i < 4; i++) await hold(slots, 1); // each accepted probe: one more, up to 6
		expect(slots.bound).toBe(6);
		const seventh = slots.acquire();
		const granted = await Promise.race([seventh.then(() => true), sleep(50).then(() => false)]);
		expect(granted).toBe(false);
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
