import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { faultReply, slowDelay, type FaultPlan } from './faults.ts';
import type { Reply } from './replies.ts';
import type { Route } from './routes.ts';
import type { Sleeper } from './sleeper.ts';
import type { Incoming } from './state.ts';
import type { LoggedRequest, Origin } from './types.ts';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface OriginDeps {
	origin: Origin;
	route: (req: Incoming) => Route;
	log: (entry: LoggedRequest) => void;
	faults: FaultPlan;
	sleeper: Sleeper;
	retryAfterSeconds: () => number;
	/** The one copy of a long string kept for all requests that send it (shareLongStrings). */
	shared?: (text: string) => string;
}

/** One origin: reads and logs the request, applies a queued fault if any, then answers via its route. */
export function createOriginServer(deps: OriginDeps): Server {
	return createServer((req, res) => {
		handle(deps, req, res).catch((error: unknown) => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(`simulator error: ${String(error)}`);
			}
		});
	});
}

async function handle(deps: OriginDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const at = Date.now();
	const incoming = await readIncoming(req, deps.shared);
	deps.log({
		origin: deps.origin,
		method: incoming.method,
		path: incoming.path,
		query: incoming.query,
		authorization: req.headers.authorization,
		headers: { ...req.headers },
		body: incoming.body,
		at,
	});
	const route = deps.route(incoming);
	const fault = deps.faults.take(route.fault);
	if (fault?.kind === 'reset') {
		resetSocket(res);
		return;
	}
	if (fault?.kind === 'status' || fault?.kind === 'html' || fault?.kind === 'redirect') {
		send(res, faultReply(fault, deps.retryAfterSeconds()));
		return;
	}
	const reply = await route.handle();
	if (fault?.kind === 'reset-after-send') {
		resetSocket(res);
		return;
	}
	if (fault?.kind === 'mangled-after-send') {
		sendMangled(res, fault.mangle ?? 'status-line');
		return;
	}
	if (fault?.kind === 'slow') await deps.sleeper.sleep(slowDelay(fault));
	send(res, reply);
}

async function readIncoming(req: IncomingMessage, shared?: (text: string) => string): Promise<Incoming> {
	const url = new URL(req.url ?? '/', 'http://simulator.invalid');
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) throw new Error('request body too large');
		chunks.push(chunk);
	}
	const text = Buffer.concat(chunks).toString('utf8');
	let body: unknown;
	let badJson = false;
	if (text.length > 0) {
		try {
			body = shared ? JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' && value.length > 65_536 ? shared(value) : value)) : JSON.parse(text);
		} catch {
			body = text;
			badJson = true;
		}
	}
	const authorization = req.headers.authorization;
	const bearer = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
	return {
		method: req.method ?? 'GET',
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers: { ...req.headers },
		body,
		badJson,
		token: bearer ? bearer[1] : undefined,
	};
}

function send(res: ServerResponse, reply: Reply): void {
	if (res.destroyed) return;
	res.writeHead(reply.status, reply.headers);
	if (!Array.isArray(reply.body)) {
		res.end(reply.body);
		return;
	}
	for (const piece of reply.body) res.write(piece);
	res.end();
}

/**
 * Bytes no HTTP client can parse, written on the raw socket: a broken status line (Node's
 * HPE_INVALID_CONSTANT), or a valid head whose chunked body has a bad chunk size (HPE_INVALID_CHUNK_SIZE).
 */
function sendMangled(res: ServerResponse, mangle: 'status-line' | 'chunked'): void {
	const socket = res.socket;
	if (!socket || socket.destroyed) return;
	const raw =
		mangle === 'chunked'
			? 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"id"\r\nzz\r\n'
			: 'HTTX/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{}';
	socket.end(raw);
}

/** A TCP reset (RST), what a crashed proxy or a dropped connection looks like to the client. */
function resetSocket(res: ServerResponse): void {
	const socket = res.socket;
	if (socket && !socket.destroyed) socket.resetAndDestroy();
	else res.destroy();
}

export function listen(server: Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

export function closeServer(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}
