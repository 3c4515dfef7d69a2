/**
 * Shapes CometAPI is known to answer in beyond its doc pages (shared/reference/cometapi-flux-api.md,
 * "What CometAPI actually answers"), each run through the engine. The simulator's `wire` setting
 * serves the task envelope to the operation test files; the rarer shapes, and answers where the
 * envelope and the provider's answer disagree, come from a tiny local server here.
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
	useCometStubs,
	type RunNodeResult,
	type Stub,
} from '../reliability/support.ts';

const PNG = gradientPng(16, 16, 3);

const cometStub = useCometStubs({
	png: PNG,
	submit: () => ({ body: { id: 'task-1', status: 'Pending' } }),
	poll: () => {
		throw new Error('each test answers its polls');
	},
});
const run = async (stub: Stub, parameters: INodeParameters): Promise<RunNodeResult> =>
	await runFlux({ parameters, credentials: credentials(stub.url) });
const polls = stubPolls;
const submits = stubSubmits;

/** CometAPI's task envelope around a provider answer. */
const envelope = (status: string, inner: unknown, more: Record<string, unknown> = {}) => ({
	code: 'success',
	message: '',
	data: { task_id: 'task-1', action: 'generate', status, fail_reason: '', progress: '0%', data: inner, ...more },
});
const bflReady = (stub: Stub) => ({ id: 'task-1', status: 'Ready', result: { sample: `${stub.url}/img/1.png`, seed: 5, prompt: 'p' } });
const prediction = (stub: Stub, status = 'succeeded') => ({
	id: 'p1',
	status,
	input: { prompt: 'p', seed: 9 },
	output: status === 'succeeded' ? [`${stub.url}/img/1.png`] : null,
});

function expectDelivered(result: RunNodeResult, taskId: string) {
	if (result.error) throw result.error;
	expect(result.items).toHaveLength(1);
	expect(result.items[0].json).toMatchObject({ taskId });
}

describe('create answers', () => {
	test('BFL submit {id, status: "Pending"} without polling_url: polled on CometAPI by its id', async () => {
		const stub = await cometStub({ poll: (_r, _n, self) => ({ body: bflReady(self) }) });
		const result = await run(stub, generateParams());
		expectDelivered(result, 'task-1');
		expect(polls(stub)[0]).toMatchObject({ path: '/flux/v1/get_result', query: { id: 'task-1' } });
		await expectImageBytes(result.items[0]);
	});

	test('Replicate create with the id at data.id: polled by that id', async () => {
		const stub = await cometStub({
			submit: () => ({ status: 201, body: { code: 'success', message: '', data: { id: 'p1', status: 'starting' } } }),
			poll: (_r, _n, self) => ({ body: envelope('SUCCESS', prediction(self), { task_id: 'p1' }) }),
		});
		const result = await run(stub, replicateParams());
		expectDelivered(result, 'p1');
		expect(result.items[0].json).toMatchObject({ seed: 9, prompt: 'p' });
		expect(polls(stub)[0].path).toBe('/replicate/v1/predictions/p1');
	});

	test.each([
		['Replicate create {id} (CometAPI\'s own code reads only the id)', replicateParams, { id: 'p1' }, '/replicate/v1/predictions/p1'],
		['Replicate create {data: {id}}', replicateParams, { data: { id: 'p1' } }, '/replicate/v1/predictions/p1'],
		['BFL submit {id}', generateParams, { id: 'p1' }, '/flux/v1/get_result'],
	])('%s without a status: the task was made, so it is polled, not failed', async (_name, params, answer, pollPath) => {
		const stub = await cometStub({
			submit: () => ({ status: 201, body: answer }),
			poll: (_r, _n, self) => ({ body: params === replicateParams ? prediction(self) : { ...bflReady(self), id: 'p1' } }),
		});
		const result = await run(stub, params());
		expectDelivered(result, 'p1');
		expect(polls(stub)[0].path).toBe(pollPath);
		expect(submits(stub)).toHaveLength(1);
	});

	test('the top-level id is read before the one inside data', async () => {
		const stub = await cometStub({
			submit: () => ({ status: 201, body: { id: 'p1', data: { id: 'inner-id', status: 'starting' } } }),
			poll: (_r, _n, self) => ({ body: prediction(self) }),
		});
		const result = await run(stub, replicateParams());
		expectDelivered(result, 'p1');
		expect(polls(stub).map((r) => r.path)).toEqual(['/replicate/v1/predictions/p1']);
	});

	test('BFL submit in the task envelope: the id at data.task_id', async () => {
		const stub = await cometStub({
			submit: () => ({ body: envelope('SUBMITTED', { id: 'task-1', status: 'Pending' }) }),
			poll: (_r, _n, self) => ({ body: envelope('SUCCESS', bflReady(self), { progress: '100%' }) }),
		});
		const result = await run(stub, generateParams());
		expectDelivered(result, 'task-1');
		expect(result.items[0].json).toMatchObject({ status: 'SUCCESS', seed: 5, prompt: 'p' });
	});
});

describe('the envelope and the provider answer', () => {
	test('the envelope\'s FAILURE decides over an inner "succeeded", and its fail_reason is the error', async () => {
		const stub = await cometStub({
			submit: () => ({ status: 201, body: prediction(stub, 'starting') }),
			poll: (_r, _n, self) => ({
				body: envelope('FAILURE', prediction(self), { task_id: 'p1', fail_reason: 'upstream refused: quota of the channel' }),
			}),
		});
		const result = await run(stub, replicateParams());
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Task p1 ended "FAILURE"/);
		expect(result.error?.message).toContain('CometAPI says: upstream refused: quota of the channel');
	});

	test('the envelope\'s IN_PROGRESS keeps waiting although the inner answer says succeeded', async () => {
		const stub = await cometStub({
			submit: () => ({ status: 201, body: prediction(stub, 'starting') }),
			poll: (_r, n, self) => ({
				body: envelope(n < 2 ? 'IN_PROGRESS' : 'SUCCESS', prediction(self), { task_id: 'p1' }),
			}),
		});
		const result = await run(stub, replicateParams());
		expectDelivered(result, 'p1');
		expect(polls(stub)).toHaveLength(3);
	});

	test('the envelope\'s progress ("80%") brings the next poll forward like BFL\'s progress', async () => {
		const stub = await cometStub({
			submit: () => ({ status: 201, body: envelope('SUBMITTED', prediction(stub, 'starting'), { task_id: 'p1' }) }),
			poll: (_r, n, self) => ({
				body:
					n === 0
						? envelope('IN_PROGRESS', prediction(self, 'processing'), { task_id: 'p1', progress: '80%' })
						: envelope('SUCCESS', prediction(self), { task_id: 'p1', progress: '100%' }),
			}),
		});
		const result = await run(stub, replicateParams({ options: { pollInterval: 1.5, preferWait: 1 } }));
		expectDelivered(result, 'p1');
		const [first, second] = polls(stub).map((r) => r.at);
		// 80 % done 1.5 s after the submit: it ends about 0.4 s later, not a whole interval later.
		expect(second - first).toBeLessThan(1000);
	});

	test('Get Result reads a get_result answer in the envelope', async () => {
		const stub = await cometStub({ poll: (_r, _n, self) => ({ body: envelope('SUCCESS', bflReady(self)) }) });
		const result = await run(stub, getResultParams('task-1'));
		expectDelivered(result, 'task-1');
		expect(submits(stub)).toHaveLength(0);
	});
});

describe('CometAPI\'s refusals inside a 200 answer', () => {
	test.each([
		['{code, message, data: null}', { code: 'insufficient_user_quota', message: 'user quota is not enough', data: null }],
		['an envelope with code != success and no task', { code: 'fail', message: 'user quota is not enough', data: {} }],
	])('a submit answered %s: the error quotes CometAPI\'s message, nothing polled', async (_name, answer) => {
		const stub = await cometStub({ submit: () => ({ body: answer }) });
		const result = await run(stub, generateParams());
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('user quota is not enough');
		expect(submits(stub)).toHaveLength(1);
		expect(polls(stub)).toHaveLength(0);
	});
});

describe('statuses', () => {
	test.each([
		['BFL upper-cased', 'PENDING', 'READY'],
		['BFL lower-cased', 'pending', 'ready'],
		['envelope lower-cased', 'in_progress', 'success'],
	])('%s statuses are matched without regard to case', async (name, waiting, done) => {
		const enveloped = name.startsWith('envelope');
		const stub = await cometStub({
			poll: (_r, n, self) => {
				const inner = n === 0 ? { id: 'task-1', status: enveloped ? 'Pending' : waiting } : { ...bflReady(self), status: enveloped ? 'Ready' : done };
				return { body: enveloped ? envelope(n === 0 ? waiting : done, inner) : inner };
			},
		});
		const result = await run(stub, generateParams());
		expectDelivered(result, 'task-1');
		expect(polls(stub)).toHaveLength(2);
	});

	test('the envelope\'s CANCELLED fails the task at once, with its fail_reason', async () => {
		const stub = await cometStub({
			poll: () => ({ body: envelope('CANCELLED', { id: 'task-1', status: 'Pending' }, { fail_reason: 'cancelled by the channel' }) }),
		});
		const result = await run(stub, generateParams({ options: { timeout: 3 } }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Task task-1 ended "CANCELLED"/);
		expect(result.error?.message).toContain('cancelled by the channel');
		expect(polls(stub)).toHaveLength(1);
	});

	test('a status the table does not know keeps the task waiting, and the image is delivered', async () => {
		const stub = await cometStub({
			poll: (_r, n, self) => ({ body: n < 2 ? { id: 'task-1', status: 'Warming Up' } : bflReady(self) }),
		});
		const result = await run(stub, generateParams());
		expectDelivered(result, 'task-1');
		expect(polls(stub)).toHaveLength(3);
	});

	test('an unknown status until the timeout: the error names the task ID and the last status seen', async () => {
		const stub = await cometStub({ poll: () => ({ body: envelope('EXPLODED', { id: 'task-1' }) }) });
		const result = await run(stub, generateParams({ options: { timeout: 1 } }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Task task-1 was still "EXPLODED"/);
		expect(polls(stub).length).toBeGreaterThan(1);
		expect(submits(stub)).toHaveLength(1);
	});
});

describe('a web page instead of the API', () => {
	test('a 200 HTML page from /flux/v1/{model}: a clear error pointing to the key\'s access or Replicate Predict, not retried', async () => {
		const stub = await cometStub({
			submit: () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>CometAPI</body></html>' }),
			poll: () => ({ status: 500 }),
		});
		const result = await run(stub, generateParams());
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/CometAPI answered a web page \(HTML\) instead of the API/);
		const description = (result.error as { description?: string }).description ?? '';
		expect(description).toMatch(/access/);
		expect(description).toMatch(/Replicate Predict/);
		expect(submits(stub)).toHaveLength(1);
		expect(polls(stub)).toHaveLength(0);
	});

	test.each([
		['bfl', '/flux/v1/get_result', /Replicate Predict/],
		['replicate', '/replicate/v1/predictions/task-1', /access/],
	])('Get Result (%s): a 200 HTML page on the first lookup fails at once with the same advice, not retried', async (format, path, advice) => {
		const stub = await cometStub({
			poll: () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>CometAPI</body></html>' }),
		});
		const started = Date.now();
		const result = await run(stub, getResultParams('task-1', { timeout: 20 }, format));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/CometAPI answered a web page \(HTML\) instead of the API \(GET /);
		const description = (result.error as { description?: string }).description ?? '';
		expect(description).toMatch(/access/);
		expect(description).toMatch(advice);
		expect(polls(stub).map((r) => r.path)).toEqual([path]);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	test('Get Result: once CometAPI has answered for the task, a 200 HTML page is a passing fault, retried', async () => {
		const stub = await cometStub({
			poll: (_r, n, self) => {
				if (n === 0) return { body: { id: 'task-1', status: 'Pending' } };
				if (n === 1) return { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html></html>' };
				return { body: bflReady(self) };
			},
		});
		const result = await run(stub, getResultParams('task-1', { pollInterval: 0.2 }));
		expectDelivered(result, 'task-1');
		expect(polls(stub)).toHaveLength(3);
	});
});
