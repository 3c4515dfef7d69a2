import { dirname } from 'node:path';

import { Container } from './core-container.ts';

/** The part of a request the stand-in reads: where it goes. */
interface Addressed {
	baseURL?: string;
	url: string;
}
interface Client {
	request(options: Addressed): Promise<unknown>;
}
/** n8n-core's OutboundHttp, as far as the stand-in uses it. */
interface Outbound {
	requests(clientOptions?: unknown): Client;
}

/** n8n-core's own copy of the class it takes from its container (see core-container.ts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function coreOutboundHttp(): new (...args: any[]) => Outbound {
	const corePath = dirname(require.resolve('n8n-core'));
	const networkPath = require.resolve('@n8n/backend-network', { paths: [corePath] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require(networkPath) as { OutboundHttp: new (...args: any[]) => Outbound }).OutboundHttp;
}

/**
 * Runs `run` with a local server standing in for a public origin that cannot run here (CometAPI's
 * own https://api.cometapi.com): every request n8n sends to `origin` goes to `standIn` instead, with
 * its path, query, headers and body unchanged. What stands in is only the address; n8n builds and
 * authenticates the request as ever. Returns the URLs the node addressed, as it addressed them.
 */
export async function withStandIn<T>(origin: string, standIn: string, run: () => Promise<T>): Promise<{ result: T; addressed: string[] }> {
	const outbound = Container.get(coreOutboundHttp());
	const original = outbound.requests;
	const addressed: string[] = [];
	const redirect = (options: Addressed): Addressed => {
		const base = options.baseURL ?? '';
		const target = base ? `${base.replace(/\/+$/, '')}/${options.url.replace(/^\/+/, '')}` : options.url;
		if (!target.startsWith(`${origin}/`)) return options;
		addressed.push(target);
		return { ...options, baseURL: undefined, url: `${standIn}${target.slice(origin.length)}` };
	};
	outbound.requests = (clientOptions) => {
		const client = original.call(outbound, clientOptions);
		return { ...client, request: async (options: Addressed) => await client.request(redirect(options)) };
	};
	try {
		return { result: await run(), addressed };
	} finally {
		outbound.requests = original;
	}
}
