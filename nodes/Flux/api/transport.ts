import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, itemCredential, withoutApiKey } from './credential';
import { withoutEchoedInput } from './echoes';

export interface Reply {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/** A request that got no HTTP answer; `mayHaveArrived` is false only when no connection was made. */
export interface LostRequest {
	message: string;
	code: string;
	mayHaveArrived: boolean;
}

/** An HTTP answer, a request that got none, or a request n8n refused to send (its message). */
export type Sent = { reply: Reply } | { lost: LostRequest } | { refused: string };

// No error codes in these messages: n8n's NodeApiError replaces a message naming one with its own text.
const stopped = { message: 'the execution was stopped', mayHaveArrived: true };
const neverConnected = { message: 'could not connect', mayHaveArrived: false };
const timedOut = { message: 'the request timed out without an answer', mayHaveArrived: true };
const broke = { message: 'the connection broke before an answer arrived', mayHaveArrived: true };
/** Any other failure once the request left n8n: a broken answer (HTTP parse errors), a cut stream, ... */
const unreadable = { message: 'the answer broke off or could not be read', mayHaveArrived: true };
/** Only these prove that no connection was made, so nothing can have arrived. */
const lostBy: Record<string, Omit<LostRequest, 'code'>> = {
	ERR_CANCELED: stopped,
	ECONNREFUSED: neverConnected,
	ENOTFOUND: neverConnected,
	EAI_AGAIN: neverConnected,
	EHOSTUNREACH: neverConnected,
	ENETUNREACH: neverConnected,
	ENETDOWN: neverConnected,
	ECONNABORTED: timedOut,
	ETIMEDOUT: timedOut,
	ESOCKETTIMEDOUT: timedOut,
	ECONNRESET: broke,
	EPIPE: broke,
};

export interface ApiRequest {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
	headers?: IDataObject;
	timeoutMs: number;
	allowedDomains?: string;
}

export function assertHttpBaseUrl(context: IExecuteSingleFunctions, baseUrl: string | undefined): string {
	if (baseUrl === undefined) {
		throw new NodeOperationError(context.getNode(), 'The CometAPI credential\'s Base URL must start with http:// or https://', {
			itemIndex: context.getItemIndex(),
			description: 'Fix the Base URL in the credential, e.g. https://api.cometapi.com',
		});
	}
	return baseUrl;
}

/**
 * One request to CometAPI with the API key. The key goes only to the credential's base URL:
 * redirects are not followed, since n8n would carry the key along to another host.
 */
export async function requestCometApi(
	context: IExecuteSingleFunctions,
	baseUrl: string,
	request: ApiRequest,
): Promise<Sent> {
	const options: IHttpRequestOptions = {
		baseURL: baseUrl,
		url: request.url,
		method: request.method,
		qs: request.qs,
		body: request.body,
		headers: request.headers,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: request.timeoutMs,
		allowedDomains: request.allowedDomains,
		abortSignal: context.getExecutionCancelSignal(),
	};
	const credentialsDecrypted = await itemCredential(context);
	const sent = await send(() =>
		context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, options, { credentialsDecrypted }),
	);
	if ('reply' in sent) sent.reply.body = withoutEchoedInput(await withoutApiKey(context, sent.reply.body));
	if ('refused' in sent) sent.refused = await withoutApiKey(context, sent.refused);
	return sent;
}

/** Fetches an image without any credential (links are pre-signed and may live on any host); its body is a stream, not yet read. */
export async function requestImage(context: IExecuteSingleFunctions, url: string, timeoutMs: number): Promise<Sent> {
	return await send(() =>
		context.helpers.httpRequest({
			url,
			method: 'GET',
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
			abortSignal: context.getExecutionCancelSignal(),
		}),
	);
}

async function send(request: () => Promise<unknown>): Promise<Sent> {
	try {
		const { statusCode, headers, body } = (await request()) as IN8nHttpFullResponse;
		return { reply: { statusCode, headers: headers ?? {}, body } };
	} catch (error) {
		return describeFailure(error);
	}
}

interface FailureLike {
	code?: unknown;
	message?: unknown;
	cause?: unknown;
	isAxiosError?: boolean;
	request?: unknown;
}

/**
 * Why a request got no answer. n8n wraps the HTTP client's error (NodeApiError, when it added the
 * key): the client's own error is in the chain. The client attaches the request to every error
 * raised once the request was handed to the network; an error without one is n8n refusing to send
 * it (the credential's allowed domains, its SSRF check of the URL, an invalid URL). An SSRF block
 * at connect time comes with the request and no known code, so it counts as "may have arrived".
 */
function describeFailure(error: unknown): Sent {
	const chain = causes(error);
	const client = chain.find((link) => link.isAxiosError === true);
	const code = String(client?.code ?? chain.find((link) => typeof link.code === 'string')?.code ?? '');
	if (code === 'ERR_CANCELED') return { lost: { ...stopped, code } };
	if (client?.request === undefined) return { refused: String(chain[chain.length - 1]?.message ?? error) };
	const lost = Object.hasOwn(lostBy, code) ? lostBy[code] : unreadable;
	return { lost: { ...lost, code: code || 'unknown' } };
}

function causes(error: unknown): FailureLike[] {
	const chain: FailureLike[] = [];
	for (let link = error; typeof link === 'object' && link !== null && !chain.includes(link); link = (link as FailureLike).cause) {
		chain.push(link as FailureLike);
	}
	return chain;
}
