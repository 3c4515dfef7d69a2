import { Flux } from '../../nodes/Flux/Flux.node';
import { binaryBuffer, runNode } from '../harness/index.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ generationMs: 200 });
});
afterAll(async () => sim.close());

test('smoke: generate', async () => {
	const result = await runNode({
		nodeType: new Flux(),
		parameters: { operation: 'generate', model: 'flux-dev', prompt: 'a cat', additionalFields: { width: 512, steps: 10 }, options: { pollInterval: 0.1 } },
		credentials: { cometApi: { apiKey: sim.apiKey, baseUrl: sim.url } },
	});
	console.log(result.status, result.error?.message, (result.error as any)?.description, JSON.stringify(result.items.map((i) => ({ ...i.json, response: undefined, bin: Object.keys(i.binary ?? {}) }))));
	console.log(sim.requests.map((r) => `${r.origin} ${r.method} ${r.path} ${r.authorization ?? ''} ${JSON.stringify(r.body ?? '')}`).join('\n'));
	const bytes = await binaryBuffer(result.items[0]);
	console.log(bytes.length, result.items[0].binary?.data.mimeType, result.items[0].binary?.data.fileName, result.items[0].pairedItem);
});
