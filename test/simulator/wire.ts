// How the simulator shapes its task answers: each shape a real client of CometAPI has been seen to
// read (shared/reference/cometapi-flux-api.md, "What CometAPI actually answers").
import type { TaskRecord } from './tasks.ts';
import type { WireShape } from './types.ts';

// envelope: CometAPI's integration code and a user's "confirmed working" script; its BFL submit has
// no polling_url, and an unknown task is the gateway's {code: "task_not_exist", data: null}.
// minimal-create: CometAPI's own code reads only the id of a Replicate create answer.
export const WIRE_DESCRIPTIONS: Record<WireShape, string> = {
	raw: 'BFL\'s and Replicate\'s own shapes, as CometAPI\'s doc pages show them (default)',
	envelope: 'every task answer in CometAPI\'s task envelope {code, message, data: {task_id, status, ..., data: <answer>}}',
	data: 'every task answer wrapped as {data: <answer>}',
	'minimal-create': 'create answers without a status: Replicate {data: {id}}, BFL {id, status: "Pending"}; polls raw',
};

export const WIRE_SHAPES = Object.keys(WIRE_DESCRIPTIONS) as WireShape[];

export const isWireShape = (name: string): name is WireShape => Object.hasOwn(WIRE_DESCRIPTIONS, name);

/**
 * The envelope status of a task (QuantumNous/new-api model/task.go), from the provider answer it wraps:
 * read from the answer, not the clock, so the two never disagree at the instant the task ends.
 */
export function envelopeStatus(task: TaskRecord, providerStatus: string, now = Date.now()): string {
	switch (providerStatus) {
		case 'Ready':
		case 'succeeded':
			return 'SUCCESS';
		case 'starting':
			return 'QUEUED';
		case 'processing':
			return 'IN_PROGRESS';
		case 'Pending':
			return now < task.createdAt + (task.readyAt - task.createdAt) / 10 ? 'QUEUED' : 'IN_PROGRESS';
		default:
			return 'FAILURE';
	}
}

const isTerminal = (status: string) => status === 'SUCCESS' || status === 'FAILURE';

/** The answer as the wire setting sends it; `failReason` is the provider's error text for a failed task. */
export function onTheWire(
	wire: WireShape,
	task: TaskRecord,
	answer: Record<string, unknown>,
	failReason: string,
	{ submitted = false, now = Date.now() } = {},
): Record<string, unknown> {
	switch (wire) {
		case 'raw':
			return answer;
		case 'data':
			return { data: answer };
		case 'minimal-create':
			if (!submitted) return answer;
			return task.format === 'replicate' ? { data: { id: task.id } } : { id: task.id, status: 'Pending' };
		case 'envelope':
			return envelope(task, answer, failReason, submitted, now);
	}
}

function envelope(task: TaskRecord, answer: Record<string, unknown>, failReason: string, submitted: boolean, now: number) {
	const read = envelopeStatus(task, String(answer.status ?? ''), now);
	const status = submitted && !isTerminal(read) ? 'SUBMITTED' : read;
	const progress = isTerminal(read)
		? 1
		: Math.min(0.99, (now - task.createdAt) / Math.max(1, task.readyAt - task.createdAt));
	const seconds = (ms: number) => Math.floor(ms / 1000);
	return {
		code: 'success',
		message: '',
		data: {
			task_id: task.id,
			action: task.format === 'bfl' ? 'generate' : 'prediction',
			status,
			fail_reason: status === 'FAILURE' ? failReason : '',
			submit_time: seconds(task.createdAt),
			start_time: seconds(task.createdAt),
			finish_time: isTerminal(read) ? seconds(task.readyAt) : 0,
			progress: `${Math.round(progress * 100)}%`,
			data: answer,
		},
	};
}

/** get_result for an ID CometAPI does not know. */
export function taskNotFound(wire: WireShape, id: string): Record<string, unknown> {
	const answer = { id, status: 'Task not found' };
	// The gateway's own refusal (new-api's relay_task.go: TaskError "task_not_exist", no task data).
	if (wire === 'envelope') return { code: 'task_not_exist', message: 'task_not_exist', data: null };
	return wire === 'data' ? { data: answer } : answer;
}
