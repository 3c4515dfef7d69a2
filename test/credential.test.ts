import { Expression } from 'n8n-workflow';

import { CometApi, cometApiBaseUrl, cometApiBaseUrlExpression } from '../credentials/CometApi.credentials.ts';
import { expressionEngineInUse, testCredential } from './harness/index.ts';
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
		for (const url of ['ftp://127.0.0.1', 'javascript:alert(1)', '127.0.0.1:8080', 'file:///etc/passwd', 'http://', '', undefined]) {
			expect(cometApiBaseUrl(url)).toBeUndefined();
		}
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
