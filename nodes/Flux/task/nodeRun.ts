import type { IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import type { TaskState } from '../api/taskState';
import { outcomeOf } from '../api/taskStatus';
import { submittedBy } from '../actions/getResult.operation';
import { InputGate } from './inputGate';
import { keepForReuse } from './reusePool';

/** A task an item of the run made (or took over from an earlier run). */
export interface ItemTask {
	id: string;
	format: ApiFormatName;
	/** The request's reuse key: set for tasks this node submitted. */
	reuseKey: string;
	state?: TaskState;
}


/**
 * One run of one node over its input items. n8n's RoutingNode runs every item, waits for all,
 * then, without Continue On Fail, throws the first failed item's error and drops every other
 * item's output. So once an item fails, the run stops paying: no further submit, items waiting
 * for a slot or polling stop (their tasks stay collectable), and the run's one error names
 * every other task it made. When the run's items have all settled, every task made whose image
 * reached no output is kept for the next identical request (reusePool).
 */
export class NodeRun {
	private readonly arrived = new Set<number>();
	private settled = 0;
	private readonly gate?: InputGate;
	private readonly stopper = new AbortController();
	private stoppedFor?: number;
	private failure?: { error: Error & { description?: string | null }; itemIndex: number };
	private readonly alsoFailed: string[] = [];
	private readonly tasks = new Map<number, ItemTask>();
	private readonly delivered = new Set<number>();
	private readonly size: number;
	private readonly failFast: boolean;
	private readonly onEnd: () => void;

	constructor(size: number, failFast: boolean, onEnd: () => void = () => {}) {
		this.size = size;
		this.failFast = failFast;
		this.onEnd = onEnd;
		if (failFast && size > 1) this.gate = new InputGate(size);
	}

	/** Aborted once an item of the run has failed (without Continue On Fail). */
	get stopSignal(): AbortSignal {
		return this.stopper.signal;
	}

	/** Whether the item with this index is already part of this run (then it is a new run). */
	has(itemIndex: number): boolean {
		return this.arrived.has(itemIndex);
	}

	arrive(itemIndex: number): void {
		this.arrived.add(itemIndex);
	}

	/** Waits until every item of the run is checked; the problem this item must fail with, if any. */
	async allChecked(problem?: Error): Promise<Error | undefined> {
		return this.gate ? await this.gate.allChecked(problem) : problem;
	}

	/** Whether the error is this run's stop, rather than the item's own failure. */
	stoppedBy(error: unknown): boolean {
		return this.stopper.signal.aborted && error === this.stopper.signal.reason;
	}

	made(itemIndex: number, task: ItemTask): void {
		this.tasks.set(itemIndex, task);
	}

	/** The item's task is gone (CometAPI no longer knows it): nothing to name or keep. */
	forget(itemIndex: number): void {
		this.tasks.delete(itemIndex);
	}

	seen(itemIndex: number, state: TaskState): void {
		const task = this.tasks.get(itemIndex);
		if (task) task.state = state;
	}

	deliver(itemIndex: number): void {
		this.delivered.add(itemIndex);
	}

	/**
	 * An item is failing: no further submit of the run. Called before the item gives its task slot
	 * back, so no waiting item takes it and pays.
	 */
	stop(itemIndex: number): void {
		if (!this.failFast || this.stopper.signal.aborted) return;
		this.stoppedFor = itemIndex;
		this.stopper.abort(new Error(`Stopped: item ${itemIndex} of this run failed`));
	}

	/**
	 * An item failed. The first failure stops the run and is the error to throw; a later one is
	 * only named in it (the item ends with no output: the run fails anyway).
	 */
	failed(itemIndex: number, error: Error): Error | undefined {
		if (!this.failFast) return error;
		this.stop(itemIndex);
		if (this.failure || this.stoppedFor !== itemIndex) {
			this.alsoFailed.push(`item ${itemIndex}: ${error.message}`);
			return undefined;
		}
		this.failure = { error, itemIndex };
		return error;
	}

	settle(): void {
		if (++this.settled < this.size) return;
		this.keepUndelivered();
		if (this.failure) this.nameOtherTasks(this.failure);
		this.onEnd();
	}

	/** Tasks made whose image reached no output: every task of a failed run, or an item's that failed. */
	private keepUndelivered(): void {
		for (const [itemIndex, task] of this.tasks) {
			if (!this.failure && this.delivered.has(itemIndex)) continue;
			const outcome = task.state && outcomeOf(task.state.status);
			if (outcome === 'failed') continue;
			keepForReuse(task.reuseKey, { id: task.id, format: task.format, state: outcome === 'succeeded' ? task.state : undefined });
		}
	}

	/** The run's error keeps its message; its description gains every other task the run made. */
	private nameOtherTasks(failure: NonNullable<NodeRun['failure']>): void {
		const others = [...this.tasks].filter(([itemIndex]) => itemIndex !== failure.itemIndex);
		if (!others.length && !this.alsoFailed.length) return;
		const lines: string[] = [];
		if (failure.error.description) lines.push(failure.error.description);
		lines.push(`Item ${failure.itemIndex} failed, so n8n fails this run and drops every other item's output.`);
		if (others.length) {
			const formats = [...new Set(others.map(([, task]) => submittedBy[task.format]))].join(' or ');
			lines.push(
				`${others.length} other task${others.length === 1 ? ' was' : 's were'} made for this run and may be paid for. ` +
					`Collect each with the Get Result operation (Task Submitted By: ${formats}) and its task ID below, ` +
					`within about 10 minutes of its end, when its image link expires. Or run this node again unchanged ` +
					'within that time: identical items take these tasks over (marked "reused") instead of paying again.',
				others.map(([itemIndex, task]) => `item ${itemIndex}: ${task.id} (${stateWord(task.state)})`).join('\n'),
			);
		}
		if (this.alsoFailed.length) lines.push(`Also failed: ${this.alsoFailed.join('; ')}`);
		failure.error.description = lines.join('\n\n');
	}
}

function stateWord(state: TaskState | undefined): string {
	const outcome = state && outcomeOf(state.status);
	return outcome === 'succeeded' ? 'finished' : outcome === 'failed' ? `ended "${state?.status}"` : 'still running';
}

// One run per node over one input array: n8n hands the same array to every node on an output, and
// again to the node's next Retry On Fail try (a repeated item index starts a new run).
const runs = new WeakMap<INodeExecutionData[], Map<string, NodeRun>>();

/** The run of this node the item belongs to. */
export function joinNodeRun(context: IExecuteSingleFunctions): NodeRun {
	const items = context.getExecuteData().data.main?.[0];
	const itemIndex = context.getItemIndex();
	const failFast = !context.continueOnFail();
	if (!items) return new NodeRun(1, failFast);
	const name = context.getNode().name;
	const byNode = runs.get(items) ?? new Map<string, NodeRun>();
	runs.set(items, byNode);
	let run = byNode.get(name);
	if (!run || run.has(itemIndex)) {
		const fresh: NodeRun = new NodeRun(items.length, failFast, () => {
			if (byNode.get(name) === fresh) byNode.delete(name);
		});
		byNode.set(name, fresh);
		run = fresh;
	}
	run.arrive(itemIndex);
	return run;
}
