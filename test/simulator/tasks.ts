import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Outcome } from './markers.ts';
import type { SimTask, TaskFormat } from './types.ts';

export type OutputFormat = 'jpeg' | 'jpg' | 'png' | 'webp';

export interface TaskRecord {
	id: string;
	format: TaskFormat;
	model: string;
	apiKey: string;
	createdAt: number;
	/** When the task turns terminal; Infinity for '[stuck]' tasks. */
	readyAt: number;
	outcome: Outcome;
	body: Record<string, unknown>;
	ignoredFields: string[];
	webhookUrl?: string;
	webhookSecret?: string;
	prompt: string;
	seed: number;
	outputFormat: OutputFormat;
	/** Indexes of the images the task delivers (Replicate NSFW drops leave gaps). */
	imageIndexes: number[];
	/** Replicate: array of URLs or one URL string. */
	outputShape: 'array' | 'single';
	width: number;
	height: number;
}

export type NewTask = Omit<TaskRecord, 'id' | 'createdAt' | 'readyAt' | 'seed'> & {
	seed?: number;
	generationMs: number;
	/** The first task with this prompt ends 'error', later ones keep their outcome. */
	errorOnce?: boolean;
};

export class TaskStore {
	private tasks = new Map<string, TaskRecord>();
	private timers = new Set<NodeJS.Timeout>();
	/** Prompts whose '[error-once]' task has failed already. */
	private failedOnce = new Set<string>();
	private onTerminal: (task: TaskRecord) => void;

	constructor(onTerminal: (task: TaskRecord) => void) {
		this.onTerminal = onTerminal;
	}

	create(spec: NewTask): TaskRecord {
		const now = Date.now();
		const { generationMs, seed, errorOnce, ...rest } = spec;
		const failsNow = errorOnce && !this.failedOnce.has(spec.prompt);
		if (failsNow) this.failedOnce.add(spec.prompt);
		const task: TaskRecord = {
			...rest,
			...(failsNow && { outcome: 'error' as const }),
			id: spec.format === 'bfl' ? randomUUID() : replicateId(),
			createdAt: now,
			readyAt: spec.outcome === 'stuck' ? Infinity : now + generationMs,
			seed: seed ?? randomInt(2 ** 31),
		};
		this.tasks.set(task.id, task);
		if (Number.isFinite(task.readyAt)) this.later(task.readyAt - now, () => this.onTerminal(task));
		return task;
	}

	get(id: string): TaskRecord | undefined {
		return this.tasks.get(id);
	}

	/** Every task made since the last clear(), in order of creation. */
	ids(): string[] {
		return [...this.tasks.keys()];
	}

	isTerminal(task: TaskRecord, now = Date.now()): boolean {
		return now >= task.readyAt;
	}

	activeCount(filter: (task: TaskRecord) => boolean = () => true): number {
		const now = Date.now();
		let count = 0;
		for (const task of this.tasks.values())
			if (!this.isTerminal(task, now) && filter(task)) count++;
		return count;
	}

	/** A timer the store cancels on clear(), so a closed simulator leaves nothing behind. */
	later(ms: number, run: () => void): void {
		const timer = setTimeout(
			() => {
				this.timers.delete(timer);
				run();
			},
			Math.max(0, ms),
		);
		this.timers.add(timer);
	}

	clear(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.tasks.clear();
		this.failedOnce.clear();
	}
}

function replicateId(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
	return [...randomBytes(26)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export function bflStatus(task: TaskRecord, now = Date.now()): string {
	if (now < task.readyAt) return 'Pending';
	if (task.format === 'replicate') {
		const status = replicateStatus(task, now);
		return status === 'succeeded' ? 'Ready' : status === 'failed' ? 'Error' : 'Failed';
	}
	switch (task.outcome) {
		case 'error':
			return 'Error';
		case 'content-moderated':
			return 'Content Moderated';
		case 'request-moderated':
			return 'Request Moderated';
		case 'failed':
		case 'canceled':
		case 'aborted':
			return 'Failed';
		default:
			return 'Ready';
	}
}

export function replicateStatus(task: TaskRecord, now = Date.now()): string {
	const generationMs = task.readyAt - task.createdAt;
	if (now < task.readyAt) {
		return now < task.createdAt + generationMs / 10 ? 'starting' : 'processing';
	}
	switch (task.outcome) {
		case 'canceled':
			return 'canceled';
		case 'aborted':
			return 'aborted';
		case 'ready':
			return task.imageIndexes.length > 0 ? 'succeeded' : 'failed';
		default:
			return 'failed';
	}
}

export function publicView(task: TaskRecord, now = Date.now()): SimTask {
	return {
		id: task.id,
		format: task.format,
		model: task.model,
		status: task.format === 'bfl' ? bflStatus(task, now) : replicateStatus(task, now),
		createdAt: task.createdAt,
		doneAt: now >= task.readyAt ? task.readyAt : undefined,
		body: task.body,
		webhookUrl: task.webhookUrl,
		ignoredFields: task.ignoredFields,
	};
}
