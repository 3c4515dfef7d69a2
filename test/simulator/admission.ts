import type { Markers } from './markers.ts';
import { cometError, type Reply } from './replies.ts';
import type { SimState } from './state.ts';

/** Checks every submit makes after validation: credits, then the active-task cap per key. */
export function admissionError(
	state: SimState,
	token: string,
	markers: Markers,
	ownModelLimit?: { model: string; limit: number },
): Reply | undefined {
	if (markers.noCredits) {
		return cometError(
			402,
			'Insufficient credits: please top up your CometAPI balance',
			'insufficient_user_quota',
		);
	}
	const limit = state.options.activeTaskLimit;
	const active = state.tasks.activeCount((task) => task.apiKey === token);
	const modelCap = ownModelLimit ? Math.min(ownModelLimit.limit, limit) : undefined;
	const activeForModel = ownModelLimit
		? state.tasks.activeCount((task) => task.apiKey === token && task.model === ownModelLimit.model)
		: 0;
	if (active >= limit || (modelCap !== undefined && activeForModel >= modelCap)) {
		return cometError(
			429,
			`You have too many active tasks (limit ${modelCap ?? limit}); wait for some to finish`,
			'rate_limit_exceeded',
			{ 'retry-after': String(state.options.retryAfterSeconds) },
		);
	}
	return undefined;
}
