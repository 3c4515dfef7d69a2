export type Outcome = 'waiting' | 'succeeded' | 'failed';

interface StatusMeaning {
	outcome: Outcome;
	reason?: string;
	shownAs?: string;
}

/**
 * Every status CometAPI is known to report, what it means, and why a failed one failed. A status
 * not listed keeps the task waiting until the timeout: failing at once would throw away an image
 * that may already be paid for.
 */
export const taskStatuses: Record<string, StatusMeaning> = {
	// BFL format (GET /flux/v1/get_result)
	Pending: { outcome: 'waiting' }, // queued or generating; BFL's progress says how far
	Ready: { outcome: 'succeeded' },
	Error: { outcome: 'failed', reason: 'the image could not be generated' },
	Failed: { outcome: 'failed', reason: 'the image could not be generated' },
	'Content Moderated': { outcome: 'failed', reason: 'the generated image was blocked by content moderation' },
	'Request Moderated': { outcome: 'failed', reason: 'the prompt or input image was blocked by moderation' },
	'Task not found': {
		outcome: 'failed',
		reason: 'CometAPI does not know this task: the ID is wrong or the task has expired',
	},
	// Replicate format (GET /replicate/v1/predictions/{id})
	starting: { outcome: 'waiting' }, // the model is booting
	processing: { outcome: 'waiting' }, // the model is running
	succeeded: { outcome: 'succeeded' },
	failed: { outcome: 'failed', reason: 'the prediction failed' },
	// n8n reports a run whose error message contains "canceled" as stopped by the user.
	canceled: { outcome: 'failed', reason: 'the prediction was cancelled on CometAPI\'s side', shownAs: 'Canceled' },
	aborted: { outcome: 'failed', reason: 'the prediction was aborted' },
	// CometAPI's task envelope (data.status), the task model of QuantumNous/new-api's model/task.go
	NOT_START: { outcome: 'waiting' }, // accepted by the gateway, not yet handed to the provider
	SUBMITTED: { outcome: 'waiting' }, // handed to the provider, which has not started it
	QUEUED: { outcome: 'waiting' }, // in the provider's queue
	IN_PROGRESS: { outcome: 'waiting' }, // generating; the envelope's progress ("40%") says how far
	SUCCESS: { outcome: 'succeeded' },
	FAILURE: { outcome: 'failed', reason: 'CometAPI reported the task failed' },
	// The envelope's spelling of a cancelled task; CometAPI's own code counts it as failed.
	CANCELLED: { outcome: 'failed', reason: 'CometAPI reported the task cancelled' },
	// The gateway's own word for a task whose state it lost track of: it may still finish.
	UNKNOWN: { outcome: 'waiting' },
};

// CometAPI's own code upper-cases statuses: match without regard to case, the exact spelling first.
const byLowerCase = new Map(Object.entries(taskStatuses).reverse().map(([name, meaning]) => [name.toLowerCase(), meaning]));

/** What a status means; undefined for one not in the table. */
export function meaningOf(status: string): StatusMeaning | undefined {
	return Object.hasOwn(taskStatuses, status) ? taskStatuses[status] : byLowerCase.get(status.toLowerCase());
}

/** A status not in the table counts as waiting. */
export function outcomeOf(status: string): Outcome {
	return meaningOf(status)?.outcome ?? 'waiting';
}
