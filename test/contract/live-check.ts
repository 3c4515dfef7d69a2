// `npm run live-check`: runs the built node through the engine harness against the real CometAPI,
// one cheap task per route (costs two images), and records the shape of every answer it got.
// Needs COMETAPI_API_KEY (COMETAPI_BASE_URL optional). Tests never call it; CI does not run it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeAnswer, redactor, type AnswerShape } from './shape.ts';

const key = process.env.COMETAPI_API_KEY ?? '';
const base = (process.env.COMETAPI_BASE_URL ?? 'https://api.cometapi.com').replace(/\/+$/, '');
const hidden = redactor(key);
if (!key) {
	console.log(`live-check: set COMETAPI_API_KEY to run one flux-schnell (Replicate route) and one flux-dev (BFL route) task against ${base} and record the answers' shapes in test/contract/observed.json (costs two images).`);
	process.exit(0);
}

const routes = [
	{ route: 'replicate', parameters: { operation: 'replicatePredict', model: 'black-forest-labs/flux-schnell', prompt: 'a small red cube on white', additionalFields: { num_outputs: 1 } } },
	{ route: 'bfl', parameters: { operation: 'generate', model: 'flux-dev', prompt: 'a small red cube on white', additionalFields: { width: 512, height: 512, steps: 4 } } },
];

/** A local pass-through to CometAPI that records each answer, so its shape can be described. */
async function recordingProxy(seen: Array<{ request: string; status: number; answer: AnswerShape }>) {
	const server = createServer(async (req: IncomingMessage, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
		const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
		const answer = await fetch(`${base}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' });
		const text = await answer.text();
		let body: unknown = text;
		try { body = JSON.parse(text); } catch { /* not JSON */ }
		hidden.saw(body);
		seen.push({ request: `${req.method} ${(req.url ?? '').split('?')[0].replace(/\/predictions\/[^/]+$/, '/predictions/<id>')}`, status: answer.status, answer: describeAnswer(body) });
		res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
		res.end(text);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function main() {
// npm runs scripts from the package root.
const here = join(process.cwd(), 'test/contract');
execSync('npm run build', { cwd: join(here, '../..'), stdio: 'inherit' });
const { runNode } = await import('../harness/index.ts');
const { Flux } = (await import(join(here, '../../dist/nodes/Flux/Flux.node.js'))) as { Flux: new () => never };
const report: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10), routes: {} };
let failed = false;
for (const { route, parameters } of routes) {
	const seen: Array<{ request: string; status: number; answer: AnswerShape }> = [];
	const proxy = await recordingProxy(seen);
	const result = await runNode({ nodeType: new Flux(), credentials: { cometApi: { apiKey: key, baseUrl: proxy.url } }, parameters: { ...parameters, options: { timeout: 240 } } });
	await proxy.close();
	const delivered = result.status === 'success' && result.items.some((item) => item.binary);
	failed ||= !delivered;
	(report.routes as Record<string, unknown>)[route] = { delivered, error: result.error?.message, answers: seen };
}
const text = hidden.redact(JSON.stringify(report, null, 2));
console.log(text);
writeFileSync(join(here, 'observed.json'), `${text}\n`);
process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
	console.error(hidden.redact(String(error)));
	process.exit(1);
});
