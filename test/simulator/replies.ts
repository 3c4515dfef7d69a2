import { randomInt } from 'node:crypto';

/** What a route handler answers; the server writes it (or drops it, for fault injection). */
export interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** Buffers are written one after the other (an image in pieces shares the ones it has in common with others). */
	body?: string | Buffer | Buffer[];
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
	return {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
		body: JSON.stringify(value),
	};
}

export function html(status: number, page: string): Reply {
	return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
}

export function xml(status: number, document: string): Reply {
	return { status, headers: { 'content-type': 'application/xml' }, body: document };
}

/** CometAPI request ids look like a timestamp followed by digits. */
export function requestId(): string {
	const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
	return `${stamp}${String(randomInt(1e8)).padStart(8, '0')}`;
}

/** CometAPI's own error envelope (new-api style). */
export function cometError(
	status: number,
	message: string,
	code = '',
	headers: Record<string, string> = {},
): Reply {
	return json(
		status,
		{
			error: {
				message: `${message} (request id: ${requestId()})`,
				type: 'comet_api_error',
				param: null,
				code,
			},
		},
		headers,
	);
}

export function notFoundPage(path: string): Reply {
	return html(
		404,
		`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>404 Not Found</title></head>` +
			`<body><h1>404 Not Found</h1><p>The page ${escapeHtml(path)} does not exist.</p></body></html>`,
	);
}

/** The page Cloudflare puts in front of CometAPI for 502/524. */
export function cloudflarePage(status: number): Reply {
	const title = status === 524 ? 'A timeout occurred' : 'Bad gateway';
	return html(
		status,
		`<!DOCTYPE html><html lang="en-US"><head><title>api.cometapi.com | ${status}: ${title}</title></head>` +
			`<body><div id="cf-wrapper"><h1>${title}</h1><span>Error code ${status}</span>` +
			`<p>Cloudflare Ray ID: ${randomInt(1e12).toString(16)}</p></div></body></html>`,
	);
}

/** A 200 HTML answer where JSON was expected, e.g. a console page served by a misrouted proxy. */
export function consolePage(): Reply {
	return html(
		200,
		`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CometAPI</title></head>` +
			`<body><div id="root">Loading…</div><script src="/assets/index.js"></script></body></html>`,
	);
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
