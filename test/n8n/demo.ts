// The demo environment shared by `npm start` (test/n8n/start.ts) and the E2E tests
// (test/e2e/run.ts): this repo's package (built + packed) in a real n8n, a CometAPI simulator
// in this process (or the real API when an API key is given), the `cometApi` credential and the
// demo workflows of ./workflows/.
//
//   const demo = await startDemo({ userFolder, outputDir, generationMs: 3000 });
//   demo.n8n.runWorkflow(demo.workflows.generate.id) ...
//   await demo.stop();

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

import { startSimulator } from '../simulator/index.ts';
import { gradientPng } from '../simulator/png.ts';
import type { Simulator } from '../simulator/index.ts';
import { cacheDir, ensureN8n, N8N_VERSION, repoRoot } from './install.ts';
import { packProject, startN8n, type N8nServer, type WorkflowInput } from './server.ts';

/** test/n8n/workflows of this repo. */
export const workflowsDir = (): string => join(repoRoot(), 'test', 'n8n', 'workflows');

/** The credential the demo workflow files reference; on import the references point at the created one. */
export const DEMO_CREDENTIAL = { id: 'CometApiDemoCred', name: 'CometAPI (demo)', type: 'cometApi' } as const;

/** The OpenAI credential of demo 6's chat model: CometAPI's OpenAI-compatible /v1 (the simulator's, or the real one). */
export const DEMO_LLM_CREDENTIAL = { id: 'CometLlmDemoCred', name: 'CometAPI LLM (demo)', type: 'openAiApi' } as const;

/** Written in the demo workflows where a file path goes; replaced by the output folder on import. */
export const OUTPUT_DIR_PLACEHOLDER = '__COMETAPI_DEMO_OUTPUT__';

/** The photo demo 5 reads, under the output folder (the only folder n8n's file nodes may use). */
export const DEMO_INPUT_IMAGE = join('inputs', 'photo.png');

/**
 * Puts a sample photo where demo 5 reads it, unless one is there: a user may have replaced it
 * with their own picture.
 */
export function placeSampleInput(outputDir: string): string {
	const file = join(outputDir, DEMO_INPUT_IMAGE);
	if (!existsSync(file)) {
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, gradientPng(512, 384, 42));
	}
	return file;
}

export const REAL_API_URL = 'https://api.cometapi.com';

/** The demo workflows by role; `file` under ./workflows/. */
export const DEMO_FILES = {
	generate: '1-generate-and-save.json',
	batch: '2-batch-of-prompts.json',
	submitLater: '3-submit-now-collect-later.json',
	webhook: '4-webhook-pattern.json',
	editFromDisk: '5-edit-an-image-from-disk.json',
	agent: '6-ai-agent-makes-an-image.json',
} as const;
export type DemoName = keyof typeof DEMO_FILES;

export interface DemoWorkflow {
	id: string;
	name: string;
	file: string;
	workflow: WorkflowInput;
}

/** Reads a demo workflow file, with the output folder put in place of the placeholder. */
export function loadWorkflow(file: string, outputDir: string): WorkflowInput {
	const text = readFileSync(join(workflowsDir(), file), 'utf8');
	// JSON-escape the path (a Windows path's backslashes would break the JSON otherwise).
	const dir = JSON.stringify(resolve(outputDir)).slice(1, -1);
	return JSON.parse(text.split(OUTPUT_DIR_PLACEHOLDER).join(dir)) as WorkflowInput;
}

export function loadDemoWorkflows(outputDir: string): Record<DemoName, DemoWorkflow> {
	const out = {} as Record<DemoName, DemoWorkflow>;
	for (const [key, file] of Object.entries(DEMO_FILES) as Array<[DemoName, string]>) {
		const workflow = loadWorkflow(file, outputDir);
		out[key] = { id: String(workflow.id), name: workflow.name, file, workflow };
	}
	const extra = readdirSync(workflowsDir()).filter((f) => f.endsWith('.json') && !Object.values(DEMO_FILES).includes(f as never));
	if (extra.length) throw new Error(`workflow files not listed in DEMO_FILES: ${extra.join(', ')}`);
	return out;
}

export interface DemoOptions {
	/** N8N_USER_FOLDER (n8n keeps its DB, key and installed package in <userFolder>/.n8n). */
	userFolder: string;
	/** Where the demo workflows write images; n8n's file access is restricted to it. */
	outputDir: string;
	/** n8n's port: default 5678 if free, else a free one. */
	port?: number;
	/** The simulator's time from submit to result (ms). */
	generationMs?: number;
	/** Fixed simulator ports (api first); a taken port falls back to a free one. Default: all free. */
	simulatorPorts?: { api: number; polling: number; images: number; replicateUrls: number };
	/** A real CometAPI key: no simulator, the credential points at `realApiUrl`. */
	realApiKey?: string;
	realApiUrl?: string;
	/** `npm run build` before `npm pack` (default true). */
	build?: boolean;
	/** Echo n8n's log to stderr. */
	verbose?: boolean;
	/** Progress lines (default: to stderr with a [demo] prefix). */
	log?: (line: string) => void;
}

export interface Demo {
	n8n: N8nServer;
	/** Absent when a real API key is used. */
	simulator?: Simulator;
	credential: { id: string; name: string; baseUrl: string };
	workflows: Record<DemoName, DemoWorkflow>;
	outputDir: string;
	tarball: string;
	/** Seconds per step, for reports. */
	timings: Record<string, number>;
	stop(): Promise<void>;
}

/**
 * Creates the demo credential, or updates the one an earlier start made (same name and type), so
 * its key and base URL follow this start's settings. Returns its id.
 */
async function upsertCredential(n8n: N8nServer, cred: { name: string; type: string; data: Record<string, unknown> }, fileId: string = DEMO_CREDENTIAL.id): Promise<string> {
	const existing = (await n8n.rest.get<any[]>('/rest/credentials')).find((c) => c.type === cred.type && (c.id === fileId || c.name === cred.name));
	if (existing) {
		await n8n.rest.patch(`/rest/credentials/${existing.id}`, cred);
		return String(existing.id);
	}
	return await n8n.createCredential(cred);
}

/** Creates a demo workflow under its file's id, or resets an existing one to the file's content. */
async function upsertWorkflow(n8n: N8nServer, wf: WorkflowInput, exists: boolean): Promise<void> {
	const body = { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings ?? {}, pinData: wf.pinData ?? {} };
	if (!exists) {
		await n8n.rest.post('/rest/workflows', { id: wf.id, active: false, ...body });
	} else {
		await n8n.rest.patch(`/rest/workflows/${wf.id}?forceSave=true`, body);
	}
}

/**
 * The link `npm start` prints for a demo. Signed out, n8n sends it to its sign-in page and back to
 * the workflow after sign-in (the E2E editor checks sign in through this link).
 */
export function demoLink(n8nUrl: string, workflowId: string): string {
	return `${n8nUrl}/workflow/${workflowId}`;
}

/** A copy of a stored workflow (credentials already set), for editor checks that change it: n8n saves as you edit. */
export async function copyWorkflow(n8n: N8nServer, id: string): Promise<string> {
	const stored = await n8n.rest.get<WorkflowInput>(`/rest/workflows/${id}`);
	return await n8n.createWorkflow({ name: `${stored.name} (editor check)`, nodes: stored.nodes, connections: stored.connections, settings: stored.settings });
}

/** The workflow with every credential reference of a type in `refs` pointing at the created one. */
function withCredentials(wf: WorkflowInput, refs: Record<string, { id: string; name: string }>): WorkflowInput {
	return {
		...wf,
		nodes: wf.nodes.map((node: any) => {
			if (!node.credentials) return node;
			const credentials = { ...node.credentials };
			for (const type of Object.keys(credentials)) if (refs[type]) credentials[type] = refs[type];
			return { ...node, credentials };
		}),
	};
}

function portFree(port: number): Promise<boolean> {
	return new Promise((res) => {
		const srv = createServer();
		srv.once('error', () => res(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
	});
}

export async function startDemo(opts: DemoOptions): Promise<Demo> {
	const log = opts.log ?? ((line: string) => process.stderr.write(`[demo] ${line}\n`));
	const timings: Record<string, number> = {};
	const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
		const t0 = Date.now();
		try {
			return await run();
		} finally {
			timings[name] = (Date.now() - t0) / 1000;
		}
	};
	const root = repoRoot();
	const outputDir = resolve(opts.outputDir);
	mkdirSync(outputDir, { recursive: true });
	placeSampleInput(outputDir);

	// n8n first when it is missing (the long step), so its progress shows before anything else.
	if (!existsSync(join(cacheDir(), `.installed-n8n-${N8N_VERSION}`))) log(`n8n is not installed yet: installing it once into ${cacheDir()} (about 4-5 minutes, 2.9 GB) ...`);
	await timed('ensure n8n', () => ensureN8n());

	log(opts.build === false ? 'packing the package ...' : 'building and packing the package (npm run build, npm pack) ...');
	const tarball = await timed('build + pack', () => packProject({ build: opts.build !== false, root }));

	let simulator: Simulator | undefined;
	let credential: Demo['credential'];
	if (opts.realApiKey) {
		credential = { id: DEMO_CREDENTIAL.id, name: 'CometAPI', baseUrl: opts.realApiUrl ?? REAL_API_URL };
	} else {
		const wanted = opts.simulatorPorts;
		const ports = wanted
			? {
					api: (await portFree(wanted.api)) ? wanted.api : 0,
					polling: (await portFree(wanted.polling)) ? wanted.polling : 0,
					images: (await portFree(wanted.images)) ? wanted.images : 0,
					replicateUrls: (await portFree(wanted.replicateUrls)) ? wanted.replicateUrls : 0,
				}
			: {};
		simulator = await startSimulator({ generationMs: opts.generationMs ?? 300, ports });
		credential = { id: DEMO_CREDENTIAL.id, name: DEMO_CREDENTIAL.name, baseUrl: simulator.url };
		log(`CometAPI simulator on ${simulator.url} (generation ${simulator.options.generationMs} ms)`);
	}

	let n8n: N8nServer | undefined;
	try {
		n8n = await timed('start n8n', () =>
			startN8n({
				userFolder: opts.userFolder,
				port: opts.port,
				packageTarball: tarball,
				verbose: opts.verbose,
				env: {
					// n8n 2.x lets file nodes touch only these folders.
					N8N_RESTRICT_FILE_ACCESS_TO: outputDir,
				},
			}),
		);
		const server = n8n;
		const workflows = loadDemoWorkflows(outputDir);
		const credentialId = await timed('create credential + workflows', async () => {
			const id = await upsertCredential(server, {
				name: credential.name,
				type: DEMO_CREDENTIAL.type,
				data: { apiKey: opts.realApiKey ?? simulator!.apiKey, baseUrl: credential.baseUrl },
			});
			const llmId = await upsertCredential(server, {
				name: DEMO_LLM_CREDENTIAL.name,
				type: DEMO_LLM_CREDENTIAL.type,
				data: { apiKey: opts.realApiKey ?? simulator!.apiKey, url: `${credential.baseUrl.replace(/\/+$/, '')}/v1` },
			}, DEMO_LLM_CREDENTIAL.id);
			const refs = { cometApi: { id, name: credential.name }, openAiApi: { id: llmId, name: DEMO_LLM_CREDENTIAL.name } };
			const existing = new Set((await server.rest.get<any[]>('/rest/workflows')).map((w) => String(w.id)));
			for (const w of Object.values(workflows)) await upsertWorkflow(server, withCredentials(w.workflow, refs), existing.has(w.id));
			return id;
		});
		credential.id = credentialId;
		const stop = async (): Promise<void> => {
			await server.stop();
			await simulator?.close();
		};
		return { n8n: server, simulator, credential, workflows, outputDir, tarball, timings, stop };
	} catch (e) {
		await n8n?.stop();
		await simulator?.close();
		throw e;
	}
}
