import type { INodeParameters } from 'n8n-workflow';

import { startSimulator, type Simulator } from '../simulator/index.ts';
import { delay, items, runFlux } from './run.ts';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ generationMs: 100 });
});
afterAll(async () => sim.close());

const bfl = (prompt: string): INodeParameters => ({ operation: 'generate', model: 'flux-dev', prompt });
const replicate = (prompt: string): INodeParameters => ({
	operation: 'replicatePredict',
	model: 'black-forest-labs/flux-schnell',
	prompt,
});

interface StatusCase {
	/** Parameters for one task that ends in the status (prompt marker). */
	parameters: (prompt: string) => INodeParameters;
	marker: string;
	/** The status the API reports, as the message must quote it. */
	status: string | RegExp;
	/** The node's explanation of the status. */
	why: RegExp;
	/** CometAPI's own words about the failure, when the simulator gives some. */
	said?: RegExp;
}

const statusCases: Array<[string, StatusCase]> = [
	['BFL Error', { parameters: bfl, marker: '[error]', status: 'Error', why: /could not be generated/, said: /Simulated generation error: the model crashed/ }],
	['BFL Content Moderated', { parameters: bfl, marker: '[content-moderated]', status: 'Content Moderated', why: /moderation/, said: /Derivative Works/ }],
	['BFL Request Moderated', { parameters: bfl, marker: '[request-moderated]', status: 'Request Moderated', why: /moderation/, said: /Derivative Works/ }],
	['BFL Failed', { parameters: bfl, marker: '[failed]', status: 'Failed', why: /could not be generated/, said: /Simulated task failure/ }],
	['Replicate failed', { parameters: replicate, marker: '[failed]', status: 'failed', why: /prediction failed/, said: /CUDA error: out of memory/ }],
	['Replicate failed (flagged as sensitive)', { parameters: replicate, marker: '[content-moderated]', status: 'failed', why: /prediction failed/, said: /flagged as sensitive \(E005\)/ }],
	// "cancelled" is fine too: n8n marks a run "canceled" when its error message contains that word.
	['Replicate canceled', { parameters: replicate, marker: '[canceled]', status: /cancell?ed/i, why: /cancell?ed/i }],
	['Replicate aborted', { parameters: replicate, marker: '[aborted]', status: 'aborted', why: /aborted/ }],
];

const quoted = (status: string | RegExp) => (typeof status === 'string' ? `"${status}"` : status);

describe.each(statusCases)('%s', (_title, c) => {
	test('the run fails naming the task, the status, why, and what CometAPI said', async () => {
		const run = await runFlux(sim, c.parameters(`a lighthouse ${c.marker}`));
		// An error of the task, not a stop by the user: the execution is an error, not "canceled".
		expect(run.status).toBe('error');
		expect(run.error?.name).toBe('NodeApiError');
		const message = run.error?.message ?? '';
		const taskId = /Task (\S+)/.exec(message)?.[1] ?? '';
		expect(sim.task(taskId)).toBeDefined();
		expect(message).toContain(typeof c.status === 'string' ? quoted(c.status) : '');
		expect(message).toMatch(c.status);
		expect(message).toMatch(c.why);
		expect(run.submits).toBe(1);
		expect(run.downloads).toBe(0);
		// CometAPI's words belong in the message itself: with "On Error: Continue", n8n keeps only
		// the message in the item's json (the description is dropped there).
		if (c.said) expect(message).toMatch(c.said);
	});

	test('with continueOnFail the item carries the error and the other item still gets its image', async () => {
		const run = await runFlux(sim, c.parameters('={{ $json.prompt }}'), {
			items: items(2, (i) => ({ prompt: i === 0 ? `a lighthouse ${c.marker}` : 'a lighthouse' })),
			continueOnFail: true,
		});
		expect(run.status).toBe('success');
		expect(run.items).toHaveLength(2);
		const [failed, good] = run.items;
		expect(failed.pairedItem).toEqual({ item: 0 });
		expect(failed.error).toBeDefined();
		expect(failed.binary).toBeUndefined();
		expect(String(failed.json.error)).toMatch(c.status);
		expect(String(failed.json.error)).toMatch(c.why);

		expect(good.pairedItem).toEqual({ item: 1 });
		expect(good.error).toBeUndefined();
		expect(good.json.prompt).toBe('a lighthouse');
		expect(good.binary?.data).toBeDefined();

		if (c.said) expect(String(failed.json.error)).toMatch(c.said);
	});
});

describe('Task not found (Get Result with an unknown ID)', () => {
	test.each([
		['bfl', 'unknown-bfl-task-123'],
		['replicate', 'unknownreplicatetask123'],
	])('%s: the run fails naming the ID and why', async (resultFormat, taskId) => {
		const run = await runFlux(sim, { operation: 'getResult', taskId, resultFormat });
		expect(run.status).toBe('error');
		expect(run.error?.message).toContain(taskId);
		expect(run.error?.message).toContain('"Task not found"');
		expect(run.error?.message).toMatch(/ID is wrong|expired/);
		// Asked once, not polled until the timeout.
		expect(run.requests).toHaveLength(1);
	});

	test('with continueOnFail the unknown ID fails its item and a known one is collected', async () => {
		const submitted = await runFlux(sim, { ...bfl('a lighthouse'), waitForCompletion: false });
		const knownId = String(submitted.items[0]?.json.id);
		expect(sim.task(knownId)).toBeDefined();
		await delay(Math.max(0, (sim.readyAt(knownId) ?? 0) - Date.now()) + 20);

		const run = await runFlux(sim, { operation: 'getResult', taskId: '={{ $json.id }}' }, {
			items: [{ json: { id: 'unknown-bfl-task-456' } }, { json: { id: knownId } }],
			continueOnFail: true,
		});
		expect(run.status).toBe('success');
		const [unknown, known] = run.items;
		expect(unknown.pairedItem).toEqual({ item: 0 });
		expect(unknown.json.error).toMatch(/unknown-bfl-task-456.*Task not found/);
		expect(known.pairedItem).toEqual({ item: 1 });
		expect(known.json.taskId).toBe(knownId);
		expect(known.json.status).toBe('Ready');
		expect(known.binary?.data).toBeDefined();
	});
});

test('3 items, the middle one moderated: with continueOnFail the others produce their images', async () => {
	const run = await runFlux(sim, bfl('={{ $json.prompt }}'), {
		items: items(3, (i) => ({ prompt: i === 1 ? 'a lighthouse [content-moderated]' : `a lighthouse ${i}` })),
		continueOnFail: true,
	});
	expect(run.status).toBe('success');
	expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	const [first, moderated, last] = run.items;
	expect(first.json.prompt).toBe('a lighthouse 0');
	expect(first.binary?.data).toBeDefined();
	expect(last.json.prompt).toBe('a lighthouse 2');
	expect(last.binary?.data).toBeDefined();
	expect(moderated.error).toBeDefined();
	expect(moderated.binary).toBeUndefined();
	expect(moderated.json.error).toMatch(/"Content Moderated"/);
	expect(run.submits).toBe(3);
	expect(run.downloads).toBe(2);
});

test('3 items, the middle one moderated: without continueOnFail the run fails with the moderation', async () => {
	const run = await runFlux(sim, bfl('={{ $json.prompt }}'), {
		items: items(3, (i) => ({ prompt: i === 1 ? 'a lighthouse [content-moderated]' : `a lighthouse ${i}` })),
	});
	expect(run.status).toBe('error');
	expect(run.error?.message).toMatch(/"Content Moderated"/);
	expect((run.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);
});

describe('submit refused', () => {
	test.each([
		['Generate', bfl('a lighthouse [no-credits]')],
		['Replicate Predict', replicate('a lighthouse [no-credits]')],
	])('%s: no credits (402) gives a NodeApiError with CometAPI\'s message, sent once', async (_title, parameters) => {
		const run = await runFlux(sim, parameters);
		expect(run.status).toBe('error');
		expect(run.error?.name).toBe('NodeApiError');
		expect((run.error as { httpCode?: string }).httpCode).toBe('402');
		expect(run.error?.message).toMatch(/Insufficient credits: please top up your CometAPI balance/);
		expect(run.submits).toBe(1);
		expect(run.polls).toBe(0);
	});

	const wrongKey = 'sk-FAKE-wrong-key-4f1d9c8e7b6a5d4c';

	test.each([
		['Generate', bfl('a lighthouse')],
		['Replicate Predict', replicate('a lighthouse')],
		['Get Result', { operation: 'getResult', taskId: 'some-task-id' } as INodeParameters],
	])('%s: a wrong key (401) gives CometAPI\'s message and the key appears nowhere in the error', async (_title, parameters) => {
		const run = await runFlux(sim, parameters, { apiKey: wrongKey });
		expect(run.status).toBe('error');
		expect(run.error?.name).toBe('NodeApiError');
		expect((run.error as { httpCode?: string }).httpCode).toBe('401');
		expect(run.error?.message).toMatch(/Invalid token/);
		// The key was really sent, once (no retry of a 401).
		expect(run.requests).toHaveLength(1);
		expect(run.requests[0].authorization).toBe(`Bearer ${wrongKey}`);

		expect(run.error?.message).not.toContain(wrongKey);
		expect(run.error?.description ?? '').not.toContain(wrongKey);
		expect(JSON.stringify(run.error)).not.toContain(wrongKey);
		expect(JSON.stringify(run.run)).not.toContain(wrongKey);
		expect(JSON.stringify(run.error)).not.toContain('FAKE-wrong-key');
	});

	test('a wrong key with continueOnFail: the item\'s error does not carry the key either', async () => {
		const run = await runFlux(sim, bfl('a lighthouse'), { apiKey: wrongKey, continueOnFail: true });
		expect(run.status).toBe('success');
		expect(run.items[0].json.error).toMatch(/Invalid token/);
		expect(JSON.stringify(run.items)).not.toContain(wrongKey);
		expect(JSON.stringify(run.items[0].error)).not.toContain(wrongKey);
	});
});
