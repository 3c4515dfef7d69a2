// Memory of the n8n processes, from /proc: the main process (found by its command line and its
// N8N_USER_FOLDER) and its descendants (the task runner). Linux only.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface ProcMemory {
	rssKb: number;
	hwmKb: number;
}

function readStatus(pid: number): ProcMemory | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
		return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
	} catch {
		return undefined;
	}
}

/** The pid of `n8n start` running on this user folder. */
export function findN8nMain(bin: string, userFolder: string): number | undefined {
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (!argv.includes(bin) || !argv.includes('start')) continue;
			const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
			if (environ.includes(`N8N_USER_FOLDER=${userFolder}`)) return Number(entry);
		} catch {
			// gone, or not ours
		}
	}
	return undefined;
}

/** Every descendant of `pid` (the task runner and anything it starts). */
export function descendants(pid: number): number[] {
	const out: number[] = [];
	const visit = (p: number): void => {
		let tasks: string[] = [];
		try {
			tasks = readdirSync(`/proc/${p}/task`);
		} catch {
			return;
		}
		for (const tid of tasks) {
			const file = `/proc/${p}/task/${tid}/children`;
			if (!existsSync(file)) continue;
			let text = '';
			try {
				text = readFileSync(file, 'utf8');
			} catch {
				continue;
			}
			for (const child of text.trim().split(/\s+/).filter(Boolean).map(Number)) {
				if (!out.includes(child)) {
					out.push(child);
					visit(child);
				}
			}
		}
	};
	visit(pid);
	return out;
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5); false if not allowed. */
function resetPeak(pid: number): boolean {
	try {
		writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

export interface MemoryWindow {
	/** Per role: RSS when the window opened, and the peak seen (max of sampled RSS and VmHWM). */
	main: { baselineKb: number; peakKb: number };
	runner: { baselineKb: number; peakKb: number };
	samples: number;
	hwmReset: boolean;
}

/**
 * Samples the RSS of n8n's main process and of its task runner every `everyMs` from start() to
 * stop(); VmHWM is reset at start, so kernel-side peaks between samples count too.
 */
export class MemorySampler {
	private readonly mainPid: number;
	private readonly everyMs: number;
	private timer: NodeJS.Timeout | undefined;
	private window: MemoryWindow | undefined;
	private runnerPids: number[] = [];

	constructor(mainPid: number, everyMs = 25) {
		this.mainPid = mainPid;
		this.everyMs = everyMs;
	}

	private runnerRss(): number {
		let total = 0;
		for (const pid of this.runnerPids) total += readStatus(pid)?.rssKb ?? 0;
		return total;
	}

	start(): void {
		this.runnerPids = descendants(this.mainPid);
		const main = readStatus(this.mainPid)?.rssKb ?? 0;
		const runner = this.runnerRss();
		const hwmReset = [this.mainPid, ...this.runnerPids].map(resetPeak).every(Boolean);
		this.window = {
			main: { baselineKb: main, peakKb: main },
			runner: { baselineKb: runner, peakKb: runner },
			samples: 0,
			hwmReset,
		};
		this.timer = setInterval(() => this.sample(), this.everyMs);
	}

	private sample(): void {
		const w = this.window;
		if (!w) return;
		w.samples++;
		w.main.peakKb = Math.max(w.main.peakKb, readStatus(this.mainPid)?.rssKb ?? 0);
		w.runner.peakKb = Math.max(w.runner.peakKb, this.runnerRss());
	}

	stop(): MemoryWindow {
		if (this.timer) clearInterval(this.timer);
		this.sample();
		const w = this.window!;
		if (w.hwmReset) {
			w.main.peakKb = Math.max(w.main.peakKb, readStatus(this.mainPid)?.hwmKb ?? 0);
			let runnerHwm = 0;
			for (const pid of this.runnerPids) runnerHwm += readStatus(pid)?.hwmKb ?? 0;
			w.runner.peakKb = Math.max(w.runner.peakKb, runnerHwm);
		}
		this.window = undefined;
		return w;
	}

	/** Current RSS of main and runner (for the idle figure). */
	now(): { mainKb: number; runnerKb: number; runnerPids: number[] } {
		this.runnerPids = descendants(this.mainPid);
		return { mainKb: readStatus(this.mainPid)?.rssKb ?? 0, runnerKb: this.runnerRss(), runnerPids: this.runnerPids };
	}
}
