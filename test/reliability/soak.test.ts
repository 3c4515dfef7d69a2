/**
 * Soak: 200 items through a simulator that runs at most 8 tasks per key (the node's bound is
 * the default 24, so the simulator's 429 back-pressure is exercised all along), with random
 * transient faults on submits (429/503), polls (429/5xx/HTML/reset/slow) and image downloads
 * (429/5xx/reset/slow). Nothing may be lost: 200 output items, each with image bytes, pairing
 * every input exactly once.
 *
 * The node talks to the simulator through a thin recording proxy (the credential's base URL),
 * which counts every answer by status and adds the submit and HTML faults the simulator's
 * random faults cannot limit to a route (its random 'status' faults include 500/502/504, final on
 * submit, and its random 'html' on images would be a 200 page, not a transient fault).
 */
import {
	countsByKind,
	credentials,
	expectPairingCovers,
	failedItems,
	forward,
	generateParams,
	items,
	kindOf,
	maxOverlap,
	runFlux,
	startSim,
	startStub,
	watchActiveTasks,
	type Simulator,
	type Stub,
	type StubReply,
} from './support.ts';
import { binaryBuffer } from '../harness/index.ts';

const ITEMS = 200;
const ACTIVE_TASK_LIMIT = 8;
const SIM_FAULT_RATE = 0.12; // polls and image downloads
const PROXY_SUBMIT_FAULT_RATE = 0.1; // 429 / 503 before the simulator sees the submit
const PROXY_POLL_HTML_RATE = 0.04; // a 200 HTML page instead of the poll's JSON
const CLEAN_START_SUBMITS = 3 * ACTIVE_TASK_LIMIT;
let submitsSeen = 0;

let sim: Simulator;
let proxy: Stub;
const answered: Record<string, number> = {};
const injected: Record<string, number> = {};
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

beforeAll(async () => {
	sim = await startSim({ generationMs: 100, activeTaskLimit: ACTIVE_TASK_LIMIT, retryAfterSeconds: 0 });
	proxy = await startStub(async (request): Promise<StubReply> => {
		const kind = kindOf({ origin: 'api', method: request.method, path: request.path } as Parameters<typeof kindOf>[0]);
		if (kind === 'submit') submitsSeen++;
		// The first submits go through untouched, so slow start meets the simulator's limit (its own
		// 429s) before an injected 429 lowers the adaptive bound below it.
		if (kind === 'submit' && submitsSeen > CLEAN_START_SUBMITS && Math.random() < PROXY_SUBMIT_FAULT_RATE) {
			const status = Math.random() < 0.5 ? 429 : 503;
			bump(injected, `submit ${status}`);
			bump(answered, `submit ${status}`);
			return {
				status,
				headers: status === 429 ? { 'retry-after': '0' } : {},
				body: { error: { message: status === 429 ? 'rate limit exceeded' : 'service temporarily unavailable', type: 'comet_api_error', code: '' } },
			};
		}
		if (kind === 'get_result' && Math.random() < PROXY_POLL_HTML_RATE) {
			bump(injected, 'get_result html');
			bump(answered, 'get_result 200-html');
			return { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>console</body></html>' };
		}
		try {
			const reply = await forward(request, sim.url);
			bump(answered, `${kind} ${reply.status}`);
			return reply;
		} catch {
			bump(answered, `${kind} reset`);
			return { reset: true };
		}
	});
});
afterAll(async () => {
	await proxy?.close();
	await sim?.close();
});

test(`soak: ${ITEMS} items, active-task limit ${ACTIVE_TASK_LIMIT}, random transient faults: none lost`, async () => {
	sim.setRandomFaults(SIM_FAULT_RATE, ['status', 'reset', 'slow'], ['get_result', 'image']);
	const watch = watchActiveTasks(sim, 5);
	const started = Date.now();
	const result = await runFlux({
		parameters: generateParams({ prompt: '={{ $json.prompt }}', options: { pollInterval: 0.05, timeout: 120 } }),
		credentials: credentials(proxy.url),
		items: items(ITEMS, (i) => `soak item ${i}`),
	});
	const durationMs = Date.now() - started;
	const sampledMax = watch.stop();
	sim.setRandomFaults(0);

	const taskIds = result.items.map((item) => String(item.json.taskId));
	const overlap = maxOverlap(sim, taskIds);
	const byKind = countsByKind(sim);
	const admission429 = (answered['submit 429'] ?? 0) - (injected['submit 429'] ?? 0);
	const summary = {
		items: result.items.length,
		durationMs,
		simulatorRequestsByKind: byKind,
		answersByKindAndStatus: Object.fromEntries(Object.entries(answered).sort()),
		injectedByProxy: injected,
		// Images go straight to the image host: every download beyond one per item retried a fault.
		imageDownloadsRetried: (byKind.image ?? 0) - ITEMS,
		'429s seen on submit': { fromActiveTaskLimit: admission429, injected: injected['submit 429'] ?? 0 },
		maxActiveTasks: { overlapOfTaskWindows: overlap, sampled: sampledMax },
	};
	console.log(`soak summary\n${JSON.stringify(summary, null, 2)}`);

	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	expect(failedItems(result)).toHaveLength(0);
	expect(result.items).toHaveLength(ITEMS);
	expectPairingCovers(result, ITEMS);
	expect(new Set(taskIds).size).toBe(ITEMS);
	for (const item of result.items) {
		expect(item.json.status).toBe('Ready');
		expect((await binaryBuffer(item)).length).toBeGreaterThan(100);
	}
	// Each item's prompt reached its own task.
	for (const item of result.items) {
		const index = (item.pairedItem as { item: number }).item;
		expect(item.json.prompt).toBe(`soak item ${index}`);
	}

	// The run did meet back-pressure and faults, and never went over the simulator's limit.
	expect(admission429).toBeGreaterThan(0);
	expect(byKind.submit).toBeGreaterThan(ITEMS);
	expect(byKind.image).toBeGreaterThan(ITEMS);
	expect(overlap).toBeLessThanOrEqual(ACTIVE_TASK_LIMIT);
	expect(sampledMax).toBeLessThanOrEqual(ACTIVE_TASK_LIMIT);
	// Every task submitted was collected: none left behind by a lost or repeated submit.
	expect(answered['submit 200']).toBe(ITEMS);
	expect(durationMs).toBeLessThan(60_000);
});
