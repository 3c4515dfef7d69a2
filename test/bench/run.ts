// `npm run bench`: wall time, requests, memory and added latency of the CometAPI Flux node in a
// real n8n server, against the ideal and against the hand-built HTTP Request/Wait/IF loop (the
// peer), in the same server and the same run, on the CometAPI simulator.
//
//   npm run bench                  N = 1, 24, 48, 200; 3 repeats (about 8 minutes)
//   npm run bench -- --quick       N = 1, 48; 2 repeats (about 75 s with n8n installed)
//   options: --repeats=R --n=1,48 --T=2000 (ms per image) --L=24 (active-task limit)
//            --no-build (pack dist/ as it is) --experiments (ours with other poll intervals at N=48)
//            --keep (keep the n8n user folder) --verbose (n8n's log on stderr)
//            --only=ours,peer-tuned,... (run only these subjects; for experiments)
//            --report-only (rebuild RESULTS.md and the plot from .cache/bench/last-results.json)
//   npm run bench -- --memory      only the memory scenario (memoryScenario.ts), N = 24 and 96 (under
//                                  10 minutes); the full run adds it with N = 24, 96 and 384.
//            --label=... (how RESULTS.md names this run) --save-before (write memory-before.json,
//            the "before" column, instead of RESULTS.md) --max-old-space=MB (n8n's heap limit)
//
// Prints a table, writes test/bench/RESULTS.md and test/bench/wall-time.svg; the LAST line printed
// is one JSON object: ratio_vs_ideal, ratio_vs_peer, requests_per_job (ours, N=48) and more.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, N8N_VERSION, repoRoot } from '../n8n/install.ts';
import { freePort, packProject, startN8n, type Execution, type N8nServer } from '../n8n/server.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { readBatchLog, timeline, type Timeline } from './analyze.ts';
import { findN8nMain, MemorySampler } from './memory.ts';
import { loadBefore, memorySection, memorySummary, writeMemorySection } from './memoryReport.ts';
import { runMemoryScenario, type MemoryResult } from './memoryScenario.ts';
import { writeReport } from './report.ts';
import { median } from './stats.ts';
import { OUR_NODE, ourWorkflow, PEER_DOWNLOAD_NODE, PEER_TEMPLATE, peerWorkflow, TEMPLATE_PEER, type PeerSettings } from './workflows.ts';

function arg(name: string): string | undefined {
	const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
	if (!a) return undefined;
	return a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true';
}

const log = (line: string): void => {
	process.stderr.write(`[bench] ${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Subject {
	key: string;
	label: string;
	kind: 'ours' | 'peer';
	/** Only these N (default: all). */
	ns?: number[];
	workflow(n: number): Parameters<N8nServer['createWorkflow']>[0];
	/** Node whose output items carry the images. */
	outputNode: string;
}

export interface RunResult {
	subject: string;
	n: number;
	rep: number;
	ok: boolean;
	error?: string;
	execMs: number;
	simWindowMs: number;
	idealMs: number;
	images: number;
	imageBytes: number;
	submits: number;
	polls: number;
	downloads: number;
	other: number;
	timeline: Timeline;
	mem: { mainDeltaKb: number; runnerDeltaKb: number; mainBaselineKb: number; runnerBaselineKb: number; perImageKb: number; samples: number };
	directDownloadMs: number;
	/** Per node (first run): start and duration in ms, relative to the execution start. */
	nodeTimes: Record<string, { startMs: number; durationMs: number }>;
}

export interface BenchSettings {
	quick: boolean;
	T: number;
	L: number;
	ns: number[];
	repeats: number;
	peer: PeerSettings;
	tunedPeer?: PeerSettings;
	experiments: boolean;
}

async function timeDirectDownload(url: string | undefined): Promise<number> {
	if (!url) return NaN;
	const times: number[] = [];
	for (let i = 0; i < 5; i++) {
		const t0 = performance.now();
		const res = await fetch(url);
		await res.arrayBuffer();
		times.push(performance.now() - t0);
	}
	return median(times);
}

/**
 * Waits for the execution through the executions list (a summary row, no run data), so watching
 * costs n8n almost nothing during the batch; then reads the whole execution once.
 */
async function waitForStop(n8n: N8nServer, workflowId: string, executionId: string, timeoutMs: number): Promise<Execution> {
	const until = Date.now() + timeoutMs;
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	for (;;) {
		const r = await n8n.rest.request('GET', `/rest/executions?filter=${filter}&limit=3`);
		const row = (r.body?.data?.results ?? []).find((e: any) => String(e.id) === executionId);
		if (row && row.stoppedAt && !['new', 'running', 'waiting', 'unknown'].includes(row.status)) return await n8n.getExecution(executionId);
		if (Date.now() > until) throw new Error(`execution ${executionId} not finished in time (last status ${row?.status})`);
		await sleep(250);
	}
}

/** Items of a node across all its runs (the peer's download node runs once per loop turn). */
function outputItems(exec: Execution, node: string): any[] {
	const runs: any[] = exec.data?.resultData?.runData?.[node] ?? [];
	return runs.flatMap((run) => run?.data?.main?.[0] ?? []);
}

async function runOnce(
	n8n: N8nServer,
	sim: Simulator,
	sampler: MemorySampler,
	subject: Subject,
	workflowId: string,
	n: number,
	rep: number,
	settings: BenchSettings,
): Promise<RunResult> {
	sim.reset();
	sim.configure({ generationMs: settings.T, activeTaskLimit: settings.L });
	await sleep(400); // let the previous batch's leftovers settle before the idle baseline
	sampler.start();
	let exec: Execution | undefined;
	let error: string | undefined;
	try {
		const id = await n8n.startWorkflow(workflowId);
		exec = await waitForStop(n8n, workflowId, id, 15 * 60_000);
	} catch (e) {
		error = (e as Error).message;
	}
	const mem = sampler.stop();
	const requests = [...sim.requests];
	const batch = readBatchLog(sim, requests);
	const startedAt = exec ? Date.parse(exec.startedAt) : NaN;
	const stoppedAt = exec?.stoppedAt ? Date.parse(exec.stoppedAt) : NaN;
	const items = exec ? outputItems(exec, subject.outputNode) : [];
	const withImage = items.filter((item) => item?.binary?.data);
	// n8n's binary metadata: `bytes` (a number) in 2.x; `fileSize` is a display string ("9.8 kB").
	const imageBytes = median(withImage.map((item) => Number(item.binary.data.bytes ?? NaN)));
	if (exec && exec.status !== 'success') {
		error = `execution ${exec.id} ended "${exec.status}": ${JSON.stringify(exec.data?.resultData?.error?.message ?? exec.data?.resultData?.error ?? '').slice(0, 300)}`;
	} else if (exec && withImage.length !== n) {
		error = `${withImage.length} images for ${n} prompts`;
	}
	const directDownloadMs = await timeDirectDownload(batch.sampleImageUrl);
	const nodeTimes: RunResult['nodeTimes'] = {};
	for (const [name, runs] of Object.entries<any[]>(exec?.data?.resultData?.runData ?? {})) {
		const first = runs?.[0];
		if (first?.startTime) nodeTimes[name] = { startMs: first.startTime - startedAt, durationMs: first.executionTime };
	}
	const mainDelta = Math.max(0, mem.main.peakKb - mem.main.baselineKb);
	const runnerDelta = Math.max(0, mem.runner.peakKb - mem.runner.baselineKb);
	return {
		subject: subject.key,
		n,
		rep,
		ok: !error,
		error,
		execMs: stoppedAt - startedAt,
		simWindowMs: batch.lastDownloadAt - batch.firstSubmitAt,
		idealMs: Math.ceil(n / settings.L) * settings.T + directDownloadMs,
		images: withImage.length,
		imageBytes,
		submits: batch.submits,
		polls: batch.polls,
		downloads: batch.downloads,
		other: batch.other,
		timeline: timeline(batch, startedAt, stoppedAt, settings.L),
		mem: {
			mainDeltaKb: mainDelta,
			runnerDeltaKb: runnerDelta,
			mainBaselineKb: mem.main.baselineKb,
			runnerBaselineKb: mem.runner.baselineKb,
			perImageKb: (mainDelta + runnerDelta) / Math.max(1, withImage.length),
			samples: mem.samples,
		},
		directDownloadMs,
		nodeTimes,
	};
}

async function main(): Promise<void> {
	if (arg('report-only')) {
		// Rebuild RESULTS.md and the plot from the last run's raw results (no measuring).
		const root = repoRoot();
		report(JSON.parse(readFileSync(join(root, '.cache', 'bench', 'last-results.json'), 'utf8')) as SavedRun, root);
		return;
	}
	if (arg('memory')) {
		await memoryOnly();
		return;
	}
	const quick = !!arg('quick');
	const T = Number(arg('T') ?? 2000);
	const L = Number(arg('L') ?? 24);
	const ns = (arg('n') ?? (quick ? '1,48' : '1,24,48,200')).split(',').map(Number).filter((x) => x > 0);
	const repeats = Number(arg('repeats') ?? (quick ? 2 : 3));
	const experiments = !!arg('experiments') || !quick;
	const settings: BenchSettings = {
		quick,
		T,
		L,
		ns,
		repeats,
		peer: TEMPLATE_PEER,
		// A best case for the peer, tuned by hand for this T (not what templates do).
		tunedPeer: quick ? undefined : { firstWaitSeconds: 1, loopWaitSeconds: 1, batchSize: L, batchIntervalMs: T + 500 },
		experiments,
	};
	const root = repoRoot();
	const work = join(root, '.cache', 'bench');
	const userFolder = join(work, 'n8n-user');
	rmSync(userFolder, { recursive: true, force: true });
	mkdirSync(work, { recursive: true });

	const cpuList = cpus();
	const machine = {
		cores: cpuList.length,
		model: cpuList[0]?.model ?? 'unknown',
		memGb: Math.round(totalmem() / 2 ** 30),
		loadStart: loadavg().map((x) => x.toFixed(2)).join(' '),
		node: process.version,
		n8n: N8N_VERSION,
	};
	console.log(`machine: ${machine.cores} cores (os.cpus().length), ${machine.model}, ${machine.memGb} GB; load ${machine.loadStart}; Node ${machine.node}; n8n ${machine.n8n}`);
	console.log(`settings: T = ${T} ms per image, L = ${L} active tasks, N = ${ns.join(', ')}, ${repeats} repeat(s)${quick ? ' (quick)' : ''}`);

	const t0 = Date.now();
	const install = await ensureN8n();
	log(arg('no-build') ? 'packing dist/ ...' : 'building and packing the package ...');
	const tarball = await packProject({ build: !arg('no-build'), outDir: join(work, 'pack'), root });
	const sim = await startSimulator({ generationMs: T, activeTaskLimit: L });
	log(`simulator on ${sim.url} (T = ${T} ms, L = ${L})`);
	const n8n = await startN8n({
		userFolder,
		port: await freePort(),
		packageTarball: tarball,
		verbose: !!arg('verbose'),
		env: { N8N_LOG_LEVEL: 'warn', EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true' },
	});
	const results: RunResult[] = [];
	const subjectLabels: Array<{ key: string; label: string; kind: 'ours' | 'peer' }> = [];
	let idle = { mainKb: NaN, runnerKb: NaN, runnerPids: [] as number[] };
	try {
		const cometCred = { id: '', name: 'CometAPI (bench)' };
		cometCred.id = await n8n.createCredential({ name: cometCred.name, type: 'cometApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } });
		const headerCred = { id: '', name: 'CometAPI header (bench)' };
		headerCred.id = await n8n.createCredential({ name: headerCred.name, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${sim.apiKey}` } });

		const subjects: Subject[] = [
			{ key: 'ours', label: 'ours (CometAPI Flux, default options)', kind: 'ours', workflow: (n) => ourWorkflow(n, cometCred), outputNode: OUR_NODE },
			{
				key: 'peer',
				label: `peer (template Wait ${settings.peer.firstWaitSeconds} s / ${settings.peer.loopWaitSeconds} s, batches of ${settings.peer.batchSize} every ${settings.peer.batchIntervalMs / 1000} s)`,
				kind: 'peer',
				workflow: (n) => peerWorkflow(n, sim.url, headerCred, settings.peer),
				outputNode: PEER_DOWNLOAD_NODE,
			},
		];
		const focusN = ns.includes(48) ? [48] : [ns[ns.length - 1]];
		if (settings.tunedPeer) {
			const p = settings.tunedPeer;
			subjects.push({
				key: 'peer-tuned',
				label: `peer hand-tuned for T (Wait ${p.firstWaitSeconds} s / ${p.loopWaitSeconds} s, batches every ${p.batchIntervalMs / 1000} s)`,
				kind: 'peer',
				workflow: (n) => peerWorkflow(n, sim.url, headerCred, p, 'tuned'),
				outputNode: PEER_DOWNLOAD_NODE,
			});
		}
		if (experiments) {
			for (const pollInterval of [0.5, 1.5]) {
				subjects.push({
					key: `ours-poll${pollInterval}`,
					label: `ours, options.pollInterval = ${pollInterval} s`,
					kind: 'ours',
					ns: focusN,
					workflow: (n) => ourWorkflow(n, cometCred, { pollInterval }, `poll ${pollInterval}`),
					outputNode: OUR_NODE,
				});
			}
		}

		const only = arg('only')?.split(',');
		if (only) for (let i = subjects.length - 1; i >= 2; i--) if (!only.includes(subjects[i].key)) subjects.splice(i, 1);
		for (const s of subjects) subjectLabels.push({ key: s.key, label: s.label, kind: s.kind });
		const workflowIds = new Map<string, string>();
		for (const s of subjects) for (const n of s.ns ?? ns) workflowIds.set(`${s.key}|${n}`, await n8n.createWorkflow(s.workflow(n)));
		if (!workflowIds.has('ours|1')) workflowIds.set('ours|1', await n8n.createWorkflow(subjects[0].workflow(1)));
		if (!workflowIds.has('peer|1')) workflowIds.set('peer|1', await n8n.createWorkflow(subjects[1].workflow(1)));

		const mainPid = findN8nMain(install.bin, userFolder);
		if (!mainPid) throw new Error('n8n main process not found in /proc');
		const sampler = new MemorySampler(mainPid);

		log('warm-up (not counted): ours and peer with N = 1 ...');
		for (const s of subjects.slice(0, 2)) {
			const warm = await runOnce(n8n, sim, sampler, s, workflowIds.get(`${s.key}|1`)!, 1, 0, settings);
			if (!warm.ok) throw new Error(`warm-up of ${s.key} failed: ${warm.error}`);
		}
		await sleep(1000);
		idle = sampler.now();
		log(`n8n main pid ${mainPid} idle RSS ${(idle.mainKb / 1024).toFixed(0)} MB; task runner pid(s) ${idle.runnerPids.join(', ') || 'none'} ${(idle.runnerKb / 1024).toFixed(0)} MB`);

		for (let rep = 1; rep <= repeats; rep++) {
			for (const n of ns) {
				const here = subjects.filter((s) => (s.ns ?? ns).includes(n) && (!only || only.includes(s.key)));
				// Alternate the order between repeats so drift on a shared machine hits both sides.
				const ordered = rep % 2 ? here : [...here].reverse();
				for (const s of ordered) {
					const r = await runOnce(n8n, sim, sampler, s, workflowIds.get(`${s.key}|${n}`)!, n, rep, settings);
					results.push(r);
					log(
						`rep ${rep} N=${String(n).padStart(3)} ${s.key.padEnd(14)} ${r.ok ? 'ok  ' : 'FAIL'} exec ${(r.execMs / 1000).toFixed(2)} s, sim window ${(r.simWindowMs / 1000).toFixed(2)} s, ideal ${(r.idealMs / 1000).toFixed(2)} s; ${r.submits}/${r.polls}/${r.downloads} submit/poll/download${r.error ? `; ${r.error}` : ''}`,
					);
				}
			}
		}
	} finally {
		await n8n.stop();
		await sim.close();
		if (!arg('keep')) rmSync(userFolder, { recursive: true, force: true });
	}
	const saved: SavedRun = {
		settings,
		subjects: subjectLabels,
		machine: { ...machine, loadEnd: loadavg().map((x) => x.toFixed(2)).join(' ') },
		idle,
		results,
		durationS: (Date.now() - t0) / 1000,
		date: new Date().toISOString(),
	};
	writeFileSync(join(work, 'last-results.json'), JSON.stringify(saved, null, 2) + '\n');
	const memory = quick ? undefined : await runMemoryScenario({ ns: [24, 96, 384], work, install, tarball, verbose: !!arg('verbose'), maxOldSpaceMb: maxOldSpace() });
	report(saved, root, memory);
}

const maxOldSpace = (): number | undefined => (arg('max-old-space') ? Number(arg('max-old-space')) : undefined);

/** `--memory`: the memory scenario alone; RESULTS.md gets its section, the rest stays. */
async function memoryOnly(): Promise<void> {
	const root = repoRoot();
	const work = join(root, '.cache', 'bench');
	mkdirSync(work, { recursive: true });
	const install = await ensureN8n();
	log(arg('no-build') ? 'packing dist/ ...' : 'building and packing the package ...');
	const tarball = await packProject({ build: !arg('no-build'), outDir: join(work, 'pack'), root });
	const ns = (arg('n') ?? '24,96').split(',').map(Number).filter((x) => x > 0);
	const result = await runMemoryScenario({ ns, work, install, tarball, verbose: !!arg('verbose'), maxOldSpaceMb: maxOldSpace() });
	const saved = { label: arg('label') ?? 'this run', date: new Date().toISOString(), result };
	writeFileSync(join(work, 'last-memory.json'), JSON.stringify(saved, null, 2) + '\n');
	const benchDir = join(root, 'test', 'bench');
	const section = memorySection(saved, arg('save-before') ? undefined : loadBefore(benchDir));
	if (arg('save-before')) writeFileSync(join(benchDir, 'memory-before.json'), JSON.stringify(saved, null, 2) + '\n');
	else writeMemorySection(join(benchDir, 'RESULTS.md'), section);
	console.log(section);
	console.log(JSON.stringify({ memory: memorySummary(result) }));
}

type SavedRun = Omit<Parameters<typeof writeReport>[0], 'peerTemplate' | 'outDir'>;

function report(saved: SavedRun, root: string, memory?: MemoryResult): void {
	const benchDir = join(root, 'test', 'bench');
	const summary = writeReport({ ...saved, peerTemplate: PEER_TEMPLATE, outDir: benchDir });
	console.log(summary.text);
	if (memory) {
		const section = memorySection({ label: 'full run', date: saved.date, result: memory }, loadBefore(benchDir));
		writeMemorySection(join(benchDir, 'RESULTS.md'), section);
		console.log(section);
	}
	console.log(JSON.stringify(memory ? { ...summary.json, memory: memorySummary(memory) } : summary.json));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
