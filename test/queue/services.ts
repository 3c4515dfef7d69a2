// Redis and PostgreSQL for queue mode, from Debian's packages: found on this machine, installed
// with apt-get when missing and this is root (CI), else reported as missing. Each runs in the
// foreground on a free loopback port with its data under the given folder, in its own process
// group, and is stopped by that process id.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../n8n/server.ts';

export interface Binaries {
	redisServer: string;
	/** /usr/lib/postgresql/<version>/bin */
	postgresBin: string;
}

export interface Service {
	name: string;
	port: number;
	pid: number;
	stop(): Promise<void>;
}

const isRoot = (): boolean => process.getuid?.() === 0;

function findBinaries(): Partial<Binaries> {
	const redis = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
	const pgRoot = '/usr/lib/postgresql';
	const versions = existsSync(pgRoot)
		? readdirSync(pgRoot)
				.filter((v) => existsSync(join(pgRoot, v, 'bin', 'postgres')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	return { redisServer: redis, postgresBin: versions.length ? join(pgRoot, versions[0], 'bin') : undefined };
}

const missingOf = (found: Partial<Binaries>): string[] => [
	...(found.redisServer ? [] : ['redis-server']),
	...(found.postgresBin ? [] : ['postgresql']),
];

/**
 * Debian's redis-server and postgresql: found, or installed with apt-get when root. Returns the
 * binaries, or the packages still missing (then the caller skips).
 */
export function ensureBinaries(log: (line: string) => void): { binaries?: Binaries; missing: string[] } {
	let found = findBinaries();
	let missing = missingOf(found);
	if (missing.length && isRoot() && existsSync('/usr/bin/apt-get')) {
		log(`installing ${missing.join(', ')} with apt-get ...`);
		// The packages' scripts would start system services on 6379/5432: keep them from it (the
		// usual policy-rc.d of containers), only for this install.
		const policy = '/usr/sbin/policy-rc.d';
		const ownPolicy = !existsSync(policy);
		if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
		try {
			const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
			const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
			const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
			if (update.status !== 0 || install.status !== 0) log(`apt-get failed (update ${update.status}, install ${install.status})`);
		} finally {
			if (ownPolicy) rmSync(policy, { force: true });
		}
		found = findBinaries();
		missing = missingOf(found);
	}
	return missing.length ? { missing } : { binaries: found as Binaries, missing };
}

function startProcess(name: string, cmd: string, args: string[], opts: { uid?: number; gid?: number; logFile: string }): ChildProcess {
	const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], uid: opts.uid, gid: opts.gid });
	writeFileSync(opts.logFile, '');
	const keep = (b: Buffer | string): void => appendFileSync(opts.logFile, b);
	child.stdout!.on('data', keep);
	child.stderr!.on('data', keep);
	child.on('error', (e) => keep(`${name}: ${e.message}\n`));
	return child;
}

function stopper(child: ChildProcess, signal: NodeJS.Signals): () => Promise<void> {
	return async () => {
		if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
		const exited = new Promise<void>((r) => child.once('exit', () => r()));
		try {
			process.kill(-child.pid, signal);
		} catch {
			return; // already gone
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// gone
			}
		}, 10_000);
		await exited;
		clearTimeout(timer);
	};
}

async function waitFor(what: string, check: () => boolean, child: ChildProcess, logFile: string, timeoutMs = 30_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!check()) {
		if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}); see ${logFile}`);
		if (Date.now() > until) throw new Error(`${what} did not come up in ${timeoutMs / 1000} s; see ${logFile}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** A server that started but never became usable is stopped before the error goes up: no one else knows its pid. */
async function stoppedOnFailure(stop: () => Promise<void>, becameReady: () => Promise<void>): Promise<void> {
	try {
		await becameReady();
	} catch (error) {
		await stop();
		throw error;
	}
}

export async function startRedis(bin: string, dir: string): Promise<Service> {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const logFile = join(dir, 'redis.log');
	const child = startProcess('redis', bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { logFile });
	const stop = stopper(child, 'SIGTERM');
	await stoppedOnFailure(stop, () =>
		waitFor('redis-server', () => spawnSync(bin.replace(/redis-server$/, 'redis-cli'), ['-p', String(port), 'ping'], { timeout: 5000 }).stdout?.toString().includes('PONG'), child, logFile),
	);
	return { name: 'redis', port, pid: child.pid!, stop };
}

/** The Postgres superuser n8n connects as (trust auth on loopback, a throwaway cluster). */
export const PG_USER = 'n8n';

/**
 * A fresh cluster (initdb) in `dir`, served on a free port. Postgres refuses to run as root, so as
 * root it runs as Debian's `postgres` user, which then owns the data folder (when that user cannot
 * reach `dir`, the data goes to a folder under /tmp that `dir` links to).
 */
export async function startPostgres(binDir: string, dir: string): Promise<Service> {
	// The last run's cluster, also when `dir` links to one under /tmp.
	if (existsSync(dir)) rmSync(realpathSync(dir), { recursive: true, force: true });
	rmSync(dir, { recursive: true, force: true });
	let ids: { uid?: number; gid?: number } = {};
	let dataDir = dir;
	if (isRoot()) {
		const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres']).stdout.toString().trim());
		ids = { uid: id('-u'), gid: id('-g') };
		mkdirSync(dir, { recursive: true });
		const reachable = spawnSync('test', ['-x', dir], ids).status === 0;
		if (!reachable) {
			rmSync(dir, { recursive: true, force: true });
			dataDir = mkdtempSync(join(tmpdir(), 'n8n-queue-pg-'));
			symlinkSync(dataDir, dir);
		}
		chownSync(dataDir, ids.uid!, ids.gid!);
	} else {
		mkdirSync(dir, { recursive: true });
	}
	const data = join(dataDir, 'data');
	const init = spawnSync(join(binDir, 'initdb'), ['-D', data, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--no-sync'], { ...ids, encoding: 'utf8' });
	if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error?.message}`);
	const port = await freePort();
	const logFile = join(dataDir, 'postgres.log');
	const child = startProcess('postgres', join(binDir, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dataDir, '-c', 'fsync=off', '-c', 'max_connections=200'], { ...ids, logFile });
	const ready = (): boolean => spawnSync(join(binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
	// SIGINT: Postgres's fast shutdown.
	const stop = stopper(child, 'SIGINT');
	await stoppedOnFailure(stop, async () => {
		await waitFor('postgres', ready, child, logFile);
		const created = spawnSync(join(binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, 'n8n'], { encoding: 'utf8', timeout: 30_000 });
		if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`);
	});
	return { name: 'postgres', port, pid: child.pid!, stop };
}
