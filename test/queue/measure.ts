// What the simulator and n8n saw, turned into the figures the queue tests report.

import type { Simulator } from '../simulator/index.ts';
import type { N8nServer } from '../n8n/server.ts';
import { listExecutions, type ExecutionSummary } from './cluster.ts';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const secs = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

const submitRequests = (sim: Simulator, since: number) => sim.requests.filter((r) => r.origin === 'api' && r.method === 'POST' && r.path.startsWith('/flux/v1/') && r.at >= since);

/** Submits (BFL `POST /flux/v1/<model>`) the simulator received since `since`. */
export function submitsSince(sim: Simulator, since: number): number {
	return submitRequests(sim, since).length;
}

export function firstSubmitAt(sim: Simulator, since: number): number {
	return submitRequests(sim, since)[0]?.at ?? NaN;
}

/** Task IDs the node polled since `since` (every accepted task is polled at least once). */
export function polledTaskIds(sim: Simulator, since: number): Set<string> {
	const ids = new Set<string>();
	for (const r of sim.requests) if (r.at >= since && (r.path === '/v1/get_result' || r.path === '/flux/v1/get_result') && r.query.id) ids.add(r.query.id);
	return ids;
}

/** Most tasks active at once, from each task's creation and terminal times at the simulator. */
export function maxActive(sim: Simulator, taskIds: Iterable<string>): number {
	const events: Array<[number, number]> = [];
	for (const id of taskIds) {
		const t = sim.task(id);
		if (!t) continue;
		events.push([t.createdAt, 1], [t.doneAt ?? Infinity, -1]);
	}
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let active = 0;
	let most = 0;
	for (const [, d] of events) most = Math.max(most, (active += d));
	return most;
}

/**
 * Polls main until `count` executions of the workflow that were not in `before` are all in one of
 * `statuses`; returns them. Throws after `timeoutMs` with the statuses seen.
 */
export async function waitForNewExecutions(
	main: () => N8nServer,
	workflowId: string,
	before: Set<string>,
	count: number,
	opts: { statuses: string[]; timeoutMs: number },
): Promise<ExecutionSummary[]> {
	const until = Date.now() + opts.timeoutMs;
	let fresh: ExecutionSummary[] = [];
	for (;;) {
		try {
			fresh = (await listExecutions(main(), workflowId)).filter((e) => !before.has(String(e.id)));
			if (fresh.length >= count && fresh.every((e) => opts.statuses.includes(e.status))) return fresh;
		} catch {
			// main restarting
		}
		if (Date.now() > until) {
			const tally: Record<string, number> = {};
			for (const e of fresh) tally[e.status] = (tally[e.status] ?? 0) + 1;
			throw new Error(`expected ${count} new executions in ${opts.statuses.join('/')}; after ${secs(opts.timeoutMs)}: ${fresh.length} new, ${JSON.stringify(tally)}`);
		}
		await sleep(500);
	}
}

export async function executionIds(main: N8nServer, workflowId: string): Promise<Set<string>> {
	return new Set((await listExecutions(main, workflowId)).map((e) => String(e.id)));
}

/** Tasks active at the simulator every `stepMs` from `from` to `to`: where a batch left the account's room unused. */
export function activeTimeline(sim: Simulator, taskIds: Iterable<string>, from: number, to: number, stepMs = 1000): number[] {
	const tasks = [...taskIds].map((id) => sim.task(id)).filter((t) => t !== undefined);
	const counts: number[] = [];
	for (let at = from; at <= to; at += stepMs) counts.push(tasks.filter((t) => t.createdAt <= at && (t.doneAt ?? Infinity) > at).length);
	return counts;
}

/** Refused submits in each step from `from`: the submits the simulator received minus the tasks it created. */
export function refusedTimeline(sim: Simulator, taskIds: Iterable<string>, from: number, to: number, stepMs = 1000): number[] {
	const created = [...taskIds].map((id) => sim.task(id)?.createdAt).filter((at) => at !== undefined);
	const submits = submitRequests(sim, from).map((r) => r.at);
	const counts: number[] = [];
	for (let at = from; at <= to; at += stepMs) {
		const inStep = (t: number) => t >= at && t < at + stepMs;
		counts.push(submits.filter(inStep).length - created.filter(inStep).length);
	}
	return counts;
}
