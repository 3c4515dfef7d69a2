// Runs a real n8n 2.x server (installed by ./install.ts) on 127.0.0.1, with a community package
// installed the way n8n itself installs them: unpacked into
// $N8N_USER_FOLDER/.n8n/nodes/node_modules/<package> (n8n 2.41 scans that folder for
// `n8n-nodes-*` and `@*/n8n-nodes-*` at start; node types are `<package>.<node>`).
//
//   const n8n = await startN8n({ userFolder, packageTarball: await packProject() });
//   const wfId = await n8n.createWorkflow(workflowJson);
//   const exec = await n8n.runWorkflow(wfId);          // waits until the execution is finished
//   n8n.nodeOutput(exec, 'Flux');                      // the node's output items
//   await n8n.stop();

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { ensureN8n, repoRoot, type N8nInstall } from './install.ts';

export const OWNER_EMAIL = 'owner@example.com';
export const OWNER_PASSWORD = 'CometDemo123';

export interface StartOptions {
	/** N8N_USER_FOLDER: n8n keeps its state in <userFolder>/.n8n (sqlite DB, encryption key, nodes). */
	userFolder: string;
	/** Editor/REST port; default 5678 if free, else a free port. */
	port?: number;
	/** Task runner broker port; default a free port. */
	brokerPort?: number;
	/** Extra environment for n8n (wins over the defaults). */
	env?: Record<string, string>;
	/** A tarball (`npm pack`) of a community package to install before start. */
	packageTarball?: string;
	/** Or a package folder (with package.json and dist/) to copy in. */
	packageDir?: string;
	/** Set up the owner and log in (default true). */
	setupOwner?: boolean;
	/** How long to wait for the server to answer (default 90 s). */
	startTimeoutMs?: number;
	/** The n8n command, default `['start']` (queue mode: `['worker', '--concurrency=10']`). */
	command?: string[];
	/** Address that answers 2xx once the process is ready (default: main's /healthz/readiness + /rest/settings). */
	readyUrl?: string;
	/** Echo n8n's output to stderr (default: env N8N_E2E_VERBOSE=1). Always written to <userFolder>/n8n.log. */
	verbose?: boolean;
	/** Flags for n8n's own Node, e.g. `--max-old-space-size=1024` (NODE_OPTIONS is never passed on). */
	nodeOptions?: string[];
}

export interface HttpResult<T = any> {
	status: number;
	headers: Headers;
	/** Parsed JSON body (n8n wraps REST answers as `{ data: ... }`), or the text if not JSON. */
	body: T;
}

export interface RestClient {
	/** The session cookie (`n8n-auth=...`), once logged in. */
	cookie: string | undefined;
	login(email?: string, password?: string): Promise<void>;
	request<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
	/** GET <url><path>; throws on a non-2xx status; returns the parsed body's `data` (or the body if none). */
	get<T = any>(path: string): Promise<T>;
	post<T = any>(path: string, body?: unknown): Promise<T>;
	patch<T = any>(path: string, body?: unknown): Promise<T>;
	delete<T = any>(path: string): Promise<T>;
}

export interface CliResult {
	stdout: string;
	stderr: string;
	code: number | null;
}

/** What GET /rest/executions/:id gives, with `data` decoded from its `flatted` string. */
export interface Execution {
	id: string;
	finished: boolean;
	mode: string;
	status: string; // 'new' | 'running' | 'success' | 'error' | 'canceled' | 'crashed' | 'waiting'
	startedAt: string;
	stoppedAt?: string | null;
	workflowId: string;
	workflowData: any;
	/** IRunExecutionData: resultData.runData[nodeName][runIndex].data.main[output][item]; resultData.error. */
	data: any;
	[key: string]: any;
}

export interface N8nServer {
	url: string;
	/** The n8n process (the leader of its process group, with its task runner). */
	pid: number;
	port: number;
	brokerPort: number;
	userFolder: string;
	email: string;
	password: string;
	install: N8nInstall;
	rest: RestClient;
	/** Run `n8n <args>` against the same user folder (its own broker port, so it can run beside the server). */
	cli(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
	/** The server's output so far. */
	logs(): string;
	/** Create a credential via REST (`data` in plain text; n8n encrypts it). Returns its id. */
	createCredential(cred: { name: string; type: string; data: Record<string, unknown> }): Promise<string>;
	/** Create a workflow via REST. Returns its id. */
	createWorkflow(workflow: WorkflowInput): Promise<string>;
	/** Import credentials/workflows with the CLI (`import:* --input`); works while the server runs. */
	importCredentials(creds: Array<Record<string, unknown>>): Promise<void>;
	importWorkflows(workflows: WorkflowInput[]): Promise<void>;
	/** Start a manual run (POST /rest/workflows/:id/run) from its manual trigger; returns the execution id. */
	startWorkflow(workflowId: string, opts?: { triggerNode?: string; destinationNode?: string }): Promise<string>;
	/** startWorkflow + waitForExecution. */
	runWorkflow(workflowId: string, opts?: { triggerNode?: string; destinationNode?: string; timeoutMs?: number }): Promise<Execution>;
	/** GET /rest/executions/:id with its data decoded. */
	getExecution(executionId: string): Promise<Execution>;
	/** Poll until the execution is no longer new/running (default 60 s; 'waiting' counts as done only with allowWaiting). */
	waitForExecution(executionId: string, opts?: { timeoutMs?: number; allowWaiting?: boolean }): Promise<Execution>;
	/** The json of the items a node output in a finished execution (run 0, output 0 by default). */
	nodeOutput(execution: Execution, nodeName: string, opts?: { runIndex?: number; outputIndex?: number }): any[];
	/** The raw items (json + binary + pairedItem) a node output. */
	nodeItems(execution: Execution, nodeName: string, opts?: { runIndex?: number; outputIndex?: number }): any[];
	/** The error of a node's run, or of the execution. */
	executionError(execution: Execution, nodeName?: string): any;
	/** Binary content of an item's binary property (filesystem mode: GET /rest/binary-data). */
	getBinary(binary: { id?: string; data?: string; mimeType?: string; fileName?: string }): Promise<Buffer>;
	stop(): Promise<void>;
}

export interface WorkflowInput {
	id?: string;
	name: string;
	nodes: any[];
	connections: Record<string, any>;
	settings?: Record<string, any>;
	active?: boolean;
	[key: string]: any;
}

function log(line: string): void {
	process.stderr.write(`[n8n] ${line}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function portFree(port: number): Promise<boolean> {
	return new Promise((res) => {
		const srv = createServer();
		srv.once('error', () => res(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
	});
}

const portsHandedOut = new Set<number>();
/** Below Linux's ephemeral range (32768-60999), where outgoing connections take their local ports. */
const LISTEN_PORTS = { from: 20_000, to: 32_000 };

/**
 * A port nothing listens on now, outside the ephemeral range and never one this process handed
 * out before. A port the OS offers for `listen(0)` is an ephemeral one: in the seconds before a
 * server binds it, any outgoing connection (n8n to Postgres or Redis) may take it as its local
 * port, and the server then fails with "Port … is already in use" (seen once in test:queue).
 */
export async function freePort(): Promise<number> {
	for (let tries = 0; tries < 200; tries++) {
		const port = LISTEN_PORTS.from + Math.floor(Math.random() * (LISTEN_PORTS.to - LISTEN_PORTS.from));
		if (portsHandedOut.has(port) || !(await portFree(port))) continue;
		portsHandedOut.add(port);
		return port;
	}
	throw new Error(`no free port between ${LISTEN_PORTS.from} and ${LISTEN_PORTS.to}`);
}

function runProc(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
	return new Promise((res, rej) => {
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
		child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
		const timer = opts.timeoutMs
			? setTimeout(() => {
					child.kill('SIGKILL');
				}, opts.timeoutMs)
			: undefined;
		child.on('error', rej);
		child.on('close', (code) => {
			if (timer) clearTimeout(timer);
			res({ stdout, stderr, code });
		});
	});
}

/**
 * `npm run build` (unless build: false) and `npm pack` of the repo; returns the tarball's path.
 * Runs npm with the current node (the project's scripts run under Node 24).
 */
export async function packProject(opts: { build?: boolean; outDir?: string; root?: string } = {}): Promise<string> {
	const root = opts.root ?? repoRoot();
	const outDir = opts.outDir ?? join(root, '.cache', 'pack');
	mkdirSync(outDir, { recursive: true });
	const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
	if (opts.build !== false) {
		const r = await runProc('npm', ['run', 'build'], { cwd: root, env });
		if (r.code !== 0) throw new Error(`npm run build failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
	}
	const r = await runProc('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: root, env });
	if (r.code !== 0) throw new Error(`npm pack failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
	const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
	return join(outDir, info[0].filename);
}

/**
 * Installs a community package into <userFolder>/.n8n/nodes/node_modules/<name>, as n8n's own
 * installer leaves it (also records it in <userFolder>/.n8n/nodes/package.json). Returns the name.
 * The package must have no dependencies of its own (community-node rule); n8n-workflow (peer)
 * resolves from n8n's node_modules.
 */
export async function installCommunityPackage(userFolder: string, src: { tarball?: string; dir?: string }): Promise<string> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const staging = mkdtempSync(join(tmpdir(), 'n8n-pkg-'));
	try {
		let pkgDir: string;
		if (src.tarball) {
			const r = await runProc('tar', ['-xzf', resolve(src.tarball), '-C', staging]);
			if (r.code !== 0) throw new Error(`tar failed: ${r.stderr}`);
			pkgDir = join(staging, 'package');
		} else if (src.dir) {
			pkgDir = resolve(src.dir);
		} else {
			throw new Error('installCommunityPackage: tarball or dir needed');
		}
		const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
		const name: string = pkg.name;
		const target = join(nodesDir, 'node_modules', ...name.split('/'));
		rmSync(target, { recursive: true, force: true });
		mkdirSync(dirname(target), { recursive: true });
		const r = await runProc('cp', ['-a', pkgDir, target]);
		if (r.code !== 0) throw new Error(`cp failed: ${r.stderr}`);
		const manifestPath = join(nodesDir, 'package.json');
		const manifest = existsSync(manifestPath)
			? JSON.parse(readFileSync(manifestPath, 'utf8'))
			: { name: 'installed-nodes', private: true, dependencies: {} };
		manifest.dependencies = { ...(manifest.dependencies ?? {}), [name]: pkg.version };
		writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
		return name;
	} finally {
		rmSync(staging, { recursive: true, force: true });
	}
}

class Rest implements RestClient {
	cookie: string | undefined;
	private readonly url: string;
	private readonly email: string;
	private readonly password: string;

	constructor(url: string, email: string, password: string) {
		this.url = url;
		this.email = email;
		this.password = password;
	}

	async request<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
		// No `browser-id` header: n8n binds the session JWT to it when sent at login, and then
		// requires it on every request; without it, the cookie alone authenticates.
		const headers: Record<string, string> = { accept: 'application/json' };
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(this.url + path, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
		});
		for (const c of res.headers.getSetCookie()) {
			const m = /^(n8n-auth=[^;]*)/.exec(c);
			if (m) this.cookie = m[1];
		}
		const text = await res.text();
		let parsed: any = text;
		if ((res.headers.get('content-type') ?? '').includes('json') && text) {
			try {
				parsed = JSON.parse(text);
			} catch {
				// leave as text
			}
		}
		return { status: res.status, headers: res.headers, body: parsed };
	}

	private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const r = await this.request(method, path, body);
		if (r.status < 200 || r.status >= 300) {
			throw new Error(`${method} ${path} -> ${r.status}: ${typeof r.body === 'string' ? r.body.slice(0, 2000) : JSON.stringify(r.body).slice(0, 2000)}`);
		}
		return r.body && typeof r.body === 'object' && 'data' in r.body ? r.body.data : r.body;
	}

	get<T = any>(path: string): Promise<T> {
		return this.call<T>('GET', path);
	}
	post<T = any>(path: string, body?: unknown): Promise<T> {
		return this.call<T>('POST', path, body ?? {});
	}
	patch<T = any>(path: string, body?: unknown): Promise<T> {
		return this.call<T>('PATCH', path, body ?? {});
	}
	delete<T = any>(path: string): Promise<T> {
		return this.call<T>('DELETE', path);
	}

	async login(email = this.email, password = this.password): Promise<void> {
		await this.post('/rest/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('login: no n8n-auth cookie');
	}

	/** POST /rest/owner/setup if the instance has no owner yet, else log in. */
	async setupOwner(): Promise<void> {
		const settings = await this.get<any>('/rest/settings');
		if (settings?.userManagement?.showSetupOnFirstLoad) {
			await this.post('/rest/owner/setup', {
				email: this.email,
				firstName: 'Comet',
				lastName: 'Owner',
				password: this.password,
			});
		}
		// setup also sets the cookie; log in anyway so both paths are the same
		await this.login();
	}
}

const running = new Set<ChildProcess>();
let exitHook = false;
function killAll(): void {
	for (const child of running) {
		try {
			if (child.pid) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// gone
		}
	}
}
// n8n runs in its own process group (so stop() ends its task runner too), so a Ctrl-C on the
// terminal doesn't reach it: end it when this process ends, and on SIGINT/SIGTERM when nobody
// else handles them (then re-raise, for the default exit).
function killAllOnExit(): void {
	if (exitHook) return;
	exitHook = true;
	process.on('exit', killAll);
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		if (process.listenerCount(sig) > 0) continue;
		process.once(sig, () => {
			killAll();
			process.kill(process.pid, sig);
		});
	}
}

/** A REST client signed in to a running n8n (one the caller did not start, e.g. the editor checks'). */
export async function signedInRest(url: string, email: string, password: string): Promise<RestClient> {
	const rest = new Rest(url, email, password);
	await rest.login();
	return rest;
}

export function genId(): string {
	// n8n's ids: 16 alphanumerics
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(16), (b) => abc[b % abc.length]).join('');
}

/**
 * Runs `n8n <args>` on a user folder without a server (e.g. `import:workflow --input=f.json`
 * before the first start: the DB is created and migrated on the way; imports then belong to
 * the owner-to-be). The same env defaults as startN8n; its own task broker port.
 */
export async function n8nCli(userFolder: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
	const install = await ensureN8n();
	const folder = resolve(userFolder);
	mkdirSync(join(folder, '.n8n'), { recursive: true });
	const env: NodeJS.ProcessEnv = {
		...process.env,
		N8N_USER_FOLDER: folder,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		...(opts.env ?? {}),
	};
	delete env.NODE_OPTIONS;
	env.PATH = `${dirname(install.nodeBin)}:${process.env.PATH ?? ''}`;
	return await runProc(install.nodeBin, [install.bin, ...args], { cwd: folder, env, timeoutMs: opts.timeoutMs ?? 120_000 });
}

/** Writes `items` to a temp JSON file and runs `n8n import:<kind> --input=<file>`; throws on failure. */
export async function n8nImport(userFolder: string, kind: 'workflow' | 'credentials', items: unknown[], opts: { env?: Record<string, string> } = {}): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), `n8n-import-${kind}-`));
	try {
		const file = join(dir, `${kind}.json`);
		writeFileSync(file, JSON.stringify(items));
		const r = await n8nCli(userFolder, [`import:${kind}`, `--input=${file}`], opts);
		if (r.code !== 0) throw new Error(`n8n import:${kind} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function startN8n(opts: StartOptions): Promise<N8nServer> {
	const install = await ensureN8n();
	const userFolder = resolve(opts.userFolder);
	mkdirSync(join(userFolder, '.n8n'), { recursive: true });
	if (opts.packageTarball || opts.packageDir) {
		const name = await installCommunityPackage(userFolder, { tarball: opts.packageTarball, dir: opts.packageDir });
		log(`community package ${name} installed into ${join(userFolder, '.n8n', 'nodes', 'node_modules')}`);
	}
	const port = opts.port ?? ((await portFree(5678)) ? 5678 : await freePort());
	const brokerPort = opts.brokerPort ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	const verbose = opts.verbose ?? process.env.N8N_E2E_VERBOSE === '1';

	const baseEnv: Record<string, string> = {
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: url,
		N8N_WEBHOOK_URL: `${url}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		NODE_ENV: 'production',
	};
	const env: NodeJS.ProcessEnv = { ...process.env, ...baseEnv, ...(opts.env ?? {}) };
	// Don't leak a jest/ts-node setting into n8n's own Node.
	delete env.NODE_OPTIONS;
	env.PATH = `${dirname(install.nodeBin)}:${process.env.PATH ?? ''}`;

	const logPath = join(userFolder, 'n8n.log');
	const logFile = createWriteStream(logPath, { flags: 'a' });
	let output = '';
	const t0 = Date.now();
	const child = spawn(install.nodeBin, [...(opts.nodeOptions ?? []), install.bin, ...(opts.command ?? ['start'])], {
		cwd: userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true, // own process group: stop() ends n8n and its task runner together
	});
	running.add(child);
	killAllOnExit();
	const onData = (b: Buffer): void => {
		const s = b.toString();
		output += s;
		if (output.length > 2_000_000) output = output.slice(-1_000_000);
		logFile.write(s);
		if (verbose) process.stderr.write(s);
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	let exited: number | null | undefined;
	const exitPromise = new Promise<void>((res) => {
		child.on('exit', (code) => {
			exited = code;
			running.delete(child);
			res();
		});
	});

	const stop = async (): Promise<void> => {
		if (exited === undefined && child.pid) {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				// already gone
			}
			const killer = setTimeout(() => {
				try {
					process.kill(-child.pid!, 'SIGKILL');
				} catch {
					// gone
				}
			}, 15_000);
			await exitPromise;
			clearTimeout(killer);
		}
		// the task runner may outlive n8n for a moment
		try {
			if (child.pid) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// gone
		}
		await new Promise<void>((r) => logFile.end(r));
	};

	// Wait until the REST API answers (healthz answers before all controllers are mounted).
	const deadline = Date.now() + (opts.startTimeoutMs ?? 90_000);
	for (;;) {
		if (exited !== undefined) {
			throw new Error(`n8n exited (${exited}) during start; output:\n${output.slice(-6000)}`);
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n did not answer on ${url} in time; output:\n${output.slice(-6000)}`);
		}
		try {
			if (opts.readyUrl) {
				if ((await fetch(opts.readyUrl)).ok) break;
				await sleep(250);
				continue;
			}
			const h = await fetch(`${url}/healthz/readiness`);
			if (h.ok) {
				const s = await fetch(`${url}/rest/settings`);
				if (s.ok) break;
			}
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	log(`n8n up on ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s (log: ${logPath})`);

	const rest = new Rest(url, OWNER_EMAIL, OWNER_PASSWORD);
	try {
		if (opts.setupOwner !== false) await rest.setupOwner();
	} catch (e) {
		await stop();
		throw e;
	}

	const requireFromN8n = createRequire(join(install.n8nDir, 'package.json'));
	const flatted: { parse(s: string): any } = requireFromN8n('flatted');

	const cli = async (args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> => {
		const cliEnv: NodeJS.ProcessEnv = {
			...env,
			// `n8n execute` starts a task broker of its own: keep it off the server's.
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			...(o.env ?? {}),
		};
		return await runProc(install.nodeBin, [install.bin, ...args], { cwd: userFolder, env: cliEnv, timeoutMs: o.timeoutMs ?? 120_000 });
	};

	const importWith = (kind: 'workflow' | 'credentials', items: unknown[]): Promise<void> => n8nImport(userFolder, kind, items, { env: opts.env });

	const getExecution = async (executionId: string): Promise<Execution> => {
		const e = await rest.get<any>(`/rest/executions/${executionId}`);
		if (!e) throw new Error(`execution ${executionId} not found`);
		return { ...e, data: typeof e.data === 'string' ? flatted.parse(e.data) : e.data };
	};

	const waitForExecution = async (executionId: string, o: { timeoutMs?: number; allowWaiting?: boolean } = {}): Promise<Execution> => {
		const until = Date.now() + (o.timeoutMs ?? 60_000);
		for (;;) {
			const r = await rest.request('GET', `/rest/executions/${executionId}`);
			if (r.status === 200 && r.body?.data) {
				const e = r.body.data;
				const done = e.finished || !['new', 'running', 'waiting', 'unknown'].includes(e.status) || (o.allowWaiting && e.status === 'waiting');
				if (done && e.stoppedAt !== null && e.stoppedAt !== undefined) {
					return { ...e, data: typeof e.data === 'string' ? flatted.parse(e.data) : e.data };
				}
			} else if (r.status !== 404) {
				throw new Error(`GET /rest/executions/${executionId} -> ${r.status}: ${JSON.stringify(r.body).slice(0, 1000)}`);
			}
			if (Date.now() > until) throw new Error(`execution ${executionId} not finished in time (last status ${r.status} ${r.body?.data?.status})`);
			await sleep(200);
		}
	};

	const startWorkflow = async (workflowId: string, o: { triggerNode?: string; destinationNode?: string } = {}): Promise<string> => {
		let body: Record<string, unknown>;
		if (o.destinationNode && !o.triggerNode) {
			body = { destinationNode: { nodeName: o.destinationNode, mode: 'inclusive' } };
		} else {
			let trigger = o.triggerNode;
			if (!trigger) {
				const wf = await rest.get<any>(`/rest/workflows/${workflowId}`);
				const t = (wf.nodes as any[]).find((n) => n.type === 'n8n-nodes-base.manualTrigger');
				if (!t) throw new Error(`workflow ${workflowId} has no manual trigger; pass triggerNode`);
				trigger = t.name as string;
			}
			body = { triggerToStartFrom: { name: trigger } };
			if (o.destinationNode) body.destinationNode = { nodeName: o.destinationNode, mode: 'inclusive' };
		}
		const r = await rest.post<any>(`/rest/workflows/${workflowId}/run`, body);
		if (!r?.executionId) throw new Error(`run of ${workflowId} gave no executionId: ${JSON.stringify(r)}`);
		return String(r.executionId);
	};

	const runData = (execution: Execution, nodeName: string, runIndex = 0): any => {
		const runs = execution.data?.resultData?.runData?.[nodeName];
		if (!runs) {
			throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(execution.data?.resultData?.runData ?? {}).join(', ')}; error: ${JSON.stringify(execution.data?.resultData?.error ?? null).slice(0, 1000)}`);
		}
		return runs[runIndex];
	};

	const server: N8nServer = {
		url,
		port,
		brokerPort,
		userFolder,
		email: OWNER_EMAIL,
		password: OWNER_PASSWORD,
		install,
		rest,
		cli,
		logs: () => output,
		async createCredential(cred) {
			const r = await rest.post<any>('/rest/credentials', cred);
			return String(r.id);
		},
		async createWorkflow(workflow) {
			const { id: _id, ...rest_ } = workflow;
			const r = await rest.post<any>('/rest/workflows', { settings: {}, active: false, ...rest_ });
			return String(r.id);
		},
		importCredentials: (creds) => importWith('credentials', creds),
		importWorkflows: (workflows) => importWith('workflow', workflows),
		startWorkflow,
		async runWorkflow(workflowId, o = {}) {
			const id = await startWorkflow(workflowId, o);
			return await waitForExecution(id, { timeoutMs: o.timeoutMs });
		},
		getExecution,
		waitForExecution,
		nodeItems(execution, nodeName, o = {}) {
			const run = runData(execution, nodeName, o.runIndex ?? 0);
			return run?.data?.main?.[o.outputIndex ?? 0] ?? [];
		},
		nodeOutput(execution, nodeName, o = {}) {
			return server.nodeItems(execution, nodeName, o).map((i: any) => i.json);
		},
		executionError(execution, nodeName) {
			if (nodeName) return runData(execution, nodeName)?.error;
			return execution.data?.resultData?.error;
		},
		async getBinary(binary) {
			if (binary.data && binary.data !== 'filesystem-v2' && !binary.id) return Buffer.from(binary.data, 'base64');
			if (!binary.id) throw new Error('binary has neither data nor id');
			const q = new URLSearchParams({ id: binary.id, action: 'download' });
			if (binary.mimeType) q.set('mimeType', binary.mimeType);
			if (binary.fileName) q.set('fileName', binary.fileName);
			const headers: Record<string, string> = {};
			if (rest.cookie) headers.cookie = rest.cookie;
			const res = await fetch(`${url}/rest/binary-data?${q}`, { headers });
			if (!res.ok) throw new Error(`GET /rest/binary-data -> ${res.status}: ${await res.text()}`);
			return Buffer.from(await res.arrayBuffer());
		},
		stop,
		pid: child.pid!,
	};
	return server;
}
