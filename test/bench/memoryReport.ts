// The memory scenario's figures: the `memory` key of the summary JSON, and its section of
// RESULTS.md with the figures measured before the fixes (memory-before.json) beside this run's.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MemoryResult, MemoryRun } from './memoryScenario.ts';

export interface MemorySummary {
	peak_rss_mb_n24: number | null;
	peak_rss_mb_n96: number | null;
	peak_rss_mb_n384?: number | null;
	peak_absolute_rss_mb_n384?: number | null;
	execution_json_kb_per_image: number | null;
	download_cap_enforced: boolean;
}

const HEADING = '## Memory with real image sizes';
const CONTAINER_MB = 1536;

const round = (x: number | undefined, d = 1): number | null => (x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const runAt = (result: MemoryResult, n: number): MemoryRun | undefined => result.runs.find((r) => r.n === n);

export function memorySummary(result: MemoryResult): MemorySummary {
	const largest = [...result.runs].sort((a, b) => b.n - a.n)[0];
	const summary: MemorySummary = {
		peak_rss_mb_n24: round(runAt(result, 24)?.peakRssMb),
		peak_rss_mb_n96: round(runAt(result, 96)?.peakRssMb),
		execution_json_kb_per_image: round(largest?.executionJsonKbPerImage, 2),
		download_cap_enforced: result.downloadCap.enforced,
	};
	const big = runAt(result, 384);
	if (big) {
		summary.peak_rss_mb_n384 = round(big.peakRssMb);
		summary.peak_absolute_rss_mb_n384 = round(big.peakAbsoluteMb);
	}
	return summary;
}

interface Saved {
	label: string;
	date: string;
	result: MemoryResult;
}

const f = (x: number | undefined | null, d = 1): string => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));

function goals(result: MemoryResult): string[] {
	const n24 = runAt(result, 24);
	const n96 = runAt(result, 96);
	const n384 = runAt(result, 384);
	const lines: string[] = [];
	const met = (ok: boolean) => (ok ? 'met' : '**missed**');
	if (n24 && n96) lines.push(`peak_rss_mb_n96 ≤ 1.25 × peak_rss_mb_n24: ${f(n96.peakRssMb)} vs ${f(1.25 * n24.peakRssMb)}: ${met(n96.ok && n96.peakRssMb <= 1.25 * n24.peakRssMb)}`);
	if (n24) {
		const photos = result.photoMb.reduce((a, b) => a + b, 0);
		const bound = 24 * (photos + n24.imageMb) + 150;
		lines.push(`peak_rss_mb_n24 ≤ 24 × (inputs ${f(photos, 2)} MB + result ${f(n24.imageMb, 2)} MB) + 150 MB = ${f(bound, 0)} MB: ${f(n24.peakRssMb)}: ${met(n24.ok && n24.peakRssMb <= bound)}`);
	}
	const largest = [...result.runs].sort((a, b) => b.n - a.n)[0];
	if (largest) lines.push(`execution_json_kb_per_image ≤ 8 (N = ${largest.n}): ${f(largest.executionJsonKbPerImage, 2)}: ${met(largest.ok && largest.executionJsonKbPerImage <= 8)}`);
	if (n384) {
		const how = result.maxOldSpaceMb ? `, n8n run with --max-old-space-size=${result.maxOldSpaceMb}` : '';
		lines.push(`N = 384 within a ${CONTAINER_MB} MB container: completed ${n384.ok ? 'yes' : 'no'}, main + runner RSS at the peak ${f(n384.peakAbsoluteMb, 0)} MB${how}: ${met(n384.ok && n384.peakAbsoluteMb <= CONTAINER_MB)}`);
	}
	lines.push(`download_cap_enforced: ${result.downloadCap.enforced} (${result.downloadCap.message.replace(/\|/g, '/')})`);
	return lines.map((line) => `- ${line}`);
}

function table(before: Saved | undefined, after: Saved): string[] {
	const ns = [...new Set([...(before?.result.runs ?? []), ...after.result.runs].map((r) => r.n))].sort((a, b) => a - b);
	const rows = [
		['peak RSS Δ, main + runner (MB)', (r: MemoryRun) => f(r.peakRssMb)],
		['… main / runner (MB)', (r: MemoryRun) => `${f(r.mainDeltaMb)} / ${f(r.runnerDeltaMb)}`],
		['RSS at the peak, main + runner (MB)', (r: MemoryRun) => f(r.peakAbsoluteMb, 0)],
		['execution JSON per image (KB)', (r: MemoryRun) => f(r.executionJsonKbPerImage, 2)],
		['largest output item JSON (KB)', (r: MemoryRun) => f(r.outputItemJsonKbMax, 2)],
		['exec time (s)', (r: MemoryRun) => f(r.execS)],
		['images (result MB each)', (r: MemoryRun) => `${r.images} (${f(r.imageMb, 2)})`],
		['ok', (r: MemoryRun) => (r.ok ? 'yes' : `no: ${(r.error ?? '').replace(/\|/g, '/').slice(0, 120)}`)],
	] as const;
	const cols: Array<{ head: string; run: (n: number) => MemoryRun | undefined }> = [];
	for (const n of ns) {
		if (before) cols.push({ head: `N = ${n} before`, run: (k) => runAt(before.result, k) });
		cols.push({ head: `N = ${n} ${before ? 'after' : ''}`.trim(), run: (k) => runAt(after.result, k) });
	}
	const colN = cols.map((_, i) => ns[before ? Math.floor(i / 2) : i]);
	const lines = [`| figure | ${cols.map((c) => c.head).join(' | ')} |`, `| --- |${cols.map(() => ' ---: |').join('')}`];
	for (const [label, cell] of rows) {
		lines.push(`| ${label} | ${cols.map((c, i) => { const r = c.run(colN[i]); return r ? cell(r) : '-'; }).join(' | ')} |`);
	}
	const cap = (s: Saved) => String(s.result.downloadCap.enforced);
	lines.push(`| download cap enforced | ${cols.map((_, i) => (before && i % 2 === 0 ? cap(before) : cap(after))).join(' | ')} |`);
	return lines;
}

export function memorySection(after: Saved, before: Saved | undefined): string {
	const photos = after.result.photoMb.map((x) => f(x, 2)).join(', ');
	return [
		HEADING,
		'',
		`Written by \`npm run bench -- --memory\` (test/bench/memoryScenario.ts); ${after.label}, ${after.date}.${before ? ` "before": ${before.label}, ${before.date} (test/bench/memory-before.json).` : ''}`,
		'',
		`Real n8n, binary data in filesystem mode, one freshly started n8n per N (warm-up N = 1 first). Manual Trigger → Code (N prompts) → three Read Files from Disk nodes (the same three JPEG photos, ${photos} MB, 4608x3456, generated at run time) → Merge (by position: three binaries per item) → CometAPI Flux (Replicate route, FLUX.2 [pro], Input Images from binary properties \`*\`, 1:1, 1 MP, PNG, Wait and Download on, 24 tasks at once). Simulator: T = 2 s, L = 24, realistic image weights.`,
		'',
		'**peak RSS Δ** = (peak RSS − RSS just before the execution) of the n8n main process plus its task runner, sampled every 25 ms from /proc with VmHWM reset at the start; it covers the whole execution (the Read Files and Merge nodes stream, the Flux node dominates). **execution JSON per image** = the execution data n8n saved (its own serialisation; binaries are references in filesystem mode) divided by the images. **download cap enforced** = a run with the size limit set to 1 MB, below the 1.5 MB result, failed with the task ID and the size, after a single download request (no retry).',
		'',
		'Every item sends the same three photos: n8n\'s serialisation stores a string repeated across items once, so an execution JSON figure of echoed images is per execution, not per item (the largest output item shows what one item carried).',
		'',
		...table(before, after),
		'',
		'Goals:',
		'',
		...goals(after.result),
		'',
	].join('\n');
}

/** Replaces (or adds) the memory section of RESULTS.md; the rest of the file stays as the last full run wrote it. */
export function writeMemorySection(resultsPath: string, section: string): void {
	const text = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n';
	const start = text.indexOf(HEADING);
	if (start < 0) {
		writeFileSync(resultsPath, `${text.trimEnd()}\n\n${section}`);
		return;
	}
	const next = text.indexOf('\n## ', start + HEADING.length);
	writeFileSync(resultsPath, text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1)));
}

export function loadBefore(benchDir: string): Saved | undefined {
	const path = join(benchDir, 'memory-before.json');
	return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Saved) : undefined;
}

export type { Saved as SavedMemoryRun };
