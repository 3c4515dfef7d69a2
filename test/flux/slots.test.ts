import { sleep } from 'n8n-workflow';

import { INITIAL_BOUND, PROBE_SPACING_MS, TaskSlots, type TaskSlot } from '../../nodes/Flux/task/slots';

// The bound's arithmetic with a fixed clock: slow start from 4 (+1 per accepted submit); a 429 brings
// it down to the other slots held (1 and a pause when none); after each quiet
// round +1 at a time (spaced) while every slot runs an accepted task and items wait; never above the
// limit, never below 1.
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

/** The account refused this held slot's submit (what TaskSlot.rateLimited does, without queueing again). */
function refuse(slots: TaskSlots, slot: TaskSlot): void {
	slots.onRateLimited(1000);
	slot.release();
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

	test('a refused submit brings the bound down to the slots this process still holds', async () => {
		const slots = atLimit(new TaskSlots(24, clock));
		const held = await hold(slots, 20, 10); // 10 running, 10 submitting
		refuse(slots, held[19]); // the account refused one: the other 19 may fit
		expect(slots.bound).toBe(19);
		for (const slot of held.slice(11, 19)) refuse(slots, slot); // the same burst: 8 more
		expect(slots.bound).toBe(11);
		const waiting = slots.acquire(); // no room for another submit: it waits
		expect(await Promise.race([waiting.then(() => 'granted'), sleep(20).then(() => 'waits')])).toBe('waits');
		held[0].release(); // a task ended: its room is refilled at once (no pause while others run)
		(await waiting).release();
	});

	test('a refused submit with nothing else held: the bound drops to 1 and every grant waits Retry-After', async () => {
		const slots = atLimit(new TaskSlots(24, clock));
		refuse(slots, (await hold(slots, 1, 0))[0]);
		expect(slots.bound).toBe(1);
		const waiting = slots.acquire();
		expect(await Promise.race([waiting.then(() => 'granted'), sleep(20).then(() => 'waits')])).toBe('waits');
		now += 1000; // Retry-After has passed (the queue's wake-up timer looks again)
		expect(await Promise.race([waiting.then(() => 'granted'), sleep(1100).then(() => 'waits')])).toBe('granted');
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

	test('after a 429, slow start ends; after a quiet round it probes one slot at a time, spaced, while items wait', async () => {
		const slots = new TaskSlots(24, clock);
		const first = await hold(slots, 4); // slow start: 4 accepted -> 8
		expect(slots.bound).toBe(8);
		const more = await hold(slots, 4, 2); // 2 accepted -> 10; 2 refused
		refuse(slots, more[3]);
		refuse(slots, more[2]); // down to the 6 running
		expect(slots.bound).toBe(6);

		// A generation later the 6 tasks end and 6 new ones are accepted while an item waits.
		now += 2000;
		[...first, ...more.slice(0, 2)].forEach((slot) => slot.release());
		const round = await hold(slots, 6, 5);
		const waiting = slots.acquire();
		expect(slots.bound).toBe(6); // 5 accepted of a round of 6: no probe yet
		round[5].accepted();
		expect(slots.bound).toBe(7); // a quiet round, every slot runs a task, an item waits: probe
		const probe = await waiting;
		const next = slots.acquire();
		probe.accepted(); // room found, but the next probe waits its spacing
		expect(slots.bound).toBe(7);
		now += PROBE_SPACING_MS;
		await sleep(PROBE_SPACING_MS + 50);
		expect(slots.bound).toBe(8);
		refuse(slots, await next); // the account is full: back to the 7 running
		expect(slots.bound).toBe(7);
	});

	test('probing stops at Max Tasks in Flight', async () => {
		const slots = new TaskSlots(6, clock);
		slots.onRateLimited(0); // slow start over, nothing held: 1
		expect(slots.bound).toBe(1);
		const held = await hold(slots, 1, 0);
		for (;;) {
			const waiting = slots.acquire();
			now += PROBE_SPACING_MS;
			held[held.length - 1].accepted(); // every slot runs a task and an item waits: probe
			const granted = await Promise.race([waiting, sleep(50).then(() => undefined)]);
			if (!granted) break;
			held.push(granted);
		}
		expect(slots.bound).toBe(6);
		expect(held).toHaveLength(6);
	});

	test('a refused holder gives its slot back and waits Retry-After alone, then queues behind waiters', async () => {
		const slots = new TaskSlots(2);
		const a = await slots.acquire();
		const b = await slots.acquire();
		const order: string[] = [];
		const c = slots.acquire().then((slot) => (order.push('c'), slot));
		const t0 = Date.now();
		// b is refused: the bound drops to 1 (a's slot); b's retry waits 50 ms, then a turn.
		const bAgain = b.rateLimited(50).then(() => order.push('b'));
		a.release(); // a's task ended: c refills its room at once, no pause for it
		const cSlot = await c;
		expect(order).toEqual(['c']);
		await sleep(80);
		expect(order).toEqual(['c']); // b's Retry-After has passed, but the bound of 1 is c's
		cSlot.release();
		await bAgain;
		expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
		expect(order).toEqual(['c', 'b']);
	});

	test('a Retry-After timer that fires before the pause ends by the clock still wakes the queue', async () => {
		let skew = 0;
		const slots = new TaskSlots(1, () => Date.now() + skew);
		const a = await slots.acquire();
		const waiting = slots.acquire();
		const refused = a.rateLimited(50); // holding nothing else: every grant pauses
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
