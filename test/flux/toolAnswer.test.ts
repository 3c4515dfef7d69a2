// What an AI Agent's model reads when it calls the node as a tool (the E2E test runs it in n8n).
import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { calledAsTool, toolAnswer } from '../../nodes/Flux/task/toolAnswer';

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
