// The memory scenario of `npm run bench` (issue 20): real n8n, binary data in filesystem mode;
// FLUX.2 [pro] on the Replicate route, three reference photos of about 4 MB per item from binary
// properties, PNG results of about 1.5 MB, 24 tasks at once, at N = 24 and 96 (and 384 in the full
// run). Each N runs in a freshly started n8n (the heap an earlier batch grew would hide this one's
// growth), after a warm-up with N = 1.

import { mkdirSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nInstall } from '../n8n/install.ts';
import { freePort, startN8n, type N8nServer } from '../n8n/server.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { pictureJpeg } from '../simulator/jpeg.ts';
import { findN8nMain, MemorySampler } from './memory.ts';
import { downloadCapWorkflow, MEMORY_NODE, memoryWorkflow } from './workflows.ts';

/** A 16 MP phone photo: about 4 MB as the simulator's JPEG encoder writes it. */
const PHOTO = { width: 4608, height: 3456 };
const T_MS = 2000;
const L = 24;
/** The option value (MB) the download-cap check sets, below the 1 MP PNG's 1.6 MB. */
const CAP_CHECK_MB = 1;

export interface MemoryRun {
	n: number;
	ok: boolean;
	error?: string;
	execS: number;
	images: number;
	imageMb: number;
	peakRssMb: number;
	mainDeltaMb: number;
	runnerDeltaMb: number;
	/** Main plus runner RSS at the peak, not a difference (for the container-limit check). */
	peakAbsoluteMb: number;
	baselineMb: number;
	executionJsonKb: number;
	executionJsonKbPerImage: number;
	outputItemJsonKbMax: number;
}

export interface MemoryResult {
	photoMb: number[];
	runs: MemoryRun[];
	downloadCap: { enforced: boolean; message: string };
	maxOldSpaceMb?: number;
}

const log = (line: string): void => {
	process.stderr.write(`[bench memory] ${line}\n`);
};

/** Real-size JPEG photos, written at run time (never committed). */
function writePhotos(dir: string): string[] {
	mkdirSync(dir, { recursive: true });
	return [1, 2, 3].map((k) => {
		const path = join(dir, `photo-${k}.jpg`);
		if (!existsSync(path)) writeFileSync(path, Buffer.concat(pictureJpeg({ ...PHOTO, seed: 1000 + k, prompt: `reference photo ${k}`, weight: 'realistic' })));
		return path;
	});
}

/** The execution's saved data (n8n's own serialisation, binaries are references in filesystem mode), in bytes. */
async function savedDataBytes(n8n: N8nServer, executionId: string): Promise<number> {
	const r = await n8n.rest.request('GET', `/rest/executions/${executionId}`);
	const data = r.body?.data?.data;
	return Buffer.byteLength(typeof data === 'string' ? data : JSON.stringify(data ?? ''));
}

export async function runMemoryScenario(opts: {
	ns: number[];
	work: string;
	install: N8nInstall;
	tarball: string;
	verbose: boolean;
	maxOldSpaceMb?: number;
}): Promise<MemoryResult> {
	const photos = writePhotos(join(opts.work, 'photos'));
	const photoMb = photos.map((p) => statSync(p).size / 2 ** 20);
	log(`photos: ${photoMb.map((x) => x.toFixed(2)).join(', ')} MB (${PHOTO.width}x${PHOTO.height} JPEG)`);
	// The same photos in every item: the simulator keeps each once (hundreds of copies would exhaust this process).
	const sim = await startSimulator({ generationMs: T_MS, activeTaskLimit: L, shareLongStrings: true });
	const userFolder = join(opts.work, 'n8n-memory');
	const runs: MemoryRun[] = [];
	let downloadCap = { enforced: false, message: '' };
	let installed = false;
	try {
		for (const n of opts.ns) {
			const n8n = await startN8n({
				userFolder,
				port: await freePort(),
				packageTarball: installed ? undefined : opts.tarball,
				verbose: opts.verbose,
				nodeOptions: opts.maxOldSpaceMb ? [`--max-old-space-size=${opts.maxOldSpaceMb}`] : undefined,
				env: {
					N8N_LOG_LEVEL: 'warn',
					EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
					N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
					N8N_RESTRICT_FILE_ACCESS_TO: join(opts.work, 'photos'),
				},
			});
			installed = true;
			try {
				const cred = { id: '', name: `CometAPI (memory bench N=${n})` };
				cred.id = await n8n.createCredential({ name: cred.name, type: 'cometApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } });
				const warmId = await n8n.createWorkflow(memoryWorkflow(1, cred, photos));
				const runId = await n8n.createWorkflow(memoryWorkflow(n, cred, photos));
				const mainPid = findN8nMain(opts.install.bin, userFolder);
				if (!mainPid) throw new Error('n8n main process not found in /proc');
				const sampler = new MemorySampler(mainPid);
				const warm = await n8n.runWorkflow(warmId, { timeoutMs: 120_000 });
				if (warm.status !== 'success') throw new Error(`warm-up failed: ${JSON.stringify(n8n.executionError(warm)?.message ?? warm.status)}`);
				if (n === opts.ns[0]) downloadCap = await checkDownloadCap(n8n, sim, cred);
				sim.reset();
				await new Promise((r) => setTimeout(r, 1500));
				sampler.start();
				const t0 = Date.now();
				let run: MemoryRun;
				try {
					const exec = await n8n.runWorkflow(runId, { timeoutMs: 20 * 60_000 });
					const mem = sampler.stop();
					const items = n8n.nodeItems(exec, MEMORY_NODE);
					const withImage = items.filter((item) => item?.binary?.data);
					const jsonBytes = await savedDataBytes(n8n, exec.id);
					const mb = (kb: number) => kb / 1024;
					run = {
						n,
						ok: exec.status === 'success' && withImage.length === n,
						error: exec.status === 'success' ? (withImage.length === n ? undefined : `${withImage.length} images for ${n} items`) : String(n8n.executionError(exec)?.message ?? exec.status).slice(0, 300),
						execS: (Date.parse(exec.stoppedAt ?? '') - Date.parse(exec.startedAt)) / 1000,
						images: withImage.length,
						imageMb: withImage.length ? Number(withImage[0].binary.data.bytes ?? 0) / 2 ** 20 : 0,
						mainDeltaMb: mb(Math.max(0, mem.main.peakKb - mem.main.baselineKb)),
						runnerDeltaMb: mb(Math.max(0, mem.runner.peakKb - mem.runner.baselineKb)),
						peakRssMb: 0,
						peakAbsoluteMb: mb(mem.main.peakKb + mem.runner.peakKb),
						baselineMb: mb(mem.main.baselineKb + mem.runner.baselineKb),
						executionJsonKb: jsonBytes / 1024,
						executionJsonKbPerImage: jsonBytes / 1024 / Math.max(1, withImage.length),
						outputItemJsonKbMax: Math.max(0, ...items.map((item) => Buffer.byteLength(JSON.stringify(item.json)) / 1024)),
					};
					run.peakRssMb = run.mainDeltaMb + run.runnerDeltaMb;
				} catch (error) {
					const mem = sampler.stop();
					run = {
						n,
						ok: false,
						error: (error as Error).message.slice(0, 300),
						execS: (Date.now() - t0) / 1000,
						images: 0,
						imageMb: 0,
						mainDeltaMb: Math.max(0, mem.main.peakKb - mem.main.baselineKb) / 1024,
						runnerDeltaMb: Math.max(0, mem.runner.peakKb - mem.runner.baselineKb) / 1024,
						peakRssMb: 0,
						peakAbsoluteMb: (mem.main.peakKb + mem.runner.peakKb) / 1024,
						baselineMb: (mem.main.baselineKb + mem.runner.baselineKb) / 1024,
						executionJsonKb: NaN,
						executionJsonKbPerImage: NaN,
						outputItemJsonKbMax: NaN,
					};
					run.peakRssMb = run.mainDeltaMb + run.runnerDeltaMb;
				}
				runs.push(run);
				log(
					`N=${n} ${run.ok ? 'ok' : 'FAIL'} in ${run.execS.toFixed(1)} s: peak RSS Δ ${run.peakRssMb.toFixed(0)} MB (main ${run.mainDeltaMb.toFixed(0)} + runner ${run.runnerDeltaMb.toFixed(0)}; at peak ${run.peakAbsoluteMb.toFixed(0)} MB), execution JSON ${run.executionJsonKbPerImage.toFixed(1)} KB per image${run.error ? `; ${run.error}` : ''}`,
				);
			} finally {
				await n8n.stop();
			}
		}
	} finally {
		await sim.close();
	}
	return { photoMb, runs, downloadCap, maxOldSpaceMb: opts.maxOldSpaceMb };
}

/** With the size limit set below the result's size, the download must fail, naming the task and the size, once. */
async function checkDownloadCap(n8n: N8nServer, sim: Simulator, cred: { id: string; name: string }): Promise<MemoryResult['downloadCap']> {
	const id = await n8n.createWorkflow(downloadCapWorkflow(cred, { maxImageSize: CAP_CHECK_MB }));
	sim.reset();
	const exec = await n8n.runWorkflow(id, { timeoutMs: 120_000 });
	const message = String(n8n.executionError(exec, MEMORY_NODE)?.message ?? '');
	const downloads = sim.requests.filter((r) => r.origin === 'images').length;
	const enforced = exec.status === 'error' && /task \S+/i.test(message) && /\d+(\.\d+)? MB/.test(message) && downloads === 1;
	log(`download cap (${CAP_CHECK_MB} MB): ${enforced ? 'enforced' : 'NOT enforced'} (${exec.status}, ${downloads} download(s)${message ? `: ${message}` : ''})`);
	return { enforced, message: message || `execution ended "${exec.status}"` };
}
