/**
 * The API key goes only to the credential's base URL origin, and never shows up in output,
 * errors or logs. The fake key is distinctive so a plain substring search finds any leak.
 */
import type { INodeParameters } from 'n8n-workflow';

import {
	FAKE_KEY,
	captureLogs,
	closedPortUrl,
	count,
	credentials,
	dumpResult,
	errorOf,
	expectImageBytes,
	forward,
	generateParams,
	occurrences,
	replicateParams,
	requestsOf,
	runFlux,
	sleepMs,
	startSim,
	startStub,
	type RunNodeResult,
	type Simulator,
	type Stub,
} from './support.ts';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSim({ generationMs: 100, retryAfterSeconds: 0 });
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

const stubs: Stub[] = [];
afterEach(async () => {
	await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});
async function stub(...args: Parameters<typeof startStub>) {
	const started = await startStub(...args);
	stubs.push(started);
	return started;
}

const BEARER = `Bearer ${FAKE_KEY}`;

/** Every request that carried the key went to the API origin, and nothing else saw any Authorization. */
function expectKeyOnlyOnApiOrigin() {
	for (const request of sim.requests) {
		if (request.origin === 'api') continue;
		expect({ origin: request.origin, path: request.path, authorization: request.authorization }).toEqual({
			origin: request.origin,
			path: request.path,
			authorization: undefined,
		});
		expect(JSON.stringify(request.headers)).not.toContain(FAKE_KEY);
		expect(JSON.stringify(request.query)).not.toContain(FAKE_KEY);
	}
	for (const request of sim.requests.filter((r) => r.origin === 'api')) {
		expect(request.authorization).toBe(BEARER);
		// The key travels only in the Authorization header, never in a body or query.
		expect(JSON.stringify(request.body ?? null)).not.toContain(FAKE_KEY);
		expect(JSON.stringify(request.query)).not.toContain(FAKE_KEY);
	}
}

describe('the key goes only to the base URL origin', () => {
	test('Generate: submit and polls go to the base URL with the key; polling_url host and image host see none', async () => {
		const result = await runFlux({
			parameters: generateParams({ prompt: '={{ $json.prompt }}' }),
			credentials: credentials(sim.url),
			items: [{ json: { prompt: 'one' } }, { json: { prompt: 'two' } }],
		});

		expect(result.error).toBeUndefined();
		for (const item of result.items) await expectImageBytes(item);
		expect(count(sim, 'submit')).toBe(2);
		expect(count(sim, 'get_result')).toBeGreaterThanOrEqual(2);
		expect(count(sim, 'image')).toBe(2);
		// The node polls CometAPI's own route, not polling_url (another host, like api.us1.bfl.ai).
		expect(count(sim, 'polling')).toBe(0);
		expectKeyOnlyOnApiOrigin();
	});

	test('Replicate Predict: the urls.* host (api.replicate.com) never sees the key', async () => {
		// Generation outlasts Prefer: wait=1, so the submit answers "processing" and the node polls.
		sim.configure({ generationMs: 1400 });
		const result = await runFlux({
			parameters: replicateParams({ options: { preferWait: 1 } }),
			credentials: credentials(sim.url),
		});

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		expect(count(sim, 'replicate-submit')).toBe(1);
		expect(count(sim, 'replicate-get')).toBeGreaterThanOrEqual(1);
		expect(count(sim, 'replicate-urls')).toBe(0);
		expectKeyOnlyOnApiOrigin();
	});

	test('webhook_url: the webhook receiver never gets the key', async () => {
		const hook = await stub(() => ({ status: 200, body: { ok: true } }));
		const result = await runFlux({
			parameters: generateParams({
				additionalFields: { webhook_url: `${hook.url}/hook`, webhook_secret: 'hook-secret-abc' },
			}),
			credentials: credentials(sim.url),
		});

		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		const submit = requestsOf(sim, 'submit')[0];
		expect(submit.body).toMatchObject({ webhook_url: `${hook.url}/hook`, webhook_secret: 'hook-secret-abc' });
		for (let waited = 0; hook.requests.length === 0 && waited < 3000; waited += 50) await sleepMs(50);
		expect(hook.requests.length).toBeGreaterThanOrEqual(1);
		for (const request of hook.requests) {
			expect(request.authorization).toBeUndefined();
			expect(JSON.stringify(request.headers)).not.toContain(FAKE_KEY);
			expect(JSON.stringify(request.body ?? null)).not.toContain(FAKE_KEY);
		}
		expectKeyOnlyOnApiOrigin();
	});

	test.each([301, 302, 303, 307, 308])(
		'a %i redirect on submit to another origin is not followed: the other origin sees nothing',
		async (status) => {
			const other = await stub(() => ({ status: 200, body: { id: 'stolen', polling_url: 'http://127.0.0.1:1/x' } }));
			const redirector = await stub((request) => ({
				status,
				headers: { location: `${other.url}${request.path}` },
				body: '',
			}));
			const result = await runFlux({ parameters: generateParams(), credentials: credentials(redirector.url) });

			const error = errorOf(result);
			expect(error.message).toMatch(/redirect/i);
			expect(error.message).toContain(other.url);
			expect(redirector.requests).toHaveLength(1);
			expect(redirector.requests[0].authorization).toBe(BEARER);
			expect(other.requests).toHaveLength(0);
			expect(other.requests.filter((r) => r.authorization !== undefined)).toHaveLength(0);
		},
	);

	test('a redirect while polling to another origin is not followed: the other origin sees nothing', async () => {
		const other = await stub(() => ({ status: 200, body: { id: 'x', status: 'Ready', result: { sample: 'http://127.0.0.1:1/a.png' } } }));
		// Submits pass through to the simulator; polls answer 302 to the other origin.
		const redirector = await stub(async (request) =>
			request.method === 'POST'
				? await forward(request, sim.url)
				: { status: 302, headers: { location: `${other.url}${request.path}?id=${request.query.id}` }, body: '' },
		);
		const result = await runFlux({ parameters: generateParams(), credentials: credentials(redirector.url) });

		const error = errorOf(result);
		expect(error.message).toMatch(/redirect/i);
		expect(count(sim, 'submit')).toBe(1);
		expect(redirector.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(1);
		expect(other.requests).toHaveLength(0);
	});

	// An empty Base URL is not here: it means https://api.cometapi.com (credential.test.ts, with a stand-in).
	test.each(['ftp://127.0.0.1:21', 'file:///etc/passwd', 'javascript:alert(1)'])(
		'Base URL %j is refused with a clear message, and no request is made',
		async (baseUrl) => {
			const listener = await stub(() => ({ status: 200, body: {} }));
			const url = baseUrl.replace('127.0.0.1:21', listener.url.replace('http://', ''));
			const result = await runFlux({ parameters: generateParams(), credentials: credentials(url) });

			const error = errorOf(result);
			expect(error.message).toMatch(/must start with http:\/\/ or https:\/\//);
			expect(listener.requests).toHaveLength(0);
			expect(sim.requests).toHaveLength(0);
			expect(result.items).toHaveLength(0);
		},
	);
});

describe('the key never appears in output, errors or logs', () => {
	interface Scenario {
		name: string;
		/** Returns the base URL to use; may inject faults or start stubs. */
		setup(): Promise<string>;
		params?: INodeParameters;
	}

	/** A server that echoes the key it was sent back in its answers, as some proxies do. */
	async function echoingServer(kind: 'error-json' | 'text' | 'poll-error' | 'success-body') {
		return (
			await stub((request) => {
				const said = `Invalid token: ${request.authorization ?? ''}`;
				if (kind === 'error-json') return { status: 401, body: { error: { message: said, type: 'comet_api_error', code: '' } } };
				if (kind === 'text') return { status: 400, body: said, headers: { 'content-type': 'text/plain' } };
				if (request.method === 'POST') return { status: 200, body: { id: 'task-1', polling_url: 'http://127.0.0.1:1/x' } };
				if (kind === 'poll-error') return { status: 403, body: { detail: said } };
				return { status: 200, body: { id: 'task-1', status: 'Error', details: { error: said }, result: null } };
			})
		).url;
	}

	const scenarios: Scenario[] = [
		{
			name: 'submit answers 400',
			setup: async () => (sim.inject({ route: 'submit', kind: 'status', status: 400 }), sim.url),
		},
		{
			name: 'submit answers 401',
			setup: async () => (sim.inject({ route: 'submit', kind: 'status', status: 401 }), sim.url),
		},
		{
			name: 'submit answers 502 (HTML page)',
			setup: async () => (sim.inject({ route: 'submit', kind: 'status', status: 502 }), sim.url),
		},
		{
			name: 'submit connection reset after send',
			setup: async () => (sim.inject({ route: 'submit', kind: 'reset-after-send' }), sim.url),
		},
		{
			name: 'submit connection refused',
			setup: async () => await closedPortUrl(),
			params: generateParams({ options: { timeout: 1 } }),
		},
		{
			name: 'polls keep failing until the timeout',
			setup: async () => (sim.inject({ route: 'get_result', kind: 'reset', times: 1000 }), sim.url),
			params: generateParams({ options: { timeout: 1 } }),
		},
		{
			name: 'the task ends in Error',
			setup: async () => sim.url,
			params: generateParams({ prompt: 'a cat [error]' }),
		},
		{
			name: 'the image link expired',
			setup: async () => (sim.configure({ imageTtlMs: 1 }), sim.url),
		},
		{
			name: 'a redirect to another origin',
			setup: async () => {
				const other = await stub(() => ({ status: 200, body: {} }));
				return (await stub((request) => ({ status: 302, headers: { location: `${other.url}${request.path}` } }))).url;
			},
		},
		{
			name: 'a wrong key (the simulator answers 401)',
			setup: async () => (sim.configure({ apiKey: 'another-key' }), sim.url),
		},
		{
			name: 'a server echoing the key in its JSON error',
			setup: async () => await echoingServer('error-json'),
		},
		{
			name: 'a server echoing the key in a plain-text error',
			setup: async () => await echoingServer('text'),
		},
		{
			name: 'a server echoing the key in a poll error',
			setup: async () => await echoingServer('poll-error'),
		},
		{
			name: 'a server echoing the key in a failed task\'s details',
			setup: async () => await echoingServer('success-body'),
		},
	];

	const cases = scenarios.flatMap((scenario) => [false, true].map((continueOnFail) => [scenario.name, continueOnFail, scenario] as const));

	test.each(cases)('%s (continueOnFail %s)', async (_name, continueOnFail, scenario) => {
		const baseUrl = await scenario.setup();
		const logs = captureLogs();
		let result: RunNodeResult;
		try {
			result = await runFlux({
				parameters: scenario.params ?? generateParams(),
				credentials: credentials(baseUrl),
				continueOnFail,
			});
		} finally {
			logs.restore();
		}

		// The scenario did fail (as an error item with continueOnFail, as the run's error without).
		if (continueOnFail) {
			expect(result.status).toBe('success');
			expect(result.items).toHaveLength(1);
			expect(result.items[0].error).toBeDefined();
		} else {
			expect(result.status).toBe('error');
			expect(result.error).toBeDefined();
		}
		// n8n did log the failure: the search below looked at something.
		expect(logs.text().length).toBeGreaterThan(0);

		// Where the key shows up, if anywhere: in the run result (output, errors) or in the logs.
		expect({ inResult: occurrences(dumpResult(result), 'SECRET-123456'), inLogs: occurrences(logs.text(), 'SECRET-123456') }).toEqual({
			inResult: [],
			inLogs: [],
		});
	});

	test('a successful run: output JSON and logs hold no key', async () => {
		const logs = captureLogs();
		let result: RunNodeResult;
		try {
			result = await runFlux({ parameters: generateParams(), credentials: credentials(sim.url) });
		} finally {
			logs.restore();
		}
		expect(result.error).toBeUndefined();
		await expectImageBytes(result.items[0]);
		expect(occurrences(`${dumpResult(result)}\n${logs.text()}`, FAKE_KEY)).toEqual([]);
	});
});
