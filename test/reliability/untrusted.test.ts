/**
 * Answers the node must not trust: missing or wrong-typed fields, bodies that are not JSON
 * objects. Each gives a clear error (or a clean output), never a crash or `undefined`.
 * The simulator only answers well-formed bodies, so a tiny local server plays CometAPI here.
 */
import type { INodeParameters } from 'n8n-workflow';

import { gradientPng } from '../simulator/png.ts';
import {
	credentials,
	expectImageBytes,
	generateParams,
	getResultParams,
	replicateParams,
	runFlux,
	stubPolls,
	stubSubmits,
	suspiciousValues,
	useCometStubs,
	type RunNodeResult,
	type Stub,
	type StubReply,
} from './support.ts';

const PNG = gradientPng(32, 32, 7);

const ready = (stub: Stub, result: Record<string, unknown> = {}) => ({
	id: 'task-1',
	status: 'Ready',
	result: { sample: `${stub.url}/img/1.png`, prompt: 'p', seed: 1, ...result },
});

/** A CometAPI stand-in: submits, polls (BFL and Replicate routes) and images, each answer chosen by the test. */
const cometStub = useCometStubs({
	png: PNG,
	submit: () => ({ body: { id: 'task-1', polling_url: 'http://127.0.0.1:9/v1/get_result?id=task-1' } }),
	poll: (_request, _n, stub) => ({ body: ready(stub) }),
});
const polls = stubPolls;
const submits = stubSubmits;

async function run(stub: Stub, params: INodeParameters = generateParams(), continueOnFail = false): Promise<RunNodeResult> {
	return await runFlux({ parameters: params, credentials: credentials(stub.url), continueOnFail });
}

/** The run failed cleanly: a node error with a readable message, not a crash nor "undefined". */
function expectClearError(result: RunNodeResult, pattern: RegExp) {
	expect(result.status).toBe('error');
	const error = result.error as { name?: string; message?: string; description?: string | null } | undefined;
	expect(error).toBeDefined();
	expect(['NodeApiError', 'NodeOperationError']).toContain(error?.name);
	expect(error?.message).toMatch(pattern);
	const words = `${error?.message ?? ''} ${error?.description ?? ''}`;
	expect(words).not.toMatch(/\bundefined\b|\[object Object\]|\bNaN\b|Cannot read prop|is not a function|is not iterable/);
	return error!;
}

/** Same with On Error: Continue: one error item, no crash, nothing undefined. */
async function expectClearErrorItem(stub: Stub, params: INodeParameters, pattern: RegExp) {
	const result = await run(stub, params, true);
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(1);
	expect(String(result.items[0].json.error)).toMatch(pattern);
	expect(suspiciousValues(result.items[0].json)).toEqual([]);
}

describe('submit answers', () => {
	test.each<[string, StubReply, RegExp]>([
		['a JSON array', { body: [] }, /submit.*no JSON/i],
		['JSON null', { body: 'null', headers: { 'content-type': 'application/json' } }, /submit/i],
		['a bare JSON string', { body: '"queued"', headers: { 'content-type': 'application/json' } }, /submit/i],
		['an HTML page with 200', { body: '<!doctype html><html><body>console</body></html>', headers: { 'content-type': 'text/html' } }, /HTML/i],
		['an empty object (no id)', { body: {} }, /no task "id"/],
		['an id that is a number', { body: { id: 42, polling_url: 'http://127.0.0.1:9/x' } }, /no task "id"/],
	])('%s: a clear error, submitted once, nothing polled', async (_name, reply, pattern) => {
		const stub = await cometStub({ submit: () => reply });
		const result = await run(stub);

		expectClearError(result, pattern);
		expect(submits(stub)).toHaveLength(1);
		expect(polls(stub)).toHaveLength(0);
		await expectClearErrorItem(stub, generateParams(), pattern);
	});
});

describe('get_result answers', () => {
	test.each<[string, (stub: Stub) => unknown, RegExp]>([
		['Ready without result', () => ({ id: 'task-1', status: 'Ready' }), /Ready.*no image URL.*result\.sample/],
		['Ready with result null', () => ({ id: 'task-1', status: 'Ready', result: null }), /no image URL/],
		['Ready with result.sample missing', () => ({ id: 'task-1', status: 'Ready', result: { seed: 1 } }), /no image URL/],
		['Ready with result.sample a number', () => ({ id: 'task-1', status: 'Ready', result: { sample: 42 } }), /no image URL/],
		['Ready with result.sample not http(s)', () => ({ id: 'task-1', status: 'Ready', result: { sample: 'javascript:alert(1)' } }), /no image URL/],
		['Ready with result a string', () => ({ id: 'task-1', status: 'Ready', result: 'http://example.com/a.png' }), /no image URL/],
		['no status', () => ({ id: 'task-1', result: null }), /no "status"/],
		['status a number', () => ({ id: 'task-1', status: 1 }), /no "status"/],
		['an empty status', () => ({ id: 'task-1', status: '' }), /no "status"/],
	])('%s: a clear error', async (_name, answer, pattern) => {
		const stub = await cometStub({ poll: (_request, _n, self) => ({ body: answer(self) }) });
		const result = await run(stub);

		expectClearError(result, pattern);
		expect(submits(stub)).toHaveLength(1);
		expect(polls(stub).length).toBeGreaterThanOrEqual(1);
		await expectClearErrorItem(stub, generateParams(), pattern);
	});

	test.each<[string, StubReply]>([
		['JSON null', { body: 'null', headers: { 'content-type': 'application/json' } }],
		['a JSON array', { body: [1, 2] }],
		['a bare JSON number', { body: '7', headers: { 'content-type': 'application/json' } }],
		['an empty body', { body: '', headers: { 'content-type': 'application/json' } }],
		['plain text', { body: 'upstream glitch', headers: { 'content-type': 'text/plain' } }],
	])('%s (not a JSON object) is retried, then a clear error at the timeout naming the task', async (_name, reply) => {
		const stub = await cometStub({ poll: () => reply });
		const result = await run(stub, generateParams({ options: { timeout: 2 } }));

		const error = expectClearError(result, /task-1/);
		expect(error.message).toMatch(/kept failing/i);
		expect(submits(stub)).toHaveLength(1);
		expect(polls(stub).length).toBeGreaterThanOrEqual(2);
	});

	test('"Task not found" on the first poll right after the submit is asked again, and the image arrives', async () => {
		const stub = await cometStub({
			poll: (_request, n, self) => (n === 0 ? { body: { id: 'task-1', status: 'Task not found' } } : { body: ready(self) }),
		});
		const result = await run(stub);

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		expect(submits(stub)).toHaveLength(1);
		expect(polls(stub)).toHaveLength(2);
	});

	test('wrong-typed optional fields (progress, seed, prompt) give null in the output, never undefined', async () => {
		const stub = await cometStub({
			poll: (_request, n, self) =>
				n === 0
					? { body: { id: 'task-1', status: 'Pending', progress: 'half', result: 'none', details: 5 } }
					: { body: { ...ready(self, { seed: 'x', prompt: 5, start_time: 'soon' }), progress: {} } },
		});
		const result = await run(stub);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const { json } = result.items[0];
		expect(json).toMatchObject({ taskId: 'task-1', status: 'Ready', imageUrl: `${stub.url}/img/1.png`, seed: null, prompt: null });
		expect(suspiciousValues(json)).toEqual([]);
		await expectImageBytes(result.items[0]);
	});

	test('a failed task with wrong-typed details still gives a readable error', async () => {
		const stub = await cometStub({
			poll: () => ({ body: { id: 'task-1', status: 'Error', details: { nested: { reason: ['a', 1] } }, error: 7 } }),
		});
		const result = await run(stub);

		const error = expectClearError(result, /task-1.*Error/);
		// CometAPI's own words are shown (in the message or the description), readably.
		expect(`${error.message} ${error.description ?? ''}`).toContain('nested');
	});

	test('Get Result: an answer without an id is read as the asked task', async () => {
		const stub = await cometStub({ poll: () => ({ body: { status: 'Ready' } }) });
		const result = await run(stub, getResultParams('asked-id'));

		expectClearError(result, /no image URL/);
		expect(polls(stub)[0].query.id).toBe('asked-id');
	});
});

describe('Replicate prediction answers', () => {
	test.each<[string, (stub: Stub) => unknown, RegExp]>([
		['succeeded with output null', () => ({ id: 'p1', status: 'succeeded', output: null }), /no image URL/],
		['succeeded with output a number', () => ({ id: 'p1', status: 'succeeded', output: 3 }), /no image URL/],
		['succeeded with output a list of non-URLs', () => ({ id: 'p1', status: 'succeeded', output: [1, null, {}] }), /no image URL/],
		['no id', () => ({ status: 'succeeded', output: [] }), /no prediction "id"/],
	])('submit answering %s: a clear error, submitted once', async (_name, answer, pattern) => {
		const stub = await cometStub({ submit: (_request, self) => ({ status: 201, body: answer(self) }) });
		const result = await run(stub, replicateParams());

		expectClearError(result, pattern);
		expect(submits(stub)).toHaveLength(1);
		await expectClearErrorItem(stub, replicateParams(), pattern);
	});

	test('a prediction polled into succeeded with a single URL string (not an array) is accepted', async () => {
		const stub = await cometStub({
			submit: () => ({ status: 201, body: { id: 'p1', status: 'processing', output: null, urls: { get: 'http://127.0.0.1:9/x' } } }),
			poll: (_request, _n, self) => ({ body: { id: 'p1', status: 'succeeded', output: `${self.url}/img/1.png`, input: 'x' } }),
		});
		const result = await run(stub, replicateParams());

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ taskId: 'p1', imageCount: 1, seed: null, prompt: null });
		expect(suspiciousValues(result.items[0].json)).toEqual([]);
		await expectImageBytes(result.items[0]);
		expect(polls(stub)[0].path).toBe('/replicate/v1/predictions/p1');
	});
});

describe('image host answers', () => {
	test.each<[string, StubReply]>([
		['an HTML page with 200 (a login wall or CDN error page)', { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>Sign in</body></html>' }],
		['an empty body with 200', { status: 200, headers: { 'content-type': 'image/png' }, body: '' }],
		['an SVG labelled image/png', { status: 200, headers: { 'content-type': 'image/png' }, body: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' }],
		['an HTML page labelled image/png', { status: 200, headers: { 'content-type': 'image/png' }, body: '<!doctype html><html><body>Sign in</body></html>' }],
		['an SVG labelled image/svg+xml', { status: 200, headers: { 'content-type': 'image/svg+xml' }, body: '<svg xmlns="http://www.w3.org/2000/svg"/>' }],
	])('%s is not saved as the image: a clear error naming the task', async (_name, reply) => {
		const stub = await cometStub({ image: () => reply });
		const result = await run(stub);

		expectClearError(result, /task-1/);
		expect(result.items).toHaveLength(0);
	});

	test('the bytes decide the type: a JPEG labelled image/png is saved as a JPEG', async () => {
		const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 1)]);
		const stub = await cometStub({ image: () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: jpeg }) });
		const result = await run(stub);

		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary?.data;
		expect(binary?.mimeType).toBe('image/jpeg');
		expect(binary?.fileName).toBe('task-1.jpg');
	});
});
