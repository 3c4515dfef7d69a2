// `npm run test:queue`: issue 12's queue-mode tests against a real n8n 2.41.1 in queue mode.
//
// Setup: Debian's redis-server and postgresql (apt-get installs them when missing and this is root;
// elsewhere the missing ones are named and the run is skipped), each on a free loopback port with
// its data under .cache/queue; n8n installed once (test/n8n/install.ts), this package built and
// packed, the CometAPI simulator in this process; n8n main plus two workers (`n8n worker
// --concurrency=2`) with EXECUTIONS_MODE=queue, one encryption key, each process its own folder,
// port and task-runner broker port, the package installed from its tarball into each.
// Then, in order: 1. both workers run the node; 2. four 24-prompt batches share one key's limit;
// 3. fifty parked executions survive a restart of main; 4. a worker SIGKILLed mid-batch; 5. a crashed
// worker's paid batch collected (n8n's Retry of the two-node pattern, and the recipe that works);
// 6. 200 webhook-pattern executions within one key's limit (only when named: `npm run test:queue -- 6`).
// Everything started is stopped by process id, also on failure and on SIGINT/SIGTERM.
// Prints each test's figures and checks, then one JSON summary line last; exits 1 on a failed check.
//
//   N8N_E2E_VERBOSE=1   echo n8n's logs

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8n, repoRoot } from '../n8n/install.ts';
import { packProject } from '../n8n/server.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { installWorkflows, startCluster, type Cluster } from './cluster.ts';
import { secs } from './measure.ts';
import { ensureBinaries, startPostgres, startRedis, type Service } from './services.ts';
import { crashedBatchRecovered, parkedSurviveRestart, webhookBatchWithinLimit, sharedAccountLimit, workerKilledMidBatch, workersRunTheNode, type TestContext, type TestResult } from './tests.ts';

const log = (line: string): void => {
	process.stderr.write(`[queue] ${line}\n`);
};

const TESTS: Array<[string, (ctx: TestContext) => Promise<TestResult>]> = [
	['1. workers load and run the node', workersRunTheNode],
	['2. a shared account limit', sharedAccountLimit],
	['3. parked executions survive a restart of main', parkedSurviveRestart],
	['4. a worker killed mid-batch (SIGKILL)', workerKilledMidBatch],
	['5. a crashed worker\'s paid batch collected', crashedBatchRecovered],
	['6. a webhook-pattern batch within the account limit', webhookBatchWithinLimit],
];
/**
 * Run only when named (`npm run test:queue -- 6`): it measures issue 19's first part, a task not
 * waited for holding its slot, which is not built yet (1.57-1.60 submits per image today, goal 1.15).
 */
const ONLY_WHEN_NAMED = ['6'];

async function main(): Promise<number> {
	const t0 = Date.now();
	const work = join(repoRoot(), '.cache', 'queue');
	const { binaries, missing } = ensureBinaries(log);
	if (!binaries) {
		const why = `missing ${missing.join(' and ')} (Debian: apt-get install -y ${missing.join(' ')}; as root this script installs them itself)`;
		if (process.getuid?.() === 0) {
			console.log(`test:queue FAILED: ${why}`);
			return 1;
		}
		console.log(`test:queue skipped: ${why}`);
		console.log(JSON.stringify({ skipped: true, missing }));
		return 0;
	}

	const services: Service[] = [];
	let sim: Simulator | undefined;
	let cluster: Cluster | undefined;
	const stopAll = async (): Promise<void> => {
		await cluster?.stop().catch((e) => log(`stopping n8n: ${e}`));
		await sim?.close().catch(() => undefined);
		for (const s of services.reverse()) await s.stop().catch((e) => log(`stopping ${s.name}: ${e}`));
		services.length = 0;
	};
	// Ctrl-C / a CI timeout: stop everything by process id, then leave (server.ts ends n8n's groups on exit).
	for (const sig of ['SIGINT', 'SIGTERM'] as const) {
		process.once(sig, () => {
			log(`${sig}: stopping what this run started`);
			void stopAll().finally(() => process.exit(130));
		});
	}

	let failed = 0;
	const figures: Record<string, unknown> = {};
	const timings: Record<string, number> = {};
	const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
		const t = Date.now();
		try {
			return await run();
		} finally {
			timings[name] = Math.round((Date.now() - t) / 100) / 10;
		}
	};
	try {
		await timed('n8n install', () => ensureN8n());
		const tarball = await timed('build + pack', () => packProject());
		await timed('redis + postgres', async () => {
			services.push(await startRedis(binaries.redisServer, join(work, 'redis')));
			services.push(await startPostgres(binaries.postgresBin, join(work, 'postgres')));
		});
		for (const s of services) log(`${s.name} on 127.0.0.1:${s.port} (pid ${s.pid})`);
		sim = await startSimulator({ generationMs: 2000, activeTaskLimit: 24, retryAfterSeconds: 1 });
		log(`simulator on ${sim.url}`);
		const [redis, postgres] = services;
		// A fresh cluster each run (the last run's folders stay until now, for a look after a failure).
		rmSync(join(work, 'n8n'), { recursive: true, force: true });
		cluster = await timed('n8n main + 2 workers', () => startCluster({ dir: join(work, 'n8n'), tarball, redisPort: redis.port, postgresPort: postgres.port, workers: 2, log }));
		const ids = await installWorkflows(cluster.main, { apiKey: sim.apiKey, baseUrl: sim.url }, ['batch.json', 'webhook-pattern.json', 'crash-two-node.json', 'crash-collect.json']);
		// The recovery workflow reads executions through n8n's public API, with a key of the owner's.
		const apiKey = await cluster.main.rest.post<any>('/rest/api-keys', { label: 'queue test recovery', scopes: ['execution:read'], expiresAt: null });
		Object.assign(
			ids,
			await installWorkflows(cluster.main, { credentialId: ids.credentialId }, ['crash-submit.json', 'crash-recover.json'], {
				COLLECT_WORKFLOW_ID: ids['crash-collect.json'],
				N8N_URL: cluster.main.url,
				N8N_API_KEY: apiKey.rawApiKey,
			}),
		);
		const workflows = { batch: ids['batch.json'], parked: ids['webhook-pattern.json'], twoNode: ids['crash-two-node.json'], submit: ids['crash-submit.json'], collect: ids['crash-collect.json'], recover: ids['crash-recover.json'] };
		const ctx: TestContext = { cluster, sim, workflows, log };
		console.log(`setup ${secs(Date.now() - t0)}: ${Object.entries(timings).map(([k, v]) => `${k} ${v} s`).join(', ')}`);

		// `npm run test:queue -- 2 3` runs only those tests (the JSON summary then holds their figures).
		const only = process.argv.slice(2);
		const named = (name: string) => only.includes(name.split('.')[0]);
		for (const [name, test] of TESTS.filter(([name]) => (only.length ? named(name) : !ONLY_WHEN_NAMED.includes(name.split('.')[0])))) {
			const t = Date.now();
			console.log(`\n== ${name}`);
			try {
				const result = await test(ctx);
				for (const line of result.lines) console.log(`   ${line}`);
				for (const c of result.checks) {
					if (!c.ok) failed++;
					console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}`);
				}
				Object.assign(figures, result.figures);
			} catch (e) {
				failed++;
				console.log(`FAIL ${name}: ${e instanceof Error ? e.stack : String(e)}`);
			}
			console.log(`   (${secs(Date.now() - t)})`);
			sim.reset();
			sim.configure({ generationMs: 2000, activeTaskLimit: 24, retryAfterSeconds: 1 });
		}
	} catch (e) {
		failed++;
		console.log(`FAIL setup: ${e instanceof Error ? e.stack : String(e)}`);
	} finally {
		if (failed && cluster) {
			for (const p of [cluster.main, ...cluster.workers.map((w) => w.server)]) process.stderr.write(`--- ${p.userFolder}/n8n.log (tail) ---\n${p.logs().slice(-3000)}\n`);
		}
		await stopAll();
	}
	const runtime = (Date.now() - t0) / 1000;
	console.log(`\ntest:queue ${failed ? `FAILED (${failed} checks)` : 'passed'} in ${secs(Date.now() - t0)}`);
	console.log(JSON.stringify({ ok: failed === 0, ...figures, setup_s: timings, runtime_s: Math.round(runtime) }));
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);
