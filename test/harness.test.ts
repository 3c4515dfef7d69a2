import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialType,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { binaryBuffer, expressionEngineInUse, runNode, testCredential } from './harness/index.ts';

// ---------------------------------------------------------------------------------------------
// A local HTTP API the declarative test node talks to
// ---------------------------------------------------------------------------------------------

interface LoggedRequest {
	method?: string;
	url?: string;
	headers: IncomingMessage['headers'];
}

let server: Server;
let baseUrl: string;
const requests: LoggedRequest[] = [];
/** Called when the server receives /slow, or the programmatic node starts waiting: the moment to abort. */
let onBusy: (() => void) | undefined;
function nextBusy(): Promise<void> {
	return new Promise((resolve) => (onBusy = resolve));
}
const GOOD_KEY = 'good-key';

beforeAll(async () => {
	server = createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, headers: req.headers });
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname === '/slow') return onBusy?.(); // never answers: only an abort ends it
		res.setHeader('Content-Type', 'application/json');
		if (req.headers['x-api-key'] !== GOOD_KEY) {
			res.statusCode = 401;
			res.end(JSON.stringify({ error: { message: 'Invalid key (request id: abc)' } }));
			return;
		}
		if (url.pathname === '/teapot') {
			res.statusCode = 418;
			res.end(JSON.stringify({ error: { message: 'I am a teapot' } }));
			return;
		}
		if (url.pathname === '/account') {
			res.end(JSON.stringify({ plan: url.searchParams.get('plan') ?? 'paid' }));
			return;
		}
		res.end(JSON.stringify({ path: url.pathname, tag: url.searchParams.get('tag') }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	requests.length = 0;
});

// ---------------------------------------------------------------------------------------------
// Tiny inline credential + nodes (nothing here is specific to the package's own node)
// ---------------------------------------------------------------------------------------------

class HarnessTestApi implements ICredentialType {
	name = 'harnessTestApi';

	displayName = 'Harness Test API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:1' },
	];

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialType['test'] = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/whoami' },
	};
}

const declarativeDescription: INodeTypeDescription = {
	displayName: 'Harness Declarative',
	name: 'harnessDeclarative',
	group: ['transform'],
	version: 1,
	description: 'GET a path of the test API',
	defaults: { name: 'Harness Declarative' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'harnessTestApi', required: true }],
	requestDefaults: { baseURL: '={{$credentials.baseUrl}}', headers: { Accept: 'application/json' } },
	properties: [
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			default: '/echo',
			routing: { request: { method: 'GET', url: '={{$value}}' } },
		},
		{
			displayName: 'Tag',
			name: 'tag',
			type: 'string',
			default: '',
			routing: { send: { type: 'query', property: 'tag' } },
		},
	],
};

class HarnessDeclarative implements INodeType {
	description = declarativeDescription;
}

/** Programmatic node: makes binary files, reads input binaries, fails, or waits for a cancel. */
class HarnessProgrammatic implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Programmatic',
		name: 'harnessProgrammatic',
		group: ['transform'],
		version: [1, 2],
		description: 'Test node',
		defaults: { name: 'Harness Programmatic' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [
			{
				displayName: 'Action',
				name: 'action',
				type: 'options',
				default: 'makeFile',
				options: [
					{ name: 'Make File', value: 'makeFile' },
					{ name: 'Read Input File', value: 'readFile' },
					{ name: 'Fail', value: 'fail' },
					{ name: 'Wait For Cancel', value: 'waitForCancel' },
					{ name: 'Ignore Cancel', value: 'ignoreCancel' },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const action = this.getNodeParameter('action', i) as string;
			try {
				if (action === 'makeFile') {
					const bytes = Buffer.from(`file #${i} of ${JSON.stringify(items[i].json)}`);
					const binary = await this.helpers.prepareBinaryData(bytes, `file-${i}.txt`, 'text/plain');
					out.push({
						json: { ...items[i].json, version: this.getNode().typeVersion },
						binary: { data: binary },
						pairedItem: { item: i },
					});
				} else if (action === 'readFile') {
					const bytes = await this.helpers.getBinaryDataBuffer(i, 'data');
					out.push({ json: { size: bytes.length, hex: bytes.toString('hex') }, pairedItem: { item: i } });
				} else if (action === 'fail') {
					throw new NodeOperationError(this.getNode(), `Item ${i} failed`, { itemIndex: i });
				} else if (action === 'waitForCancel') {
					const signal = this.getExecutionCancelSignal();
					onBusy?.();
					while (!signal?.aborted) await sleep(20);
					throw new NodeOperationError(this.getNode(), 'Stopped: the execution was cancelled');
				} else {
					onBusy?.();
					await sleep(3000); // ignores the signal
					out.push({ json: { finished: true }, pairedItem: { item: i } });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

const credentials = () => ({ harnessTestApi: { apiKey: GOOD_KEY, baseUrl } });

// ---------------------------------------------------------------------------------------------

describe('runNode with a declarative node', () => {
	test('runs RoutingNode in the engine, applies the generic auth and keeps pairedItem', async () => {
		const result = await runNode({
			nodeType: new HarnessDeclarative(),
			typeName: 'test.harnessDeclarative',
			parameters: { path: '/things', tag: '={{ $json.tag }}' },
			items: [{ json: { tag: 'a' } }, { json: { tag: 'b' } }],
			credentials: credentials(),
			credentialTypes: [new HarnessTestApi()],
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.json)).toEqual([
			{ path: '/things', tag: 'a' },
			{ path: '/things', tag: 'b' },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(requests).toHaveLength(2);
		expect(requests.every((r) => r.headers['x-api-key'] === GOOD_KEY)).toBe(true);
		expect(requests.every((r) => r.headers.accept === 'application/json')).toBe(true);
		// n8n 2.x's default engine, as in the app
		expect(expressionEngineInUse()).toBe(process.env.N8N_EXPRESSION_ENGINE ?? 'vm');
	});

	test('an API error fails the node with the HTTP status; continueOnFail keeps going', async () => {
		const failing = await runNode({
			nodeType: new HarnessDeclarative(),
			typeName: 'test.harnessDeclarative',
			parameters: { path: '/teapot' },
			credentials: credentials(),
			credentialTypes: [new HarnessTestApi()],
		});
		expect(failing.status).toBe('error');
		expect(failing.error).toBeDefined();
		expect(failing.error).toMatchObject({ httpCode: '418' });

		const continued = await runNode({
			nodeType: new HarnessDeclarative(),
			typeName: 'test.harnessDeclarative',
			parameters: { path: '/teapot' },
			items: [{ json: { n: 1 } }, { json: { n: 2 } }],
			credentials: credentials(),
			credentialTypes: [new HarnessTestApi()],
			continueOnFail: true,
		});
		expect(continued.status).toBe('success');
		expect(continued.items).toHaveLength(2);
		expect(continued.items[0].json.error).toEqual(expect.any(String));
	});

	test('a missing credential is refused like in n8n', async () => {
		const result = await runNode({
			nodeType: new HarnessDeclarative(),
			typeName: 'test.harnessDeclarative',
			parameters: { path: '/things' },
			credentialTypes: [new HarnessTestApi()],
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/credentials/i);
	});

	test('abort reaches RoutingNode: a request that never answers is cancelled', async () => {
		const result = await runNode({
			nodeType: new HarnessDeclarative(),
			typeName: 'test.harnessDeclarative',
			parameters: { path: '/slow' },
			credentials: credentials(),
			credentialTypes: [new HarnessTestApi()],
			abortWhen: nextBusy(),
		});
		// /slow never answers: only the abort ends the request.
		expect(result.status).toBe('canceled');
		expect(result.nodeStopped).toBe(true);
		// (a displayed optional property is sent even at its empty default: `tag=`)
		expect(requests.map((r) => r.url)).toEqual(['/slow?tag=']);
	});
});

describe('runNode with a programmatic node', () => {
	test('items flow through Start, binary data round-trips, pairedItem is kept', async () => {
		const result = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			parameters: { action: 'makeFile' },
			items: [{ json: { a: 1 } }, { json: { a: 2 } }, { json: { a: 3 } }],
		});
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([
			{ a: 1, version: 2 },
			{ a: 2, version: 2 },
			{ a: 3, version: 2 },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const first = result.items[0];
		expect(first.binary?.data).toMatchObject({ fileName: 'file-0.txt', mimeType: 'text/plain' });
		expect(Buffer.from(first.binary!.data.data, 'base64').toString()).toBe('file #0 of {"a":1}');
		expect((await binaryBuffer(result.items[2])).toString()).toBe('file #2 of {"a":3}');
		expect(result.run.data.resultData.runData.Start[0].data?.main[0]).toHaveLength(3);
	});

	test('typeVersion selects the node version', async () => {
		const result = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			typeVersion: 1,
			parameters: { action: 'makeFile' },
		});
		expect(result.items[0].json.version).toBe(1);
	});

	test("binary data also works in n8n's filesystem mode", async () => {
		const made = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			parameters: { action: 'makeFile' },
			binaryDataMode: 'filesystem',
		});
		expect(made.items[0].binary?.data.id).toMatch(/^filesystem/);
		expect((await binaryBuffer(made.items[0])).toString()).toBe('file #0 of {}');
	});

	test('input binaries given as base64 reach the node', async () => {
		const bytes = Buffer.from([0, 1, 2, 250, 255]);
		const result = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			parameters: { action: 'readFile' },
			items: [
				{
					json: {},
					binary: { data: { data: bytes.toString('base64'), mimeType: 'application/octet-stream' } },
				},
			],
		});
		expect(result.items[0].json).toEqual({ size: 5, hex: '000102faff' });
	});

	test('a failing node reports its error; continueOnFail turns it into items', async () => {
		const failing = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			parameters: { action: 'fail' },
			items: [{ json: {} }, { json: {} }],
		});
		expect(failing.status).toBe('error');
		expect(failing.error?.message).toBe('Item 0 failed');
		expect(failing.items).toEqual([]);

		const continued = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			parameters: { action: 'fail' },
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});
		expect(continued.status).toBe('success');
		expect(continued.error).toBeUndefined();
		expect(continued.items.map((item) => item.json)).toEqual([
			{ error: 'Item 0 failed' },
			{ error: 'Item 1 failed' },
		]);
		expect(continued.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('abortAfterMs cancels the execution: the node sees the signal, status is canceled', async () => {
		const result = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			parameters: { action: 'waitForCancel' },
			abortWhen: nextBusy(),
		});
		// The node waits for the signal forever: only the abort ends it.
		expect(result.status).toBe('canceled');
		expect(result.nodeStopped).toBe(true);
		expect(result.stopLatencyMs).toBeLessThan(5000);
	});

	test('a node that ignores the signal does not hang the harness', async () => {
		const started = Date.now();
		const result = await runNode({
			nodeType: new HarnessProgrammatic(),
			typeName: 'test.harnessProgrammatic',
			parameters: { action: 'ignoreCancel' },
			abortWhen: nextBusy(),
			abortGraceMs: 200,
		});
		// Returned after the grace period, not after the node's 3 s.
		expect(Date.now() - started).toBeLessThan(2500);
		expect(result.status).toBe('canceled');
		expect(result.nodeStopped).toBe(false);
		await sleep(2700); // let the stray node finish before the next test
	});

	test('missing required parameters are refused before running, as in n8n', async () => {
		const description: INodeTypeDescription = {
			...declarativeDescription,
			credentials: [],
			requestDefaults: { baseURL: baseUrl },
			properties: [
				{ displayName: 'Id', name: 'id', type: 'string', required: true, default: '' },
			],
		};
		const result = await runNode({
			nodeType: { description },
			typeName: 'test.required',
			parameters: {},
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/issues|parameter/i);
		expect(requests).toHaveLength(0);
	});
});

describe('testCredential', () => {
	test('OK when the test request succeeds, with the credential auth applied', async () => {
		const result = await testCredential(new HarnessTestApi(), { apiKey: GOOD_KEY, baseUrl });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ method: 'GET', url: '/whoami' });
		expect(requests[0].headers['x-api-key']).toBe(GOOD_KEY);
	});

	test('an HTTP error maps to what n8n shows', async () => {
		const result = await testCredential(new HarnessTestApi(), { apiKey: 'bad', baseUrl });
		expect(result.status).toBe('Error');
		// n8n's credential dialog shows the HTTP status text, not the API's message
		expect(result).toMatchObject({ status: 'Error', message: 'Unauthorized' });
		expect(result.details).toMatchObject({ httpCode: '401' });
		expect(result.details?.description).toContain('Invalid key (request id: abc)');
	});

	test('a connection failure maps to the error code', async () => {
		const result = await testCredential(new HarnessTestApi(), { apiKey: GOOD_KEY });
		expect(result).toMatchObject({ status: 'Error', message: 'ECONNREFUSED' });
	});

	test('responseCode and responseSuccessBody rules', async () => {
		const codeRules = new HarnessTestApi();
		codeRules.test = {
			request: { baseURL: '={{$credentials.baseUrl}}', url: '/account' },
			rules: [{ type: 'responseCode', properties: { value: 401, message: 'Wrong API key' } }],
		};
		expect(await testCredential(codeRules, { apiKey: 'bad', baseUrl })).toMatchObject({
			status: 'Error',
			message: 'Wrong API key',
		});
		expect(await testCredential(codeRules, { apiKey: GOOD_KEY, baseUrl })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});

		const bodyRules = new HarnessTestApi();
		bodyRules.test = {
			request: { baseURL: '={{$credentials.baseUrl}}', url: '/account', qs: { plan: 'free' } },
			rules: [
				{
					type: 'responseSuccessBody',
					properties: { key: 'plan', value: 'free', message: 'Free plans cannot use the API' },
				},
			],
		};
		expect(await testCredential(bodyRules, { apiKey: GOOD_KEY, baseUrl })).toEqual({
			status: 'Error',
			message: 'Free plans cannot use the API',
		});
	});
});
