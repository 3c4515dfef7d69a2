/**
 * Get Result takes the same task slots as submits: a thousand task IDs are not a thousand pollers
 * and a thousand downloads at once. Through n8n's WorkflowExecute against the simulator.
 */
import type { Simulator } from '../simulator/index.ts';
import { fluxRunOk, useSimulator } from './helpers.ts';

let sim: Simulator;
useSimulator({ generationMs: 100 }, (started) => (sim = started));

/** For each task, from its first lookup to its image's download: the time Get Result spent on it. */
function collectionWindows(since: number): Array<[number, number]> {
	const requests = sim.requests.slice(since);
	const windows = new Map<string, [number, number]>();
	for (const r of requests) {
		const polled = r.path.endsWith('/get_result') ? r.query.id : undefined;
		const downloaded = /^\/images\/([^/]+)\//.exec(r.path)?.[1];
		const id = polled ?? downloaded;
		if (!id) continue;
		const window = windows.get(id) ?? [r.at, r.at];
		windows.set(id, [Math.min(window[0], r.at), Math.max(window[1], r.at)]);
	}
	return [...windows.values()];
}

function maxOverlap(windows: Array<[number, number]>): number {
	const events = windows.flatMap(([start, end]): Array<[number, number]> => [
		[start, +1],
		[end, -1],
	]);
	events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
	let current = 0;
	let max = 0;
	for (const [, delta] of events) max = Math.max(max, (current += delta));
	return max;
}

test('Get Result collects at most Max Tasks in Flight tasks at once, and every image arrives', async () => {
	const prompts = Array.from({ length: 12 }, (_, i) => ({ json: { prompt: `collected ${i}` } }));
	const submitted = await fluxRunOk(sim, { operation: 'generate', model: 'flux-dev', prompt: '={{ $json.prompt }}', waitForCompletion: false }, { items: prompts });
	await new Promise((resolve) => setTimeout(resolve, 300)); // every task done

	// Slow lookups: an unbounded Get Result would hold all twelve at once.
	sim.inject({ route: 'get_result', kind: 'slow', delayMs: 200, times: 12 });
	const since = sim.requests.length;
	const collected = await fluxRunOk(
		sim,
		{ operation: 'getResult', taskId: '={{ $json.id }}', resultFormat: 'bfl', options: { maxTasksInFlight: 3 } },
		{ items: submitted.items },
	);
	expect(collected.items.filter((item) => item.binary?.data)).toHaveLength(12);
	const windows = collectionWindows(since);
	expect(windows).toHaveLength(12);
	expect(maxOverlap(windows)).toBeLessThanOrEqual(3);
});
