// Medians over repeats, the terminal table, RESULTS.md, wall-time.svg and the summary JSON.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchSettings, RunResult } from './run.ts';
import { median, round } from './stats.ts';
import { lineChart } from './svg.ts';
import type { PEER_TEMPLATE } from './workflows.ts';

interface ReportInput {
	settings: BenchSettings;
	subjects: Array<{ key: string; label: string; kind: 'ours' | 'peer' }>;
	machine: { cores: number; model: string; memGb: number; loadStart: string; loadEnd: string; node: string; n8n: string };
	idle: { mainKb: number; runnerKb: number; runnerPids: number[] };
	results: RunResult[];
	peerTemplate: typeof PEER_TEMPLATE;
	durationS: number;
	/** When the run ended (ISO). */
	date: string;
	outDir: string;
}

interface Row {
	subject: string;
	n: number;
	runs: number;
	failed: number;
	execS: number;
	simWindowS: number;
	idealS: number;
	ratioVsIdeal: number;
	ratioVsPeer: number;
	ratioVsTunedPeer: number;
	submitsPerJob: number;
	pollsPerJob: number;
	downloadsPerJob: number;
	requestsPerJob: number;
	latencyMs: number;
	latencyP90Ms: number;
	memPerImageKb: number;
	memMainDeltaMb: number;
	memRunnerDeltaMb: number;
	startToFirstSubmitMs: number;
	lastDownloadToStopMs: number;
	imageBytes: number;
}

const med = (rs: RunResult[], f: (r: RunResult) => number): number => median(rs.map(f));

function rowsOf(input: ReportInput): Row[] {
	const { results, settings, subjects } = input;
	const rows: Row[] = [];
	for (const s of subjects) {
		for (const n of settings.ns) {
			const all = results.filter((r) => r.subject === s.key && r.n === n);
			if (!all.length) continue;
			const rs = all.filter((r) => r.ok);
			// Ratios within one repeat (the two batches ran back to back), then the median.
			const vsPeer = rs.map((r) => {
				const peer = results.find((p) => p.subject === 'peer' && p.n === n && p.rep === r.rep && p.ok);
				return peer ? r.execMs / peer.execMs : NaN;
			});
			const vsTuned = rs.map((r) => {
				const peer = results.find((p) => p.subject === 'peer-tuned' && p.n === n && p.rep === r.rep && p.ok);
				return peer ? r.execMs / peer.execMs : NaN;
			});
			rows.push({
				subject: s.key,
				n,
				runs: all.length,
				failed: all.length - rs.length,
				execS: med(rs, (r) => r.execMs) / 1000,
				simWindowS: med(rs, (r) => r.simWindowMs) / 1000,
				idealS: med(rs, (r) => r.idealMs) / 1000,
				ratioVsIdeal: med(rs, (r) => r.execMs / r.idealMs),
				ratioVsPeer: s.key === 'peer' ? 1 : median(vsPeer),
				ratioVsTunedPeer: median(vsTuned),
				submitsPerJob: med(rs, (r) => r.submits / n),
				pollsPerJob: med(rs, (r) => r.polls / n),
				downloadsPerJob: med(rs, (r) => r.downloads / n),
				requestsPerJob: med(rs, (r) => (r.submits + r.polls + r.downloads) / n),
				latencyMs: med(rs, (r) => r.timeline.downloadLagMedianMs),
				latencyP90Ms: med(rs, (r) => r.timeline.downloadLagP90Ms),
				memPerImageKb: med(rs, (r) => r.mem.perImageKb),
				memMainDeltaMb: med(rs, (r) => r.mem.mainDeltaKb) / 1024,
				memRunnerDeltaMb: med(rs, (r) => r.mem.runnerDeltaKb) / 1024,
				startToFirstSubmitMs: med(rs, (r) => r.timeline.startToFirstSubmitMs),
				lastDownloadToStopMs: med(rs, (r) => r.timeline.lastDownloadToStopMs),
				imageBytes: med(rs, (r) => r.imageBytes),
			});
		}
	}
	return rows;
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '-');

function table(rows: Row[]): string {
	const head = [
		'subject',
		'N',
		'exec total s',
		'submit→last download s',
		'ideal s',
		'ratio vs ideal',
		'ratio vs peer',
		'submits/job',
		'polls/job',
		'downloads/job',
		'requests/job',
		'added latency ms (median / p90)',
		'peak mem Δ per image KB (main + runner)',
		'exec start→first submit ms',
		'runs (failed)',
	];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i < 1 ? ' --- ' : ' ---: ')).join('|')}|`];
	for (const r of rows) {
		lines.push(
			`| ${[
				r.subject,
				r.n,
				f(r.execS),
				f(r.simWindowS),
				f(r.idealS),
				f(r.ratioVsIdeal),
				r.subject === 'peer' ? '1' : f(r.ratioVsPeer),
				f(r.submitsPerJob),
				f(r.pollsPerJob),
				f(r.downloadsPerJob),
				f(r.requestsPerJob),
				`${f(r.latencyMs, 0)} / ${f(r.latencyP90Ms, 0)}`,
				`${f(r.memPerImageKb, 0)} (${f(r.memMainDeltaMb, 1)} + ${f(r.memRunnerDeltaMb, 1)} MB)`,
				f(r.startToFirstSubmitMs, 0),
				`${r.runs}${r.failed ? ` (${r.failed})` : ''}`,
			].join(' | ')} |`,
		);
	}
	return lines.join('\n');
}

function rawTable(results: RunResult[]): string {
	const head = ['rep', 'subject', 'N', 'ok', 'exec s', 'submit→last download s', 'ideal s', 'submits', 'polls', 'downloads', 'max active', 'main Δ MB', 'runner Δ MB', 'note'];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
	for (const r of [...results].sort((a, b) => a.n - b.n || a.subject.localeCompare(b.subject) || a.rep - b.rep)) {
		lines.push(
			`| ${[
				r.rep,
				r.subject,
				r.n,
				r.ok ? 'yes' : 'NO',
				f(r.execMs / 1000),
				f(r.simWindowMs / 1000),
				f(r.idealMs / 1000),
				r.submits,
				r.polls,
				r.downloads,
				r.timeline.maxActive,
				f(r.mem.mainDeltaKb / 1024, 1),
				f(r.mem.runnerDeltaKb / 1024, 1),
				(r.error ?? '').replace(/\|/g, '/').slice(0, 120),
			].join(' | ')} |`,
		);
	}
	return lines.join('\n');
}

export function writeReport(input: ReportInput): { text: string; json: Record<string, unknown> } {
	const { settings, machine, results, peerTemplate, outDir } = input;
	const rows = rowsOf(input);
	const focusN = settings.ns.includes(48) ? 48 : settings.ns[settings.ns.length - 1];
	const ours = rows.find((r) => r.subject === 'ours' && r.n === focusN);
	const peer = rows.find((r) => r.subject === 'peer' && r.n === focusN);
	const tuned = rows.find((r) => r.subject === 'peer-tuned' && r.n === focusN);
	const oursRuns = results.filter((r) => r.subject === 'ours' && r.n === focusN && r.ok);
	const tl = (k: keyof RunResult['timeline']): number => median(oursRuns.map((r) => r.timeline[k]));
	const nodeStart = median(oursRuns.map((r) => r.nodeTimes['CometAPI Flux']?.startMs ?? NaN));
	const date = input.date;
	const T = settings.T / 1000;
	const pass = (ok: boolean): string => (ok ? 'met' : '**missed**');

	const targets = ours
		? [
				`- ratio_vs_ideal (N = ${focusN}) = ${f(ours.ratioVsIdeal)}: target ≤ 1.1 ${pass(ours.ratioVsIdeal <= 1.1)}`,
				`- ratio_vs_peer (N = ${focusN}) = ${f(ours.ratioVsPeer)}: target ≤ 0.5 ${pass(ours.ratioVsPeer <= 0.5)}` +
					(tuned ? ` (against the peer hand-tuned for T: ${f(ours.ratioVsTunedPeer)})` : ''),
				`- requests per job (N = ${focusN}) = ${f(ours.requestsPerJob)} (${f(ours.submitsPerJob)} submit + ${f(ours.pollsPerJob)} polls + ${f(ours.downloadsPerJob)} download): target ≤ 4 ${pass(ours.requestsPerJob <= 4)}`,
			]
		: ['- (ours did not run at the focus N)'];

	const breakdown = oursRuns.length
		? [
				`Medians over ${oursRuns.length} repeat(s) of ours at N = ${focusN} (ideal ${f((ours?.idealS ?? NaN))} s = ${Math.ceil(focusN / settings.L)} × ${T} s + one download):`,
				'',
				`| step | ms |`,
				`| --- | ---: |`,
				`| n8n execution start → first submit | ${f(tl('startToFirstSubmitMs'), 0)} |`,
				`| … of which: execution start → CometAPI Flux node starts (n8n, trigger, Code node) | ${f(nodeStart, 0)} |`,
				`| … of which: node starts → first submit (n8n's declarative routing per item, our checks) | ${f(tl('startToFirstSubmitMs') - nodeStart, 0)} |`,
				`| first → last submit of the first wave (${settings.L} tasks) | ${f(tl('firstWaveSpreadMs'), 0)} |`,
				`| first task of wave 1 ready → first submit of wave 2 (slot hand-over) | ${f(tl('secondWaveDelayMs'), 0)} |`,
				`| task ready → the poll that saw it (median / max over tasks) | ${f(tl('pollLagMedianMs'), 0)} / ${f(tl('pollLagMaxMs'), 0)} |`,
				`| task ready → its image requested (median / p90) | ${f(tl('downloadLagMedianMs'), 0)} / ${f(tl('downloadLagP90Ms'), 0)} |`,
				`| last task ready → last image requested | ${f(tl('lastReadyToLastDownloadMs'), 0)} |`,
				`| last image requested → n8n execution stop (binary data, saving the run) | ${f(tl('lastDownloadToStopMs'), 0)} |`,
				`| polls per task (median / max) | ${f(tl('pollsPerTaskMedian'), 0)} / ${f(tl('pollsPerTaskMax'), 0)} |`,
				`| most tasks active at once | ${f(tl('maxActive'), 0)} |`,
			]
		: [];

	const experiments = rows.filter((r) => r.subject.startsWith('ours-'));
	const subjectLines = input.subjects.map((s) => `- \`${s.key}\`: ${s.label}`);
	const p = settings.peer;
	const md = [
		'# Benchmark results',
		'',
		'Written by `npm run bench` (test/bench/run.ts); every figure below comes from one run of it.',
		'',
		`- Date: ${date}${settings.quick ? ' (quick run)' : ''}; run took ${f(input.durationS / 60, 1)} min`,
		`- Machine: ${machine.cores} cores (\`os.cpus().length\`), ${machine.model}, ${machine.memGb} GB RAM, load average ${machine.loadStart} at start and ${machine.loadEnd} at end (shared machine: compare ratios within this run, not absolute times across runs)`,
		`- Software: Node ${machine.node}, n8n ${machine.n8n} (\`n8n start\`, SQLite, binary data in filesystem mode), this package installed from its \`npm pack\` tarball`,
		`- Simulator: T = ${T} s per image, L = ${settings.L} active tasks per key (429 above), flux-pro-1.1 JPEG of ${f(ours?.imageBytes ?? NaN, 0)} bytes`,
		`- N = ${settings.ns.join(', ')}; ${settings.repeats} repeat(s) per point, medians reported; one warm-up run of each workflow (N = 1) not counted; the order of the workflows alternates between repeats`,
		`- n8n idle after warm-up: main process RSS ${f(input.idle.mainKb / 1024, 0)} MB, task runner ${f(input.idle.runnerKb / 1024, 0)} MB`,
		'',
		'## What ran',
		'',
		...subjectLines,
		'',
		'Ours: Manual Trigger → Code (N prompts) → CometAPI Flux (Generate, flux-pro-1.1, Wait for Completion and Download Images on, default options: poll interval 1 s, 24 tasks in flight).',
		'',
		`The peer, in the same n8n server, the same run: Manual Trigger → Code (N prompts) → HTTP Request POST {base}/flux/v1/flux-pro-1.1 (Header Auth credential \`Authorization: Bearer …\`) → Wait → HTTP Request GET {base}/flux/v1/get_result?id={{ $json.id }} → IF status = Ready → true: HTTP Request GET {{ $json.result.sample }} (response format File) / false: Wait → back to the GET.`,
		'',
		`- Template copied: **${peerTemplate.name}** (${peerTemplate.url}): ${peerTemplate.loop}. Copied: the first Wait ${p.firstWaitSeconds} s, the loop Wait ${p.loopWaitSeconds} s.`,
		`- Also seen: ${peerTemplate.also}.`,
		`- N > L: ${peerTemplate.batching}. Settings used: batch size ${p.batchSize}, batch interval ${p.batchIntervalMs} ms.`,
		'',
		'Definitions: **exec total** = the execution\'s `stoppedAt − startedAt` (n8n\'s own record; the ratios use it). **submit→last download** = the simulator\'s log, first submit to last image request. **ideal** = ceil(N / L) × T + one image download (timed directly from this process). **ratio vs peer** = ours / peer, per repeat, then the median. **requests/job** = (submits + polls + downloads) / N from the simulator\'s log. **added latency** = task marked done by the simulator (`sim.readyAt`) → the image request for it. **peak mem Δ per image** = (peak RSS − RSS just before the batch) of the n8n main process plus its task runner, sampled every 25 ms from /proc with VmHWM reset at the batch start, divided by the images.',
		'',
		'## Results (medians)',
		'',
		table(rows),
		'',
		'![Wall time against N](wall-time.svg)',
		'',
		'## Targets',
		'',
		...targets,
		'',
		'## Where the time goes (ours)',
		'',
		...breakdown,
		'',
		...(experiments.length
			? [
					'## Experiments (ours with other options, same run)',
					'',
					'| subject | N | exec total s | ratio vs ideal | ratio vs peer | requests/job | polls/job |',
					'| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
					...experiments.map((r) => `| ${r.subject} | ${r.n} | ${f(r.execS)} | ${f(r.ratioVsIdeal)} | ${f(r.ratioVsPeer)} | ${f(r.requestsPerJob)} | ${f(r.pollsPerJob)} |`),
					'',
				]
			: []),
		'## Every run',
		'',
		rawTable(results),
		'',
	].join('\n');
	writeFileSync(join(outDir, 'RESULTS.md'), md);

	const series = [
		{ key: 'ours', name: 'ours (CometAPI Flux)', color: '#1f6feb' },
		{ key: 'peer', name: 'peer (template loop)', color: '#d1242f' },
	].map((s) => ({
		name: s.name,
		color: s.color,
		points: rows.filter((r) => r.subject === s.key).map((r) => ({ x: r.n, y: r.execS })),
	}));
	const idealPoints = rows.filter((r) => r.subject === 'ours').map((r) => ({ x: r.n, y: r.idealS }));
	const svg = lineChart({
		title: 'Batch wall time in n8n (execution total, median)',
		subtitle: `T = ${T} s per image, L = ${settings.L} active tasks; ${settings.repeats} repeat(s); ${machine.cores} cores; ${date.slice(0, 10)}`,
		xLabel: 'N (prompts in the batch)',
		yLabel: 'seconds',
		series: [
			...series,
			{ name: 'ideal: ceil(N/L)·T + download', color: '#2da44e', dashed: true, points: idealPoints },
			...(tuned
				? [{ name: 'peer hand-tuned for T', color: '#bf8700', dashed: true, points: rows.filter((r) => r.subject === 'peer-tuned').map((r) => ({ x: r.n, y: r.execS })) }]
				: []),
		],
		xTicks: settings.ns,
	});
	writeFileSync(join(outDir, 'wall-time.svg'), svg);

	const text = [
		'',
		`CometAPI Flux benchmark: T = ${T} s, L = ${settings.L}, ${settings.repeats} repeat(s), ${machine.cores} cores (${machine.model})`,
		`peer = ${peerTemplate.name}: Wait ${p.firstWaitSeconds} s then ${p.loopWaitSeconds} s; batching ${p.batchSize} per ${p.batchIntervalMs} ms`,
		'',
		table(rows),
		'',
		...targets,
		'',
		`written: ${join(outDir, 'RESULTS.md')}, ${join(outDir, 'wall-time.svg')}`,
	].join('\n');
	const json: Record<string, unknown> = {
		ratio_vs_ideal: round(ours?.ratioVsIdeal ?? NaN, 3),
		ratio_vs_peer: round(ours?.ratioVsPeer ?? NaN, 3),
		ratio_vs_tuned_peer: round(ours?.ratioVsTunedPeer ?? NaN, 3),
		requests_per_job: round(ours?.requestsPerJob ?? NaN, 3),
		n: focusN,
		T_ms: settings.T,
		L: settings.L,
		repeats: settings.repeats,
		ours_exec_s: round(ours?.execS ?? NaN, 3),
		peer_exec_s: round(peer?.execS ?? NaN, 3),
		ideal_s: round(ours?.idealS ?? NaN, 3),
		ours_sim_window_s: round(ours?.simWindowS ?? NaN, 3),
		peer_requests_per_job: round(peer?.requestsPerJob ?? NaN, 3),
		added_latency_ms: round(ours?.latencyMs ?? NaN, 0),
		peer_added_latency_ms: round(peer?.latencyMs ?? NaN, 0),
		mem_per_image_kb: round(ours?.memPerImageKb ?? NaN, 0),
		peer_mem_per_image_kb: round(peer?.memPerImageKb ?? NaN, 0),
		failed_runs: results.filter((r) => !r.ok).length,
		cores: machine.cores,
		quick: settings.quick,
	};
	return { text, json };
}
