import { getResult, submitBfl } from './bfl.ts';
import { chatCompletion } from './chat.ts';
import { getPrediction, submitReplicate } from './replicate.ts';
import { cometError, json, notFoundPage, type Reply } from './replies.ts';
import type { Incoming, SimState } from './state.ts';
import type { FaultRoute } from './types.ts';

export interface Route {
	/** Which injected faults apply; undefined: only 'any' ones. */
	fault?: FaultRoute;
	handle: () => Reply | Promise<Reply>;
}

type Sleep = (ms: number) => Promise<void>;

/** The CometAPI origin: every JSON route needs the key. */
export function apiRoute(state: SimState, req: Incoming, sleep: Sleep): Route {
	const { method, path } = req;
	// CometAPI's proxy redirects a trailing slash instead of serving the route.
	if (path.length > 1 && path.endsWith('/') && /^\/(flux|replicate)\//.test(path)) {
		const search = new URLSearchParams(req.query).toString();
		const location = path.replace(/\/+$/, '') + (search ? `?${search}` : '');
		return { handle: () => ({ status: 301, headers: { location }, body: '' }) };
	}
	const authed = (handle: () => Reply | Promise<Reply>) => () =>
		req.token === state.options.apiKey ? handle() : cometError(401, 'Invalid token');

	if (method === 'GET' && path === '/v1/models') {
		return { fault: 'models', handle: authed(() => listModels(state.options.listedModels)) };
	}
	if (method === 'POST' && path === '/v1/chat/completions') {
		return { handle: authed(() => chatCompletion(req)) };
	}
	if (method === 'GET' && path === '/flux/v1/get_result') {
		return { fault: 'get_result', handle: authed(() => getResult(state, req)) };
	}
	const bfl = /^\/flux\/v1\/([^/]+)$/.exec(path);
	if (method === 'POST' && bfl) {
		return {
			fault: 'submit',
			handle: authed(() => submitBfl(state, req, decodeURIComponent(bfl[1]))),
		};
	}
	if (method === 'POST' && path === '/replicate/v1/predictions') {
		return {
			fault: 'replicate-submit',
			handle: authed(() => submitReplicate(state, req, undefined, sleep)),
		};
	}
	const byModel = /^\/replicate\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(path);
	if (method === 'POST' && byModel) {
		const model = `${decodeURIComponent(byModel[1])}/${decodeURIComponent(byModel[2])}`;
		return {
			fault: 'replicate-submit',
			handle: authed(() => submitReplicate(state, req, model, sleep)),
		};
	}
	const get = /^\/replicate\/v1\/predictions\/([^/]+)$/.exec(path);
	if (method === 'GET' && get) {
		return {
			fault: 'replicate-get',
			handle: authed(() => getPrediction(state, decodeURIComponent(get[1]))),
		};
	}
	return { handle: () => notFoundPage(path) };
}

/** Stands in for a BFL regional host (api.us1.bfl.ai) that polling_url points at; needs no key. */
export function pollingRoute(state: SimState, req: Incoming): Route {
	if (req.method === 'GET' && req.path === '/v1/get_result') {
		return { fault: 'get_result', handle: () => getResult(state, req) };
	}
	return { handle: () => json(404, { detail: 'Not Found' }) };
}

/** Stands in for the blob store serving result images; the signed query string is the only credential. */
export function imageRoute(state: SimState, req: Incoming): Route {
	return {
		fault: 'image',
		handle: () =>
			state.images.serve(
				req.path,
				req.query,
				(id) => state.tasks.get(id),
				state.options.imageTtlMs,
				state.options.imageWeight,
			),
	};
}

/** Stands in for api.replicate.com, which the prediction `urls` name: a CometAPI key is no good there. */
export function replicateUrlsRoute(): Route {
	return {
		handle: () =>
			json(
				401,
				{
					title: 'Unauthenticated',
					detail: 'You did not pass a valid authentication token',
					status: 401,
				},
				{ 'content-type': 'application/problem+json' },
			),
	};
}

function listModels(ids: readonly string[]): Reply {
	const ownedBy = (id: string) => (id.includes('/') ? 'replicate' : /^flux[-.]/.test(id) ? 'black-forest-labs' : 'custom');
	return json(200, {
		object: 'list',
		data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: ownedBy(id) })),
	});
}
