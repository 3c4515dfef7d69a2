// What one batch did, read from the simulator's request log and n8n's execution record.

import type { LoggedRequest, Simulator } from '../simulator/index.ts';
import { median, quantile } from './stats.ts';

export interface TaskTimes {
	id: string;
	createdAt: number;
	readyAt: number;
	/** First get_result that saw the task terminal. */
	readySeenAt?: number;
	polls: number;
	downloadAt?: number;
}

export interface BatchLog {
	submits: number;
	polls: number;
	downloads: number;
	other: number;
	firstSubmitAt: number;
	lastDownloadAt: number;
	tasks: TaskTimes[];
	/** An image URL seen in the log (to time one direct download). */
	sampleImageUrl?: string;
}

const isSubmit = (r: LoggedRequest) => r.origin === 'api' && r.method === 'POST' && r.path.startsWith('/flux/v1/') && r.path !== '/flux/v1/get_result';
const isPoll = (r: LoggedRequest) => r.origin === 'api' && r.method === 'GET' && r.path === '/flux/v1/get_result';
const isDownload = (r: LoggedRequest) => r.origin === 'images' && r.method === 'GET';

export function readBatchLog(sim: Simulator, requests: LoggedRequest[]): BatchLog {
	const submits = requests.filter(isSubmit);
	const polls = requests.filter(isPoll);
	const downloads = requests.filter(isDownload);
	const ids = new Set<string>();
	for (const r of polls) if (r.query.id) ids.add(r.query.id);
	const imageId = (r: LoggedRequest) => /^\/images\/([^/]+)\//.exec(r.path)?.[1];
	for (const r of downloads) {
		const id = imageId(r);
		if (id) ids.add(id);
	}
	const tasks: TaskTimes[] = [];
	for (const id of ids) {
		const t = sim.task(id);
		if (!t) continue;
		const readyAt = t.doneAt ?? sim.readyAt(id) ?? NaN;
		const mine = polls.filter((r) => r.query.id === id);
		const seen = mine.find((r) => r.at >= readyAt);
		const dl = downloads.find((r) => imageId(r) === id);
		tasks.push({ id, createdAt: t.createdAt, readyAt, readySeenAt: seen?.at, polls: mine.length, downloadAt: dl?.at });
	}
	tasks.sort((a, b) => a.createdAt - b.createdAt);
	const sample = downloads[0];
	const query = sample ? new URLSearchParams(sample.query).toString() : '';
	return {
		submits: submits.length,
		polls: polls.length,
		downloads: downloads.length,
		other: requests.length - submits.length - polls.length - downloads.length,
		firstSubmitAt: submits[0]?.at ?? NaN,
		lastDownloadAt: downloads.length ? Math.max(...downloads.map((r) => r.at)) : NaN,
		tasks,
		sampleImageUrl: sample ? `${sim.imageOrigin}${sample.path}${query ? `?${query}` : ''}` : undefined,
	};
}

export interface Timeline {
	/** n8n's execution start -> first submit the simulator saw. */
	startToFirstSubmitMs: number;
	/** First -> last submit of the first wave (the first L tasks). */
	firstWaveSpreadMs: number;
	/** Earliest end of a first-wave task -> first submit of the second wave (slot hand-over). */
	secondWaveDelayMs: number;
	/** Median over tasks: task terminal -> the poll that saw it. */
	pollLagMedianMs: number;
	pollLagMaxMs: number;
	/** Median over tasks: task terminal -> its image requested (the latency the node adds). */
	downloadLagMedianMs: number;
	downloadLagP90Ms: number;
	/** Last task terminal -> last image requested. */
	lastReadyToLastDownloadMs: number;
	/** Last image requested -> n8n's execution stop. */
	lastDownloadToStopMs: number;
	/** Most tasks running at once (from createdAt/readyAt). */
	maxActive: number;
	pollsPerTaskMedian: number;
	pollsPerTaskMax: number;
}

export function timeline(log: BatchLog, startedAt: number, stoppedAt: number, limit: number): Timeline {
	const t = log.tasks;
	const pollLags = t.filter((x) => x.readySeenAt !== undefined).map((x) => x.readySeenAt! - x.readyAt);
	const dlLags = t.filter((x) => x.downloadAt !== undefined).map((x) => x.downloadAt! - x.readyAt);
	const firstWave = t.slice(0, limit);
	const secondWave = t.slice(limit);
	const events: Array<[number, number]> = [];
	for (const x of t) {
		events.push([x.createdAt, 1]);
		events.push([x.readyAt, -1]);
	}
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let active = 0;
	let maxActive = 0;
	for (const [, d] of events) {
		active += d;
		maxActive = Math.max(maxActive, active);
	}
	const lastReady = t.length ? Math.max(...t.map((x) => x.readyAt)) : NaN;
	return {
		startToFirstSubmitMs: log.firstSubmitAt - startedAt,
		firstWaveSpreadMs: firstWave.length ? firstWave[firstWave.length - 1].createdAt - firstWave[0].createdAt : NaN,
		secondWaveDelayMs: secondWave.length ? secondWave[0].createdAt - Math.min(...firstWave.map((x) => x.readyAt)) : NaN,
		pollLagMedianMs: median(pollLags),
		pollLagMaxMs: pollLags.length ? Math.max(...pollLags) : NaN,
		downloadLagMedianMs: median(dlLags),
		downloadLagP90Ms: quantile(dlLags, 0.9),
		lastReadyToLastDownloadMs: log.lastDownloadAt - lastReady,
		lastDownloadToStopMs: stoppedAt - log.lastDownloadAt,
		maxActive,
		pollsPerTaskMedian: median(t.map((x) => x.polls)),
		pollsPerTaskMax: t.length ? Math.max(...t.map((x) => x.polls)) : NaN,
	};
}
