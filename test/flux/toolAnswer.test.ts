// What an AI Agent's model reads when it calls the node as a tool (the E2E test runs it in n8n).
import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { calledAsTool, toolAnswer } from '../../nodes/Flux/task/toolAnswer';
import type { Simulator } from '../simulator/index.ts';
import { fluxRunOk, useSimulator } from './helpers.ts';

const context = (type: string) => ({ getItemIndex: () => 0, getNode: () => ({ type }) }) as unknown as IExecuteSingleFunctions;
const now = Date.parse('2026-01-01T12:00:00Z');
const task = (imageUrls: string[]) => ({ id: 'task-1', status: 'Ready', imageUrls, prompt: 'A fox', raw: { result: { sample: imageUrls[0], huge: 'x'.repeat(100_000) } } });

test('n8n runs a node as a tool under its type with a Tool suffix', () => {
	expect(calledAsTool(context('n8n-nodes-cometapi.fluxTool'))).toBe(true);
	expect(calledAsTool(context('n8n-nodes-cometapi.flux'))).toBe(false);
});

test('the answer holds the link, the task, the model, the prompt and when the link expires, and nothing raw', () => {
	const url = 'https://delivery.example/img.jpeg?se=2026-01-01T12%3A09%3A00Z&sig=abc';
	const [item] = toolAnswer(context('x.fluxTool'), task([url]), { model: 'flux-dev', prompt: 'typed' }, now);
	expect(item.json).toEqual({
		imageUrl: url,
		taskId: 'task-1',
		model: 'flux-dev',
		prompt: 'A fox',
		linkExpiresAt: '2026-01-01T12:09:00.000Z',
		linkValidFor: 'about 9 minutes from now',
		note: expect.any(String),
	});
	expect(item.binary).toBeUndefined();
	expect(JSON.stringify(item.json).length).toBeLessThan(600);
});

test('several images are all listed; a link without an expiry gets the usual 10 minutes', () => {
	const [item] = toolAnswer(context('x.fluxTool'), task(['https://a.example/1.png', 'https://a.example/2.png']), {}, now);
	expect(item.json.imageUrl).toBe('https://a.example/1.png');
	expect(item.json.imageUrls).toEqual(['https://a.example/1.png', 'https://a.example/2.png']);
	expect(item.json.linkExpiresAt).toBeNull();
	expect(item.json.linkValidFor).toBe('about 10 minutes from now');
	expect(item.json.model).toBeNull();
});

describe('run as an AI Agent tool in the engine', () => {
	let sim: Simulator;
	useSimulator({ generationMs: 150 }, (started) => (sim = started));
	const asTool = { typeName: 'n8n-nodes-cometapi.fluxTool' };

	test('without waiting, the model gets the task, its status and how to collect it, not the raw submit answer', async () => {
		const result = await fluxRunOk(
			sim,
			{ operation: 'generate', model: 'flux-dev', prompt: 'A fox in snow', waitForCompletion: false },
			asTool,
		);
		expect(result.items).toHaveLength(1);
		const { json } = result.items[0];
		expect(json).toEqual({
			taskId: expect.any(String),
			status: expect.any(String),
			imageReady: false,
			model: 'flux-dev',
			prompt: 'A fox in snow',
			note: expect.stringMatching(/Get Result/),
		});
		expect(sim.task(json.taskId as string)?.model).toBe('flux-dev');
		expect(result.items[0].binary).toBeUndefined();
		expect(JSON.stringify(json).length).toBeLessThan(600);
	});

	test('Get Result without waiting, on a task still running: the same small answer', async () => {
		sim.configure({ generationMs: 2000 });
		const submitted = await fluxRunOk(sim, { operation: 'generate', model: 'flux-dev', prompt: 'A fox', waitForCompletion: false });
		const taskId = submitted.items[0].json.id as string;
		const result = await fluxRunOk(sim, { operation: 'getResult', taskId, waitForCompletion: false }, asTool);
		expect(result.items[0].json).toEqual({
			taskId,
			status: expect.any(String),
			imageReady: false,
			model: null,
			prompt: null,
			note: expect.stringMatching(/Get Result/),
		});
	});
});
