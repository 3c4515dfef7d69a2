// `npm start`: a real n8n with this repo's package and the demo workflows, until Ctrl-C.
//   node test/n8n/start.ts [--port=5678] [--fresh] [--no-build] [--user-folder=DIR] [--verbose]
//
// Builds and packs the repo, installs n8n into .cache/n8n on first use (later runs reuse it),
// starts the CometAPI simulator (fixed ports 5690-5693, 3 s per image) unless COMETAPI_API_KEY is
// set (then the credential points at https://api.cometapi.com, or COMETAPI_BASE_URL, with that
// key), starts n8n on 127.0.0.1:5678 (or a free port) with the package installed from its
// tarball, sets up the owner, creates the `cometApi` credential, imports the demo workflows of
// test/n8n/workflows/, puts a sample photo where demo 5 reads it (<output>/inputs/photo.png, kept
// if already there) and prints the editor URL and login.
//
// Environment: COMETAPI_API_KEY, COMETAPI_BASE_URL, COMETAPI_DEMO_OUTPUT_DIR (where the demos
// save images; default .cache/demo-output), COMETAPI_SIM_GENERATION_MS (default 3000).
// The user folder (default .cache/n8n-user) is kept between runs: executions stay; the
// credential and the demo workflows are imported again each start (same ids: updated in place).

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { PROMPT_MARKERS } from '../simulator/index.ts';
import { DEMO_INPUT_IMAGE, demoLink, startDemo, type Demo } from './demo.ts';
import { N8N_VERSION, repoRoot } from './install.ts';

function arg(name: string): string | undefined {
	const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
	if (!a) return undefined;
	return a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true';
}

async function main(): Promise<void> {
	const root = repoRoot();
	const userFolder = arg('user-folder') ?? join(root, '.cache', 'n8n-user');
	if (arg('fresh')) rmSync(userFolder, { recursive: true, force: true });
	const port = arg('port') ? Number(arg('port')) : undefined;
	const outputDir = process.env.COMETAPI_DEMO_OUTPUT_DIR || join(root, '.cache', 'demo-output');
	const realApiKey = process.env.COMETAPI_API_KEY || undefined;
	const generationMs = Number(process.env.COMETAPI_SIM_GENERATION_MS || 3000);

	let demo: Demo | undefined;
	let stopping = false;
	const shutdown = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		process.stderr.write('\n[start] stopping n8n and the simulator ...\n');
		await demo?.stop();
		process.exit(0);
	};
	// Registered before n8n starts, so server.ts leaves these signals to us.
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());

	const t0 = Date.now();
	demo = await startDemo({
		userFolder,
		outputDir,
		port,
		generationMs,
		simulatorPorts: { api: 5690, polling: 5691, images: 5692, replicateUrls: 5693 },
		realApiKey,
		realApiUrl: process.env.COMETAPI_BASE_URL || undefined,
		build: !arg('no-build'),
		verbose: !!arg('verbose'),
		log: (line) => process.stderr.write(`[start] ${line}\n`),
	});
	const { n8n, simulator, workflows } = demo;
	const first = workflows.generate;
	const api = simulator
		? `CometAPI simulator on ${simulator.url} (key ${simulator.apiKey}; ${simulator.options.generationMs / 1000} s per image; no network, no cost)
            prompt markers for failures: ${PROMPT_MARKERS.join(' ')}`
		: `the real CometAPI at ${demo.credential.baseUrl} with your COMETAPI_API_KEY (every image is billed)`;
	console.log(`
n8n ${N8N_VERSION} is running with n8n-nodes-cometapi (ready in ${((Date.now() - t0) / 1000).toFixed(0)} s)

  Editor:   ${n8n.url}
  Login:    ${n8n.email}  /  ${n8n.password}
  API:      ${api}
  Images:   the demos save files to ${demo.outputDir}
            demo 5 edits ${join(demo.outputDir, DEMO_INPUT_IMAGE)} (put your own PNG or JPEG there)

  Open a demo with its link (sign in when asked; the link then opens the demo itself):
${Object.values(workflows)
	.map((w) => `    ${w.name.padEnd(46)} ${demoLink(n8n.url, w.id)}`)
	.join('\n')}
  (Signing in at ${n8n.url} without a link lands on n8n's Assistant page, which needs the internet:
   the demos are under "Overview" in the left sidebar, tab "Workflows".)

  Try it: open "${first.name}" with its link, click "Execute workflow",
  then double-click the CometAPI Flux node to see the image (Output > Binary) and its settings.
  Or start a new workflow: "+" > search "Flux" > CometAPI Flux, pick an action.
  Credential "${demo.credential.name}" (Overview > Credentials) holds the API key and base URL.

  n8n data: ${userFolder}/.n8n   log: ${userFolder}/n8n.log
Ctrl-C stops n8n and the simulator.`);

	// Show what the simulator is asked (submits, downloads, webhooks; not the status polls).
	if (simulator) {
		let printed = 0;
		let delivered = 0;
		setInterval(() => {
			for (; printed < simulator.requests.length; printed++) {
				const r = simulator.requests[printed];
				if (r.method === 'GET' && /get_result|predictions\//.test(r.path)) continue;
				const prompt = (r.body as { prompt?: string } | undefined)?.prompt;
				console.log(`[cometapi-sim] ${r.method} ${r.path}${prompt ? `  "${prompt.slice(0, 60)}"` : ''}`);
			}
			for (; delivered < simulator.webhookDeliveries.length; delivered++) {
				const d = simulator.webhookDeliveries[delivered];
				console.log(`[cometapi-sim] webhook for task ${d.taskId} -> ${d.status ?? d.error}`);
			}
		}, 250);
	}
	await new Promise(() => {}); // until a signal
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
