// How the simulator shapes its task answers. 'raw' is what CometAPI's doc pages show (BFL's and
// Replicate's own shapes). 'envelope' is what CometAPI's own integration code and a user's
// "confirmed working" script read: every task answer inside CometAPI's task envelope
// {code, message, data: {task_id, status, progress: "40%", fail_reason, data: <provider answer>}}
// (shared/reference/cometapi-flux-api.md, "What CometAPI actually answers").
import type { TaskRecord } from './tasks.ts';
import type { WireShape } from './types.ts';

export const WIRE_SHAPES: WireShape[] = ['raw', 'envelope'];

/** The envelope status of a task (QuantumNous/new-api model/task.go), from its provider answer's status. */
export function envelopeStatus(task: TaskRecord, providerStatus: string, now = Date.now()): string {
	if (providerStatus === 'Ready' || providerStatus === 'succeeded') return 'SUCCESS';
	if (now >= task.readyAt) return 'FAILURE';
	const generationMs = task.readyAt - task.createdAt;
	return now < task.createdAt + generationMs / 10 ? 'QUEUED' : 'IN_PROGRESS';
}

/** The answer as the wire setting sends it; `failReason` is the provider's error text for a failed task. */
export function onTheWire(
	wire: WireShape,
	task: TaskRecord,
	answer: Record<string, unknown>,
	failReason: string,
	{ submitted = false, now = Date.now() } = {},
): Record<string, unknown> {
	if (wire === 'raw') return answer;
	const status =
		submitted && now < task.readyAt ? 'SUBMITTED' : envelopeStatus(task, String(answer.status ?? ''), now);
	const progress = status === 'SUCCESS' || status === 'FAILURE'
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
			finish_time: now >= task.readyAt ? seconds(task.readyAt) : 0,
			progress: `${Math.round(progress * 100)}%`,
			data: answer,
		},
	};
}
