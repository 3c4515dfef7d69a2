import type { INodeParameters } from 'n8n-workflow';

import { nextPollDelay } from '../../nodes/Flux/task/waitForTask';
import { startSimulator, WIRE_SHAPES, type LoggedRequest, type Simulator, type WireShape } from '../simulator/index.ts';
import { until } from '../reliability/support.ts';
import { headerOf, wireExpectations } from './helpers.ts';
import { delay, isPoll, isSubmit, items, runFlux } from './run.ts';


const bfl = (prompt: string, more: INodeParameters = {}): INodeParameters => ({
	operation: 'generate',
	model: 'flux-dev',
	prompt,
	...more,
});
const replicate = (prompt: string, more: INodeParameters = {}): INodeParameters => ({
	operation: 'replicatePredict',
	model: 'black-forest-labs/flux-schnell',
	prompt,
	...more,
});

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
	const started = Date.now();
	const result = await run();
	return [result, Date.now() - started];
}

const TIMING_SHAPES: WireShape[] = ['raw', 'envelope'];

// The same assertions against each shape CometAPI is known to answer in.
describe.each(WIRE_SHAPES)('%s answers', (wire) => {
	const expected = wireExpectations[wire];
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ generationMs: 100, wire });
	});
	afterAll(async () => sim.close());
	/** Resolves once `count` more requests of this kind have reached the simulator: the moment to Stop. */
	const seen = (kind: (r: LoggedRequest) => boolean, count = 1) => {
		const from = sim.requests.length;
		return until(() => sim.requests.slice(from).filter(kind).length >= count);
	};

	// Long and stuck tasks stay active in the simulator and count toward its per-key limit: start clean.
	beforeEach(() => sim.reset());

	describe('waitForCompletion: false', () => {
		test('Generate returns the submit answer at once: id and polling_url, no polls', async () => {
			sim.configure({ generationMs: 60_000 });
			const run = await runFlux(sim, bfl('a lighthouse', { waitForCompletion: false }));
			expect(run.error).toBeUndefined();
			expect(run.items).toHaveLength(1);
			const { json, binary, pairedItem } = run.items[0];
			expect(typeof json.id).toBe('string');
			expect(Object.keys(json).sort()).toEqual(expected.bflSubmitKeys);
			expect(binary).toBeUndefined();
			expect(pairedItem).toEqual({ item: 0 });
			expect(run.submits).toBe(1);
			expect(run.polls).toBe(0);
			expect(run.downloads).toBe(0);
			// Returned while the minute-long task is still pending.
			expect(sim.task(String(json.id))?.status).toBe('Pending');
		});

		test('several items each get their own task id at once', async () => {
			sim.configure({ generationMs: 5000 });
			const run = await runFlux(sim, bfl('={{ "lighthouse " + $json.n }}', { waitForCompletion: false }), { items: items(3) });
			expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			const ids = run.items.map((item) => String(item.json.id));
			expect(new Set(ids).size).toBe(3);
			expect(ids.map((id) => sim.task(id)?.body.prompt)).toEqual(['lighthouse 0', 'lighthouse 1', 'lighthouse 2']);
			expect(run.polls).toBe(0);
		});

		test('Replicate Predict returns the prediction at once (not held open by Prefer: wait), no polls', async () => {
			sim.configure({ generationMs: 60_000 });
			const run = await runFlux(sim, replicate('a lighthouse', { waitForCompletion: false }));
			expect(run.error).toBeUndefined();
			expect(run.submits).toBe(1);
			expect(run.polls).toBe(0);
			// Not held open: the submit asked for no wait, and the minute-long task is still running.
			expect(headerOf(run.requests.find(isSubmit)!, 'prefer') ?? '').not.toMatch(/wait/);
			expect(run.items).toHaveLength(1);
			const { json } = run.items[0];
			expect(sim.task(String(json.id))?.status).toMatch(/starting|processing/);
			if (!expected.minimalCreate) expect(['starting', 'processing']).toContain(expected.provider(json).status);
		});

		test('Get Result of a pending task returns its current state with one request', async () => {
			sim.configure({ generationMs: 5000 });
			const submitted = await runFlux(sim, bfl('a lighthouse', { waitForCompletion: false }));
			const id = String(submitted.items[0].json.id);
			const run = await runFlux(sim, { operation: 'getResult', taskId: id, waitForCompletion: false });
			expect(run.error).toBeUndefined();
			expect(run.items[0].json.id).toBe(id);
			expect(expected.provider(run.items[0].json)).toMatchObject({ id, status: 'Pending' });
			expect(run.requests).toHaveLength(1);
		});
	});

	describe('timeout', () => {
		test('a stuck task fails after options.timeout, naming the task id and pointing to Get Result', async () => {
			const [run, elapsed] = await timed(() => runFlux(sim, bfl('a lighthouse [stuck]', { options: { timeout: 1 } })));
			expect(run.status).toBe('error');
			const submittedId = run.requests.find(isPoll)?.query.id;
			expect(submittedId).toBeDefined();
			const text = `${run.error?.message} ${run.error?.description ?? ''}`;
			expect(run.error?.message).toContain(String(submittedId));
			expect(run.error?.message).toMatch(/1 s/);
			// The last status CometAPI reported.
			expect(run.error?.message).toMatch(expected.stillWaiting);
			expect(text).toMatch(/Get Result/);
			expect(text).toMatch(/Timeout/);
			expect(elapsed).toBeGreaterThanOrEqual(900);
			expect(elapsed).toBeLessThan(8000);
			expect(run.polls).toBeGreaterThan(1);
			expect(run.submits).toBe(1);

			// Nothing keeps polling once the node has given up.
			const polls = run.pollsSinceStart();
			await delay(300);
			expect(run.pollsSinceStart()).toBe(polls);
		});

		test('Replicate: a long prediction fails after the timeout with its id', async () => {
			sim.configure({ generationMs: 60_000 });
			const [run, elapsed] = await timed(() =>
				runFlux(sim, replicate('a lighthouse', { options: { timeout: 2, preferWait: 1 } })),
			);
			expect(run.status).toBe('error');
			const predictionId = /\/predictions\/([^/]+)$/.exec(run.requests.find(isPoll)?.path ?? '')?.[1];
			expect(predictionId).toBeDefined();
			expect(run.error?.message).toContain(String(predictionId));
			expect(`${run.error?.message} ${run.error?.description ?? ''}`).toMatch(/Get Result/);
			expect(elapsed).toBeLessThan(6000);
		});

		test('with continueOnFail the timed-out item carries the task id and the other item finishes', async () => {
			const run = await runFlux(sim, bfl('={{ $json.prompt }}', { options: { timeout: 1 } }), {
				items: items(2, (i) => ({ prompt: i === 0 ? 'a lighthouse [stuck]' : 'a lighthouse' })),
				continueOnFail: true,
			});
			expect(run.status).toBe('success');
			const [timedOut, done] = run.items;
			const stuckId = run.requests.filter(isPoll).map((r) => r.query.id).find((id) => sim.task(id)?.status === 'Pending');
			expect(timedOut.pairedItem).toEqual({ item: 0 });
			expect(timedOut.json.error).toContain(String(stuckId));
			expect(done.pairedItem).toEqual({ item: 1 });
			expect(done.binary?.data).toBeDefined();
		});
	});

	// Stopping and the poll interval do not depend on the answers' shape: the raw shape and the
	// envelope cover them, and the file's run time stays reasonable.
	if (TIMING_SHAPES.includes(wire)) {
		describe('stop (the editor\'s Stop button)', () => {
			/**
			 * The simulator runs in this process: a request written just before the stop may be logged a
			 * little later. Let those land, then nothing more may come (a poll loop still running would
			 * log several polls per item in that time).
			 */
			async function expectNoMoreRequests(run: { requestsSinceStart(): unknown[] }) {
				await delay(200);
				const count = run.requestsSinceStart().length;
				await delay(400);
				expect(run.requestsSinceStart()).toHaveLength(count);
			}

			test('during polling of a long task: returns promptly, canceled, no more polls', async () => {
				sim.configure({ generationMs: 60_000 });
				const run = await runFlux(sim, bfl('a lighthouse', { options: { pollInterval: 0.1 } }), { abortWhen: seen(isPoll) });
				expect(run.nodeStopped).toBe(true);
				expect(run.stopLatencyMs).toBeLessThan(2000);
				expect(run.status).toBe('canceled');
				expect(run.items).toHaveLength(0);
				expect(run.polls).toBeGreaterThan(0);
				await expectNoMoreRequests(run);
			});

			test('a stop while waiting between polls says the execution was stopped', async () => {
				sim.configure({ generationMs: 60_000 });
				// A long poll interval: the stop lands while the node sleeps between two polls.
				const run = await runFlux(sim, bfl('a lighthouse', { options: { pollInterval: 5 } }), {
					abortWhen: seen(isSubmit),
					abortAfterMs: 300,
				});
				expect(run.nodeStopped).toBe(true);
				expect(run.stopLatencyMs).toBeLessThan(2000);
				expect(run.status).toBe('canceled');
				expect(run.polls).toBe(0);
				// Not n8n's placeholder for an abort without a reason.
				expect(run.error?.message).not.toMatch(/not an instance of Error/);
				expect(run.error?.message).toMatch(/stopped|cancell?ed/i);
			});

			test('several items polling stop at once', async () => {
				sim.configure({ generationMs: 60_000 });
				const run = await runFlux(sim, bfl('={{ "lighthouse " + $json.n }}', { options: { pollInterval: 0.1 } }), {
					items: items(4),
					abortWhen: seen(isSubmit, 4).then(() => seen(isPoll)),
				});
				expect(run.nodeStopped).toBe(true);
				expect(run.stopLatencyMs).toBeLessThan(2000);
				expect(run.status).toBe('canceled');
				await expectNoMoreRequests(run);
				expect(run.requestsSinceStart().filter(isSubmit)).toHaveLength(4);
				expect(run.requestsSinceStart().filter(isPoll).length).toBeGreaterThan(0);
			});

			test('with continueOnFail a stop still stops every item (no error items are produced)', async () => {
				sim.configure({ generationMs: 60_000 });
				const run = await runFlux(sim, bfl('={{ "lighthouse " + $json.n }}'), {
					items: items(3),
					abortWhen: seen(isSubmit, 3),
					continueOnFail: true,
				});
				expect(run.nodeStopped).toBe(true);
				expect(run.stopLatencyMs).toBeLessThan(2000);
				expect(run.status).toBe('canceled');
				await expectNoMoreRequests(run);
			});

			test('items waiting for a task slot stop too, and nothing more is submitted', async () => {
				sim.configure({ generationMs: 60_000 });
				const run = await runFlux(sim, bfl('={{ "lighthouse " + $json.n }}', { options: { maxTasksInFlight: 1 } }), {
					items: items(3),
					abortWhen: seen(isSubmit),
					abortAfterMs: 200,
				});
				expect(run.nodeStopped).toBe(true);
				expect(run.stopLatencyMs).toBeLessThan(2000);
				expect(run.status).toBe('canceled');
				expect(run.requestsSinceStart().filter(isSubmit)).toHaveLength(1);
				await expectNoMoreRequests(run);
				expect(run.requestsSinceStart().filter(isSubmit)).toHaveLength(1);
			});

			test('Replicate: during a submit held open by Prefer: wait', async () => {
				sim.configure({ generationMs: 60_000 });
				const run = await runFlux(sim, replicate('a lighthouse'), { abortWhen: seen(isSubmit), abortAfterMs: 200 });
				expect(run.nodeStopped).toBe(true);
				expect(run.stopLatencyMs).toBeLessThan(2000);
				expect(run.status).toBe('canceled');
				expect(run.submits).toBe(1);
				await expectNoMoreRequests(run);
			});

			test('Replicate: during polling', async () => {
				sim.configure({ generationMs: 60_000 });
				const run = await runFlux(sim, replicate('a lighthouse', { options: { preferWait: 1, pollInterval: 0.1 } }), {
					abortWhen: seen(isPoll),
				});
				expect(run.nodeStopped).toBe(true);
				expect(run.stopLatencyMs).toBeLessThan(2000);
				expect(run.status).toBe('canceled');
				await expectNoMoreRequests(run);
				expect(run.requestsSinceStart().filter(isPoll).length).toBeGreaterThan(0);
			});
		});

		describe('poll interval', () => {
			test('pollInterval 0.2 on a 1 s task: a handful of polls, not a flood', async () => {
				sim.configure({ generationMs: 1000 });
				const run = await runFlux(sim, bfl('a lighthouse', { options: { pollInterval: 0.2 } }));
				expect(run.error).toBeUndefined();
				expect(run.items[0].json.status).toBe(expected.succeeded.bfl);
				// About 5 (1000 / 200); loose bounds for a noisy machine.
				expect(run.polls).toBeGreaterThanOrEqual(3);
				expect(run.polls).toBeLessThanOrEqual(9);
				const times = run.requests.filter(isPoll).map((r) => r.at);
				const gaps = times.slice(1).map((at, i) => at - times[i]);
				// Progress may bring a poll forward, never closer than ~50 ms.
				for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(40);
			});

			test('a shorter interval polls more than a longer one for the same task length', async () => {
				sim.configure({ generationMs: 600 });
				const fast = await runFlux(sim, bfl('a lighthouse', { options: { pollInterval: 0.05 } }));
				const slow = await runFlux(sim, bfl('a lighthouse', { options: { pollInterval: 0.4 } }));
				expect(fast.error).toBeUndefined();
				expect(slow.error).toBeUndefined();
				expect(fast.polls).toBeGreaterThan(slow.polls);
				// 0.4 s on a 0.6 s task: one or two polls, maybe one more brought forward by progress.
				expect(slow.polls).toBeGreaterThanOrEqual(1);
				expect(slow.polls).toBeLessThanOrEqual(4);
			});
		});
	}

	describe('progress', () => {
		test('the next poll comes when the progress rate says the task ends, plus a small margin', () => {
			const created = { at: 10_000, progress: 0 };
			// Half done 1 s after it was created: ends at 11 000 + 1 000.
			expect(nextPollDelay(created, { at: 11_000, progress: 0.5 }, 11_010, 5000)).toBe(1015);
			// Never later than the interval, never sooner than 50 ms.
			expect(nextPollDelay(created, { at: 11_000, progress: 0.5 }, 11_010, 400)).toBe(400);
			expect(nextPollDelay(created, { at: 11_000, progress: 0.99 }, 11_010, 5000)).toBe(50);
			// Without two samples of rising progress: the interval.
			expect(nextPollDelay(undefined, { at: 11_000, progress: 0.5 }, 11_010, 700)).toBe(700);
			expect(nextPollDelay(created, undefined, 11_010, 700)).toBe(700);
			expect(nextPollDelay({ at: 10_500, progress: 0.5 }, { at: 11_000, progress: 0.5 }, 11_010, 700)).toBe(700);
		});

		test('a 1.5 s task polled every second: the second poll, timed by the progress, finds it done', async () => {
			sim.configure({ generationMs: 1500 });
			const run = await runFlux(sim, bfl('a lighthouse', { options: { pollInterval: 1 } }));
			expect(run.error).toBeUndefined();
			// By the interval alone the second poll would come at 2 s; by the progress just after 1.5 s.
			const polls = run.requests.filter(isPoll);
			expect(polls).toHaveLength(2);
			const task = sim.task(String(polls[0].query.id));
			expect(polls[1].at).toBeGreaterThanOrEqual(Number(task?.doneAt));
			expect(polls[1].at).toBeLessThan(Number(task?.createdAt) + 2000);
		});
	});
});
