// Markers in the prompt pick how a task ends, so tests can reach every status on purpose.

export type Outcome =
	| 'ready'
	| 'error'
	| 'content-moderated'
	| 'request-moderated'
	| 'failed'
	| 'canceled'
	| 'aborted'
	| 'stuck';

const OUTCOME_MARKERS: Array<[string, Outcome]> = [
	['[error]', 'error'],
	['[content-moderated]', 'content-moderated'],
	['[request-moderated]', 'request-moderated'],
	['[failed]', 'failed'],
	['[canceled]', 'canceled'],
	['[aborted]', 'aborted'],
	['[stuck]', 'stuck'],
];

export interface Markers {
	outcome: Outcome;
	/** Submit answers 402. */
	noCredits: boolean;
	/** Replicate: one of the outputs is dropped as NSFW (all dropped means failed). */
	nsfwPartial: boolean;
	/** `[ms=N]`: this task takes N ms instead of the simulator's generation time. */
	generationMs?: number;
	/** `[error-once]`: the first task with this prompt ends `Error`, the next ones succeed. */
	errorOnce: boolean;
}

export function readMarkers(prompt: unknown): Markers {
	const text = typeof prompt === 'string' ? prompt.toLowerCase() : '';
	const found = OUTCOME_MARKERS.find(([marker]) => text.includes(marker));
	const ms = /\[ms=(\d+)\]/.exec(text);
	return {
		outcome: found ? found[1] : 'ready',
		noCredits: text.includes('[no-credits]'),
		nsfwPartial: text.includes('[nsfw-partial]'),
		generationMs: ms ? Number(ms[1]) : undefined,
		errorOnce: text.includes('[error-once]'),
	};
}

export const PROMPT_MARKERS = [
	...OUTCOME_MARKERS.map(([marker]) => marker),
	'[no-credits]',
	'[nsfw-partial]',
	'[error-once]',
	'[ms=N]',
];
