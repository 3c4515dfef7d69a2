/**
 * Shared helpers for the Flux node's engine-backed tests (test/flux/*.test.ts).
 *
 * Every helper takes the running simulator (`startSimulator()` from test/simulator) and runs the
 * node through the real n8n engine with the harness (`runNode`). Nothing here mocks the node.
 *
 * Typical use:
 *
 *   const sim = await startSimulator({ generationMs: 150 });
 *   const result = await fluxRun(sim, { operation: 'generate', model: 'flux-dev', prompt: 'a cat' });
 *   expect(bodiesSent(sim, '/flux/v1/flux-dev')).toEqual([{ prompt: 'a cat' }]);
 *   afterEach(() => { assertKeyStaysOnApi(sim); sim.reset(); });
 */
import type { IBinaryData, INodeExecutionData, INodeParameters, IDataObject } from 'n8n-workflow';
import { request } from 'undici';

import { Flux } from '../../nodes/Flux/Flux.node';
import { binaryBuffer, runNode, type RunNodeOptions, type RunNodeResult } from '../harness/index.ts';
import {
	startSimulator,
	type LoggedRequest,
	type Origin,
	type Simulator,
	type SimulatorOptions,
	type WireShape,
} from '../simulator/index.ts';

export type { RunNodeResult };

/** Poll interval the helpers default to (seconds): fast tests without busy-looping. */
export const TEST_POLL_INTERVAL = 0.05;

/** The `cometApi` credential data pointing at the simulator's API origin. */
export function fluxCredentials(sim: Simulator): RunNodeOptions['credentials'] {
	return { cometApi: { apiKey: sim.apiKey, baseUrl: sim.url } };
}

/**
 * Runs the Flux node once (Start → CometAPI Flux) with the simulator's credential.
 * `options.pollInterval` defaults to {@link TEST_POLL_INTERVAL} unless `parameters.options` sets it;
 * other `options` entries are kept as given. `extra` goes to `runNode` as is (items,
 * continueOnFail, abortAfterMs, binaryDataMode, ...).
 */
export async function fluxRun(
	sim: Simulator,
	parameters: INodeParameters,
	extra: Partial<Omit<RunNodeOptions, 'parameters'>> = {},
): Promise<RunNodeResult> {
	const options = { pollInterval: TEST_POLL_INTERVAL, ...((parameters.options as IDataObject | undefined) ?? {}) };
	return await runNode({
		nodeType: new Flux(),
		credentials: fluxCredentials(sim),
		typeVersion: versionFor(parameters),
		...extra,
		parameters: { ...parameters, options },
	});
}

/**
 * Tests that set Model as a plain string (or "custom" + customModel) run version 1, as workflows
 * saved before the model list do; a resource-locator value `{ __rl, mode, value }` runs version 2.
 */
export function versionFor(parameters: INodeParameters): number {
	const model = parameters.model as { __rl?: boolean } | undefined;
	return typeof model === 'object' && model?.__rl ? 2 : 1;
}

/** Like {@link fluxRun}, but fails the test with the node's error message when the run did not succeed. */
export async function fluxRunOk(
	sim: Simulator,
	parameters: INodeParameters,
	extra: Partial<Omit<RunNodeOptions, 'parameters'>> = {},
): Promise<RunNodeResult> {
	const result = await fluxRun(sim, parameters, extra);
	if (result.status !== 'success' || result.error) {
		const error = result.error as (Error & { description?: string }) | undefined;
		throw new Error(
			`The run ended "${result.status}": ${error?.message ?? 'no error'}${error?.description ? ` (${error.description})` : ''}`,
		);
	}
	return result;
}

/** Logged requests on one origin (default: the API origin), optionally only those after `since` (an index into sim.requests). */
export function requestsTo(sim: Simulator, origin: Origin = 'api', since = 0): LoggedRequest[] {
	return sim.requests.slice(since).filter((r) => r.origin === origin);
}

/** Logged requests on the API origin, optionally filtered by method and path. */
export function apiRequests(sim: Simulator, filter: { method?: string; path?: string | RegExp } = {}): LoggedRequest[] {
	return requestsTo(sim, 'api').filter(
		(r) =>
			(filter.method === undefined || r.method === filter.method) &&
			(filter.path === undefined ||
				(typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path))),
	);
}

/** The JSON bodies POSTed to `path` on the API origin, in order. */
export function bodiesSent(sim: Simulator, path: string): unknown[] {
	return apiRequests(sim, { method: 'POST', path }).map((r) => r.body);
}

/** Every POST to the API origin as `{ path, body }`, in order (to check nothing else was submitted). */
export function submitsSent(sim: Simulator): Array<{ path: string; body: unknown }> {
	return apiRequests(sim, { method: 'POST' }).map((r) => ({ path: r.path, body: r.body }));
}

/** A header of a logged request as one string (lower-case name, as Node logs it). */
export function headerOf(req: LoggedRequest, name: string): string | undefined {
	const value = req.headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The API key stays on the API origin: every logged request with an Authorization header is on
 * origin 'api' and carries exactly `Bearer <key>`; the polling and replicate-urls origins got no
 * request at all (the node polls CometAPI's own routes). Image downloads carry no Authorization.
 * Call it in afterEach, before `sim.reset()`.
 */
export function assertKeyStaysOnApi(sim: Simulator): void {
	const leaks = sim.requests.filter((r) => r.origin !== 'api' && r.authorization !== undefined);
	if (leaks.length > 0) {
		throw new Error(`Authorization sent off the API origin: ${leaks.map((r) => `${r.origin} ${r.method} ${r.path}`).join(', ')}`);
	}
	const keyInHeaders = sim.requests.filter(
		(r) => r.origin !== 'api' && JSON.stringify(r.headers).includes(sim.apiKey),
	);
	if (keyInHeaders.length > 0) {
		throw new Error(`The API key appears in headers sent to: ${keyInHeaders.map((r) => r.origin).join(', ')}`);
	}
	const offLimits = sim.requests.filter((r) => r.origin === 'polling' || r.origin === 'replicate-urls');
	if (offLimits.length > 0) {
		throw new Error(`Requests to origins the node must not use: ${offLimits.map((r) => `${r.origin} ${r.method} ${r.path}`).join(', ')}`);
	}
	const badAuth = sim.requests.filter((r) => r.origin === 'api' && r.authorization !== `Bearer ${sim.apiKey}`);
	if (badAuth.length > 0) {
		throw new Error(`API requests without the right Authorization: ${badAuth.map((r) => `${r.method} ${r.path} (${String(r.authorization)})`).join(', ')}`);
	}
}

/**
 * Fetches a URL directly (no n8n, no key) and returns status, content type and bytes.
 * Use it on an output's `imageUrl` to compare the node's binary with what the image host serves.
 * The fetch is logged by the simulator like any request (origin 'images').
 */
export async function fetchBytes(url: string): Promise<{ status: number; contentType?: string; bytes: Buffer }> {
	const res = await request(url, { method: 'GET' });
	const bytes = Buffer.from(await res.body.arrayBuffer());
	const type = res.headers['content-type'];
	return { status: res.statusCode, contentType: Array.isArray(type) ? type[0] : type, bytes };
}

/**
 * Checks one output item's binary against the image host: same bytes, mime type from the host's
 * Content-Type, file name `<stem>.<ext>`. Returns the binary metadata for further checks.
 */
export async function expectBinaryMatchesImage(
	item: INodeExecutionData,
	expected: { key?: string; fileName: string; mimeType: string },
): Promise<IBinaryData> {
	const key = expected.key ?? 'data';
	const imageUrl = item.json.imageUrl as string;
	const served = await fetchBytes(imageUrl);
	if (served.status !== 200) throw new Error(`The image host answered ${served.status} for ${imageUrl}`);
	const bytes = await binaryBuffer(item, key);
	expect(bytes.equals(served.bytes)).toBe(true);
	expect(bytes.length).toBe(served.bytes.length);
	const binary = item.binary![key];
	expect(binary.mimeType).toBe(expected.mimeType);
	expect(served.contentType).toBe(expected.mimeType);
	expect(binary.fileName).toBe(expected.fileName);
	return binary;
}

/** An input item with one binary property (n8n's in-memory format: base64 in `data`). */
export function itemWithBinary(
	property: string,
	bytes: Buffer,
	meta: { mimeType?: string; fileName?: string } = {},
	json: IDataObject = {},
): INodeExecutionData {
	return {
		json,
		binary: {
			[property]: {
				data: bytes.toString('base64'),
				mimeType: meta.mimeType ?? 'image/png',
				fileName: meta.fileName ?? 'x.png',
			},
		},
	};
}

/** A few arbitrary bytes that stand in for an uploaded picture (a PNG signature and some data). */
export const SAMPLE_INPUT_BYTES = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from('n8n-cometapi test picture \u00e9\u00e8 \x00\x01\x02\xff', 'latin1'),
]);

/** Resolves after `ms` milliseconds. */
export async function delay(ms: number): Promise<void> {
	await new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a simulator for the test file and hands it to `receive`; after each test checks that the
 * API key stayed on the API origin, then resets the simulator.
 */
export function useSimulator(options: SimulatorOptions, receive: (sim: Simulator) => void): void {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator(options);
		receive(sim);
	});
	afterEach(() => {
		assertKeyStaysOnApi(sim);
		sim.reset();
	});
	afterAll(async () => {
		await sim.close();
	});
}

/**
 * What the same assertions expect in each wire shape of the simulator (`wire` option): the status a
 * finished task reports, and where the provider's own answer sits in what the node returns.
 */
const rawExpectation: WireExpectation = {
	succeeded: { bfl: 'Ready', replicate: 'succeeded' },
	bflSubmitKeys: ['id', 'polling_url'],
	stillWaiting: /"Pending"/,
	notFound: /Task not found/,
	minimalCreate: false,
	provider: (answer) => answer,
};

export const wireExpectations: Record<WireShape, WireExpectation> = {
	raw: rawExpectation,
	envelope: {
		succeeded: { bfl: 'SUCCESS', replicate: 'SUCCESS' },
		// The envelope, and the task ID the node adds at the top so {{ $json.id }} works in every shape.
		bflSubmitKeys: ['code', 'data', 'id', 'message'],
		stillWaiting: /"(SUBMITTED|QUEUED|IN_PROGRESS)"/,
		notFound: /task_not_exist/,
		minimalCreate: false,
		provider: (answer) => ((answer.data as IDataObject).data ?? {}) as IDataObject,
	},
	data: { ...rawExpectation, bflSubmitKeys: ['data', 'id'], provider: (answer) => (answer.data ?? {}) as IDataObject },
	'minimal-create': { ...rawExpectation, bflSubmitKeys: ['id', 'status'], minimalCreate: true },
};

export interface WireExpectation {
	succeeded: { bfl: string; replicate: string };
	/** The keys of a BFL submit answer returned without waiting, sorted. */
	bflSubmitKeys: string[];
	/** The status a BFL task still running reports, as a timeout error quotes it. */
	stillWaiting: RegExp;
	/** CometAPI's words for a task ID it does not know, as the error quotes them. */
	notFound: RegExp;
	/** Create answers carry only the task ID: what the task is comes from the polls. */
	minimalCreate: boolean;
	/** The provider's own answer (BFL's or Replicate's shape) inside a task answer. */
	provider: (answer: IDataObject) => IDataObject;
}

/** Replicate's per-model create route (the node's default), as CometAPI serves it. */
export const modelCreateRoute = (model: string) => `/replicate/v1/models/${model}/predictions`;
