// End-to-end check of the real-n8n machinery, with no dependency on this repo's own node:
//   node test/n8n/check-install.ts
// installs n8n (cached), builds a throwaway community package `n8n-nodes-dummy-check` (a
// declarative node `dummy`), starts n8n with it, sets up the owner, checks the node type and its
// icon are served, imports/creates workflows (REST and CLI) and credentials, runs them and reads
// the executions back, then stops. Prints timings. Exit code 0 on success.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n } from './install.ts';
import { genId, n8nImport, packProject, startN8n, type N8nServer } from './server.ts';

// `--with-project`: also `npm run build` + `npm pack` this repo and check that its package loads.
const withProject = process.argv.includes('--with-project');

const timings: Record<string, string> = {};
const secs = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
let failures = 0;
let passes = 0;

function check(name: string, ok: boolean, detail?: unknown): void {
	if (ok) passes++;
	else failures++;
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail !== undefined ? `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`);
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60" viewBox="0 0 60 60"><rect width="60" height="60" rx="8" fill="#7c3aed"/></svg>\n`;

/** A minimal declarative community package (no build step: plain CommonJS in dist/). */
function makeDummyPackage(root: string): string {
	const dir = join(root, 'n8n-nodes-dummy-check');
	mkdirSync(join(dir, 'dist', 'nodes', 'Dummy'), { recursive: true });
	mkdirSync(join(dir, 'dist', 'credentials'), { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-nodes-dummy-check',
				version: '0.0.1',
				keywords: ['n8n-community-node-package'],
				main: 'index.js',
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: ['dist/credentials/DummyApi.credentials.js'],
					nodes: ['dist/nodes/Dummy/Dummy.node.js'],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	writeFileSync(join(dir, 'index.js'), '');
	writeFileSync(join(dir, 'dist', 'nodes', 'Dummy', 'dummy.svg'), ICON);
	writeFileSync(
		join(dir, 'dist', 'credentials', 'DummyApi.credentials.js'),
		`"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DummyApi = void 0;
class DummyApi {
	constructor() {
		this.name = 'dummyApi';
		this.displayName = 'Dummy API';
		this.properties = [
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' },
		];
		this.authenticate = { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } } };
		this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/' } };
	}
}
exports.DummyApi = DummyApi;
`,
	);
	// A declarative node whose one operation calls GET <baseUrl>/echo on a local HTTP server.
	writeFileSync(
		join(dir, 'dist', 'nodes', 'Dummy', 'Dummy.node.js'),
		`"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Dummy = void 0;
class Dummy {
	constructor() {
		this.description = {
			displayName: 'Dummy',
			name: 'dummy',
			icon: 'file:dummy.svg',
			group: ['transform'],
			version: 1,
			subtitle: 'echo',
			description: 'Throwaway node of the real-n8n install check',
			defaults: { name: 'Dummy' },
			inputs: ['main'],
			outputs: ['main'],
			usableAsTool: true,
			credentials: [{ name: 'dummyApi', required: true }],
			requestDefaults: { baseURL: '={{$credentials.baseUrl}}', headers: { Accept: 'application/json' } },
			properties: [
				{
					displayName: 'Word',
					name: 'word',
					type: 'string',
					default: 'hello',
					routing: { request: { method: 'GET', url: '/echo', qs: { word: '={{$value}}' } } },
				},
			],
		};
	}
}
exports.Dummy = Dummy;
`,
	);
	return dir;
}

async function main(): Promise<void> {
	const work = mkdtempSync(join(tmpdir(), 'n8n-check-'));
	let n8n: N8nServer | undefined;
	// A local HTTP server for the dummy node to call.
	const http = await import('node:http');
	const seen: Array<{ url: string; auth: string | undefined }> = [];
	const echo = http.createServer((req, res) => {
		seen.push({ url: req.url ?? '', auth: req.headers.authorization });
		const u = new URL(req.url ?? '/', 'http://x');
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ echoed: u.searchParams.get('word'), path: u.pathname }));
	});
	await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
	const echoPort = (echo.address() as { port: number }).port;

	try {
		let t = Date.now();
		const install = await ensureN8n();
		timings['ensureN8n (this call)'] = secs(t);
		t = Date.now();
		await ensureN8n();
		timings['ensureN8n (warm, same process)'] = secs(t);

		const pkgDir = makeDummyPackage(work);
		const userFolder = join(work, 'user');
		// CLI import before the first start (fresh DB, no owner yet)
		const preWfId = genId();
		t = Date.now();
		await n8nImport(userFolder, 'workflow', [
			{
				id: preWfId,
				name: 'check pre-start import',
				active: false,
				settings: {},
				nodes: [
					{ id: genId(), name: 'Go', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: genId(),
						name: 'Set',
						type: 'n8n-nodes-base.set',
						typeVersion: 3.4,
						position: [200, 0],
						parameters: { assignments: { assignments: [{ id: genId(), name: 'pre', value: '={{ 40 + 2 }}', type: 'number' }] }, options: {} },
					},
				],
				connections: { Go: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
			},
		]);
		timings['CLI import:workflow before first start (creates + migrates the DB)'] = secs(t);

		t = Date.now();
		n8n = await startN8n({ userFolder, packageDir: pkgDir });
		timings['startN8n (start + owner setup + login)'] = secs(t);
		console.log(`n8n ${install.bin} on ${n8n.url} (broker ${n8n.brokerPort}), user folder ${userFolder}`);

		const exPre = await n8n.runWorkflow(preWfId);
		check('workflow imported before start runs for the owner', exPre.status === 'success' && n8n.nodeOutput(exPre, 'Set')[0]?.pre === 42, { status: exPre.status, out: exPre.status === 'success' ? n8n.nodeOutput(exPre, 'Set') : n8n.executionError(exPre) });

		// --- node types
		const nodesJson = await n8n.rest.get<any[]>('/types/nodes.json');
		const dummyType = nodesJson.find((n) => n.name === 'n8n-nodes-dummy-check.dummy');
		check('GET /types/nodes.json lists n8n-nodes-dummy-check.dummy', !!dummyType, nodesJson.length);
		check('  ...with the base nodes too', nodesJson.some((n) => n.name === 'n8n-nodes-base.manualTrigger'));
		const credsJson = await n8n.rest.get<any[]>('/types/credentials.json');
		check('GET /types/credentials.json lists dummyApi', credsJson.some((c) => c.name === 'dummyApi'));
		const described = await n8n.rest.post<any[]>('/rest/node-types', { nodeInfos: [{ name: 'n8n-nodes-dummy-check.dummy', version: 1 }] });
		// note: the description's `name` here is the bare node name (`dummy`), not the type
		check('POST /rest/node-types describes the dummy node', described?.[0]?.displayName === 'Dummy' && described?.[0]?.communityNodePackageVersion === '0.0.1', described?.[0]?.name);
		const iconUrl: string | undefined = dummyType?.iconUrl?.light ?? dummyType?.iconUrl;
		console.log(`     iconUrl: ${JSON.stringify(dummyType?.iconUrl)}`);
		if (typeof iconUrl === 'string') {
			const r = await fetch(`${n8n.url}/${iconUrl.replace(/^\//, '')}`);
			const body = await r.text();
			check(`GET /${iconUrl} serves the icon`, r.ok && body.includes('<svg') && (r.headers.get('content-type') ?? '').includes('svg'), `${r.status} ${r.headers.get('content-type')}`);
		} else {
			check('dummy node has an iconUrl', false, dummyType);
		}

		// --- credential via REST
		const credId = await n8n.createCredential({ name: 'Dummy REST', type: 'dummyApi', data: { apiKey: 'k-rest', baseUrl: `http://127.0.0.1:${echoPort}` } });
		check('POST /rest/credentials creates a credential', !!credId, credId);

		// --- a trivial workflow via REST: Manual Trigger -> Set -> Code
		const trivial = {
			name: 'check trivial',
			nodes: [
				{ id: genId(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: genId(),
					name: 'Set',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [200, 0],
					parameters: { assignments: { assignments: [{ id: genId(), name: 'greeting', value: 'hi', type: 'string' }] }, options: {} },
				},
				{
					id: genId(),
					name: 'Code',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [400, 0],
					parameters: { jsCode: "return $input.all().map(i => ({ json: { ...i.json, doubled: i.json.greeting + i.json.greeting } }));" },
				},
				{
					id: genId(),
					name: 'To File',
					type: 'n8n-nodes-base.convertToFile',
					typeVersion: 1.1,
					position: [600, 0],
					parameters: { operation: 'toJson', mode: 'once', options: { fileName: 'out.json' } },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
				Set: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
				Code: { main: [[{ node: 'To File', type: 'main', index: 0 }]] },
			},
		};
		const wfId = await n8n.createWorkflow(trivial);
		check('POST /rest/workflows creates a workflow', !!wfId, wfId);
		t = Date.now();
		const ex = await n8n.runWorkflow(wfId);
		timings['run trivial workflow (REST, first: starts the JS task runner)'] = secs(t);
		check('trivial execution status success', ex.status === 'success' && ex.finished === true, { status: ex.status, error: n8n.executionError(ex) });
		check('Set output', n8n.nodeOutput(ex, 'Set')[0]?.greeting === 'hi', n8n.nodeOutput(ex, 'Set'));
		check('Code output', n8n.nodeOutput(ex, 'Code')[0]?.doubled === 'hihi', n8n.nodeOutput(ex, 'Code'));
		const bin = n8n.nodeItems(ex, 'To File')[0]?.binary?.data;
		console.log(`     binary item: ${JSON.stringify(bin)}`);
		const content = bin ? (await n8n.getBinary(bin)).toString('utf8') : '';
		check('binary output readable via GET /rest/binary-data', content.includes('hihi'), content.slice(0, 200));
		t = Date.now();
		const ex2 = await n8n.runWorkflow(wfId);
		timings['run trivial workflow (again)'] = secs(t);
		check('second run success', ex2.status === 'success');

		// --- CLI import while the server runs (credentials + workflow using the community node)
		const cliCredId = genId();
		t = Date.now();
		await n8n.importCredentials([
			{ id: cliCredId, name: 'Dummy CLI', type: 'dummyApi', data: { apiKey: 'k-cli', baseUrl: `http://127.0.0.1:${echoPort}` } },
		]);
		timings['CLI import:credentials (server running)'] = secs(t);
		const creds = await n8n.rest.get<any[]>('/rest/credentials');
		check('CLI-imported credential is visible over REST', creds.some((c) => c.id === cliCredId), creds.map((c) => c.id));

		const dummyWfId = genId();
		const dummyWf = {
			id: dummyWfId,
			name: 'check dummy node',
			active: false,
			nodes: [
				{ id: genId(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: genId(),
					name: 'Dummy',
					type: 'n8n-nodes-dummy-check.dummy',
					typeVersion: 1,
					position: [200, 0],
					parameters: { word: 'comet' },
					credentials: { dummyApi: { id: cliCredId, name: 'Dummy CLI' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Dummy', type: 'main', index: 0 }]] } },
			settings: {},
		};
		t = Date.now();
		await n8n.importWorkflows([dummyWf]);
		timings['CLI import:workflow (server running)'] = secs(t);
		const wf = await n8n.rest.get<any>(`/rest/workflows/${dummyWfId}`);
		check('CLI-imported workflow is visible over REST', wf?.id === dummyWfId, wf);
		const exD = await n8n.runWorkflow(dummyWfId);
		const out = exD.status === 'success' ? n8n.nodeOutput(exD, 'Dummy') : [];
		check('community node ran through the real engine', exD.status === 'success' && out[0]?.echoed === 'comet', { status: exD.status, out, error: n8n.executionError(exD) });
		check('credential authenticate applied', seen.some((s) => s.auth === 'Bearer k-cli'), seen);

		// --- credential test via REST (uses the credential's `test` request)
		const testRes = await n8n.rest.request('POST', '/rest/credentials/test', {
			credentials: { id: credId, name: 'Dummy REST', type: 'dummyApi', data: { apiKey: 'k-rest', baseUrl: `http://127.0.0.1:${echoPort}` } },
		});
		console.log(`     POST /rest/credentials/test -> ${testRes.status} ${JSON.stringify(testRes.body)}`);

		// --- CLI execute while the server runs
		t = Date.now();
		const r = await n8n.cli(['execute', `--id=${wfId}`, '--rawOutput']);
		timings['CLI execute --id (server running)'] = secs(t);
		console.log(`     CLI execute stdout (tail): ${JSON.stringify(r.stdout.slice(-300))}`);
		check('CLI execute --rawOutput works beside the server', r.code === 0 && r.stdout.includes('hihi'), { code: r.code, stdout: r.stdout.slice(-1500), stderr: r.stderr.slice(-1500) });

		// --- stop
		t = Date.now();
		await n8n.stop();
		timings['stop'] = secs(t);
		n8n = undefined;

		// --- restart on the same user folder (owner exists -> login only), optionally adding this repo's package
		let tarball: string | undefined;
		if (withProject) {
			t = Date.now();
			tarball = await packProject({ outDir: join(work, 'pack') });
			timings['npm run build + npm pack'] = secs(t);
		}
		t = Date.now();
		n8n = await startN8n({ userFolder, packageTarball: tarball });
		timings['restart (existing user folder)'] = secs(t);
		const again = await n8n.rest.get<any[]>('/rest/workflows');
		check('restart keeps workflows', Array.isArray(again) && again.length >= 2, again?.length);
		if (withProject) {
			const types = await n8n.rest.get<any[]>('/types/nodes.json');
			const flux = types.find((n) => n.name === 'n8n-nodes-cometapi.flux');
			check('n8n-nodes-cometapi.flux is loaded', !!flux, types.filter((n) => n.name.startsWith('n8n-nodes-cometapi')).map((n) => n.name));
			check('  ...and n8n-nodes-dummy-check.dummy still is', types.some((n) => n.name === 'n8n-nodes-dummy-check.dummy'));
			for (const theme of ['light', 'dark']) {
				const u = flux?.iconUrl?.[theme] ?? (theme === 'light' ? flux?.iconUrl : undefined);
				if (typeof u !== 'string') continue;
				const r = await fetch(`${n8n.url}/${u.replace(/^\//, '')}`);
				check(`flux ${theme} icon served (${u})`, r.ok && (await r.text()).includes('<svg'), r.status);
			}
			const creds = await n8n.rest.get<any[]>('/types/credentials.json');
			check('cometApi credential type is loaded', creds.some((c) => c.name === 'cometApi'), creds.filter((c) => /comet/i.test(c.name)).map((c) => c.name));
		}
		await n8n.stop();
		n8n = undefined;
	} finally {
		if (n8n) {
			console.log('--- n8n log tail ---\n' + n8n.logs().slice(-4000));
			await n8n.stop();
		}
		echo.close();
		if (process.env.KEEP_N8N_CHECK !== '1') rmSync(work, { recursive: true, force: true });
		else console.log(`kept ${work}`);
	}
	console.log('timings:');
	for (const [k, v] of Object.entries(timings)) console.log(`  ${k}: ${v}`);
	console.log(`${passes} passed, ${failures} failed`);
	if (failures) process.exitCode = 1;
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
