// `npm run test:e2e`: the E2E tests (./demo.e2e.ts) against a real n8n 2.x, headless.
//
// Setup: build + pack this repo, install n8n into .cache/n8n on first use (about 4-5 min and
// 2.9 GB; later runs reuse it), start the CometAPI simulator (300 ms per image) and n8n on free
// loopback ports with the package installed from its tarball, create the `cometApi` credential and
// import the demo workflows (the files `npm start` imports). Then the tests, one after another;
// then, when Debian's chromium is installed, the editor walk-through of ./screenshots.ts on demo 1
// and on a copy of demo 5 (the Model list; its pictures go to .cache/e2e/screenshots;
// `npm run screenshots` refreshes the committed ones).
// Teardown stops n8n and the simulator. Prints `N passed, N failed`; exits 1 on any failure.
//
//   npm run test:e2e                 all tests
//   npm run test:e2e -- webhook      only tests whose name contains "webhook"
//   N8N_E2E_VERBOSE=1                echo n8n's log;  E2E_SKIP_UI=1  skip the browser part

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { copyWorkflow, startDemo, type Demo } from '../n8n/demo.ts';
import { repoRoot } from '../n8n/install.ts';
import { freePort } from '../n8n/server.ts';
import { tests } from './demo.e2e.ts';
import { chromiumInstalled, takeScreenshots, CHROMIUM } from './screenshots.ts';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, rej) => {
		timer = setTimeout(() => rej(new Error(`${what}: timed out after ${secs(ms)}`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
	const t0 = Date.now();
	const filter = process.argv.slice(2).find((a) => !a.startsWith('-'));
	const root = repoRoot();
	const work = join(root, '.cache', 'e2e');
	// Fresh state each run (the previous run's folder is kept until now, for a look after a failure).
	rmSync(join(work, 'user'), { recursive: true, force: true });
	rmSync(join(work, 'output'), { recursive: true, force: true });

	let passed = 0;
	let failed = 0;
	const report = (ok: boolean, name: string, ms?: number, detail?: string): void => {
		if (ok) passed++;
		else failed++;
		console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ms === undefined ? '' : ` (${secs(ms)})`}${detail ? `\n     ${detail.replace(/\n/g, '\n     ')}` : ''}`);
	};

	let demo: Demo | undefined;
	const tSetup = Date.now();
	try {
		demo = await startDemo({
			userFolder: join(work, 'user'),
			outputDir: join(work, 'output'),
			port: await freePort(),
			generationMs: 300,
			log: (line) => process.stderr.write(`[e2e] ${line}\n`),
		});
	} catch (e) {
		report(false, 'setup: build, pack, n8n, simulator, credential, workflows', Date.now() - tSetup, e instanceof Error ? e.stack : String(e));
		console.log(`${passed} passed, ${failed} failed`);
		return 1;
	}
	const setupMs = Date.now() - tSetup;
	console.log(
		`setup ${secs(setupMs)}: ${Object.entries(demo.timings)
			.map(([k, v]) => `${k} ${v.toFixed(1)} s`)
			.join(', ')}; n8n ${demo.n8n.url}, simulator ${demo.simulator?.url}`,
	);

	const tTests = Date.now();
	try {
		for (const test of tests) {
			if (filter && !test.name.toLowerCase().includes(filter.toLowerCase())) continue;
			const t = Date.now();
			try {
				await withTimeout(test.run({ demo }), test.timeoutMs ?? 60_000, test.name);
				report(true, test.name, Date.now() - t);
			} catch (e) {
				report(false, test.name, Date.now() - t, e instanceof Error ? (e.constructor.name === 'AssertionError' ? e.message : e.stack) : String(e));
			}
		}

		if (process.env.E2E_SKIP_UI === '1' || (filter && !'editor'.includes(filter.toLowerCase()))) {
			console.log('skip editor walk-through (E2E_SKIP_UI=1 or a filter)');
		} else if (!chromiumInstalled()) {
			console.log(`skip editor walk-through and screenshots: no chromium at ${CHROMIUM} (apt-get install -y chromium)`);
		} else {
			const t = Date.now();
			const modelListWorkflowId = await copyWorkflow(demo.n8n, demo.workflows.editFromDisk.id);
			const ui = await withTimeout(
				takeScreenshots({
					url: demo.n8n.url,
					email: demo.n8n.email,
					password: demo.n8n.password,
					workflowId: demo.workflows.generate.id,
					modelListWorkflowId,
					agentWorkflowId: demo.workflows.agent.id,
					outDir: join(work, 'screenshots'),
					log: (line) => process.stderr.write(`[e2e] screenshot ${line}\n`),
				}),
				180_000,
				'editor walk-through',
			);
			for (const c of ui.checks) report(c.ok, `editor: ${c.name}`, undefined, c.ok ? undefined : JSON.stringify(c.detail));
			console.log(`(editor walk-through ${secs(Date.now() - t)})`);
		}
	} finally {
		if (failed && demo) {
			process.stderr.write(`--- n8n log tail (${demo.n8n.userFolder}/n8n.log) ---\n${demo.n8n.logs().slice(-5000)}\n`);
		}
		await demo.stop();
	}
	const testsMs = Date.now() - tTests;
	console.log(`E2E wall time ${secs(Date.now() - t0)} (setup ${secs(setupMs)}, tests ${secs(testsMs)})`);
	console.log(`${passed} passed, ${failed} failed`);
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);
