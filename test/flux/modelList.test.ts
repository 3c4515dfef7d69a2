/**
 * The Model list of version 2 (listSearch), run as the editor runs it (a LoadOptionsContext with
 * the node's credential) against the simulator's GET /v1/models: the catalogue merged with the
 * route's listed Flux models, and the catalogue alone, with no error, whenever the list cannot help.
 */
import type { INodeListSearchItems, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Flux } from '../../nodes/Flux/Flux.node';
import { catalogues, describeRange, findModel, type FieldSpec } from '../../nodes/Flux/catalogue';
import { runListSearch } from '../harness/list-search.ts';
import type { Fault, Simulator } from '../simulator/index.ts';
import { apiRequests, fluxCredentials, useSimulator } from './helpers.ts';

let sim: Simulator;
useSimulator({ generationMs: 50 }, (started) => (sim = started));

const node = new Flux();
const methods = { bfl: 'searchBflModels', replicate: 'searchReplicateModels' } as const;
type Route = keyof typeof methods;

async function search(route: Route, filter?: string, credentials = fluxCredentials(sim)!): Promise<INodeListSearchItems[]> {
	return (await runListSearch({ nodeType: node, method: methods[route], credentials, filter })).results;
}

const values = (items: INodeListSearchItems[]) => items.map((item) => item.value);
const catalogueIds = (route: Route) => catalogues[route].models.map((model) => model.id);
const catalogueEntries = (route: Route) =>
	catalogues[route].models.map((model) => ({ name: model.name, value: model.id, description: model.id }));

describe('the list: the catalogue, then the Flux models CometAPI lists that it does not describe', () => {
	test('BFL: catalogue names first; a listed flux-2-klein is marked not yet described; no chat or Replicate IDs', async () => {
		const results = await search('bfl');
		expect(results.slice(0, catalogueIds('bfl').length)).toEqual(catalogueEntries('bfl'));
		expect(results.find((item) => item.value === 'flux-pro-1.0-fill')?.name).toBe('FLUX.1 Fill [pro] (inpaint with a mask)');
		expect(results.slice(catalogueIds('bfl').length)).toEqual(
			['flux-2-klein', 'flux-2-klein-4b', 'flux-2-klein-9b'].map((id) => ({
				name: `${id} (not yet described)`,
				value: id,
				description: 'Listed by CometAPI; offered with the fields of FLUX.2 [klein]',
			})),
		);
		expect(values(results)).not.toContain('gpt-4o');
		expect(values(results).some((id) => String(id).includes('/'))).toBe(false);
	});

	test('Replicate: only black-forest-labs models; one the catalogue lacks is added, once', async () => {
		sim.configure({
			listedModels: ['black-forest-labs/flux-2-pro', 'black-forest-labs/flux-2-klein-4b', 'black-forest-labs/flux-2-klein-4b', 'flux-2-klein', 'gpt-4o', 'stability-ai/sdxl'],
		});
		const results = await search('replicate');
		expect(results.slice(0, catalogueIds('replicate').length)).toEqual(catalogueEntries('replicate'));
		expect(results.slice(catalogueIds('replicate').length)).toEqual([
			{
				name: 'black-forest-labs/flux-2-klein-4b (not yet described)',
				value: 'black-forest-labs/flux-2-klein-4b',
				description: expect.stringMatching(/^Listed by CometAPI/),
			},
		]);
	});

	test('one GET /v1/models per search, to the credential base URL, with the key', async () => {
		await search('bfl');
		await search('replicate', 'pro');
		const listed = apiRequests(sim, { method: 'GET', path: '/v1/models' });
		expect(listed).toHaveLength(2);
		expect(listed.map((request) => request.authorization)).toEqual([`Bearer ${sim.apiKey}`, `Bearer ${sim.apiKey}`]);
		expect(sim.requests.filter((request) => request.origin !== 'api')).toEqual([]);
	});
});

describe('search filters by name or ID, case-insensitive', () => {
	test('BFL: "fill" by name, "FLUX-2" by ID, "klein" finds a listed model', async () => {
		expect(values(await search('bfl', 'Fill'))).toEqual(['flux-pro-1.0-fill', 'flux-pro-1.0-fill-finetuned']);
		expect(values(await search('bfl', 'FLUX-2'))).toEqual(['flux-2-pro', 'flux-2-max', 'flux-2-flex', 'flux-2-klein', 'flux-2-klein-4b', 'flux-2-klein-9b']);
		expect(values(await search('bfl', '  klein '))).toEqual(['flux-2-klein', 'flux-2-klein-4b', 'flux-2-klein-9b']);
		expect(await search('bfl', 'midjourney')).toEqual([]);
	});

	test('Replicate: "kontext"', async () => {
		expect(values(await search('replicate', 'kontext'))).toEqual([
			'black-forest-labs/flux-kontext-pro',
			'black-forest-labs/flux-kontext-max',
		]);
	});
});

describe('when /v1/models cannot help, the list is the catalogue, search still filters, no error', () => {
	const failures: Array<[string, Omit<Fault, 'route'>]> = [
		['a 500', { kind: 'status', status: 500 }],
		['an HTML page', { kind: 'html' }],
		['a dropped connection', { kind: 'reset' }],
	];
	test.each(failures)('%s', async (_name, fault) => {
		for (const route of ['bfl', 'replicate'] as const) {
			sim.inject({ route: 'models', ...fault });
			expect(await search(route)).toEqual(catalogueEntries(route));
			sim.inject({ route: 'models', ...fault });
			expect(values(await search(route, 'kontext'))).toEqual(catalogueIds(route).filter((id) => id.includes('kontext')));
		}
	});

	test('a list with no Flux model', async () => {
		sim.configure({ listedModels: ['gpt-4o', 'mj_imagine'] });
		expect(await search('bfl')).toEqual(catalogueEntries('bfl'));
		expect(await search('replicate')).toEqual(catalogueEntries('replicate'));
		expect(values(await search('bfl', 'depth'))).toEqual(['flux-pro-1.0-depth', 'flux-pro-1.0-depth-finetuned']);
	});

	test('a key CometAPI refuses (401)', async () => {
		const wrongKey = { cometApi: { apiKey: 'not-the-key', baseUrl: sim.url } };
		expect(await search('replicate', undefined, wrongKey)).toEqual(catalogueEntries('replicate'));
		expect(apiRequests(sim, { path: '/v1/models' }).length).toBeGreaterThan(0);
		sim.reset(); // the refused key on the log is this test's point, not a leak
	});

	test('an unreachable base URL', async () => {
		const results = await search('bfl', 'depth', { cometApi: { apiKey: sim.apiKey, baseUrl: 'http://127.0.0.1:9' } });
		expect(values(results)).toEqual(['flux-pro-1.0-depth', 'flux-pro-1.0-depth-finetuned']);
	});

	test('a redirect to another host is not followed: the key stays on the base URL', async () => {
		sim.inject({ route: 'models', kind: 'redirect', location: `${sim.pollingOrigin}/v1/models` });
		expect(await search('bfl')).toEqual(catalogueEntries('bfl'));
		expect(sim.requests.filter((request) => request.origin !== 'api')).toEqual([]);
	});

	test('an answer slower than the 10 s list timeout', async () => {
		sim.inject({ route: 'models', kind: 'slow', delayMs: 15_000 });
		const started = Date.now();
		expect(values(await search('bfl', 'ultra'))).toEqual(['flux-pro-1.1-ultra', 'flux-pro-1.1-ultra-finetuned']);
		expect(Date.now() - started).toBeLessThan(14_000);
	}, 30_000);
});

describe('what the editor offers for a model picked from the list (n8n\'s own display rules)', () => {
	const offeredBy = (operation: string, model: INodeParameters[string]) => {
		const fields = node.description.properties.find((p) => p.name === 'additionalFields' && p.displayOptions?.show?.operation?.[0] === operation)!;
		return (fields.options as INodeProperties[]).filter((option) =>
			NodeHelpers.displayParameterPath({ '@version': 2, model, operation }, option, 'additionalFields', null, node.description),
		);
	};
	const shown = (model: INodeParameters[string]) => offeredBy('generate', model);
	const names = (model: INodeParameters[string]) => shown(model).map((option) => option.name);

	test('FLUX.1 Fill [pro]: Image and Mask, each by URL or binary property; no Input Image', () => {
		const offered = names({ __rl: true, mode: 'list', value: 'flux-pro-1.0-fill' });
		expect(offered).toEqual(expect.arrayContaining(['image', 'imageBinaryProperty', 'mask', 'maskBinaryProperty']));
		expect(offered.filter((name) => name.startsWith('input_image'))).toEqual([]);
	});

	test.each([
		['flux-2-pro', 8],
		['flux-kontext-max', 4],
	])('%s: Input Image up to %i images, by URLs or binary properties', (model, max) => {
		const refs = shown({ __rl: true, mode: 'list', value: model }).filter((option) => option.name.startsWith('input_image'));
		expect(refs.map((option) => option.name).sort()).toEqual(['input_image', 'input_imageBinaryProperty']);
		expect(refs.find((option) => option.name === 'input_image')?.description).toMatch(new RegExp(`Allowed: up to ${max} images`));
	});

	test.each(['flux-2-klein-4b', 'flux-2-klein-9b'])('%s ("By ID"): FLUX.2 [klein], Input Image up to 4 images', (model) => {
		const input = shown({ __rl: true, mode: 'id', value: model }).filter((option) => option.name === 'input_image');
		expect(input).toHaveLength(1);
		expect(input[0].description).toMatch(/Allowed: up to 4 images/);
	});

	test('FLUX.2 [pro]: width and height up to 2048 in the editor (4 MP checked as a product), output jpeg or png', () => {
		const offered = shown({ __rl: true, mode: 'list', value: 'flux-2-pro' });
		for (const side of ['width', 'height']) {
			const option = offered.find((o) => o.name === side)!;
			expect(option.typeOptions).toMatchObject({ minValue: 64, maxValue: 2048 });
			expect(option.description).toMatch(/at most 4 MP/);
		}
		const format = offered.find((o) => o.name === 'output_format')!;
		expect((format.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['jpeg', 'png']);
	});

	test.each([
		['flux-dev', 'generate', 'bfl'],
		['flux-2-pro', 'generate', 'bfl'],
		['flux-2-flex', 'generate', 'bfl'],
		['flux-pro-1.0-expand', 'generate', 'bfl'],
		['black-forest-labs/flux-dev', 'replicatePredict', 'replicate'],
		['black-forest-labs/flux-1.1-pro', 'replicatePredict', 'replicate'],
	] as const)('%s (%s): every number field carries its catalogue range and step, and shows the range as a hint', (model, operation, format) => {
		const offered = offeredBy(operation, { __rl: true, mode: 'list', value: model });
		const numbers = Object.entries(findModel(format, model)!.fields).filter(
			(entry): entry is [string, Extract<FieldSpec, { kind: 'integer' | 'number' }>] => entry[1].kind === 'integer' || entry[1].kind === 'number',
		);
		expect(numbers.length).toBeGreaterThan(2);
		for (const [field, spec] of numbers) {
			const copies = offered.filter((option) => option.name === field);
			expect(copies).toHaveLength(1);
			const [option] = copies;
			const maxValue = spec.kind === 'integer' ? (spec.editorMax ?? spec.max) : spec.max;
			expect(option.typeOptions).toMatchObject({ minValue: spec.min, maxValue });
			// A step only where the catalogue has one: every whole number, or its multiple.
			expect(option.typeOptions?.numberStepSize).toBe(spec.kind === 'integer' ? (spec.multipleOf ?? 1) : undefined);
			expect(option.hint).toBe(`Allowed: ${describeRange(spec)}`);
		}
	});

	test('FLUX.1 [dev]: the editor says under Width that 1000 is off (a multiple of 32), before any run', () => {
		const width = shown({ __rl: true, mode: 'list', value: 'flux-dev' }).find((option) => option.name === 'width')!;
		const step = width.typeOptions?.numberStepSize as number;
		expect(1000 % step).not.toBe(0);
		expect(width.hint).toMatch(new RegExp(`a multiple of ${step}`));
	});

	test('a model the catalogue does not know gets no range hint: its fields are loose', () => {
		const offered = shown({ __rl: true, mode: 'id', value: 'flux-9-unknown' });
		const width = offered.find((option) => option.name === 'width')!;
		expect(width.hint).toBeUndefined();
		expect(width.description).toMatch(/Check the model's documentation/);
	});

	test('a listed model not described yet (flux-2-klein, "By ID") gets FLUX.2\'s fields, each once', () => {
		const offered = names({ __rl: true, mode: 'id', value: 'flux-2-klein' });
		expect(offered.filter((name) => name === 'width')).toHaveLength(1);
		expect(offered).toContain('input_image');
		expect(offered).not.toContain('steps');
		expect(offered).not.toContain('image');
	});
});
