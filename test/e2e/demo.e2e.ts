// The E2E tests: the demo workflows (the same files `npm start` imports) run in a real n8n 2.x
// with this repo's package installed from its tarball, against the CometAPI simulator.
// Run by test/e2e/run.ts, which starts and stops everything (`npm run test:e2e`).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEMO_INPUT_IMAGE, type Demo } from '../n8n/demo.ts';
import { genId, type Execution, type WorkflowInput } from '../n8n/server.ts';

export interface E2eContext {
	demo: Demo;
}

export interface E2eTest {
	name: string;
	timeoutMs?: number;
	run(ctx: E2eContext): Promise<void>;
}

class AssertionError extends Error {}

function assert(ok: unknown, message: string, detail?: unknown): asserts ok {
	if (!ok) {
		const more = detail === undefined ? '' : `\n    got: ${typeof detail === 'string' ? detail : JSON.stringify(detail)?.slice(0, 1500)}`;
		throw new AssertionError(`${message}${more}`);
	}
}

/** The image formats the simulator delivers, by their magic bytes. */
export function imageKind(bytes: Buffer): 'png' | 'jpeg' | 'webp' | undefined {
	if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
	if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
	if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
	return undefined;
}

function describe(demo: Demo, ex: Execution): string {
	const err = demo.n8n.executionError(ex);
	return JSON.stringify({ status: ex.status, error: err?.message, description: err?.description }).slice(0, 1500);
}

/** Runs a workflow to its end and asserts it succeeded. */
async function runOk(demo: Demo, workflowId: string, timeoutMs = 60_000): Promise<Execution> {
	const ex = await demo.n8n.runWorkflow(workflowId, { timeoutMs });
	assert(ex.status === 'success', `execution of ${workflowId} should succeed`, describe(demo, ex));
	return ex;
}

/** Checks an output item's binary `data`: fetched over REST, the bytes are an image of `kind`. */
async function checkImageItem(demo: Demo, item: any, kind: 'png' | 'jpeg' | 'webp'): Promise<Buffer> {
	const bin = item?.binary?.data;
	assert(bin, 'the item should carry binary data in "data"', item);
	assert(bin.mimeType === `image/${kind}`, `binary mimeType should be image/${kind}`, bin);
	const bytes = await demo.n8n.getBinary(bin);
	assert(imageKind(bytes) === kind, `the binary data fetched over REST should be a ${kind.toUpperCase()} (magic bytes)`, bytes.subarray(0, 12).toString('hex'));
	assert(bin.bytes === undefined || bin.bytes === bytes.length, 'binary size should match its metadata', { meta: bin.bytes, got: bytes.length });
	return bytes;
}

/** A copy of demo 1 under a new id and name, changed by `edit`. */
function variantOfDemo1(demo: Demo, name: string, edit: (wf: WorkflowInput) => void): WorkflowInput {
	const wf: WorkflowInput = structuredClone(demo.workflows.generate.workflow);
	delete wf.id;
	wf.name = name;
	edit(wf);
	return wf;
}

const fluxNode = (wf: WorkflowInput): any => wf.nodes.find((n) => n.type === 'n8n-nodes-cometapi.flux');

async function fetchSvg(url: string): Promise<{ status: number; type: string; body: string }> {
	const r = await fetch(url);
	return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}

export const tests: E2eTest[] = [
	{
		name: "n8n's loader: /types/nodes.json lists n8n-nodes-cometapi.flux with light and dark icons served as SVG",
		async run({ demo }) {
			const { n8n } = demo;
			const types = await n8n.rest.get<any[]>('/types/nodes.json');
			const flux = types.find((t) => t.name === 'n8n-nodes-cometapi.flux');
			assert(flux, 'nodes.json should list n8n-nodes-cometapi.flux', types.filter((t) => String(t.name).includes('comet')).map((t) => t.name));
			assert(flux.displayName === 'CometAPI Flux', 'displayName', flux.displayName);
			assert(flux.iconUrl?.light && flux.iconUrl?.dark, 'iconUrl should have light and dark', flux.iconUrl);
			const light = await fetchSvg(`${n8n.url}/${flux.iconUrl.light}`);
			const dark = await fetchSvg(`${n8n.url}/${flux.iconUrl.dark}`);
			for (const [theme, r] of [['light', light], ['dark', dark]] as const) {
				assert(r.status === 200, `${theme} icon should answer 200`, r.status);
				assert(r.type.includes('image/svg+xml') && r.body.includes('<svg'), `${theme} icon should be an SVG`, r.type);
			}
			assert(light.body !== dark.body, 'light and dark icons should differ');
		},
	},
	{
		name: "n8n's loader: /types/credentials.json lists cometApi with its icons; the credential test passes against the simulator",
		async run({ demo }) {
			const { n8n } = demo;
			const creds = await n8n.rest.get<any[]>('/types/credentials.json');
			const comet = creds.find((c) => c.name === 'cometApi');
			assert(comet, 'credentials.json should list cometApi', creds.filter((c) => /comet/i.test(c.name)).map((c) => c.name));
			assert(comet.displayName === 'CometAPI API', 'displayName', comet.displayName);
			for (const theme of ['light', 'dark'] as const) {
				const url = comet.iconUrl?.[theme];
				assert(url, `credential iconUrl.${theme}`, comet.iconUrl);
				const r = await fetchSvg(`${n8n.url}/${url}`);
				assert(r.status === 200 && r.body.includes('<svg'), `credential ${theme} icon served`, r.status);
			}
			// The saved credential (n8n decrypts it for the test, like the editor's "Retry" button).
			const saved = await n8n.rest.get<any>(`/rest/credentials/${demo.credential.id}?includeData=true`);
			const res = await n8n.rest.post<any>('/rest/credentials/test', { credentials: { id: demo.credential.id, name: saved.name, type: 'cometApi', data: saved.data } });
			assert(res?.status === 'OK', 'POST /rest/credentials/test should answer OK', res);
		},
	},
	{
		name: 'demo 1 "Generate an image and save it": a PNG arrives as binary data and is written to disk',
		async run({ demo }) {
			const { n8n } = demo;
			const before = new Set(readdirSync(demo.outputDir));
			const ex = await runOk(demo, demo.workflows.generate.id);
			const items = n8n.nodeItems(ex, 'CometAPI Flux');
			assert(items.length === 1, 'one image item', items.length);
			const json = items[0].json;
			assert(json.status === 'Ready' && json.taskId && json.imageCount === 1, 'item json: taskId, status Ready, imageCount 1', json);
			assert(json.prompt?.startsWith('A lighthouse'), 'item json carries the prompt', json.prompt);
			const bytes = await checkImageItem(demo, items[0], 'png');
			const task = demo.simulator!.task(json.taskId);
			assert(task?.model === 'flux-dev' && (task.body as any).width === 1024 && (task.body as any).output_format === 'png', 'the simulator got flux-dev with the demo fields', task);
			const written = readdirSync(demo.outputDir).filter((f) => !before.has(f));
			const file = `lighthouse-${json.taskId}.png`;
			assert(written.includes(file), `Save to Disk should write ${file} into ${demo.outputDir}`, written);
			assert(readFileSync(join(demo.outputDir, file)).equals(bytes), 'the file on disk should be the same bytes as the binary data');
		},
	},
	{
		name: 'demo 2 "Batch of prompts": 6 prompts give 6 JPEGs, each paired with its prompt, all written',
		async run({ demo }) {
			const { n8n } = demo;
			const ex = await runOk(demo, demo.workflows.batch.id);
			const prompts = n8n.nodeOutput(ex, 'Prompts');
			assert(prompts.length === 6, 'the Code node gives 6 prompts', prompts.length);
			const items = n8n.nodeItems(ex, 'CometAPI Flux');
			assert(items.length === 6, 'six image items', items.length);
			const taskIds = new Set<string>();
			for (const [i, item] of items.entries()) {
				assert(item.pairedItem?.item === i, `item ${i} should be paired with input ${i}`, item.pairedItem);
				assert(item.json.prompt === prompts[i].prompt, `item ${i} carries its own prompt`, { got: item.json.prompt, want: prompts[i].prompt });
				taskIds.add(item.json.taskId);
				await checkImageItem(demo, item, 'jpeg');
			}
			assert(taskIds.size === 6, 'six distinct tasks', [...taskIds]);
			const saved = n8n.nodeItems(ex, 'Save to Disk');
			for (const [i, item] of saved.entries()) {
				const file = join(demo.outputDir, `batch-${i + 1}-${item.json.taskId}.jpg`);
				assert(existsSync(file), `batch file ${file} written`);
			}
		},
	},
	{
		name: 'demo 3 "Submit now, collect later": Submit returns the task ID at once, Get Result collects a WebP',
		async run({ demo }) {
			const { n8n } = demo;
			const ex = await runOk(demo, demo.workflows.submitLater.id);
			const submitted = n8n.nodeItems(ex, 'Submit');
			assert(submitted.length === 1 && submitted[0].json.id && !submitted[0].binary, 'Submit outputs the task id, no image', submitted);
			assert(typeof submitted[0].json.polling_url === 'string', 'Submit passes the polling_url on', submitted[0].json);
			const items = n8n.nodeItems(ex, 'Get Result');
			assert(items.length === 1, 'Get Result gives one image item', items.length);
			assert(items[0].json.taskId === submitted[0].json.id, 'Get Result collected the submitted task', { submitted: submitted[0].json.id, got: items[0].json.taskId });
			await checkImageItem(demo, items[0], 'webp');
		},
	},
	{
		name: 'demo 4 "Webhook pattern": the execution waits (status waiting) until the simulator calls $execution.resumeUrl, then collects the image',
		timeoutMs: 90_000,
		async run({ demo }) {
			const { n8n } = demo;
			const sim = demo.simulator!;
			const generationMs = 5000;
			sim.configure({ generationMs });
			try {
				const t0 = Date.now();
				const id = await n8n.startWorkflow(demo.workflows.webhook.id);
				const parked = await n8n.waitForExecution(id, { allowWaiting: true, timeoutMs: 30_000 });
				const parkedAfter = Date.now() - t0;
				assert(parked.status === 'waiting', 'the execution should be parked (status waiting) while the task runs', describe(demo, parked));
				const submitted = n8n.nodeOutput(parked, 'Submit')[0];
				assert(submitted?.id && submitted.status === 'Pending', 'Submit gave a pending task', submitted);
				assert(!parked.data.resultData.runData['Get Result'], 'Get Result has not run yet');
				const task = sim.task(submitted.id);
				assert(task?.status === 'Pending', 'the simulator task is still pending while n8n waits', task?.status);
				const resumeUrl = String((task?.body as any)?.webhook_url ?? '');
				assert(resumeUrl.startsWith(`${n8n.url}/webhook-waiting/${id}`), 'webhook_url is this execution\'s loopback resume URL', resumeUrl);
				assert(parkedAfter < generationMs, `parked before the task finished (${parkedAfter} ms < ${generationMs} ms)`);

				const done = await n8n.waitForExecution(id, { timeoutMs: 60_000 });
				const elapsed = Date.now() - t0;
				assert(done.status === 'success', 'after the webhook the execution should finish with success', describe(demo, done));
				assert(elapsed >= generationMs - 200, `it finished only after the task did (${elapsed} ms)`);
				const delivered = sim.webhookDeliveries.filter((d) => d.taskId === submitted.id);
				assert(delivered.some((d) => d.status !== undefined && d.status >= 200 && d.status < 300), 'the simulator delivered the webhook to n8n (2xx)', delivered);
				const woke = n8n.nodeOutput(done, 'Wait for CometAPI')[0];
				assert(woke?.body?.id === submitted.id && woke.body.status === 'Ready', 'the Wait node resumed with the webhook payload', woke?.body);
				const items = n8n.nodeItems(done, 'Get Result');
				assert(items.length === 1 && items[0].json.taskId === submitted.id, 'Get Result collected the task', items.map((i: any) => i.json));
				await checkImageItem(demo, items[0], 'jpeg');
			} finally {
				sim.configure({ generationMs: 300 });
			}
		},
	},
	{
		name: 'demo 5 "Edit an image from disk": the photo read from disk reaches FLUX.2 [pro] as base64 input_image; the edited PNG is written',
		async run({ demo }) {
			const { n8n } = demo;
			const photo = readFileSync(join(demo.outputDir, DEMO_INPUT_IMAGE));
			const ex = await runOk(demo, demo.workflows.editFromDisk.id);
			const read = n8n.nodeItems(ex, 'Read Photo from Disk');
			assert(read.length === 1 && read[0].binary?.data?.mimeType === 'image/png', 'Read Photo from Disk gives the photo as binary "data"', read[0]?.binary);
			const items = n8n.nodeItems(ex, 'CometAPI Flux');
			assert(items.length === 1 && items[0].json.status === 'Ready', 'one edited image item', items.map((i: any) => i.json));
			const bytes = await checkImageItem(demo, items[0], 'png');
			const task = demo.simulator!.task(items[0].json.taskId);
			const body = (task?.body ?? {}) as Record<string, unknown>;
			assert(task?.model === 'flux-2-pro', 'the simulator got a FLUX.2 [pro] task', task?.model);
			assert(typeof body.input_image === 'string' && /^[A-Za-z0-9+/]+=*$/.test(body.input_image), 'input_image is raw base64 (BFL format), not a URL or data URI', String(body.input_image).slice(0, 80));
			assert(Buffer.from(body.input_image as string, 'base64').equals(photo), 'input_image decodes to the photo on disk, byte for byte');
			assert(body.input_image_2 === undefined && /watercolor/.test(String(body.prompt)), 'one reference and the demo prompt', Object.keys(body));
			const file = join(demo.outputDir, `edited-${items[0].json.taskId}.png`);
			assert(existsSync(file), `Save to Disk should write ${file}`, readdirSync(demo.outputDir));
			const saved = readFileSync(file);
			assert(imageKind(saved) === 'png' && saved.equals(bytes), 'the saved file is the edited PNG');
		},
	},
	{
		name: 'demo 6 "AI Agent makes an image": the agent calls CometAPI Flux as a tool once and answers with that task\'s image URL; the model gets a small JSON answer',
		timeoutMs: 90_000,
		async run({ demo }) {
			const { n8n } = demo;
			const sim = demo.simulator!;
			const from = sim.requests.length;
			const ex = await runOk(demo, demo.workflows.agent.id);
			const requests = sim.requests.slice(from);
			const chats = requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
			const submits = requests.filter((r) => r.method === 'POST' && r.path.startsWith('/flux/v1/'));
			assert(chats.length === 2, 'the agent asked the model twice (tool call, then the final answer)', chats.length);
			assert(submits.length === 1, 'the tool made exactly one task', submits.map((r) => r.path));
			const offered = ((chats[0].body as any).tools ?? []).map((t: any) => t.function);
			const fluxTool = offered.find((f: any) => /flux/i.test(f.name));
			assert(fluxTool?.parameters?.properties?.prompt?.description?.includes('subject'), 'the model is offered the Flux tool with the $fromAI prompt and its description', offered);
			assert(/imageUrl/.test(fluxTool?.description ?? '') && /seed/.test(fluxTool?.description ?? ''), "the model reads demo 6's tool description: what comes back and what each field takes", fluxTool?.description);
			const runs = ex.data.resultData.runData['CometAPI Flux'];
			assert(runs?.length === 1, 'the agent ran the CometAPI Flux tool once', runs?.length);
			const answer = runs[0].data?.ai_tool?.[0]?.[0]?.json;
			assert(answer?.taskId && answer.imageUrl, 'the tool answered with a task ID and an image URL', runs[0].data);
			const task = sim.task(answer.taskId);
			assert(task?.status === 'Ready', 'the answer names the task the simulator made', task?.status);
			assert((submits[0].body as any).prompt === answer.prompt && /fox/i.test(answer.prompt), 'the prompt the model wrote reached CometAPI', { sent: submits[0].body, answer });
			assert(answer.model === 'flux-dev' && typeof answer.linkValidFor === 'string' && answer.linkExpiresAt, 'the answer says the model and how long the link lasts', answer);
			const image = await fetch(answer.imageUrl);
			assert(image.ok && imageKind(Buffer.from(await image.arrayBuffer())), 'the image URL serves the image', image.status);
			const toolMessage = ((chats[1].body as any).messages as any[]).find((m) => m.role === 'tool');
			const handed = String(toolMessage?.content ?? '');
			assert(handed.includes(answer.imageUrl), 'the model got the tool answer with the image URL', handed.slice(0, 500));
			assert(Buffer.byteLength(handed) < 2048, `the text handed to the model is small (${Buffer.byteLength(handed)} bytes)`, handed);
			assert(!/base64|"response"|iVBORw0KGgo/.test(handed), 'no file and no raw CometAPI answer in it', handed);
			const output = String(n8n.nodeOutput(ex, 'AI Agent')[0]?.output ?? '');
			assert(output.includes(answer.imageUrl), "the agent's final answer contains the task's image URL", output);
		},
	},
	{
		name: 'error path: a [content-moderated] prompt fails the execution (status error) with the node\'s message',
		async run({ demo }) {
			const { n8n } = demo;
			const wf = variantOfDemo1(demo, `E2E moderated ${genId().slice(0, 6)}`, (w) => {
				fluxNode(w).parameters.prompt = 'A lighthouse at dawn [content-moderated]';
			});
			const id = await n8n.createWorkflow(wf);
			const ex = await n8n.runWorkflow(id);
			assert(ex.status === 'error', 'status should be error', ex.status);
			const err = n8n.executionError(ex);
			assert(/Content Moderated/.test(err?.message ?? ''), 'the execution error names the status "Content Moderated"', err?.message);
			assert(err?.node?.name === 'CometAPI Flux' || ex.data.resultData.lastNodeExecuted === 'CometAPI Flux', 'the error is the Flux node\'s', { node: err?.node?.name, last: ex.data.resultData.lastNodeExecuted });
			assert(!ex.data.resultData.runData['Save to Disk'], 'Save to Disk did not run');
		},
	},
	{
		name: 'error path with On Error "Continue": the workflow succeeds and the item carries the error',
		async run({ demo }) {
			const { n8n } = demo;
			const wf = variantOfDemo1(demo, `E2E moderated, continue ${genId().slice(0, 6)}`, (w) => {
				const flux = fluxNode(w);
				flux.parameters.prompt = 'A lighthouse at dawn [content-moderated]';
				flux.onError = 'continueRegularOutput';
				// Nothing to save: the error item goes on to a node that just passes it.
				const save = w.nodes.find((n) => n.name === 'Save to Disk');
				Object.assign(save, { type: 'n8n-nodes-base.noOp', typeVersion: 1, name: 'After Flux', parameters: {} });
				w.connections = {
					[w.nodes[0].name]: { main: [[{ node: 'CometAPI Flux', type: 'main', index: 0 }]] },
					'CometAPI Flux': { main: [[{ node: 'After Flux', type: 'main', index: 0 }]] },
				};
			});
			const id = await n8n.createWorkflow(wf);
			const ex = await runOk(demo, id);
			const items = n8n.nodeOutput(ex, 'After Flux');
			assert(items.length === 1, 'one item reaches the next node', items);
			assert(/Content Moderated/.test(String(items[0].error ?? '')), 'the item json carries the error message', items[0]);
		},
	},
];
