/**
 * The node's retry policy against the CometAPI simulator: what is retried (and how often, how
 * late), what is final (and sent exactly once), rate limits as back-pressure, downloads, Stop.
 * Every "retried" / "not retried" below is a count of the requests the simulator received.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import type { Fault } from '../simulator/index.ts';
import { HarnessCredentialsHelper } from '../harness/index.ts';
import { backoffMs, retryAfterMs } from '../../nodes/Flux/api/retry';
import {
	closedPortUrl,
	count,
	credentials,
	errorOf,
	expectImageBytes,
	expectPairingCovers,
	failedItems,
	gaps,
	generateParams,
	items,
	maxOverlap,
	replicateParams,
	requestsOf,
	runFlux,
	sleepMs,
	startSim,
	until,
	watchActiveTasks,
	type Simulator,
} from './support.ts';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSim({ generationMs: 100, retryAfterSeconds: 0 });
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

const run = (params = generateParams(), extra: { continueOnFail?: boolean; items?: ReturnType<typeof items> } = {}) =>
	runFlux({ parameters: params, credentials: credentials(sim.url), ...extra });

/** The run delivered its single image, from exactly one submit. */
async function expectOneImageFromOneSubmit(result: Awaited<ReturnType<typeof run>>) {
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(1);
	expect(result.items[0].json.status).toBe('Ready');
	await expectImageBytes(result.items[0]);
	expect(count(sim, 'submit')).toBe(1);
}

/** Timers may fire a few ms early relative to the simulator's clock. */
const EARLY = 15;
/** Room for a busy machine on upper bounds. */
const LATE = 400;

describe('backoff', () => {
	test('is capped exponential with jitter: 0.5-1 x min(10 s, 500 ms x 2^attempt)', () => {
		for (let attempt = 0; attempt < 12; attempt++) {
			const ceiling = Math.min(10_000, 500 * 2 ** attempt);
			const samples = Array.from({ length: 200 }, () => backoffMs(attempt));
			for (const value of samples) {
				expect(value).toBeGreaterThanOrEqual(ceiling / 2);
				expect(value).toBeLessThanOrEqual(ceiling);
			}
			// Jitter: the delays differ from one call to the next.
			expect(new Set(samples).size).toBeGreaterThan(100);
		}
	});

	test('Retry-After is read in seconds and as an HTTP date', () => {
		expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
		expect(retryAfterMs({ 'retry-after': 0 })).toBe(0);
		const inThree = new Date(Date.now() + 3000).toUTCString();
		expect(retryAfterMs({ 'retry-after': inThree })).toBeGreaterThan(1000);
		expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
		expect(retryAfterMs({})).toBeUndefined();
	});
});

describe('polling: temporary faults are retried and the task completes', () => {
	const pollFaults: Array<[string, Fault]> = [
		['429 (Retry-After 0)', { route: 'get_result', kind: 'status', status: 429, retryAfterSeconds: 0 }],
		['500', { route: 'get_result', kind: 'status', status: 500 }],
		['502 (Cloudflare page)', { route: 'get_result', kind: 'status', status: 502 }],
		['503', { route: 'get_result', kind: 'status', status: 503 }],
		['504', { route: 'get_result', kind: 'status', status: 504 }],
		['524 (Cloudflare page)', { route: 'get_result', kind: 'status', status: 524 }],
		['200 with an HTML page instead of JSON', { route: 'get_result', kind: 'html' }],
		['a reset connection', { route: 'get_result', kind: 'reset' }],
	];

	const twice = /^(429|500|200|a reset)/;
	test.each(pollFaults.filter(([name]) => !twice.test(name)))('%s: retried after a backoff', async (_name, fault) => {
		sim.inject(fault);
		const result = await run();

		await expectOneImageFromOneSubmit(result);
		const polls = requestsOf(sim, 'get_result');
		// The faulted poll, its retry, and maybe more until Ready.
		expect(polls.length).toBeGreaterThanOrEqual(2);
		// Attempt 0 waits 250-500 ms.
		expect(gaps(polls)[0]).toBeGreaterThanOrEqual(250 - EARLY);
		expect(gaps(polls)[0]).toBeLessThan(500 + LATE);
	});

	test.each(pollFaults.filter(([name]) => twice.test(name)))('%s, twice in a row: retried with growing backoff', async (_name, fault) => {
		sim.inject({ ...fault, times: 2 });
		const result = await run();

		await expectOneImageFromOneSubmit(result);
		const polls = requestsOf(sim, 'get_result');
		// Two faulted polls, each retried, then at least one good answer.
		expect(polls.length).toBeGreaterThanOrEqual(3);
		const [first, second] = gaps(polls);
		// Attempt 0 waits 250-500 ms, attempt 1 waits 500-1000 ms.
		expect(first).toBeGreaterThanOrEqual(250 - EARLY);
		expect(first).toBeLessThan(500 + LATE);
		expect(second).toBeGreaterThanOrEqual(500 - EARLY);
		expect(second).toBeLessThan(1000 + LATE);
	});

	test('429 with Retry-After: 1 waits at least the second asked for', async () => {
		sim.inject({ route: 'get_result', kind: 'status', status: 429, retryAfterSeconds: 1 });
		const result = await run();

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		const polls = requestsOf(sim, 'get_result');
		expect(polls.length).toBeGreaterThanOrEqual(2);
		expect(gaps(polls)[0]).toBeGreaterThanOrEqual(1000 - EARLY);
	});

	test('a slow answer (0.6 s) is waited for, and the task completes', async () => {
		// The simulator computes the answer (Pending) when the poll arrives, then holds it.
		sim.configure({ generationMs: 1000 });
		sim.inject({ route: 'get_result', kind: 'slow', delayMs: 600 });
		const result = await run();

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		const polls = requestsOf(sim, 'get_result');
		expect(polls.length).toBeGreaterThanOrEqual(2);
		expect(gaps(polls)[0]).toBeGreaterThanOrEqual(600 - EARLY);
	});

	test('different faults in a row (HTML, then reset) do not fail a running task', async () => {
		sim.inject({ route: 'get_result', kind: 'html' });
		sim.inject({ route: 'get_result', kind: 'reset' });
		const result = await run();

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		expect(count(sim, 'submit')).toBe(1);
		expect(count(sim, 'get_result')).toBeGreaterThanOrEqual(3);
	});

	test.each<[string, Fault]>([
		['503', { route: 'get_result', kind: 'status', status: 503, times: 1000 }],
		['a reset connection', { route: 'get_result', kind: 'reset', times: 1000 }],
	])('%s lasting past Options > Timeout ends with a clear error naming the task, after retries', async (_name, fault) => {
		sim.inject(fault);
		const started = Date.now();
		const result = await run(generateParams({ options: { timeout: 2 } }));
		const elapsed = Date.now() - started;

		const error = errorOf(result);
		const taskId = requestsOf(sim, 'get_result')[0].query.id;
		expect(error.message).toContain(taskId);
		expect(error.message).toMatch(/kept failing/i);
		expect(error.description).toContain('Get Result');
		expect(error.description).toContain(taskId);
		expect(count(sim, 'submit')).toBe(1);
		expect(count(sim, 'get_result')).toBeGreaterThanOrEqual(3);
		expect(elapsed).toBeLessThan(2000 + 4000);
	});

	test('a poll that hangs does not hold the item past Options > Timeout', async () => {
		sim.configure({ generationMs: 5000 });
		sim.inject({ route: 'get_result', kind: 'slow', delayMs: 20_000 });
		const started = Date.now();
		const result = await run(generateParams({ options: { timeout: 1 } }));
		const elapsed = Date.now() - started;

		const error = errorOf(result);
		expect(error.message).toContain(requestsOf(sim, 'get_result')[0].query.id);
		expect(count(sim, 'submit')).toBe(1);
		// The overall timeout is 1 s; a poll's own request timeout must not stretch it to the 20 s the poll hangs.
		expect(elapsed).toBeLessThan(1000 + 6000);
	});
});

describe('submit: only 429 and 503 are retried', () => {
	test('429 with Retry-After: 1 is retried after at least a second, and the task completes', async () => {
		sim.inject({ route: 'submit', kind: 'status', status: 429, retryAfterSeconds: 1 });
		const result = await run();

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		const submits = requestsOf(sim, 'submit');
		expect(submits).toHaveLength(2);
		expect(gaps(submits)[0]).toBeGreaterThanOrEqual(1000 - EARLY);
	});

	test('503 twice is retried twice with backoff, and the task completes', async () => {
		sim.inject({ route: 'submit', kind: 'status', status: 503, times: 2 });
		const result = await run();

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		const submits = requestsOf(sim, 'submit');
		expect(submits).toHaveLength(3);
		const [first, second] = gaps(submits);
		expect(first).toBeGreaterThanOrEqual(250 - EARLY);
		expect(second).toBeGreaterThanOrEqual(500 - EARLY);
	});

	test.each([400, 401, 403, 404, 422])('%i is final: submitted exactly once, CometAPI\'s message shown', async (status) => {
		sim.inject({ route: 'submit', kind: 'status', status, message: `simulated refusal ${status}` });
		const result = await run();

		const error = errorOf(result);
		expect(error.message).toContain(`simulated refusal ${status}`);
		expect(error.httpCode).toBe(String(status));
		expect(count(sim, 'submit')).toBe(1);
		expect(count(sim, 'get_result')).toBe(0);
	});

	test('500 with code invalid_request is final: submitted exactly once', async () => {
		sim.inject({ route: 'submit', kind: 'status', status: 500, code: 'invalid_request', message: 'prompt is invalid' });
		const result = await run();

		const error = errorOf(result);
		expect(error.message).toContain('prompt is invalid');
		expect(count(sim, 'submit')).toBe(1);
		expect(count(sim, 'get_result')).toBe(0);
	});

	test.each([500, 502, 504, 524])('%i is final (the task may exist): submitted exactly once', async (status) => {
		sim.inject({ route: 'submit', kind: 'status', status });
		const result = await run();

		const error = errorOf(result);
		expect(error.httpCode).toBe(String(status));
		expect(error.description).toMatch(/may have been created/i);
		expect(count(sim, 'submit')).toBe(1);
		expect(count(sim, 'get_result')).toBe(0);
	});

	test('a reset after the request was sent is not re-sent: the error says the task may exist', async () => {
		sim.configure({ generationMs: 3000 });
		sim.inject({ route: 'submit', kind: 'reset-after-send' });
		const result = await run();

		const error = errorOf(result);
		// The node's own words, not n8n's generic "You can retry the request immediately".
		expect(error.message).toMatch(/got no answer/i);
		expect(error.message).not.toMatch(/retry the request immediately/i);
		expect(error.description).toMatch(/may have been created/i);
		expect(count(sim, 'submit')).toBe(1);
		expect(count(sim, 'get_result')).toBe(0);
		// The simulator did create (and would charge) the task.
		expect(sim.activeTasks()).toBe(1);
	});

	test('a reset before the simulator acted is not re-sent either (the node cannot tell it apart)', async () => {
		sim.inject({ route: 'submit', kind: 'reset' });
		const result = await run();

		const error = errorOf(result);
		expect(error.message).toMatch(/got no answer/i);
		expect(error.message).not.toMatch(/retry the request immediately/i);
		expect(error.description).toMatch(/may have been created/i);
		expect(count(sim, 'submit')).toBe(1);
		expect(sim.activeTasks()).toBe(0);
	});

	test('429 with Retry-After: 0, again and again, is re-sent with growing backoff, not at once', async () => {
		sim.inject({ route: 'submit', kind: 'status', status: 429, retryAfterSeconds: 0, times: 1000 });
		await run(generateParams({ options: { queueTimeout: 3 } }));

		const submits = requestsOf(sim, 'submit');
		// Backoff from 125-250 ms, doubling: at most 6 sends fit in 3 s (at once, it was hundreds).
		expect(submits.length).toBeGreaterThanOrEqual(3);
		expect(submits.length).toBeLessThanOrEqual(6);
		const waits = gaps(submits);
		expect(waits[0]).toBeGreaterThanOrEqual(125 - EARLY);
		expect(waits[waits.length - 1]).toBeGreaterThan(waits[0]);
	});

	test('429 that lasts past the Queue Timeout ends with a clear error, after retries, creating nothing', async () => {
		sim.inject({ route: 'submit', kind: 'status', status: 429, retryAfterSeconds: 0, times: 1000 });
		const result = await run(generateParams({ options: { queueTimeout: 2 } }));

		const error = errorOf(result);
		expect(error.message).toMatch(/could not be submitted/i);
		expect(error.description).toMatch(/Queue Timeout/);
		expect(error.message).toContain('429');
		expect(count(sim, 'submit')).toBeGreaterThanOrEqual(3);
		expect(count(sim, 'get_result')).toBe(0);
		expect(sim.activeTasks()).toBe(0);
	});

	test('a connection that never opened is retried: once the API listens, the item completes', async () => {
		const baseUrl = await closedPortUrl();
		const port = Number(new URL(baseUrl).port);
		let late: Simulator | undefined;
		// Nothing listens for the first 400 ms: the first attempt is refused, a later one is answered.
		const opening = sleepMs(400).then(async () => {
			late = await startSim({ ports: { api: port } });
		});
		try {
			const result = await runFlux({
				parameters: generateParams({ options: { timeout: 20 } }),
				credentials: credentials(baseUrl),
			});
			await opening;
			expect(failedItems(result)).toHaveLength(0);
			await expectImageBytes(result.items[0]);
			expect(count(late!, 'submit')).toBe(1);
		} finally {
			await opening;
			await late?.close();
		}
	});

	test('a connection that never opens fails clearly at the timeout', async () => {
		const result = await runFlux({
			parameters: generateParams({ options: { timeout: 2 } }),
			credentials: credentials(await closedPortUrl()),
		});
		const error = errorOf(result);
		expect(error.message).toMatch(/refused|could not connect/i);
	});

	test('with On Error: Continue, a final 400 fails only its own item; the others complete', async () => {
		sim.inject({ route: 'submit', kind: 'status', status: 400, message: 'bad prompt' });
		const result = await run(generateParams({ prompt: '={{ $json.prompt }}' }), { continueOnFail: true, items: items(3) });

		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		const failed = failedItems(result);
		expect(failed).toHaveLength(1);
		expect(String(failed[0].json.error)).toContain('bad prompt');
		expect(count(sim, 'submit')).toBe(3);
		for (const item of result.items.filter((i) => !failed.includes(i))) await expectImageBytes(item);
		expectPairingCovers(result, 3);
	});
});

describe('rate limits: 429 is back-pressure, not failure', () => {
	async function batch(itemCount: number, activeTaskLimit: number, maxTasksInFlight?: number, generationMs = 150) {
		sim.configure({ activeTaskLimit, generationMs, retryAfterSeconds: 0 });
		const watch = watchActiveTasks(sim);
		const result = await run(
			generateParams({
				prompt: '={{ $json.prompt }}',
				options: maxTasksInFlight === undefined ? { timeout: 120 } : { timeout: 120, maxTasksInFlight },
			}),
			{ items: items(itemCount) },
		);
		const sampledMax = watch.stop();
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(failedItems(result)).toHaveLength(0);
		expect(result.items).toHaveLength(itemCount);
		for (const item of result.items) await expectImageBytes(item);
		expectPairingCovers(result, itemCount);
		const taskIds = result.items.map((item) => String(item.json.taskId));
		expect(new Set(taskIds).size).toBe(itemCount);
		return { result, sampledMax, overlap: maxOverlap(sim, taskIds), submits: count(sim, 'submit') };
	}

	test('48 items against the default limit of 24 with the default bound of 24: no 429, never over 24', async () => {
		const { sampledMax, overlap, submits } = await batch(48, 24);
		expect(submits).toBe(48); // no 429: every task was submitted once
		expect(overlap).toBeLessThanOrEqual(24);
		expect(sampledMax).toBeLessThanOrEqual(24);
		expect(overlap).toBeGreaterThan(1); // items do run in parallel
	});

	test('12 items against a limit of 3 with Max Tasks in Flight 3: no 429, never over 3', async () => {
		const { sampledMax, overlap, submits } = await batch(12, 3, 3);
		expect(submits).toBe(12);
		expect(overlap).toBeLessThanOrEqual(3);
		expect(sampledMax).toBeLessThanOrEqual(3);
	});

	test('8 items against a limit of 3 with the default bound of 24: 429s happen, are retried, none fail', async () => {
		// Tasks last long enough that all 8 items are surely submitting while the first 3 run.
		const { overlap, submits } = await batch(8, 3, undefined, 600);
		expect(submits).toBeGreaterThan(8); // the simulator answered 429 and the node tried again
		expect(overlap).toBeLessThanOrEqual(3);
	});
});

describe('downloads', () => {
	test.each<[string, Fault]>([
		['503', { route: 'image', kind: 'status', status: 503 }],
		['a reset connection', { route: 'image', kind: 'reset' }],
	])('an image fetch failing with %s is retried', async (_name, fault) => {
		sim.inject(fault);
		const result = await run();

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		expect(count(sim, 'image')).toBe(2);
		const [gap] = gaps(requestsOf(sim, 'image'));
		expect(gap).toBeGreaterThanOrEqual(250 - EARLY);
	});

	test.each([false, true])('an expired link (403) is final and says so, with the URL and task ID (continueOnFail %s)', async (continueOnFail) => {
		sim.configure({ imageTtlMs: 1 });
		const result = await run(generateParams(), { continueOnFail });

		const taskId = requestsOf(sim, 'get_result')[0].query.id;
		const imageUrlStart = `${sim.imageOrigin}/images/${taskId}/0.`;
		let message: string;
		let description: string;
		if (continueOnFail) {
			expect(result.items).toHaveLength(1);
			// n8n replaces an error item's json with { error: message }; the description is on item.error.
			message = String(result.items[0].json.error);
			description = String((result.items[0].error as { description?: string } | undefined)?.description);
		} else {
			const error = errorOf(result);
			message = String(error.message);
			description = String(error.description);
		}
		expect(message).toMatch(/expired/i);
		expect(message).toContain(taskId);
		expect(message).toContain('403');
		expect(description).toContain(imageUrlStart);
		expect(count(sim, 'image')).toBe(1); // not retried
	});
});

describe('Stop', () => {
	test('stops every item\'s polling at once', async () => {
		const result = await runFlux({
			parameters: generateParams({ prompt: '={{ $json.prompt }}', options: { pollInterval: 0.1 } }),
			credentials: credentials(sim.url),
			items: items(4, (i) => `never ends ${i} [stuck]`),
			abortWhen: until(() => new Set(requestsOf(sim, 'get_result').map((r) => r.query.id)).size === 4),
		});

		expect(result.status).toBe('canceled');
		expect(result.nodeStopped).toBe(true);
		expect(result.stopLatencyMs).toBeLessThan(2000);
		expect(count(sim, 'submit')).toBe(4);
		// All four items were polling when Stop came.
		expect(new Set(requestsOf(sim, 'get_result').map((r) => r.query.id)).size).toBe(4);
		// A poll already on the wire when Stop came may still reach the simulator: at most one per item.
		const pollsAtStop = count(sim, 'get_result');
		await sleepMs(200);
		const pollsAfterInFlight = count(sim, 'get_result');
		expect(pollsAfterInFlight - pollsAtStop).toBeLessThanOrEqual(4);
		// Polling every 0.1 s, four live loops would add about 20 polls in the next half second.
		await sleepMs(500);
		expect(count(sim, 'get_result')).toBe(pollsAfterInFlight);
	});

	test('stops an item waiting out a long Retry-After, and items waiting for a slot', async () => {
		sim.inject({ route: 'submit', kind: 'status', status: 429, retryAfterSeconds: 30 });
		const result = await runFlux({
			parameters: generateParams({ prompt: '={{ $json.prompt }}', options: { maxTasksInFlight: 1, timeout: 120 } }),
			credentials: credentials(sim.url),
			items: items(3, (i) => `never ends ${i} [stuck]`),
			// Stop while the first item waits out its 30 s Retry-After and the others wait for the slot.
			abortWhen: until(() => count(sim, 'submit') === 1),
			abortAfterMs: 200,
		});

		expect(result.status).toBe('canceled');
		expect(result.nodeStopped).toBe(true);
		expect(result.stopLatencyMs).toBeLessThan(1000);
		expect(count(sim, 'submit')).toBe(1);
		await sleepMs(300);
		expect(count(sim, 'submit')).toBe(1);
		expect(count(sim, 'get_result')).toBe(0);
	});
});

describe('an answer HTTP cannot parse, after CometAPI acted on the request', () => {
	test.each(['status-line', 'chunked'] as const)(
		'submit (broken %s): sent once, and the error says the task may exist and where to look',
		async (mangle) => {
			sim.configure({ generationMs: 3000 });
			sim.inject({ route: 'submit', kind: 'mangled-after-send', mangle });
			const result = await run();

			const error = errorOf(result);
			expect(error.message).toMatch(/may exist/i);
			expect(error.message).not.toMatch(/not sent/i);
			expect(error.description).toMatch(/task log/i);
			expect(count(sim, 'submit')).toBe(1);
			expect(count(sim, 'get_result')).toBe(0);
			// The simulator did create (and would charge) the task.
			expect(sim.activeTasks()).toBe(1);
		},
	);

	test.each(['status-line', 'chunked'] as const)('a poll (broken %s) is retried, and the image arrives', async (mangle) => {
		sim.inject({ route: 'get_result', kind: 'mangled-after-send', mangle });
		const result = await run();

		await expectOneImageFromOneSubmit(result);
		expect(count(sim, 'get_result')).toBeGreaterThanOrEqual(2);
	});

	test.each(['status-line', 'chunked'] as const)('a download (broken %s) is retried, and the image arrives', async (mangle) => {
		sim.inject({ route: 'image', kind: 'mangled-after-send', mangle });
		const result = await run();

		await expectOneImageFromOneSubmit(result);
		expect(count(sim, 'image')).toBe(2);
	});
});

/**
 * n8n's own check refuses the requests of one method before sending them: the credential allows
 * only another domain (the harness's credential types lack n8n's injected domain fields, so the
 * restriction is added where n8n applies the credential).
 */
function refuseByAllowedDomains(method: 'GET' | 'POST') {
	const authenticate = HarnessCredentialsHelper.prototype.authenticate;
	return jest.spyOn(HarnessCredentialsHelper.prototype, 'authenticate').mockImplementation(async function (
		this: HarnessCredentialsHelper,
		...args: Parameters<typeof authenticate>
	) {
		const options = (await authenticate.apply(this, args)) as IHttpRequestOptions;
		return options.method === method ? { ...options, allowedDomains: 'example.com' } : options;
	});
}

describe('after a submit, every error names the task', () => {
	const taskIdOf = () => requestsOf(sim, 'get_result')[0].query.id;

	test.each([400, 401, 403])('a poll answered %i: the error names the task and how to collect it', async (status) => {
		sim.inject({ route: 'get_result', kind: 'status', status, message: `simulated refusal ${status}` });
		const result = await run();

		const error = errorOf(result);
		expect(error.message).toContain(taskIdOf());
		expect(error.message).toContain(`simulated refusal ${status}`);
		expect(error.description).toContain('Get Result');
		expect(count(sim, 'submit')).toBe(1);
	});

	test('a poll answered 500 invalid_request: the error names the task', async () => {
		sim.inject({ route: 'get_result', kind: 'status', status: 500, code: 'invalid_request', message: 'id is invalid' });
		const result = await run();

		const error = errorOf(result);
		expect(error.message).toContain(taskIdOf());
		expect(error.message).toContain('id is invalid');
		expect(count(sim, 'submit')).toBe(1);
	});

	test('a poll n8n refuses to send (the credential\'s allowed domains): the error names the task', async () => {
		const refusing = refuseByAllowedDomains('GET');
		try {
			const result = await run();

			const error = errorOf(result);
			expect(error.message).toMatch(/not sent/i);
			expect(error.message).toMatch(/Domain not allowed/);
			// The ID the error names is the task the simulator made.
			const taskId = /Task (\S+?):/.exec(String(error.message))?.[1];
			expect(taskId && sim.task(taskId)).toBeTruthy();
			expect(error.description).toContain(String(taskId));
			expect(error.description).toContain('Get Result');
			expect(count(sim, 'submit')).toBe(1);
			expect(count(sim, 'get_result')).toBe(0);
		} finally {
			refusing.mockRestore();
		}
	});

	test('a submit n8n refuses to send (the credential\'s allowed domains) is not sent, and says so', async () => {
		const refusing = refuseByAllowedDomains('POST');
		try {
			const result = await run();

			const error = errorOf(result);
			expect(error.message).toMatch(/not sent/i);
			expect(error.message).toMatch(/Domain not allowed/);
			expect(sim.requests).toHaveLength(0);
		} finally {
			refusing.mockRestore();
		}
	});

	test('a Replicate 404 just after create is asked again, and the image arrives', async () => {
		sim.configure({ generationMs: 1500 });
		sim.inject({ route: 'replicate-get', kind: 'status', status: 404, message: 'prediction not found' });
		const result = await run(replicateParams({ options: { preferWait: 1 } }));

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		expect(count(sim, 'replicate-submit')).toBe(1);
		expect(count(sim, 'replicate-get')).toBeGreaterThanOrEqual(2);
	});

	test('a Replicate 404 that lasts past the grace fails naming the task', async () => {
		sim.configure({ generationMs: 60_000 });
		sim.inject({ route: 'replicate-get', kind: 'status', status: 404, message: 'prediction not found', times: 1000 });
		const result = await run(replicateParams({ options: { preferWait: 1, timeout: 60 } }));

		const error = errorOf(result);
		const taskId = requestsOf(sim, 'replicate-get')[0].path.split('/').pop()!;
		expect(error.message).toContain(taskId);
		expect(error.message).toMatch(/not found/i);
		expect(count(sim, 'replicate-submit')).toBe(1);
		expect(count(sim, 'replicate-get')).toBeGreaterThanOrEqual(2);
	});
});
