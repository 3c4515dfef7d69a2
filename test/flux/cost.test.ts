/**
 * What each image cost: BFL's FLUX.2 submit answer states `cost`, `input_mp` and `output_mp`; the
 * node puts them in each output item (null when the answer does not state them) and, in tool mode,
 * the cost in the small answer. Run through n8n's real engine against the simulator, whose polls
 * do not repeat the cost: it must survive the wait.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Simulator, WireShape } from '../simulator/index.ts';
import { fluxRunOk, useSimulator } from './helpers.ts';

const URL_A = 'https://example.com/a.png';
const rl = (value: string) => ({ __rl: true, mode: 'list', value });
const flux2 = { operation: 'generate', model: rl('flux-2-pro'), prompt: 'A fox', additionalFields: { width: 2048, height: 1024, input_image: URL_A } };
// 2 output megapixels and one input image: 3 + 1.5 + 1.5 credits at the simulator's prices.
const stated = { cost: 6, inputMegapixels: 1, outputMegapixels: 2 };

describe.each<WireShape>(['raw', 'envelope'])('the cost of a FLUX.2 image (%s answers)', (wire) => {
	let sim: Simulator;
	useSimulator({ generationMs: 150, wire }, (started) => (sim = started));

	test('each output item carries cost, inputMegapixels and outputMegapixels as the submit answer stated them', async () => {
		const result = await fluxRunOk(sim, flux2);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject(stated);
		// The answer in the item is the last poll's, which does not restate the cost.
		expect(JSON.stringify(result.items[0].json.response)).not.toMatch(/"cost"/);
	});

	test('without waiting, the submit answer is returned as is, cost included', async () => {
		const result = await fluxRunOk(sim, { ...flux2, waitForCompletion: false });
		expect(JSON.stringify(result.items[0].json)).toMatch(/"cost":6,"input_mp":1,"output_mp":2/);
	});

	test('in tool mode the small answer adds the cost', async () => {
		const waited = await fluxRunOk(sim, flux2, { typeName: 'n8n-nodes-cometapi.fluxTool' });
		expect(waited.items[0].json.cost).toBe(6);
		const pending = await fluxRunOk(sim, { ...flux2, waitForCompletion: false }, { typeName: 'n8n-nodes-cometapi.fluxTool' });
		expect(pending.items[0].json).toMatchObject({ imageReady: false, cost: 6 });
	});
});

describe('models whose answers state no cost', () => {
	let sim: Simulator;
	useSimulator({ generationMs: 150 }, (started) => (sim = started));

	test('the cost fields are null: never a price the API did not state', async () => {
		const bfl = await fluxRunOk(sim, { operation: 'generate', model: rl('flux-pro-1.1'), prompt: 'A fox' });
		const replicate = await fluxRunOk(sim, { operation: 'replicatePredict', model: rl('black-forest-labs/flux-schnell'), prompt: 'A fox' });
		for (const item of [...bfl.items, ...replicate.items]) {
			expect(item.json as IDataObject).toMatchObject({ cost: null, inputMegapixels: null, outputMegapixels: null });
		}
	});

	test('in tool mode the small answer has no cost at all', async () => {
		const result = await fluxRunOk(sim, { operation: 'generate', model: rl('flux-pro-1.1'), prompt: 'A fox' }, { typeName: 'n8n-nodes-cometapi.fluxTool' });
		expect(result.items[0].json).not.toHaveProperty('cost');
	});
});
