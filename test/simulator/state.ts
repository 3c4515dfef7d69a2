import type { ImageLinks } from './images.ts';
import { BFL_MODELS, OTHER_LISTED_MODELS, REPLICATE_MODELS } from './models.ts';
import type { TaskStore } from './tasks.ts';
import type { SimulatorOptions } from './types.ts';

/** What every route handler may read: current options, the task store and the origins. */
export interface SimState {
	options: Required<SimulatorOptions>;
	tasks: TaskStore;
	images: ImageLinks;
	origins: { api: string; polling: string; images: string; replicateUrls: string };
}

/** A request as route handlers see it, body already read. */
export interface Incoming {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON, raw text when not JSON, undefined when empty. */
	body: unknown;
	/** True when the body was sent but is not valid JSON. */
	badJson: boolean;
	/** The bearer token, when the Authorization header is a Bearer one. */
	token?: string;
}

export const DEFAULT_OPTIONS: Required<SimulatorOptions> = {
	apiKey: 'sim-test-key',
	generationMs: 300,
	activeTaskLimit: 24,
	retryAfterSeconds: 1,
	imageTtlMs: 600_000,
	imageWeight: 'realistic',
	shareLongStrings: false,
	wire: 'raw',
	ports: {},
	listedModels: [...Object.keys(BFL_MODELS), ...Object.keys(REPLICATE_MODELS), ...OTHER_LISTED_MODELS],
};
