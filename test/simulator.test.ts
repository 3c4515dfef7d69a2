import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { request } from 'undici';
import { imageDimensions } from './simulator/dimensions.ts';
import { startSimulator, type Simulator, type WireShape } from './simulator/index.ts';
import { encodePng } from './simulator/png.ts';
import type { TaskRecord } from './simulator/tasks.ts';
import { onTheWire } from './simulator/wire.ts';

/** A real 1x1 PNG, as an input image is sent to BFL. */
const PNG_BASE64 = encodePng(1, 1, new Uint8Array([200, 100, 50])).toString('base64');

const GENERATION_MS = 100;

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ generationMs: GENERATION_MS });
});

afterEach(() => sim.reset());

afterAll(async () => {
	await sim.close();
});

type Json = Record<string, any>;

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: () => Json;
	bytes: Buffer;
}

async function call(
	url: string,
	options: {
		method?: 'GET' | 'POST';
		body?: unknown;
		headers?: Record<string, string>;
		key?: string | null;
	} = {},
): Promise<Answer> {
	const headers: Record<string, string> = { ...options.headers };
	const key = options.key === undefined ? sim.apiKey : options.key;
	if (key !== null) headers.authorization = `Bearer ${key}`;
	let body: string | undefined;
	if (options.body !== undefined) {
		headers['content-type'] = 'application/json';
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
	}
	const res = await request(url, {
		method: options.method ?? (body ? 'POST' : 'GET'),
		headers,
		body,
	});
	const bytes = Buffer.from(await res.body.arrayBuffer());
	const text = bytes.toString('utf8');
	return {
		status: res.statusCode,
		headers: res.headers,
		text,
		bytes,
		json: () => JSON.parse(text) as Json,
	};
}

const api = (path: string, options?: Parameters<typeof call>[1]) =>
	call(`${sim.url}${path}`, options);

async function submitBfl(model: string, body: Json): Promise<Json> {
	const res = await api(`/flux/v1/${model}`, { body });
	expect(res.status).toBe(200);
	return res.json();
}

async function waitForBfl(id: string): Promise<Json> {
	for (;;) {
		const res = await call(`${sim.pollingOrigin}/v1/get_result?id=${id}`, { key: null });
		const answer = res.json();
		if (answer.status !== 'Pending') return answer;
		await sleep(20);
	}
}

async function submitReplicate(body: Json, headers: Record<string, string> = {}): Promise<Answer> {
	return api('/replicate/v1/predictions', { body, headers });
}

async function waitForPrediction(id: string): Promise<Json> {
	for (;;) {
		const prediction = (await api(`/replicate/v1/predictions/${id}`)).json();
		if (!['starting', 'processing'].includes(prediction.status)) return prediction;
		await sleep(20);
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function expectCometEnvelope(body: Json): void {
	expect(body).toEqual({
		error: {
			message: expect.stringMatching(/\(request id: \d+\)$/),
			type: 'comet_api_error',
			param: null,
			code: expect.any(String),
		},
	});
}

describe('origins and auth', () => {
	it('serves the API, polling, image and replicate-url origins on different ports of 127.0.0.1', () => {
		const origins = [sim.url, sim.pollingOrigin, sim.imageOrigin, sim.replicateUrlsOrigin].map(
			(u) => new URL(u),
		);
		expect(new Set(origins.map((u) => u.port)).size).toBe(4);
		expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(new URL(sim.pollingOrigin).hostname).toBe('localhost');
	});

	it.each([
		['no Authorization header', null],
		['a wrong key', 'not-the-key'],
	])('answers 401 with the CometAPI envelope for %s', async (_label, key) => {
		const res = await api('/v1/models', { key });
		expect(res.status).toBe(401);
		const body = res.json();
		expectCometEnvelope(body);
		expect(body.error.message).toMatch(/^Invalid token \(request id: /);
		expect((await api('/flux/v1/flux-dev', { key, body: { prompt: 'x' } })).status).toBe(401);
		expect(sim.activeTasks()).toBe(0);
	});

	it('lists models OpenAI-style, flux models included', async () => {
		const res = await api('/v1/models');
		expect(res.status).toBe(200);
		const body = res.json();
		expect(body.object).toBe('list');
		const ids = body.data.map((m: Json) => m.id);
		expect(ids).toEqual(
			expect.arrayContaining(['flux-pro-1.1', 'flux-dev', 'flux-kontext-max', 'flux-2-pro']),
		);
		expect(body.data[0]).toEqual(
			expect.objectContaining({ object: 'model', owned_by: expect.any(String) }),
		);
	});

	it('answers unknown paths with an HTML 404 and a trailing slash with a 301', async () => {
		const missing = await api('/v1/v1/models');
		expect(missing.status).toBe(404);
		expect(missing.headers['content-type']).toMatch(/text\/html/);
		const slash = await api('/flux/v1/flux-dev/', { body: { prompt: 'x' } });
		expect(slash.status).toBe(301);
		expect(slash.headers.location).toBe('/flux/v1/flux-dev');
	});

	it('accepts a new key after configure()', async () => {
		sim.configure({ apiKey: 'other-key' });
		expect(sim.apiKey).toBe('other-key');
		expect((await api('/v1/models', { key: 'other-key' })).status).toBe(200);
		expect((await api('/v1/models', { key: 'sim-test-key' })).status).toBe(401);
	});
});

describe('BFL format', () => {
	it('submits, reports Pending with rising progress, then Ready with a result', async () => {
		sim.configure({ generationMs: 600 });
		const submitted = await submitBfl('flux-pro-1.1', {
			prompt: 'a red fox',
			seed: 42,
			width: 512,
			height: 512,
		});
		expect(submitted).toEqual({
			id: expect.any(String),
			polling_url: `${sim.pollingOrigin}/v1/get_result?id=${submitted.id}`,
		});

		const first = (await api(`/flux/v1/get_result?id=${submitted.id}`)).json();
		expect(first).toEqual(
			expect.objectContaining({ id: submitted.id, status: 'Pending', result: null }),
		);
		await sleep(120);
		const second = (await call(submitted.polling_url, { key: null })).json();
		expect(second.status).toBe('Pending');
		expect(second.progress).toBeGreaterThan(first.progress);
		expect(second.progress).toBeLessThan(1);

		const done = await waitForBfl(submitted.id);
		expect(done).toEqual(
			expect.objectContaining({
				id: submitted.id,
				status: 'Ready',
				result: {
					sample: expect.stringMatching(
						new RegExp(`^${sim.imageOrigin}/images/${submitted.id}/0\\.jpeg\\?se=.+&sig=`),
					),
					prompt: 'a red fox',
					seed: 42,
					start_time: expect.any(Number),
					end_time: expect.any(Number),
					duration: expect.any(Number),
				},
			}),
		);
		expect(sim.readyAt(submitted.id)).toBe(sim.task(submitted.id)!.doneAt);
		expect(sim.task(submitted.id)).toEqual(
			expect.objectContaining({ format: 'bfl', model: 'flux-pro-1.1', status: 'Ready' }),
		);
	});

	it.each([
		['[error]', 'Error'],
		['[content-moderated]', 'Content Moderated'],
		['[request-moderated]', 'Request Moderated'],
		['[failed]', 'Failed'],
	])('ends as %s → %s', async (marker, status) => {
		const { id } = await submitBfl('flux-dev', { prompt: `a cat ${marker}` });
		const done = await waitForBfl(id);
		expect(done.status).toBe(status);
		expect(done.result).toBeNull();
		expect(done.details).toBeTruthy();
	});

	it('keeps [stuck] tasks Pending and counts them as active', async () => {
		const { id } = await submitBfl('flux-dev', { prompt: 'x [stuck]' });
		await sleep(GENERATION_MS + 20);
		expect((await api(`/flux/v1/get_result?id=${id}`)).json().status).toBe('Pending');
		expect(sim.activeTasks()).toBe(1);
		expect(sim.readyAt(id)).toBeUndefined();
	});

	it('answers Task not found with 200 for unknown ids', async () => {
		const res = await api('/flux/v1/get_result?id=no-such-task');
		expect(res.status).toBe(200);
		expect(res.json()).toEqual({ id: 'no-such-task', status: 'Task not found' });
	});

	it('answers 404 with the CometAPI envelope for unknown models', async () => {
		const res = await api('/flux/v1/flux-imaginary', { body: { prompt: 'x' } });
		expect(res.status).toBe(404);
		expectCometEnvelope(res.json());
	});

	it.each<[string, Json, string]>([
		['flux-pro-1.1', { prompt: 'x', width: 1000 }, 'width'],
		['flux-pro-1.1', { prompt: 'x', height: 1472 }, 'height'],
		['flux-pro-1.1', { prompt: 'x', width: '1024' }, 'width'],
		['flux-pro-1.1', { width: 1024 }, 'prompt'],
		['flux-pro-1.1', { prompt: 'x', safety_tolerance: 7 }, 'safety_tolerance'],
		['flux-pro-1.1', { prompt: 'x', output_format: 'gif' }, 'output_format'],
		['flux-pro-1.1', { prompt: 'x', webhook_url: 'not a url' }, 'webhook_url'],
		['flux-dev', { prompt: 'x', steps: 51 }, 'steps'],
		['flux-dev', { prompt: 'x', guidance: 5.5 }, 'guidance'],
		['flux-pro', { prompt: 'x', interval: 5 }, 'interval'],
		['flux-pro-1.1-ultra', { prompt: 'x', aspect_ratio: '3:1' }, 'aspect_ratio'],
		['flux-pro-1.1-ultra', { prompt: 'x', image_prompt_strength: 1.5 }, 'image_prompt_strength'],
		['flux-pro-1.1-ultra', { prompt: 'x', raw: 'yes' }, 'raw'],
		['flux-kontext-pro', { input_image: 'aGVsbG8=' }, 'prompt'],
		['flux-2-pro', { prompt: 'x', width: 2056 }, 'width'],
		['flux-2-pro', { prompt: 'x', width: 1000 }, 'width'],
		['flux-2-flex', { prompt: 'x', guidance: 10.5 }, 'guidance'],
		['flux-pro-1.0-fill', { prompt: 'x' }, 'image'],
		['flux-kontext-max', { prompt: 'x', input_image: 'aGVsbG8=' }, 'input_image'],
		['flux-2-pro', { prompt: 'x', input_image_2: 'photo.png' }, 'input_image_2'],
		['flux-2-pro', { prompt: 'x', width: 2048, height: 2064 }, 'width'],
		['flux-2-klein-4b', { prompt: 'x', width: 4096, height: 1040 }, 'width'],
		['flux-pro-1.0-expand', { prompt: 'x' }, 'image'],
		['flux-pro-1.0-expand', { prompt: 'x', image: 'https://example.com/a.png', top: 2049 }, 'top'],
		['flux-pro-1.0-expand', { prompt: 'x', image: 'https://example.com/a.png', steps: 14 }, 'steps'],
		['flux-pro-1.0-canny', { prompt: 'x' }, 'control_image'],
		['flux-pro-1.0-canny', { prompt: 'x', control_image: 'https://example.com/a.png', canny_low_threshold: 501 }, 'canny_low_threshold'],
		['flux-pro-1.0-canny', { prompt: 'x', preprocessed_image: 'edges.png' }, 'preprocessed_image'],
		['flux-pro-1.0-depth', { prompt: 'x', guidance: 20 }, 'control_image'],
		['flux-pro-1.0-depth', { prompt: 'x', control_image: 'https://example.com/a.png', guidance: 101 }, 'guidance'],
	])('%s rejects %j with 422 on %s', async (model, body, field) => {
		const res = await api(`/flux/v1/${model}`, { body });
		expect(res.status).toBe(422);
		expect(res.json().detail).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					loc: ['body', field],
					msg: expect.any(String),
					type: expect.any(String),
				}),
			]),
		);
		expect(sim.activeTasks()).toBe(0);
	});

	it.each<[string, Json]>([
		['flux-pro-1.1', { prompt: 'x', width: 1440, height: 256, output_format: 'webp' }],
		['flux-dev', { prompt: 'x', steps: 50, guidance: 1.5 }],
		['flux-pro', { prompt: 'x', steps: 1, guidance: 5, interval: 4 }],
		[
			'flux-pro-1.1-ultra',
			{ prompt: 'x', aspect_ratio: '21:9', raw: true, image_prompt_strength: 0 },
		],
		['flux-kontext-pro', { prompt: 'x' }],
		['flux-kontext-max', { prompt: 'x', input_image: PNG_BASE64, aspect_ratio: '9:21' }],
		['flux-2-pro', { prompt: 'x', input_image: 'https://example.com/a.png', input_image_2: `data:image/png;base64,${PNG_BASE64}` }],
		['flux-2-pro', { prompt: 'x', width: 2048, height: 1040 }],
		['flux-2-flex', { prompt: 'x', steps: 50, guidance: 10 }],
		['flux-2-klein', { prompt: 'x' }],
		['flux-2-klein-9b', { prompt: 'x', input_image_4: 'https://example.com/a.png' }],
		['flux-pro-1.0-expand', { prompt: 'x', image: 'https://example.com/a.png', top: 2048, left: 0 }],
		['flux-pro-1.0-canny', { prompt: 'x', preprocessed_image: 'https://example.com/edges.png', canny_high_threshold: 500 }],
		['flux-pro-1.0-depth', { prompt: 'x', control_image: PNG_BASE64 }],
	])('%s accepts %j', async (model, body) => {
		expect((await api(`/flux/v1/${model}`, { body })).status).toBe(200);
	});

	it('accepts fields a model does not take and records them', async () => {
		const { id } = await submitBfl('flux-pro-1.1', { prompt: 'x', steps: 20, guidance: 3 });
		expect(sim.task(id)!.ignoredFields).toEqual(['steps', 'guidance']);
		expect(sim.task(id)!.body).toEqual({ prompt: 'x', steps: 20, guidance: 3 });
	});

	it('rejects a body that is not JSON with 422', async () => {
		const res = await api('/flux/v1/flux-dev', { body: '{"prompt": ' });
		expect(res.status).toBe(422);
	});
});

describe('BFL webhooks', () => {
	let receiver: Server;
	let receiverUrl: string;
	let received: Array<{ headers: IncomingMessage['headers']; body: Json }>;
	let answers: number[];

	beforeEach(async () => {
		received = [];
		answers = [];
		receiver = createServer((req, res) => {
			let text = '';
			req.on('data', (chunk) => (text += chunk));
			req.on('end', () => {
				received.push({ headers: req.headers, body: JSON.parse(text) });
				res.writeHead(answers.shift() ?? 200).end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/abc`;
	});

	afterEach(async () => {
		await new Promise<void>((resolve) => receiver.close(() => resolve()));
	});

	async function waitForDeliveries(count: number): Promise<void> {
		const deadline = Date.now() + 3000;
		while (received.length < count && Date.now() < deadline) await sleep(10);
	}

	it('answers without polling_url and POSTs the result with the secret, never the key', async () => {
		const submitted = await submitBfl('flux-dev', {
			prompt: 'a boat',
			webhook_url: receiverUrl,
			webhook_secret: 's3cret',
		});
		expect(submitted).toEqual({ id: submitted.id, status: 'Pending', webhook_url: receiverUrl });
		await waitForDeliveries(1);
		expect(received).toHaveLength(1);
		expect(received[0].headers['x-webhook-secret']).toBe('s3cret');
		expect(received[0].headers.authorization).toBeUndefined();
		expect(JSON.stringify(received[0])).not.toContain(sim.apiKey);
		expect(received[0].body).toEqual(
			expect.objectContaining({
				id: submitted.id,
				status: 'Ready',
				result: expect.objectContaining({ sample: expect.any(String) }),
			}),
		);
		expect(sim.task(submitted.id)!.webhookUrl).toBe(receiverUrl);
	});

	it('sends no secret header without a secret, reports failures, and retries once', async () => {
		answers = [500, 200];
		const { id } = await submitBfl('flux-dev', { prompt: 'x [error]', webhook_url: receiverUrl });
		await waitForDeliveries(2);
		expect(received).toHaveLength(2);
		expect(received[0].headers['x-webhook-secret']).toBeUndefined();
		expect(received[1].body).toEqual(expect.objectContaining({ id, status: 'Error' }));
		// The simulator records an attempt once the receiver's answer has arrived.
		while (sim.webhookDeliveries.length < 2) await sleep(5);
		expect(sim.webhookDeliveries.map((d) => [d.attempt, d.status])).toEqual([
			[1, 500],
			[2, 200],
		]);
	});
});

describe('Replicate format', () => {
	it('blocks with Prefer: wait until done; flux-schnell answers an array of URLs', async () => {
		const started = Date.now();
		const res = await submitReplicate(
			{ model: 'black-forest-labs/flux-schnell', input: { prompt: 'cake', num_outputs: 2 } },
			{ prefer: 'wait=5' },
		);
		expect(Date.now() - started).toBeGreaterThanOrEqual(GENERATION_MS - 5);
		expect(res.status).toBe(201);
		const prediction = res.json();
		expect(prediction).toEqual(
			expect.objectContaining({
				id: expect.any(String),
				model: 'black-forest-labs/flux-schnell',
				version: 'hidden',
				input: { prompt: 'cake', num_outputs: 2 },
				data_removed: false,
				error: null,
				status: 'succeeded',
				created_at: expect.any(String),
				completed_at: expect.any(String),
			}),
		);
		expect(prediction.output).toHaveLength(2);
		expect(prediction.output[0]).toMatch(
			new RegExp(`^${sim.imageOrigin}/images/${prediction.id}/0\\.webp\\?`),
		);
		expect(prediction.urls.get).toBe(`${sim.replicateUrlsOrigin}/v1/predictions/${prediction.id}`);
	});

	it('answers at once without Prefer and is polled to a single-URL output (flux-1.1-pro)', async () => {
		sim.configure({ generationMs: 600 });
		const res = await submitReplicate({
			model: 'black-forest-labs/flux-1.1-pro',
			input: { prompt: 'cake', output_format: 'png' },
		});
		expect(res.status).toBe(201);
		const created = res.json();
		expect(created.status).toBe('starting');
		expect(created.output).toBeNull();
		await sleep(100);
		expect((await api(`/replicate/v1/predictions/${created.id}`)).json().status).toBe('processing');
		const done = await waitForPrediction(created.id);
		expect(done.status).toBe('succeeded');
		expect(typeof done.output).toBe('string');
		expect(done.output).toMatch(/\/0\.png\?/);
	});

	it('gives up waiting after N seconds and answers the current status', async () => {
		sim.configure({ generationMs: 3000 });
		const started = Date.now();
		const res = await submitReplicate(
			{ model: 'black-forest-labs/flux-dev', input: { prompt: 'x' } },
			{ prefer: 'wait=1' },
		);
		const waited = Date.now() - started;
		expect(waited).toBeGreaterThanOrEqual(950);
		expect(waited).toBeLessThan(2000);
		expect(res.json().status).toBe('processing');
	});

	it('serves the model-in-path route and the BFL get_result for Replicate ids', async () => {
		const res = await api('/replicate/v1/models/black-forest-labs/flux-1.1-pro-ultra/predictions', {
			body: { input: { prompt: 'x', aspect_ratio: '21:9' } },
			headers: { prefer: 'wait' },
		});
		expect(res.status).toBe(201);
		const prediction = res.json();
		expect(prediction.model).toBe('black-forest-labs/flux-1.1-pro-ultra');
		expect(prediction.output).toMatch(/\/0\.jpg\?/);
		const bfl = (await api(`/flux/v1/get_result?id=${prediction.id}`)).json();
		expect(bfl).toEqual(
			expect.objectContaining({
				id: prediction.id,
				status: 'Ready',
				result: expect.objectContaining({ sample: prediction.output }),
			}),
		);
	});

	it.each([
		['[failed]', 'failed', true],
		['[canceled]', 'canceled', false],
		['[aborted]', 'aborted', false],
	])('ends as %s → %s', async (marker, status, hasError) => {
		const res = await submitReplicate(
			{ model: 'black-forest-labs/flux-schnell', input: { prompt: `x ${marker}` } },
			{ prefer: 'wait=5' },
		);
		const prediction = res.json();
		expect(prediction.status).toBe(status);
		expect(prediction.output).toBeNull();
		expect(prediction.error === null).toBe(!hasError);
	});

	it('drops one output for [nsfw-partial], and fails when nothing is left', async () => {
		const partial = (
			await submitReplicate(
				{
					model: 'black-forest-labs/flux-dev',
					input: { prompt: 'x [nsfw-partial]', num_outputs: 3 },
				},
				{ prefer: 'wait=5' },
			)
		).json();
		expect(partial.status).toBe('succeeded');
		expect(partial.output).toHaveLength(2);
		const none = (
			await submitReplicate(
				{ model: 'black-forest-labs/flux-dev', input: { prompt: 'x [nsfw-partial]' } },
				{ prefer: 'wait=5' },
			)
		).json();
		expect(none.status).toBe('failed');
		expect(none.error).toMatch(/NSFW/);
	});

	it.each<[string, Json, string]>([
		['black-forest-labs/flux-schnell', { prompt: 'x', num_outputs: 5 }, 'num_outputs'],
		[
			'black-forest-labs/flux-schnell',
			{ prompt: 'x', num_inference_steps: 5 },
			'num_inference_steps',
		],
		['black-forest-labs/flux-schnell', { prompt: 'x', megapixels: '2' }, 'megapixels'],
		['black-forest-labs/flux-schnell', { prompt: 'x', output_format: 'jpeg' }, 'output_format'],
		['black-forest-labs/flux-schnell', { prompt: 'x', aspect_ratio: 'custom' }, 'aspect_ratio'],
		['black-forest-labs/flux-dev', { prompt: 'x', num_inference_steps: 51 }, 'num_inference_steps'],
		['black-forest-labs/flux-dev', { prompt: 'x', guidance: 10.5 }, 'guidance'],
		['black-forest-labs/flux-dev', { prompt: 'x', output_quality: 101 }, 'output_quality'],
		[
			'black-forest-labs/flux-1.1-pro',
			{ prompt: 'x', aspect_ratio: 'custom', width: 1500 },
			'width',
		],
		['black-forest-labs/flux-1.1-pro', { prompt: 'x', safety_tolerance: 0 }, 'safety_tolerance'],
		['black-forest-labs/flux-pro', { prompt: 'x', steps: 0 }, 'steps'],
		[
			'black-forest-labs/flux-1.1-pro-ultra',
			{ prompt: 'x', output_format: 'webp' },
			'output_format',
		],
		['black-forest-labs/flux-schnell', {}, 'prompt'],
		['black-forest-labs/flux-2-pro', { prompt: 'x', input_images: ['data:image/png;base64,aGVsbG8='] }, 'input_images'],
		['black-forest-labs/flux-kontext-pro', { prompt: 'x', input_image: 'not an image' }, 'input_image'],
		['black-forest-labs/flux-kontext-pro', { prompt: 'x', input_image: 'https://example.com/a.png', safety_tolerance: 3 }, 'safety_tolerance'],
		['black-forest-labs/flux-kontext-max', { prompt: 'x', input_image: `data:image/png;base64,${PNG_BASE64}`, safety_tolerance: 6 }, 'safety_tolerance'],
		['black-forest-labs/flux-2-dev', { prompt: 'x', aspect_ratio: 'custom' }, 'aspect_ratio'],
	])('%s rejects %j with a Replicate-style 422 on %s', async (model, input, field) => {
		const res = await submitReplicate({ model, input });
		expect(res.status).toBe(422);
		const body = res.json();
		expect(body).toEqual({
			detail: expect.stringContaining(field),
			status: 422,
			title: 'Input validation failed',
		});
	});

	it('accepts custom sizes and in-range values', async () => {
		const res = await submitReplicate({
			model: 'black-forest-labs/flux-1.1-pro',
			input: {
				prompt: 'x',
				aspect_ratio: 'custom',
				width: 1440,
				height: 256,
				safety_tolerance: 6,
				output_quality: 100,
			},
		});
		expect(res.status).toBe(201);
	});

	it('accepts input images as URLs and data URIs of image bytes', async () => {
		const res = await submitReplicate({
			model: 'black-forest-labs/flux-2-pro',
			input: { prompt: 'x', input_images: ['https://example.com/a.png', `data:image/png;base64,${PNG_BASE64}`] },
		});
		expect(res.status).toBe(201);
	});

	it.each<[string, Json]>([
		['black-forest-labs/flux-kontext-pro', { prompt: 'x', safety_tolerance: 6 }],
		['black-forest-labs/flux-kontext-max', { prompt: 'x', input_image: 'https://example.com/a.png', safety_tolerance: 2 }],
	])('%s accepts %j (the safety cap applies only with an input image)', async (model, input) => {
		expect((await submitReplicate({ model, input })).status).toBe(201);
	});

	it('answers 404 for unknown models and predictions', async () => {
		const model = await submitReplicate({
			model: 'black-forest-labs/flux-imaginary',
			input: { prompt: 'x' },
		});
		expect(model.status).toBe(404);
		expectCometEnvelope(model.json());
		const prediction = await api('/replicate/v1/predictions/nope');
		expect(prediction.status).toBe(404);
		expect(prediction.json().detail).toMatch(/Not found/);
	});

	it('logs requests on the replicate-urls origin and refuses them', async () => {
		const res = await call(`${sim.replicateUrlsOrigin}/v1/predictions/abc`);
		expect(res.status).toBe(401);
		expect(sim.requests).toEqual([
			expect.objectContaining({ origin: 'replicate-urls', authorization: `Bearer ${sim.apiKey}` }),
		]);
	});
});

describe('limits', () => {
	it('answers 429 with Retry-After above the active task limit, and accepts again once tasks end', async () => {
		sim.configure({ activeTaskLimit: 2, retryAfterSeconds: 3 });
		await submitBfl('flux-dev', { prompt: 'a' });
		expect(
			(await submitReplicate({ model: 'black-forest-labs/flux-schnell', input: { prompt: 'b' } }))
				.status,
		).toBe(201);
		expect(sim.activeTasks()).toBe(2);
		const refused = await api('/flux/v1/flux-dev', { body: { prompt: 'c' } });
		expect(refused.status).toBe(429);
		expect(refused.headers['retry-after']).toBe('3');
		expectCometEnvelope(refused.json());
		expect(refused.json().error.message).toMatch(/too many active tasks/);
		expect(
			(await submitReplicate({ model: 'black-forest-labs/flux-schnell', input: { prompt: 'd' } }))
				.status,
		).toBe(429);
		await sleep(GENERATION_MS + 20);
		expect(sim.activeTasks()).toBe(0);
		expect((await api('/flux/v1/flux-dev', { body: { prompt: 'e' } })).status).toBe(200);
	});

	it('caps flux-kontext-max at 6 active tasks', async () => {
		sim.configure({ generationMs: 2000 });
		for (let i = 0; i < 6; i++) await submitBfl('flux-kontext-max', { prompt: `k${i}` });
		expect((await api('/flux/v1/flux-kontext-max', { body: { prompt: 'k6' } })).status).toBe(429);
		expect((await api('/flux/v1/flux-kontext-pro', { body: { prompt: 'p' } })).status).toBe(200);
	});

	it('answers 402 for [no-credits] in either format', async () => {
		const bfl = await api('/flux/v1/flux-dev', { body: { prompt: 'x [no-credits]' } });
		expect(bfl.status).toBe(402);
		expectCometEnvelope(bfl.json());
		const replicate = await submitReplicate({
			model: 'black-forest-labs/flux-dev',
			input: { prompt: 'x [no-credits]' },
		});
		expect(replicate.status).toBe(402);
	});
});

describe('images', () => {
	async function bflImage(body: Json, model = 'flux-dev'): Promise<{ url: string; id: string }> {
		const { id } = await submitBfl(model, body);
		const done = await waitForBfl(id);
		return { url: done.result.sample, id };
	}

	it.each([
		['flux-dev', {}, 'image/jpeg', [0xff, 0xd8, 0xff]],
		['flux-kontext-pro', {}, 'image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
		['flux-dev', { output_format: 'png' }, 'image/png', [0x89, 0x50, 0x4e, 0x47]],
		['flux-dev', { output_format: 'webp' }, 'image/webp', [0x52, 0x49, 0x46, 0x46]],
	])('%s %j serves real %s bytes', async (model, extra, contentType, magic) => {
		const { url } = await bflImage({ prompt: 'x', ...extra }, model);
		const res = await call(url, { key: null });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe(contentType);
		expect([...res.bytes.subarray(0, magic.length)]).toEqual(magic);
		if (contentType === 'image/webp')
			expect(res.bytes.subarray(8, 12).toString('ascii')).toBe('WEBP');
		if (contentType === 'image/png')
			expect(res.bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
		expect(res.bytes.length).toBeGreaterThan(500);
	});

	it('serves Replicate outputs (default webp, jpg as image/jpeg)', async () => {
		const webp = (
			await submitReplicate(
				{ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x' } },
				{ prefer: 'wait' },
			)
		).json();
		expect((await call(webp.output[0], { key: null })).headers['content-type']).toBe('image/webp');
		const jpg = (
			await submitReplicate(
				{ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x', output_format: 'jpg' } },
				{ prefer: 'wait' },
			)
		).json();
		const res = await call(jpg.output[0], { key: null });
		expect(res.headers['content-type']).toBe('image/jpeg');
		expect([...res.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
	});

	it('expires links with 403 after imageTtlMs, and refuses a tampered signature', async () => {
		const { url } = await bflImage({ prompt: 'x' });
		const tampered = url.replace(/sig=[^&]+/, 'sig=AAAA');
		const bad = await call(tampered, { key: null });
		expect(bad.status).toBe(403);
		expect(bad.text).toContain('AuthenticationFailed');
		sim.configure({ imageTtlMs: 50 });
		await sleep(60);
		const expired = await call(url, { key: null });
		expect(expired.status).toBe(403);
		expect(expired.headers['content-type']).toBe('application/xml');
		expect(expired.text).toMatch(/Signed expiry time/);
	});

	it('answers 404 for images of unknown tasks', async () => {
		expect((await call(`${sim.imageOrigin}/images/nope/0.png?sig=x`, { key: null })).status).toBe(
			404,
		);
	});
});

describe('images at the size asked for', () => {
	async function bflPicture(model: string, body: Json): Promise<Answer> {
		const { id } = await submitBfl(model, { prompt: 'a lighthouse at dawn', ...body });
		const done = await waitForBfl(id);
		return call(done.result.sample, { key: null });
	}

	async function replicatePicture(model: string, input: Json): Promise<Answer> {
		const prediction = (await submitReplicate({ model, input: { prompt: 'a lighthouse at dawn', ...input } }, { prefer: 'wait' })).json();
		return call([prediction.output].flat()[0], { key: null });
	}

	const sizeOf = (res: Answer) => imageDimensions(res.bytes);

	it.each([
		['flux-dev', { width: 768, height: 1440 }, 768, 1440],
		['flux-dev', {}, 1024, 768],
		['flux-pro-1.1', { height: 512 }, 1024, 512],
		['flux-pro-1.1-ultra', {}, 2720, 1536],
		['flux-pro-1.1-ultra', { aspect_ratio: '1:1' }, 2048, 2048],
		['flux-pro-1.1-ultra', { aspect_ratio: '9:21' }, 1344, 3136],
		['flux-kontext-pro', {}, 1024, 1024],
		['flux-kontext-pro', { aspect_ratio: '16:9' }, 1360, 768],
		['flux-2-pro', {}, 1024, 1024],
		['flux-2-pro', { width: 1440, height: 816 }, 1440, 816],
		['flux-2-flex', { width: 64, height: 2048 }, 64, 2048],
	])('BFL %s %j: %i x %i', async (model, body, width, height) => {
		expect(sizeOf(await bflPicture(model, body))).toEqual({ width, height });
	});

	it('FLUX.1 Fill answers at its input image\'s size, Expand adds the borders, FLUX.2 follows its first reference', async () => {
		const input = encodePng(40, 30, new Uint8Array(40 * 30 * 3)).toString('base64');
		expect(sizeOf(await bflPicture('flux-pro-1.0-fill', { image: input }))).toEqual({ width: 40, height: 30 });
		expect(sizeOf(await bflPicture('flux-pro-1.0-expand', { image: input, top: 10, left: 4, right: 6 }))).toEqual({ width: 50, height: 40 });
		expect(sizeOf(await bflPicture('flux-pro-1.0-canny', { control_image: `data:image/png;base64,${input}` }))).toEqual({ width: 40, height: 30 });
		expect(sizeOf(await bflPicture('flux-2-pro', { input_image: input }))).toEqual({ width: 40, height: 30 });
		// An input whose header is not an image's (or a URL): the model's square default.
		const notAnImage = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(40, 0x7f)]).toString('base64');
		expect(sizeOf(await bflPicture('flux-pro-1.0-fill', { image: notAnImage }))).toEqual({ width: 1024, height: 1024 });
	});

	it.each([
		['black-forest-labs/flux-schnell', {}, 1024, 1024],
		['black-forest-labs/flux-schnell', { aspect_ratio: '16:9' }, 1344, 768],
		['black-forest-labs/flux-schnell', { aspect_ratio: '9:21', megapixels: '0.25' }, 320, 768],
		['black-forest-labs/flux-dev', { aspect_ratio: '3:2' }, 1216, 832],
		['black-forest-labs/flux-1.1-pro', { aspect_ratio: 'custom', width: 1440, height: 260 }, 1440, 256],
		['black-forest-labs/flux-1.1-pro', { aspect_ratio: '4:5' }, 896, 1088],
		['black-forest-labs/flux-1.1-pro-ultra', {}, 2048, 2048],
		['black-forest-labs/flux-2-pro', {}, 1024, 1024],
		['black-forest-labs/flux-2-pro', { resolution: '4 MP' }, 2048, 2048],
		['black-forest-labs/flux-2-max', { aspect_ratio: '16:9', resolution: '2 MP' }, 1936, 1088],
		['black-forest-labs/flux-2-flex', { aspect_ratio: 'custom', width: 2048, height: 1152 }, 2048, 1152],
		['black-forest-labs/flux-2-dev', { aspect_ratio: '9:16' }, 768, 1360],
		['black-forest-labs/flux-kontext-pro', {}, 1024, 1024],
	])('Replicate %s %j: %i x %i', async (model, input, width, height) => {
		expect(sizeOf(await replicatePicture(model, input))).toEqual({ width, height });
	});

	it('serves the format asked for: a PNG that inflates to its rows, a JPEG with a frame and restart markers, a lossless WebP', async () => {
		const png = await bflPicture('flux-dev', { width: 800, height: 608, output_format: 'png' });
		expect(png.headers['content-type']).toBe('image/png');
		expect(decodePng(png.bytes)).toMatchObject({ width: 800, height: 608 });

		const jpeg = await bflPicture('flux-dev', { width: 800, height: 608, output_format: 'jpeg' });
		expect(jpeg.headers['content-type']).toBe('image/jpeg');
		expect(sizeOf(jpeg)).toEqual({ width: 800, height: 608 });
		expect([...jpeg.bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
		const restarts = [...jpeg.bytes.subarray(0, -1)].filter((byte, i) => byte === 0xff && jpeg.bytes[i + 1] >= 0xd0 && jpeg.bytes[i + 1] <= 0xd7);
		expect(restarts).toHaveLength(608 / 8 - 1);

		const webp = await bflPicture('flux-dev', { width: 800, height: 608, output_format: 'webp' });
		expect(webp.headers['content-type']).toBe('image/webp');
		expect(webp.bytes.subarray(12, 16).toString('ascii')).toBe('VP8L');
		expect(webp.bytes.readUInt32LE(4)).toBe(webp.bytes.length - 8);
		expect(sizeOf(webp)).toEqual({ width: 800, height: 608 });

		const replicateJpg = await replicatePicture('black-forest-labs/flux-schnell', { output_format: 'jpg', aspect_ratio: '21:9' });
		expect(replicateJpg.headers['content-type']).toBe('image/jpeg');
		expect(sizeOf(replicateJpg)).toEqual({ width: 1536, height: 640 });
	});

	it('weighs what a real result does: PNG about 1.5 MB at 1 MP and about 8 MB at 4 MP, JPEG and WebP a few hundred KB per MP', async () => {
		const megabytes = (res: Answer) => res.bytes.length / 1e6;
		expect(megabytes(await bflPicture('flux-dev', { width: 1024, height: 1024, output_format: 'png' }))).toBeCloseTo(1.55, 1);
		expect(megabytes(await bflPicture('flux-2-pro', { width: 2048, height: 2048, output_format: 'png' }))).toBeCloseTo(8.3, 1);
		const jpeg = await bflPicture('flux-dev', { width: 1024, height: 1024 });
		expect(Number(jpeg.headers['content-length'])).toBe(jpeg.bytes.length);
		expect(megabytes(jpeg)).toBeGreaterThan(0.25);
		expect(megabytes(jpeg)).toBeLessThan(0.4);
		const webp = await replicatePicture('black-forest-labs/flux-schnell', {});
		expect(megabytes(webp)).toBeGreaterThan(0.15);
		expect(megabytes(webp)).toBeLessThan(0.3);
	});

	it("imageWeight 'small' keeps the size in pixels and weighs a few KB", async () => {
		sim.configure({ imageWeight: 'small' });
		for (const output_format of ['png', 'jpeg', 'webp']) {
			const res = await bflPicture('flux-dev', { width: 1024, height: 1024, output_format });
			expect(sizeOf(res)).toEqual({ width: 1024, height: 1024 });
			expect(res.bytes.length).toBeLessThan(20_000);
		}
	});

	it('draws each image apart: the colour follows the seed, the words the prompt; a second download is the same bytes', async () => {
		const picture = async (prompt: string, seed: number) => {
			const { id } = await submitBfl('flux-dev', { prompt, seed, width: 512, height: 512, output_format: 'png' });
			return (await call((await waitForBfl(id)).result.sample, { key: null })).bytes;
		};
		const first = await picture('a red boat', 1);
		const again = await picture('a red boat', 1);
		expect(again.equals(first)).toBe(true);
		const otherSeed = decodePng(await picture('a red boat', 2));
		const otherPrompt = decodePng(await picture('a blue car', 1));
		const decoded = decodePng(first);
		expect(decoded.pixel(0, 0)).not.toEqual(otherSeed.pixel(0, 0));
		expect(decoded.pixel(0, 0)).toEqual(otherPrompt.pixel(0, 0));
		const ink = (image: ReturnType<typeof decodePng>) =>
			Array.from({ length: 200 * 100 }, (_, i) => image.pixel(i % 200, Math.floor(i / 200)).join()).filter((p) => p === '246,244,236').length;
		expect(ink(decoded)).toBeGreaterThan(500);
		expect(ink(otherPrompt)).not.toBe(ink(decoded));
	});
});

/** A PNG's pixels (8-bit RGB, as the simulator writes them): every chunk's CRC and zlib's checksum are checked on the way. */
function decodePng(bytes: Buffer): { width: number; height: number; pixel(x: number, y: number): number[] } {
	expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const idat: Buffer[] = [];
	let width = 0;
	let height = 0;
	for (let at = 8; at < bytes.length; ) {
		const length = bytes.readUInt32BE(at);
		const type = bytes.toString('ascii', at + 4, at + 8);
		const data = bytes.subarray(at + 8, at + 8 + length);
		expect(bytes.readUInt32BE(at + 8 + length)).toBe(crc32(bytes.subarray(at + 4, at + 8 + length)));
		if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
		if (type === 'IDAT') idat.push(data);
		at += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(idat));
	const stride = width * 3;
	expect(raw.length).toBe((stride + 1) * height);
	const rows: Buffer[] = [];
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
		const above = rows[y - 1] ?? Buffer.alloc(stride);
		for (let i = 0; i < stride; i++) {
			const left = i >= 3 ? row[i - 3] : 0;
			const upLeft = i >= 3 ? above[i - 3] : 0;
			const predictor = [0, left, above[i], (left + above[i]) >> 1, paeth(left, above[i], upLeft)][filter];
			row[i] = (row[i] + predictor) & 0xff;
		}
		rows.push(row);
	}
	return { width, height, pixel: (x, y) => [...rows[y].subarray(x * 3, x * 3 + 3)] };
}

function paeth(a: number, b: number, c: number): number {
	const p = a + b - c;
	const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

describe('the image header reader', () => {
	it('reads the sizes of pictures made by ImageMagick and cwebp', () => {
		const fixture = (name: string) => readFileSync(join(__dirname, 'simulator', 'fixtures', name));
		expect(imageDimensions(fixture('sample.jpg'))).toEqual({ width: 512, height: 384 });
		expect(imageDimensions(fixture('sample.webp'))).toEqual({ width: 512, height: 384 });
		expect(imageDimensions(encodePng(3, 2, new Uint8Array(18)))).toEqual({ width: 3, height: 2 });
		expect(imageDimensions(Buffer.from('not an image'))).toBeUndefined();
	});
});

describe('faults', () => {
	it('status: answers the status with the CometAPI envelope and code', async () => {
		sim.inject({
			route: 'submit',
			kind: 'status',
			status: 500,
			code: 'invalid_request',
			message: 'bad things',
		});
		const res = await api('/flux/v1/flux-dev', { body: { prompt: 'x' } });
		expect(res.status).toBe(500);
		expectCometEnvelope(res.json());
		expect(res.json().error).toEqual(
			expect.objectContaining({
				code: 'invalid_request',
				message: expect.stringMatching(/^bad things/),
			}),
		);
		expect(sim.activeTasks()).toBe(0);
		expect((await api('/flux/v1/flux-dev', { body: { prompt: 'x' } })).status).toBe(200);
	});

	it('status 502/524: answers a Cloudflare HTML page', async () => {
		sim.inject({ route: 'get_result', kind: 'status', status: 524 });
		const res = await call(`${sim.pollingOrigin}/v1/get_result?id=x`, { key: null });
		expect(res.status).toBe(524);
		expect(res.headers['content-type']).toMatch(/text\/html/);
		expect(res.text).toContain('524');
	});

	it('status 429: carries Retry-After', async () => {
		sim.inject({ route: 'replicate-get', kind: 'status', status: 429, retryAfterSeconds: 7 });
		const res = await api('/replicate/v1/predictions/whatever');
		expect(res.status).toBe(429);
		expect(res.headers['retry-after']).toBe('7');
	});

	it('html: answers 200 with an HTML page', async () => {
		sim.inject({ route: 'models', kind: 'html' });
		const res = await api('/v1/models');
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/text\/html/);
		expect(() => res.json()).toThrow();
	});

	it('reset: drops the connection before acting (no task)', async () => {
		sim.inject({ route: 'submit', kind: 'reset' });
		await expect(api('/flux/v1/flux-dev', { body: { prompt: 'x' } })).rejects.toThrow();
		expect(sim.activeTasks()).toBe(0);
		expect(sim.requests).toHaveLength(1);
	});

	it('reset-after-send: creates the task, then drops the connection', async () => {
		sim.inject({ route: 'replicate-submit', kind: 'reset-after-send' });
		await expect(
			submitReplicate({ model: 'black-forest-labs/flux-schnell', input: { prompt: 'x' } }),
		).rejects.toThrow();
		expect(sim.activeTasks()).toBe(1);
	});

	it('slow: answers normally after delayMs', async () => {
		sim.inject({ route: 'image', kind: 'slow', delayMs: 300 });
		const started = Date.now();
		const res = await call(`${sim.imageOrigin}/images/nope/0.png`, { key: null });
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(res.status).toBe(404);
	});

	it('consumes faults in order per route, `times` at a time; `any` hits every route', async () => {
		sim.inject({ route: 'models', kind: 'status', status: 503, times: 2 });
		sim.inject({ route: 'get_result', kind: 'status', status: 500 });
		sim.inject({ route: 'models', kind: 'status', status: 504 });
		expect((await api('/flux/v1/get_result?id=x')).status).toBe(500);
		expect((await api('/v1/models')).status).toBe(503);
		expect((await api('/v1/models')).status).toBe(503);
		expect((await api('/v1/models')).status).toBe(504);
		expect((await api('/v1/models')).status).toBe(200);
		sim.inject({ route: 'any', kind: 'status', status: 502 });
		expect((await call(`${sim.replicateUrlsOrigin}/x`, { key: null })).status).toBe(502);
		expect((await api('/v1/models')).status).toBe(200);
	});

	it('random faults: transient only, and off again at rate 0', async () => {
		sim.setRandomFaults(1, ['status'], ['models']);
		for (let i = 0; i < 5; i++) {
			expect([429, 500, 502, 503, 504, 524]).toContain((await api('/v1/models')).status);
		}
		expect((await api('/flux/v1/get_result?id=x')).status).toBe(200);
		sim.setRandomFaults(0);
		expect((await api('/v1/models')).status).toBe(200);
	});
});

describe('request log and reset', () => {
	it('records every request on every origin, in order, with parsed JSON bodies', async () => {
		const { id, polling_url } = await submitBfl('flux-dev', { prompt: 'logged' });
		await call(polling_url, { key: 'leaked-key' });
		await call(`${sim.imageOrigin}/images/${id}/0.jpeg`, { key: null });
		expect(sim.requests.map((r) => [r.origin, r.method, r.path])).toEqual([
			['api', 'POST', '/flux/v1/flux-dev'],
			['polling', 'GET', '/v1/get_result'],
			['images', 'GET', `/images/${id}/0.jpeg`],
		]);
		expect(sim.requests[0]).toEqual(
			expect.objectContaining({
				body: { prompt: 'logged' },
				authorization: `Bearer ${sim.apiKey}`,
				at: expect.any(Number),
			}),
		);
		expect(sim.requests[0].headers['content-type']).toBe('application/json');
		expect(sim.requests[1].query).toEqual({ id });
		expect(sim.requests[1].authorization).toBe('Bearer leaked-key');
		expect(sim.requests[2].authorization).toBeUndefined();
	});

	it('reset() clears the log, faults and tasks, and restores the start options', async () => {
		sim.configure({ generationMs: 5000, activeTaskLimit: 1 });
		const { id } = await submitBfl('flux-dev', { prompt: 'x' });
		sim.inject({ route: 'models', kind: 'status', status: 500 });
		sim.reset();
		expect(sim.requests).toEqual([]);
		expect(sim.task(id)).toBeUndefined();
		expect(sim.activeTasks()).toBe(0);
		expect(sim.options).toEqual(
			expect.objectContaining({
				generationMs: GENERATION_MS,
				activeTaskLimit: 24,
				apiKey: 'sim-test-key',
			}),
		);
		expect((await api('/v1/models')).status).toBe(200);
	});
});

describe('wire shapes (the table in simulator/README.md)', () => {
	// sim.reset() after each test restores the start options (wire 'raw').
	/** The BFL submit (plain and with a webhook), its get_result, an unknown task, and the Replicate create. */
	async function answersIn(wire: WireShape) {
		sim.configure({ wire, generationMs: 5000 });
		const submit = (await call(`${sim.url}/flux/v1/flux-dev`, { body: { prompt: 'a cube' } })).json();
		const webhook = (await call(`${sim.url}/flux/v1/flux-dev`, { body: { prompt: 'a cube', webhook_url: 'http://127.0.0.1:9/hook' } })).json();
		const id = String(submit.id ?? submit.data?.id ?? submit.data?.task_id);
		const poll = (await call(`${sim.url}/flux/v1/get_result?id=${id}`)).json();
		const unknown = (await call(`${sim.url}/flux/v1/get_result?id=no-such-task`)).json();
		const create = (await call(`${sim.url}/replicate/v1/models/black-forest-labs/flux-schnell/predictions`, { body: { input: { prompt: 'a cube' } } })).json();
		return { id, submit, webhook, poll, unknown, create };
	}

	it('raw: BFL\'s and Replicate\'s own shapes', async () => {
		const { id, submit, webhook, poll, unknown, create } = await answersIn('raw');
		expect(Object.keys(submit).sort()).toEqual(['id', 'polling_url']);
		expect(webhook).toMatchObject({ status: 'Pending', webhook_url: 'http://127.0.0.1:9/hook' });
		expect(poll).toMatchObject({ id, status: 'Pending' });
		expect(unknown).toEqual({ id: 'no-such-task', status: 'Task not found' });
		expect(create).toMatchObject({ status: 'starting', model: 'black-forest-labs/flux-schnell' });
	});

	it('envelope: every task answer in the task envelope, an unknown task refused with task_not_exist', async () => {
		const { id, submit, webhook, poll, unknown, create } = await answersIn('envelope');
		expect(submit).toMatchObject({ code: 'success', data: { task_id: id, status: 'SUBMITTED', data: { id, status: 'Pending' } } });
		expect(submit.data.data.polling_url).toBeUndefined();
		expect(webhook).toMatchObject({ code: 'success', data: { status: 'SUBMITTED', data: { status: 'Pending', webhook_url: 'http://127.0.0.1:9/hook' } } });
		expect(poll).toMatchObject({ code: 'success', data: { task_id: id, status: expect.stringMatching(/QUEUED|IN_PROGRESS/), data: { id, status: 'Pending' } } });
		expect(unknown).toEqual({ code: 'task_not_exist', message: 'task_not_exist', data: null });
		expect(create).toMatchObject({ code: 'success', data: { status: 'SUBMITTED', data: { status: 'starting' } } });
	});

	it('data: every task answer wrapped as {data: <answer>}', async () => {
		const { id, submit, poll, unknown, create } = await answersIn('data');
		expect(Object.keys(submit)).toEqual(['data']);
		expect(Object.keys(submit.data).sort()).toEqual(['id', 'polling_url']);
		expect(poll).toMatchObject({ data: { id, status: 'Pending' } });
		expect(unknown).toEqual({ data: { id: 'no-such-task', status: 'Task not found' } });
		expect(create).toMatchObject({ data: { status: 'starting', model: 'black-forest-labs/flux-schnell' } });
	});

	it('minimal-create: create answers without a status, raw polls', async () => {
		const { id, submit, poll, unknown, create } = await answersIn('minimal-create');
		expect(submit).toEqual({ id, status: 'Pending' });
		expect(poll).toMatchObject({ id, status: 'Pending' });
		expect(unknown).toEqual({ id: 'no-such-task', status: 'Task not found' });
		expect(create).toEqual({ data: { id: expect.any(String) } });
		expect(sim.task(create.data.id)?.model).toBe('black-forest-labs/flux-schnell');
	});
});

describe('the envelope status follows the provider answer it wraps', () => {
	// CI once saw a running prediction enveloped as FAILURE: the answer was built a millisecond before
	// the task turned terminal and the envelope read the clock again just after.
	const task = { id: 't1', format: 'replicate', createdAt: 1_000, readyAt: 2_000 } as TaskRecord;

	it.each([
		['starting', 'QUEUED'],
		['processing', 'IN_PROGRESS'],
		['succeeded', 'SUCCESS'],
		['failed', 'FAILURE'],
		['canceled', 'FAILURE'],
	])('a Replicate answer "%s" read at the instant the task ends is enveloped %s', (providerStatus, expected) => {
		const wrapped = onTheWire('envelope', task, { id: 't1', status: providerStatus }, '', { now: task.readyAt });
		expect(wrapped).toMatchObject({ data: { status: expected, data: { status: providerStatus } } });
	});

	it.each([
		['Pending', 'IN_PROGRESS'],
		['Ready', 'SUCCESS'],
		['Error', 'FAILURE'],
		['Content Moderated', 'FAILURE'],
	])('a BFL answer "%s" read at the instant the task ends is enveloped %s', (providerStatus, expected) => {
		const bflTask = { ...task, format: 'bfl' } as TaskRecord;
		const wrapped = onTheWire('envelope', bflTask, { id: 't1', status: providerStatus }, '', { now: task.readyAt });
		expect(wrapped).toMatchObject({ data: { status: expected } });
	});
});

describe('fixed ports', () => {
	it('listens on the ports it is given', async () => {
		const probe = await startSimulator();
		const wanted = probe.options.ports;
		await probe.close();
		const fixed = await startSimulator({ ports: wanted });
		try {
			expect(fixed.url).toBe(`http://127.0.0.1:${wanted.api}`);
			expect(fixed.pollingOrigin).toBe(`http://localhost:${wanted.polling}`);
			expect((await call(`${fixed.url}/v1/models`, { key: fixed.apiKey })).status).toBe(200);
		} finally {
			await fixed.close();
		}
	});
});
