export type Outcome = 'waiting' | 'succeeded' | 'failed';

/** Every status both API formats report, what it means, and why a failed one failed. */
export const taskStatuses: Record<string, { outcome: Outcome; reason?: string; shownAs?: string }> = {
	// BFL format (GET /flux/v1/get_result)
	Pending: { outcome: 'waiting' },
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
	starting: { outcome: 'waiting' },
	processing: { outcome: 'waiting' },
	succeeded: { outcome: 'succeeded' },
	failed: { outcome: 'failed', reason: 'the prediction failed' },
	// n8n reports a run whose error message contains "canceled" as stopped by the user.
	canceled: { outcome: 'failed', reason: 'the prediction was cancelled on CometAPI\'s side', shownAs: 'Canceled' },
	aborted: { outcome: 'failed', reason: 'the prediction was aborted' },
};

export function outcomeOf(status: string): Outcome | undefined {
	return Object.prototype.hasOwnProperty.call(taskStatuses, status) ? taskStatuses[status].outcome : undefined;
}
