/**
 * What keeps memory flat as batches grow (issue 20), through n8n's real WorkflowExecute against the
 * simulator: answers that echo the input images stay out of output items; downloads are streamed
 * under a size limit; input sizes and types are judged without reading whole files. Counters and
 * spies, never timers (the figures are in the benchmark's memory scenario).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Container } from '../harness/core-container.ts';
import { setupBinaryData } from '../harness/binary-data.ts';
import { pictureJpeg } from '../simulator/jpeg.ts';
import { gradientPng } from '../simulator/png.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { credentials, runFlux, startStub, type Stub } from '../reliability/support.ts';
import { fluxRun, itemWithBinary, requestsTo, useSimulator } from './helpers.ts';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
/** A real JPEG of about 0.3 MB: big enough that an echo of it would show. */
const PHOTO = Buffer.concat(pictureJpeg({ width: 1024, height: 1024, seed: 5, prompt: 'photo', weight: 'realistic' }));

const predictFlux2 = (additionalFields: INodeParameters, options: INodeParameters = {}): INodeParameters => ({
	operation: 'replicatePredict',
	model: rl('black-forest-labs/flux-2-pro'),
	prompt: 'the person of the photo at a lighthouse',
	additionalFields: { aspect_ratio: '1:1', resolution: '1 MP', output_format: 'png', ...additionalFields },
	options,
});

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (typeof value !== 'object' || value === null) return [];
	return Object.values(value).flatMap(strings);
}

let sim: Simulator;
useSimulator({ generationMs: 100 }, (s) => (sim = s));

const imageRequests = () => requestsTo(sim, 'images').length;

describe('answers that echo the input', () => {
	test.each(['raw', 'envelope'] as const)('an echoed data URI never reaches an output item (%s answers)', async (wire) => {
		const simulator = wire === 'raw' ? sim : await startSimulator({ generationMs: 100, wire });
		try {
			const result = await fluxRun(simulator, predictFlux2({ input_imagesBinaryProperty: 'photo' }), {
				items: [itemWithBinary('photo', PHOTO, { mimeType: 'image/jpeg', fileName: 'photo.jpg' })],
			});
			expect(result.error).toBeUndefined();
			const [item] = result.items;
			const texts = strings(item.json);
			expect(texts.filter((text) => /^data:/i.test(text))).toEqual([]);
			expect(texts.filter((text) => text.includes(PHOTO.toString('base64').slice(0, 64)))).toEqual([]);
			// What was there is said, in a few words.
			expect(texts).toContainEqual(expect.stringMatching(/^<data URI, image\/jpeg, 0\.3 MB, not kept>$/));
			expect(Buffer.byteLength(JSON.stringify(item.json))).toBeLessThan(4096);
		} finally {
			if (simulator !== sim) await simulator.close();
		}
	});
});

test('with Wait for Completion off, the submit answer returned holds no echoed image either', async () => {
	const result = await fluxRun(sim, { ...predictFlux2({ input_imagesBinaryProperty: 'photo' }), waitForCompletion: false }, {
		items: [itemWithBinary('photo', PHOTO, { mimeType: 'image/jpeg', fileName: 'photo.jpg' })],
	});
	expect(result.error).toBeUndefined();
	const texts = strings(result.items[0].json);
	expect(texts.filter((text) => /^data:/i.test(text))).toEqual([]);
	expect(texts).toContainEqual('<data URI, image/jpeg, 0.3 MB, not kept>');
	expect(result.items[0].json.id).toEqual(expect.any(String));
});

describe('downloads under a size limit', () => {
	test('an oversized download fails with the task ID and the size, and retries nothing', async () => {
		// FLUX.2 [pro] at 1 MP in PNG: 1.5 MB (2^20 bytes each), over a limit of 1 MB.
		const result = await fluxRun(sim, predictFlux2({}, { maxImageSize: 1 }));
		expect(result.status).toBe('error');
		const taskId = /task (\S+)/.exec(result.error?.message ?? '')?.[1] ?? '';
		expect(sim.task(taskId)?.model).toBe('black-forest-labs/flux-2-pro');
		expect(result.error?.message).toMatch(/ is 1\.5 MB, over the limit of 1 MB/);
		expect(imageRequests()).toBe(1);
	});

	describe('an image host that does not say the length (chunked)', () => {
		let stub: Stub;
		afterEach(async () => await stub?.close());

		test('the download stops at the limit, names the task, and is not retried', async () => {
			const big = Buffer.concat([gradientPng(8, 8, 1), Buffer.alloc(3 * 2 ** 20, 7)]);
			stub = await startStub((request, self) => {
				if (request.path.startsWith('/img/')) return { status: 200, headers: { 'content-type': 'image/png', 'transfer-encoding': 'chunked' }, body: big };
				if (request.method === 'POST') return { body: { id: 'task-big', polling_url: `${self.url}/v1/get_result?id=task-big` } };
				return { body: { id: 'task-big', status: 'Ready', result: { sample: `${self.url}/img/1.png` } } };
			});
			const result = await runFlux({
				parameters: { operation: 'generate', model: 'flux-dev', prompt: 'big', options: { pollInterval: 0.05, maxImageSize: 1 } },
				credentials: credentials(stub.url),
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/task-big/);
			expect(result.error?.message).toMatch(/passed the limit of 1 MB/);
			expect(stub.requests.filter((r) => r.path.startsWith('/img/'))).toHaveLength(1);
		});
	});

	describe('a body cut off mid-way', () => {
		let stub: Stub;
		let images: Server;
		afterEach(async () => {
			await stub?.close();
			images?.closeAllConnections();
			await new Promise((resolve) => images?.close(resolve));
		});

		test('is downloaded again, and the whole image is saved', async () => {
			const png = Buffer.concat([gradientPng(8, 8, 2), Buffer.alloc(256 * 1024, 9)]);
			let served = 0;
			images = createServer((_req, res) => {
				res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
				if (served++ === 0) res.write(png.subarray(0, 64 * 1024), () => res.destroy());
				else res.end(png);
			});
			await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
			const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/img/1.png`;
			stub = await startStub((request, self) => {
				if (request.method === 'POST') return { body: { id: 'task-cut', polling_url: `${self.url}/v1/get_result?id=task-cut` } };
				return { body: { id: 'task-cut', status: 'Ready', result: { sample: imageUrl } } };
			});
			const result = await runFlux({
				parameters: { operation: 'generate', model: 'flux-dev', prompt: 'cut', options: { pollInterval: 0.05 } },
				credentials: credentials(stub.url),
			});
			expect(result.error).toBeUndefined();
			expect(served).toBe(2);
			expect(result.items[0].binary?.data.bytes).toBe(png.length);
		});
	});

	test('Max Image Size must be a number from 1 to 1024, checked before anything is sent', async () => {
		const result = await fluxRun(sim, predictFlux2({}, { maxImageSize: 0 }));
		expect(result.error?.message).toBe('Max Image Size (MB) must be a number from 1 to 1024 (got 0)');
		expect(requestsTo(sim, 'api')).toHaveLength(0);
	});
});

/** Stores bytes as n8n does in filesystem mode and gives the item's binary metadata (an `id`, no bytes inline). */
async function storedBinary(bytes: Buffer, mimeType: string, fileName: string): Promise<IBinaryData> {
	await setupBinaryData('filesystem');
	const binary: IBinaryData = { data: '', mimeType, fileName };
	return await Container.get(BinaryDataService).store({ type: 'execution', workflowId: 'memory-test', executionId: '1' }, bytes, binary);
}

describe('input images judged without reading whole files', () => {
	let reads: jest.SpyInstance;
	beforeEach(() => {
		reads = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
	});
	afterEach(() => reads.mockRestore());

	const run = (fields: INodeParameters, binary: Record<string, IBinaryData>) =>
		fluxRun(sim, predictFlux2(fields), { items: [{ json: {}, binary } satisfies INodeExecutionData], binaryDataMode: 'filesystem' });

	test.each([
		['its metadata (bytes)', (b: IBinaryData) => b],
		['a stat of the stored file (no bytes in the metadata)', ({ bytes: _bytes, fileSize: _fileSize, ...b }: IBinaryData) => b],
	])('an image over 20 MB is refused from %s, without reading it', async (_how, strip) => {
		const huge = Buffer.concat([PHOTO.subarray(0, 64), Buffer.alloc(21 * 2 ** 20, 1)]);
		const binary = strip(await storedBinary(huge, 'image/jpeg', 'huge.jpg'));
		const result = await run({ input_imagesBinaryProperty: 'photo' }, { photo: binary });
		expect(result.error?.message).toMatch(/over the API's limit/);
		expect(reads).not.toHaveBeenCalled();
		expect(requestsTo(sim, 'api')).toHaveLength(0);
	});

	test('* sniffs each binary from its first bytes: only the images are read whole', async () => {
		const photo = await storedBinary(PHOTO, 'image/jpeg', 'photo.jpg');
		const text = await storedBinary(Buffer.alloc(5 * 2 ** 20, 0x41), 'application/octet-stream', 'notes.bin');
		const result = await run({ input_imagesBinaryProperty: '*' }, { photo, notes: text });
		expect(result.error).toBeUndefined();
		expect(reads).toHaveBeenCalledTimes(1);
		expect((reads.mock.calls[0][0] as IBinaryData).id).toBe(photo.id);
	});
});

describe('work in flight stays bounded', () => {
	// The body's images are read when the item's slot is granted (and dropped once the submit is
	// answered), not for every item of the batch behind the input gate.
	test('a body is built only when its slot is granted: builds before the first submit ≤ Max Tasks in Flight', async () => {
		const read = BinaryDataService.prototype.getAsBuffer;
		const submitsAtEachBuild: number[] = [];
		const reads = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer').mockImplementation(async function (this: BinaryDataService, ...args) {
			submitsAtEachBuild.push(requestsTo(sim, 'api').filter((r) => r.method === 'POST').length);
			return await read.apply(this, args);
		});
		try {
			const items = Array.from({ length: 6 }, () => itemWithBinary('photo', PHOTO, { mimeType: 'image/jpeg' }));
			const result = await fluxRun(sim, predictFlux2({ input_imagesBinaryProperty: 'photo' }, { maxTasksInFlight: 2 }), { items });
			expect(result.error).toBeUndefined();
			expect(submitsAtEachBuild.filter((submits) => submits === 0).length).toBeLessThanOrEqual(2);
		} finally {
			reads.mockRestore();
		}
	});

	// Each image submit holds its images several times over while it is sent: a wave of them built
	// at once made n8n run out of memory (bench: a 1 GB heap at N = 96), so at most 4 go at once.
	test('submits with images from binary properties go at most 4 at once, whatever Max Tasks in Flight', async () => {
		// A batch without images first: slow start opens all 8 slots of this key.
		const warmUp = await fluxRun(sim, predictFlux2({}, { maxTasksInFlight: 8 }), { items: Array.from({ length: 16 }, (_, i) => ({ json: { i } })) });
		expect(warmUp.error).toBeUndefined();
		sim.inject({ route: 'replicate-submit', kind: 'slow', delayMs: 400, times: 8 });
		const since = sim.requests.length;
		const items = Array.from({ length: 8 }, () => itemWithBinary('photo', PHOTO, { mimeType: 'image/jpeg' }));
		const result = await fluxRun(sim, predictFlux2({ input_imagesBinaryProperty: 'photo' }, { maxTasksInFlight: 8 }), { items });
		expect(result.error).toBeUndefined();
		const submits = sim.requests.slice(since).filter((r) => r.method === 'POST').map((r) => r.at);
		expect(submits).toHaveLength(8);
		// Each is answered 400 ms after it arrives: within 300 ms of any submit, at most 4 arrive.
		const together = Math.max(...submits.map((at) => submits.filter((other) => other >= at && other < at + 300).length));
		expect(together).toBeLessThanOrEqual(4);
	});
});
