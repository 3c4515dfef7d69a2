// n8n in queue mode on one host: main plus workers sharing Redis, Postgres and one encryption key,
// each with its own user folder (the package installed from its tarball), port and task-runner
// broker port. Workers answer on their health port; webhooks and resume URLs point at main.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '../n8n/install.ts';
import { freePort, startN8n, type N8nServer, type WorkflowInput } from '../n8n/server.ts';
import { PG_USER } from './services.ts';

/** Executions each worker runs at once: two, so four executions land two and two. */
export const WORKER_CONCURRENCY = 2;

export interface ClusterOptions {
	dir: string;
	tarball: string;
	redisPort: number;
	postgresPort: number;
	workers: number;
	log: (line: string) => void;
}

export interface Worker {
	name: string;
	server: N8nServer;
	healthPort: number;
}

export interface Cluster {
	main: N8nServer;
	workers: Worker[];
	/** Stops main (SIGTERM to its process group) and starts it again on the same port and folder. */
	restartMain(): Promise<{ downMs: number; upMs: number }>;
	/** SIGKILL to a worker's process group (n8n and its task runner). */
	killWorker(worker: Worker): void;
	/** Starts every killed worker again (same folder and health port, a new process). */
	restartKilledWorkers(): Promise<void>;
	stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
	const shared: Record<string, string> = {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(opts.redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(opts.postgresPort),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: PG_USER,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_LOG_LEVEL: 'info',
	};
	const mainPort = await freePort();
	const mainUrl = `http://127.0.0.1:${mainPort}`;
	const startMain = (): Promise<N8nServer> =>
		startN8n({ userFolder: join(opts.dir, 'main'), port: mainPort, packageTarball: opts.tarball, env: shared, startTimeoutMs: 180_000 });

	let main = await startMain();
	opts.log(`main on ${mainUrl} (pid ${main.pid})`);
	const startWorker = async (i: number, healthPort?: number): Promise<Worker> => {
		const port = healthPort ?? (await freePort());
		const server = await startN8n({
			userFolder: join(opts.dir, `worker${i + 1}`),
			port: await freePort(),
			packageTarball: opts.tarball,
			command: ['worker', `--concurrency=${WORKER_CONCURRENCY}`],
			readyUrl: `http://127.0.0.1:${port}/healthz/readiness`,
			setupOwner: false,
			startTimeoutMs: 180_000,
			env: {
				...shared,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(port),
				// $execution.resumeUrl is computed on the worker: it must name main.
				N8N_WEBHOOK_URL: `${mainUrl}/`,
				N8N_EDITOR_BASE_URL: mainUrl,
			},
		});
		return { name: `worker${i + 1}`, server, healthPort: port };
	};
	const workers: Worker[] = [];
	try {
		workers.push(...(await Promise.all(Array.from({ length: opts.workers }, (_, i) => startWorker(i)))));
		for (const w of workers) opts.log(`${w.name} ready (pid ${w.server.pid}, health port ${w.healthPort}, broker port ${w.server.brokerPort})`);
	} catch (e) {
		await Promise.all([main.stop(), ...workers.map((w) => w.server.stop())]);
		throw e;
	}
	const killed = new Set<Worker>();

	return {
		get main() {
			return main;
		},
		workers,
		async restartMain() {
			const t0 = Date.now();
			await main.stop();
			const downMs = Date.now() - t0;
			const t1 = Date.now();
			main = await startMain();
			return { downMs, upMs: Date.now() - t1 };
		},
		killWorker(worker) {
			process.kill(-worker.server.pid, 'SIGKILL');
			killed.add(worker);
		},
		async restartKilledWorkers() {
			for (const worker of [...killed]) {
				const fresh = await startWorker(workers.indexOf(worker), worker.healthPort);
				workers[workers.indexOf(worker)] = fresh;
				killed.delete(worker);
				opts.log(`${fresh.name} started again (pid ${fresh.server.pid})`);
			}
		},
		async stop() {
			await Promise.all([...workers.map((w) => w.server.stop()), main.stop()]);
		},
	};
}

export const QUEUE_CREDENTIAL = { id: 'CometApiQueueCred', name: 'CometAPI (queue test)', type: 'cometApi' } as const;

export function loadQueueWorkflow(file: string): WorkflowInput {
	return JSON.parse(readFileSync(join(repoRoot(), 'test', 'queue', 'workflows', file), 'utf8')) as WorkflowInput;
}

/**
 * Creates the credential and the workflows on main and activates them (production webhooks).
 * Returns each workflow's id by file name.
 */
export async function installWorkflows(
	main: N8nServer,
	credential: { apiKey: string; baseUrl: string } | { credentialId: string },
	files: string[],
	/** Placeholders in the workflow files (`__NAME__`) and their values. */
	values: Record<string, string> = {},
): Promise<Record<string, string>> {
	const credId = 'credentialId' in credential ? credential.credentialId : await main.createCredential({ name: QUEUE_CREDENTIAL.name, type: QUEUE_CREDENTIAL.type, data: credential });
	const ids: Record<string, string> = { credentialId: credId };
	for (const file of files) {
		let text = JSON.stringify(loadQueueWorkflow(file));
		for (const [name, value] of Object.entries(values)) text = text.replaceAll(`__${name}__`, value);
		const wf = JSON.parse(text) as WorkflowInput;
		const nodes = wf.nodes.map((n: any) => (n.credentials?.cometApi ? { ...n, credentials: { cometApi: { id: credId, name: QUEUE_CREDENTIAL.name } } } : n));
		const created = await main.rest.post<any>('/rest/workflows', { name: wf.name, nodes, connections: wf.connections, settings: wf.settings ?? {}, active: false });
		await main.rest.post(`/rest/workflows/${created.id}/activate`, { versionId: created.versionId });
		ids[file] = String(created.id);
	}
	return ids;
}

export interface ExecutionSummary {
	id: string;
	status: string;
	startedAt: string;
	stoppedAt?: string | null;
	workflowId: string;
}

/** The executions of a workflow (newest first, up to 100: n8n's most), from main's REST API. */
export async function listExecutions(main: N8nServer, workflowId: string): Promise<ExecutionSummary[]> {
	const q = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '100' });
	const r = await main.rest.get<any>(`/rest/executions?${q}`);
	return (r.results ?? r) as ExecutionSummary[];
}

/** Which worker's log says "Worker started execution <id>": execution id -> worker names. */
export function executionsByWorker(workers: Worker[]): Map<string, string[]> {
	const seen = new Map<string, string[]>();
	for (const w of workers) {
		for (const m of w.server.logs().matchAll(/Worker started execution (\d+)/g)) {
			seen.set(m[1], [...(seen.get(m[1]) ?? []), w.name]);
		}
	}
	return seen;
}

/** POST a production webhook on main; throws unless 2xx. */
export async function triggerWebhook(main: N8nServer, path: string, body: unknown): Promise<void> {
	const res = await fetch(`${main.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	if (!res.ok) throw new Error(`POST /webhook/${path} -> ${res.status}: ${(await res.text()).slice(0, 500)}`);
	await res.arrayBuffer().catch(() => undefined);
}

/** How many executions of a workflow n8n has in these statuses (the list's `count`). */
export async function countExecutions(main: N8nServer, workflowId: string, status: string[]): Promise<number> {
	const q = new URLSearchParams({ filter: JSON.stringify({ workflowId, status }), limit: '1' });
	const r = await main.rest.get<any>(`/rest/executions?${q}`);
	return Number(r.count);
}
