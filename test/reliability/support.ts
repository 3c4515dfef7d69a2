import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

import { ErrorReporter } from 'n8n-core';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { Flux } from '../../nodes/Flux/Flux.node';
import { Container } from '../harness/core-container.ts';
import { binaryBuffer, runNode, type RunNodeOptions, type RunNodeResult } from '../harness/index.ts';
import { startSimulator, type LoggedRequest, type Simulator, type SimulatorOptions } from '../simulator/index.ts';

/** A distinctive fake key: if it shows up anywhere it must not, a plain substring search finds it. */
export const FAKE_KEY = 'sk-test-SECRET-123456';

export async function startSim(options: SimulatorOptions = {}): Promise<Simulator> {
	return await startSimulator({ apiKey: FAKE_KEY, generationMs: 100, ...options });
}

export function credentials(baseUrl: string, apiKey = FAKE_KEY) {
	return { cometApi: { apiKey, baseUrl } };
}

export interface GenerateSpec {
	prompt?: string;
	model?: string;
	additionalFields?: INodeParameters;
	options?: INodeParameters;
	waitForCompletion?: boolean;
	downloadImages?: boolean;
}

/** Parameters of the Generate operation (flux-dev, small image), fast polling by default. */
export function generateParams(spec: GenerateSpec = {}): INodeParameters {
	return {
		operation: 'generate',
		model: spec.model ?? 'flux-dev',
		prompt: spec.prompt ?? 'a lighthouse at dawn',
		additionalFields: { width: 512, height: 512, steps: 4, ...spec.additionalFields },
		waitForCompletion: spec.waitForCompletion ?? true,
		downloadImages: spec.downloadImages ?? true,
		options: { pollInterval: 0.05, timeout: 30, ...spec.options },
	};
}

export function replicateParams(spec: GenerateSpec = {}): INodeParameters {
	return {
		operation: 'replicatePredict',
		model: spec.model ?? 'black-forest-labs/flux-schnell',
		prompt: spec.prompt ?? 'a lighthouse at dawn',
		additionalFields: { ...spec.additionalFields },
		waitForCompletion: spec.waitForCompletion ?? true,
		downloadImages: spec.downloadImages ?? true,
		options: { pollInterval: 0.05, timeout: 30, ...spec.options },
	};
}

export function getResultParams(taskId: string, options: INodeParameters = {}, resultFormat = 'bfl'): INodeParameters {
	return {
		operation: 'getResult',
		taskId,
		resultFormat,
		waitForCompletion: true,
		downloadImages: true,
		options: { pollInterval: 0.05, timeout: 30, ...options },
	};
}

export function items(count: number, prompt = (i: number) => `item ${i}`): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({ json: { i, prompt: prompt(i) } }));
}

/** Runs the Flux node through n8n's WorkflowExecute (see test/harness). */
export async function runFlux(options: Omit<RunNodeOptions, 'nodeType'>): Promise<RunNodeResult> {
	return await runNode({ nodeType: new Flux(), ...options });
}

// ---------------------------------------------------------------------------------------------
// Counting the simulator's requests
// ---------------------------------------------------------------------------------------------

export type RequestKind = 'submit' | 'get_result' | 'replicate-submit' | 'replicate-get' | 'image' | 'polling' | 'replicate-urls' | 'other';

export function kindOf(request: LoggedRequest): RequestKind {
	if (request.origin === 'images') return 'image';
	if (request.origin === 'polling') return 'polling';
	if (request.origin === 'replicate-urls') return 'replicate-urls';
	if (request.method === 'GET' && request.path === '/flux/v1/get_result') return 'get_result';
	if (request.method === 'POST' && /^\/flux\/v1\/[^/]+$/.test(request.path)) return 'submit';
	if (request.method === 'POST' && request.path.startsWith('/replicate/v1/')) return 'replicate-submit';
	if (request.method === 'GET' && request.path.startsWith('/replicate/v1/predictions/')) return 'replicate-get';
	return 'other';
}

export function requestsOf(sim: Simulator, kind: RequestKind): LoggedRequest[] {
	return sim.requests.filter((request) => kindOf(request) === kind);
}

export function count(sim: Simulator, kind: RequestKind): number {
	return requestsOf(sim, kind).length;
}

export function countsByKind(sim: Simulator): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const request of sim.requests) counts[kindOf(request)] = (counts[kindOf(request)] ?? 0) + 1;
	return counts;
}

/** Milliseconds between consecutive requests of one kind. */
export function gaps(requests: LoggedRequest[]): number[] {
	return requests.slice(1).map((request, i) => request.at - requests[i].at);
}

// ---------------------------------------------------------------------------------------------
// Concurrency as the simulator saw it
// ---------------------------------------------------------------------------------------------

/** Samples `sim.activeTasks()` every few ms until stopped; `max` is the highest count seen. */
export function watchActiveTasks(sim: Simulator, everyMs = 2) {
	let max = 0;
	const timer = setInterval(() => {
		max = Math.max(max, sim.activeTasks());
	}, everyMs);
	return {
		stop() {
			clearInterval(timer);
			return max;
		},
	};
}

/** The largest number of the given tasks whose [createdAt, doneAt) windows overlap. */
export function maxOverlap(sim: Simulator, taskIds: string[]): number {
	const events: Array<[number, number]> = [];
	for (const id of new Set(taskIds)) {
		const task = sim.task(id);
		if (!task) continue;
		events.push([task.createdAt, +1]);
		events.push([task.doneAt ?? Infinity, -1]);
	}
	// An end at the same instant as a start frees its slot first (the simulator counts a task
	// active only while now < readyAt).
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let current = 0;
	let max = 0;
	for (const [, delta] of events) {
		current += delta;
		max = Math.max(max, current);
	}
	return max;
}

// ---------------------------------------------------------------------------------------------
// Inspecting results
// ---------------------------------------------------------------------------------------------

export interface ErrorLike {
	message?: string;
	description?: string | null;
	httpCode?: string | null;
}

export function errorOf(result: RunNodeResult): ErrorLike {
	const error = result.error as ErrorLike | undefined;
	if (!error) throw new Error(`Expected the run to fail; status ${result.status}, ${result.items.length} items`);
	return error;
}

/** Items carrying an error (continueOnFail on). */
export function failedItems(result: RunNodeResult): INodeExecutionData[] {
	return result.items.filter((item) => item.error !== undefined || item.json.error !== undefined);
}

/** Paths in a value that hold `undefined`, NaN, or the text "undefined" / "[object Object]" / "NaN". */
export function suspiciousValues(value: unknown, path = '$'): string[] {
	if (value === undefined) return [path];
	if (typeof value === 'number' && Number.isNaN(value)) return [path];
	if (typeof value === 'string') return /\bundefined\b|\[object Object\]|\bNaN\b/.test(value) ? [`${path}: ${value}`] : [];
	if (Array.isArray(value)) return value.flatMap((entry, i) => suspiciousValues(entry, `${path}[${i}]`));
	if (typeof value === 'object' && value !== null) {
		return Object.entries(value).flatMap(([key, entry]) => suspiciousValues(entry, `${path}.${key}`));
	}
	return [];
}

export async function expectImageBytes(item: INodeExecutionData, key = 'data'): Promise<number> {
	const bytes = await binaryBuffer(item, key);
	expect(bytes.length).toBeGreaterThan(100);
	return bytes.length;
}

/** Asserts the output pairs every input exactly once, with output `imagesPerItem` per input. */
export function expectPairingCovers(result: RunNodeResult, inputCount: number, imagesPerItem = 1) {
	const seen = new Map<number, number>();
	for (const item of result.items) {
		const paired = item.pairedItem;
		const index = typeof paired === 'number' ? paired : Array.isArray(paired) ? paired[0]?.item : paired?.item;
		expect(typeof index).toBe('number');
		seen.set(index as number, (seen.get(index as number) ?? 0) + 1);
	}
	expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: inputCount }, (_, i) => i));
	for (const n of seen.values()) expect(n).toBe(imagesPerItem);
}

/** Resolves once `condition` holds (checked every 10 ms): e.g. to stop a run once its polls began. */
export async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await sleepMs(10);
}

export function sleepMs(ms: number) {
	return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// A tiny HTTP server for answers the simulator cannot give (redirects, webhooks, odd bodies)
// ---------------------------------------------------------------------------------------------

export interface StubRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingMessage['headers'];
	authorization?: string;
	body?: unknown;
	at: number;
}

export interface StubReply {
	status?: number;
	headers?: Record<string, string>;
	/** An object or array is sent as JSON; a string or Buffer as is. */
	body?: unknown;
	/** Cut the connection instead of answering. */
	reset?: boolean;
}

export interface Stub {
	url: string;
	requests: StubRequest[];
	close(): Promise<void>;
}

export type StubHandler = (request: StubRequest, stub: Stub) => StubReply | Promise<StubReply>;

export async function startStub(handler: StubHandler): Promise<Stub> {
	const requests: StubRequest[] = [];
	// eslint-disable-next-line prefer-const
	let stub: Stub;
	const server: Server = createServer((req, res) => {
		void handle(req, res).catch(() => {
			if (!res.headersSent) res.writeHead(500).end('stub error');
		});
	});
	async function handle(req: IncomingMessage, res: ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
		const text = Buffer.concat(chunks).toString('utf8');
		let body: unknown = text || undefined;
		try {
			body = text ? JSON.parse(text) : undefined;
		} catch {
			// keep the text
		}
		const url = new URL(req.url ?? '/', 'http://stub.invalid');
		const request: StubRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			authorization: req.headers.authorization,
			body,
			at: Date.now(),
		};
		requests.push(request);
		const reply = await handler(request, stub);
		if (reply.reset) {
			req.socket.resetAndDestroy();
			return;
		}
		const isRaw = typeof reply.body === 'string' || Buffer.isBuffer(reply.body);
		const payload = reply.body === undefined ? '' : isRaw ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
		const headers = { ...(isRaw || reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...reply.headers };
		res.writeHead(reply.status ?? 200, headers);
		res.end(payload);
	}
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	stub = {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
	return stub;
}

/** What a CometAPI stand-in answers: submits (POST), polls (any GET route) and images (/img/). */
export interface StubAnswers {
	submit?: (request: StubRequest, stub: Stub) => StubReply;
	/** The n-th poll (0-based) of the task. */
	poll?: (request: StubRequest, n: number, stub: Stub) => StubReply;
	image?: (request: StubRequest) => StubReply;
}

/**
 * A factory of CometAPI stand-ins for answers the simulator never gives, each answer chosen by
 * the test over the file's defaults; every stand-in is closed after each test.
 */
export function useCometStubs(defaults: Required<Pick<StubAnswers, 'submit' | 'poll'>> & { png: Buffer }) {
	const stubs: Stub[] = [];
	afterEach(async () => {
		await Promise.all(stubs.splice(0).map((stub) => stub.close()));
	});
	return async (answers: StubAnswers = {}): Promise<Stub> => {
		let polls = 0;
		const stub = await startStub((request, self) => {
			if (request.path.startsWith('/img/')) {
				return answers.image?.(request) ?? { status: 200, headers: { 'content-type': 'image/png' }, body: defaults.png };
			}
			if (request.method === 'POST') return (answers.submit ?? defaults.submit)(request, self);
			return (answers.poll ?? defaults.poll)(request, polls++, self);
		});
		stubs.push(stub);
		return stub;
	};
}

export const stubPolls = (stub: Stub) => stub.requests.filter((r) => r.method === 'GET' && !r.path.startsWith('/img/'));
export const stubSubmits = (stub: Stub) => stub.requests.filter((r) => r.method === 'POST');

/** Forwards a request to another server (e.g. the simulator) and returns its answer. */
export async function forward(request: StubRequest, target: string): Promise<StubReply> {
	const query = new URLSearchParams(request.query).toString();
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
	}
	const response = await fetch(`${target}${request.path}${query ? `?${query}` : ''}`, {
		method: request.method,
		headers,
		body: request.body === undefined ? undefined : JSON.stringify(request.body),
		redirect: 'manual',
	});
	const out: Record<string, string> = {};
	response.headers.forEach((value, name) => {
		if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
	});
	return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) };
}

/** An address nothing listens on (a port just released). */
export async function closedPortUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------------------------------------
// Capturing what n8n and the node log
// ---------------------------------------------------------------------------------------------

type LogFn = (message: string, meta?: unknown) => void;
interface LoggerLike {
	error: LogFn;
	warn: LogFn;
	info: LogFn;
	debug: LogFn;
}

function safeStringify(value: unknown): string {
	const seen = new WeakSet();
	try {
		return JSON.stringify(value, (_key, entry: unknown) => {
			if (typeof entry === 'object' && entry !== null) {
				if (seen.has(entry)) return '[circular]';
				seen.add(entry);
			}
			if (entry instanceof Error) {
				return { ...entry, name: entry.name, message: entry.message, stack: entry.stack, cause: entry.cause };
			}
			if (typeof entry === 'bigint') return String(entry);
			return entry;
		});
	} catch (error) {
		return `[unserializable: ${String(error)}]`;
	}
}

/** Every string a run result holds, including errors' own (non-enumerable) message, stack and cause. */
export function dumpResult(result: RunNodeResult): string {
	const errors: unknown[] = [result.error];
	for (const item of result.items) errors.push(item.error);
	const parts = [safeStringify(result)];
	for (const error of errors) {
		let e = error as (Error & { cause?: unknown; description?: unknown }) | undefined;
		const seen = new Set<unknown>();
		while (e && typeof e === 'object' && !seen.has(e)) {
			seen.add(e);
			parts.push(String(e.message), String(e.stack), String(e.description ?? ''), safeStringify(e));
			e = e.cause as typeof e;
		}
	}
	return parts.join('\n');
}

/**
 * Records what n8n logs during a run: n8n-workflow's LoggerProxy, n8n-core's Logger (the
 * nodes' `this.logger`), the ErrorReporter (turned on: the harness silences it) and console.
 */
export function captureLogs() {
	const lines: string[] = [];
	const record =
		(level: string): LogFn =>
		(message, meta) => {
			lines.push(`${level} ${String(message)} ${meta === undefined ? '' : safeStringify(meta)}`);
		};
	const recorder: LoggerLike = { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') };
	LoggerProxy.init(recorder as unknown as Parameters<typeof LoggerProxy.init>[0]);

	const restores: Array<() => void> = [];
	const patch = (target: Record<string, unknown>, name: string, fn: unknown) => {
		const original = target[name];
		target[name] = fn;
		restores.push(() => {
			target[name] = original;
		});
	};

	// n8n-core's Logger singleton (from n8n-core's own copy of @n8n/backend-common): its level
	// methods are read-only, so the container hands out a recording stand-in instead.
	const recordingLogger: Record<string, unknown> = {
		...recorder,
		log: (level: string, message: string, meta?: unknown) => record(`core-${level}`)(message, meta),
		scoped: () => recordingLogger,
	};
	try {
		const corePath = dirname(require.resolve('n8n-core'));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const backend = require(require.resolve('@n8n/backend-common', { paths: [corePath] })) as { Logger: new () => unknown };
		const original = Container.get(backend.Logger as never);
		Container.set(backend.Logger as never, recordingLogger as never);
		restores.push(() => Container.set(backend.Logger as never, original as never));
	} catch (error) {
		lines.push(`(could not hook n8n-core's Logger: ${String(error)})`);
	}

	// The ErrorReporter: what n8n logs for every node error in the app.
	const reporter = Container.get(ErrorReporter) as unknown as Record<string, unknown>;
	const reporterLogger = reporter.logger as object | undefined;
	const defaultReport = (reporter.defaultReport as (...args: unknown[]) => void).bind(reporter);
	const originalEnv = process.env.N8N_HARNESS_LOG_ERRORS;
	process.env.N8N_HARNESS_LOG_ERRORS = '1';
	patch(reporter, 'report', (error: unknown, options?: unknown) => {
		lines.push(`reported ${safeStringify(error)}`);
		defaultReport(error, options);
	});
	if (reporterLogger) patch(reporter, 'logger', { ...recorder, scoped: () => recorder });

	for (const level of ['log', 'error', 'warn', 'info', 'debug'] as const) {
		const spy = jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
			lines.push(`console.${level} ${args.map((a) => (typeof a === 'string' ? a : safeStringify(a))).join(' ')}`);
		});
		restores.push(() => spy.mockRestore());
	}

	return {
		lines,
		text: () => lines.join('\n'),
		restore() {
			for (const restore of restores.reverse()) restore();
			restores.length = 0;
			if (originalEnv === undefined) delete process.env.N8N_HARNESS_LOG_ERRORS;
			else process.env.N8N_HARNESS_LOG_ERRORS = originalEnv;
		},
	};
}

export type { Simulator, RunNodeResult };

/** Each place `needle` occurs in `text`, with some context either side (short failure messages). */
export function occurrences(text: string, needle: string, context = 120): string[] {
	const found: string[] = [];
	for (let at = text.indexOf(needle); at >= 0 && found.length < 5; at = text.indexOf(needle, at + needle.length)) {
		found.push(`…${text.slice(Math.max(0, at - context), at + needle.length + context)}…`);
	}
	return found;
}
