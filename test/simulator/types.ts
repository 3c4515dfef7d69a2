export interface SimulatorPorts {
	api?: number;
	polling?: number;
	images?: number;
	replicateUrls?: number;
}

export interface SimulatorOptions {
	/** Bearer key the API origin accepts. Default 'sim-test-key'. */
	apiKey?: string;
	/** Time from submit to terminal status, default 300. Applies to tasks submitted afterwards. */
	generationMs?: number;
	/** Active (not yet terminal) tasks per key, default 24 (flux-kontext-max: min(6, limit)). */
	activeTaskLimit?: number;
	/** Retry-After value on 429, default 1. */
	retryAfterSeconds?: number;
	/** Image links answer 403 this long after the task turned terminal, default 600_000. */
	imageTtlMs?: number;
	/**
	 * 'realistic' (default): result images weigh what real ones do (PNG about 1.5 MB per megapixel,
	 * JPEG about 300 KB, WebP about 200 KB); 'small': the same pictures at the same size in a few KB.
	 */
	imageWeight?: ImageWeight;
	/** How task answers are shaped: 'raw' (default) or another shape real clients read (see wire.ts). */
	wire?: WireShape;
	/** Fixed ports (0 or absent: chosen by the OS). */
	ports?: SimulatorPorts;
	/**
	 * Keep each long string of a request body (over 64 KB: base64 images) once, however many requests
	 * repeat it. A benchmark's hundreds of items sending the same photos would otherwise hold
	 * gigabytes here (the request log and each task's body). Default false.
	 */
	shareLongStrings?: boolean;
	/** The model IDs `GET /v1/models` lists. Default: every model the simulator serves, plus chat and Midjourney IDs. */
	listedModels?: readonly string[];
}

export type ImageWeight = 'realistic' | 'small';

export type WireShape = 'raw' | 'envelope' | 'data' | 'minimal-create';

export type Origin = 'api' | 'polling' | 'images' | 'replicate-urls';

export interface LoggedRequest {
	origin: Origin;
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
	body?: unknown;
	at: number;
}

/**
 * 'reset-after-send' and 'mangled-after-send' act after the route did (a submit made its task):
 * the first cuts the connection, the second answers bytes HTTP cannot parse (see `mangle`).
 */
export type FaultKind = 'status' | 'html' | 'reset' | 'reset-after-send' | 'mangled-after-send' | 'slow' | 'redirect';

export type FaultRoute =
	| 'submit'
	| 'get_result'
	| 'replicate-submit'
	| 'replicate-get'
	| 'image'
	| 'models'
	| 'any';

export interface Fault {
	route: FaultRoute;
	kind: FaultKind;
	status?: number;
	retryAfterSeconds?: number;
	delayMs?: number;
	/** How many requests this fault hits, default 1. */
	times?: number;
	/** CometAPI error code, e.g. 'invalid_request'. */
	code?: string;
	message?: string;
	/** Where a 'redirect' fault sends the client (302), e.g. another origin. */
	location?: string;
	/** How a 'mangled-after-send' answer is broken: its status line (default) or its chunked body. */
	mangle?: 'status-line' | 'chunked';
}

export type TaskFormat = 'bfl' | 'replicate';

export interface SimTask {
	id: string;
	format: TaskFormat;
	model: string;
	/** Current status in the task's own vocabulary: BFL ('Pending', 'Ready', ...) or Replicate ('starting', 'succeeded', ...). */
	status: string;
	createdAt: number;
	doneAt?: number;
	/** BFL: the request body; Replicate: the `input` object. */
	body: Record<string, unknown>;
	webhookUrl?: string;
	/** Body (BFL) or input (Replicate) fields the model does not take; accepted and ignored like the real API. */
	ignoredFields: string[];
}

export interface WebhookDelivery {
	taskId: string;
	url: string;
	attempt: number;
	status?: number;
	error?: string;
	at: number;
}

export interface Simulator {
	/** API base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
	url: string;
	/** A different origin serving BFL-style polling_url (GET /v1/get_result?id=). */
	pollingOrigin: string;
	/** A different origin serving images. */
	imageOrigin: string;
	/** The origin Replicate `urls` point at (stands in for api.replicate.com). */
	replicateUrlsOrigin: string;
	apiKey: string;
	/** Every request to every origin, in order of arrival. */
	requests: LoggedRequest[];
	/** Outgoing webhook attempts, in order. */
	webhookDeliveries: WebhookDelivery[];
	options: Required<SimulatorOptions>;
	configure(partial: SimulatorOptions): void;
	inject(fault: Fault): void;
	setRandomFaults(rate: number, kinds?: FaultKind[], routes?: FaultRoute[]): void;
	task(id: string): SimTask | undefined;
	/** Every task made (paid) since the last reset(), in order of creation. */
	taskIds(): string[];
	readyAt(id: string): number | undefined;
	activeTasks(): number;
	reset(): void;
	close(): Promise<void>;
}
