import type { ICredentialType } from 'n8n-workflow';
import { Expression } from 'n8n-workflow';

import { CometApi, cometApiBaseUrl, cometApiBaseUrlExpression } from '../credentials/CometApi.credentials.ts';
import { Flux } from '../nodes/Flux/Flux.node';
import { expressionEngineInUse, runNode, testCredential, withStandIn } from './harness/index.ts';
import { startSimulator, type Simulator } from './simulator/index.ts';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator();
});

afterEach(() => sim.reset());

afterAll(async () => {
	await sim.close();
});

const modelRequests = () => sim.requests.filter((r) => r.origin === 'api');

describe('cometApi credential', () => {
	test('describes itself as n8n expects', () => {
		const credential = new CometApi();
		expect(credential.name).toBe('cometApi');
		expect(credential.displayName).toBe('CometAPI API');
		expect(credential.documentationUrl).toBe('https://apidoc.cometapi.com/');
		expect(credential.icon).toEqual({ light: 'file:cometApi.svg', dark: 'file:cometApi.dark.svg' });
		const [apiKey, baseUrl] = credential.properties;
		expect(apiKey).toMatchObject({ name: 'apiKey', type: 'string', required: true, default: '' });
		expect(apiKey.typeOptions).toEqual({ password: true });
		expect(baseUrl).toMatchObject({ name: 'baseUrl', type: 'string', default: 'https://api.cometapi.com' });
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
		});
		expect(credential.test?.request).toMatchObject({ baseURL: cometApiBaseUrlExpression, url: '/v1/models' });
	});

	test('a good key: Connection successful!, with GET /v1/models and a Bearer header', async () => {
		const result = await testCredential(new CometApi(), { apiKey: sim.apiKey, baseUrl: sim.url });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		// evaluated by n8n's default (isolated-vm) expression engine, as in the app
		expect(expressionEngineInUse()).toBe('vm');
		expect(modelRequests()).toHaveLength(1);
		expect(modelRequests()[0]).toMatchObject({
			method: 'GET',
			path: '/v1/models',
			authorization: `Bearer ${sim.apiKey}`,
		});
	});

	test('a bad key: Error with a clear message; CometAPI said "Invalid token"', async () => {
		const result = await testCredential(new CometApi(), { apiKey: 'sk-wrong', baseUrl: sim.url });
		expect(result.status).toBe('Error');
		// What the n8n credential dialog shows (the credential's rule for 401)
		expect(result.message).toBe('Invalid API key: CometAPI answered 401 Unauthorized. Check the key.');
		// What n8n's error carries underneath (not shown by the dialog)
		expect(result.details?.httpCode).toBe('401');
		expect(result.details?.description).toMatch(/^Invalid token/);
		expect(modelRequests()[0]).toMatchObject({ path: '/v1/models', authorization: 'Bearer sk-wrong' });
	});

	test.each([
		['a trailing slash', (url: string) => `${url}/`],
		['a /v1 suffix', (url: string) => `${url}/v1`],
		['a /v1/ suffix', (url: string) => `${url}/v1/`],
		['several trailing slashes', (url: string) => `${url}//v1//`],
		['surrounding spaces', (url: string) => `  ${url}/v1  `],
	])('a base URL with %s works and calls /v1/models exactly', async (_label, variant) => {
		const result = await testCredential(new CometApi(), { apiKey: sim.apiKey, baseUrl: variant(sim.url) });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(modelRequests().map((r) => r.path)).toEqual(['/v1/models']);
	});

	test.each([
		['ftp://127.0.0.1'],
		['javascript:alert(1)'],
		['127.0.0.1:8080'],
		['file:///etc/passwd'],
		['http://'],
	])('a non-http(s) base URL is refused before any request: %s', async (baseUrl) => {
		const result = await testCredential(new CometApi(), { apiKey: sim.apiKey, baseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toBe('The CometAPI base URL must start with http:// or https://');
		expect(sim.requests).toHaveLength(0);
	});

	test('the node normalizes the Base URL as the test request does', () => {
		for (const url of ['https://x.test', 'https://x.test/', 'https://x.test/v1', ' https://x.test//v1// ']) {
			expect(cometApiBaseUrl(url)).toBe('https://x.test');
		}
		expect(cometApiBaseUrl('http://127.0.0.1:8080/proxy/v1/')).toBe('http://127.0.0.1:8080/proxy');
		for (const url of ['ftp://127.0.0.1', 'javascript:alert(1)', '127.0.0.1:8080', 'file:///etc/passwd', 'http://']) {
			expect(cometApiBaseUrl(url)).toBeUndefined();
		}
	});

	test('no Base URL, or an empty one, is the default https://api.cometapi.com', () => {
		for (const url of [undefined, null, '', '   ']) expect(cometApiBaseUrl(url)).toBe('https://api.cometapi.com');
	});

	test('the test request with an empty Base URL goes to the default (served here by the simulator)', async () => {
		const { result, addressed } = await withStandIn('https://api.cometapi.com', sim.url, async () =>
			await testCredential(new CometApi(), { apiKey: sim.apiKey, baseUrl: '' }),
		);
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(addressed).toEqual(['https://api.cometapi.com/v1/models']);
	});

	test('with the legacy expression engine a bad base URL is still refused (invalid URL)', async () => {
		Expression.setExpressionEngine('legacy');
		try {
			expect(expressionEngineInUse()).toBe('legacy');
			const refused = await testCredential(new CometApi(), { apiKey: sim.apiKey, baseUrl: 'ftp://127.0.0.1' });
			expect(refused.status).toBe('Error');
			expect(sim.requests).toHaveLength(0);
			const ok = await testCredential(new CometApi(), { apiKey: sim.apiKey, baseUrl: `${sim.url}/v1/` });
			expect(ok).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(modelRequests().map((r) => r.path)).toEqual(['/v1/models']);
		} finally {
			Expression.setExpressionEngine('vm');
		}
	});

	test('an unreachable server: Error with the connection error code', async () => {
		const result = await testCredential(new CometApi(), { apiKey: sim.apiKey, baseUrl: 'http://127.0.0.1:1' });
		expect(result).toMatchObject({ status: 'Error', message: 'ECONNREFUSED' });
	});
});

/**
 * CometAPI's own n8n package (cometapi-dev/n8n-nodes-cometapi, a chat node) defines a credential of
 * the same name with an API key only; n8n keys credential types by name, so ours may get it.
 */
class CometApiOfTheChatPackage implements ICredentialType {
	name = 'cometApi';

	displayName = 'CometAPI API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'CometAPI Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, required: true, default: '' },
	];

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '={{"Bearer " + $credentials.apiKey}}', Accept: 'application/json' } },
	};
}

describe('the node with CometAPI\'s own cometApi credential (an API key, no Base URL)', () => {
	test('generates at the default https://api.cometapi.com, with the key, and downloads the image', async () => {
		const run = () =>
			runNode({
				nodeType: new Flux(),
				typeVersion: 1,
				credentialTypes: [new CometApiOfTheChatPackage()],
				credentials: { cometApi: { apiKey: sim.apiKey } },
				parameters: { operation: 'generate', model: 'flux-dev', prompt: 'a lighthouse', options: { pollInterval: 0.05 } },
			});
		const { result, addressed } = await withStandIn('https://api.cometapi.com', sim.url, run);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ status: 'Ready', prompt: 'a lighthouse' });
		expect(addressed[0]).toBe('https://api.cometapi.com/flux/v1/flux-dev');
		expect(addressed.every((url) => url.startsWith('https://api.cometapi.com/flux/v1/'))).toBe(true);
		const apiRequests = sim.requests.filter((r) => r.origin === 'api');
		expect(apiRequests.map((r) => `${r.method} ${r.path}`)[0]).toBe('POST /flux/v1/flux-dev');
		expect(apiRequests.every((r) => r.authorization === `Bearer ${sim.apiKey}`)).toBe(true);
		// The image is fetched from its own host, without the key.
		expect(sim.requests.filter((r) => r.origin === 'images').map((r) => r.authorization)).toEqual([undefined]);
	});

	test('a Base URL that is set but not http(s) is still refused before any request', async () => {
		const result = await runNode({
			nodeType: new Flux(),
			typeVersion: 1,
			credentials: { cometApi: { apiKey: sim.apiKey, baseUrl: 'ftp://127.0.0.1' } },
			parameters: { operation: 'generate', model: 'flux-dev', prompt: 'a lighthouse' },
		});
		expect(result.error?.message).toBe("The CometAPI credential's Base URL must start with http:// or https://");
		expect(sim.requests).toHaveLength(0);
	});
});
