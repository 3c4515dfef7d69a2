import type { IDataObject, IExecuteSingleFunctions, IHttpRequestMethods } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import { isWebPage, readApiReply } from './reply';
import { apiError, collectLater, notSent, stopped } from './errors';
import type { Attempt, RetryLimits } from './retry';
import { backoffMs, retryIfLost, retryTransient } from './retry';
import type { Asked, TaskState } from './taskState';
import { readTaskAnswer } from './taskState';
import type { LostRequest, Reply, Sent } from './transport';
import { requestCometApi } from './transport';

const POLL_TIMEOUT_MS = 30_000;
/**
 * How long after its submit a task CometAPI does not know yet is asked for again: a poll right
 * after create may reach a replica that has not heard of it. Later, "not found" is final.
 */
const NOT_FOUND_GRACE_MS = 5000;
const NOT_FOUND = 'Task not found';
/** The pause after a 429 that names no Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/** CometAPI's own route for a task's state: polling_url and urls.get point at other hosts. */
export const resultRoute: Record<ApiFormatName, (id: string) => { url: string; qs?: IDataObject }> = {
	bfl: (id) => ({ url: '/flux/v1/get_result', qs: { id } }),
	replicate: (id) => ({ url: `/replicate/v1/predictions/${encodeURIComponent(id)}` }),
};

export interface Submission {
	method: IHttpRequestMethods;
	url: string;
	body: IDataObject;
	headers?: IDataObject;
	timeoutMs: number;
	allowedDomains?: string;
	/** Another route that creates the same task, tried once when this one answers 404 (no task made). */
	otherRoute?: { url: string; body: IDataObject };
}

const submitGaveUp = (context: IExecuteSingleFunctions) => (lastFault: string) =>
	apiError(
		context,
		undefined,
		`The task could not be submitted: CometAPI kept refusing until the timeout (${lastFault})`,
		undefined,
		'Every attempt was refused in a way that proves no task was created (busy, rate-limited, or no connection). Try again later or raise Options > Timeout (Queue Timeout for refusals with 429).',
	);

/**
 * Sends a task, retrying only what proves nothing was created: 429, 503, or a connection
 * that never opened. A submit whose answer was lost is not re-sent: it may have been charged.
 */
export async function submitTask(
	context: IExecuteSingleFunctions,
	baseUrl: string,
	submission: Submission,
	limits: SubmitLimits,
	/** Sends the request as it goes out (images read): made for each send and dropped once answered. */
	sending: (target: Submission, send: (ready: Submission) => Promise<Sent>) => Promise<Sent> = async (target, send) => await send(target),
): Promise<IDataObject> {
	let target = submission;
	let refusals = 0;
	const attempt = async (): Promise<Attempt<IDataObject>> => {
		for (;;) {
			const sent = await sending(target, async (ready) => await requestCometApi(context, baseUrl, ready));
			if (!('reply' in sent)) return notAnswered(context, sent);
			if (sent.reply.statusCode === 404 && target.otherRoute) {
				// A 404 proves no task was made, so the other create route is safe to try.
				target = { ...target, ...target.otherRoute, otherRoute: undefined };
				continue;
			}
			if (isWebPage(sent.reply)) throw webPage(context, `POST ${target.url}`);
			const read = readApiReply(context, sent.reply, 'submit');
			const rateLimited = 'retry' in read && sent.reply.statusCode === 429;
			if (!rateLimited || !limits.onRateLimited) return read;
			// A 429 waits in the slot queue, then goes again at once. Retry-After is the floor; refusal
			// after refusal backs off further, so a "Retry-After: 0" is never a tight loop.
			const pauseMs = Math.max(read.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, backoffMs(refusals++, 250));
			if (Date.now() + pauseMs > limits.deadline) return { retry: read.retry, retryAfterMs: pauseMs };
			await limits.onRateLimited(pauseMs);
		}
	};
	return await retryTransient(attempt, limits, submitGaveUp(context));
}

function webPage(context: IExecuteSingleFunctions, request: string) {
	const instead = / \/flux\//.test(request) ? ', or use the Replicate Predict operation, which works for such keys' : '';
	return apiError(
		context,
		200,
		`CometAPI answered a web page (HTML) instead of the API (${request})`,
		undefined,
		`Keys without access to this route get CometAPI's web page. Check the key's access in your CometAPI console${instead}. It was not retried: it would get the same page.`,
	);
}

export interface SubmitLimits extends RetryLimits {
	/** Called on a 429 before the submit is sent again: gives up the task slot until a new turn. */
	onRateLimited?: (pauseMs: number) => Promise<void>;
}

/** A submit without an answer: sent again only if it surely never arrived. */
function notAnswered(context: IExecuteSingleFunctions, sent: Exclude<Sent, { reply: unknown }>): Attempt<IDataObject> {
	if ('refused' in sent) throw notSent(context, sent.refused);
	if (sent.lost.code === 'ERR_CANCELED') throw stopped(context);
	if (!sent.lost.mayHaveArrived) return { retry: sent.lost.message };
	throw lostSubmit(context, sent.lost);
}

function lostSubmit(context: IExecuteSingleFunctions, lost: LostRequest) {
	return apiError(
		context,
		undefined,
		`The submit to CometAPI got no answer (${lost.message}): the task may exist`,
		undefined,
		`The task may have been created (and charged), so it was not sent again. Its ID never arrived: check your CometAPI task log before running this item again. (Network error: ${lost.code})`,
	);
}

/** Reads a task's state from CometAPI, retrying faults that asking again cannot make worse. */
export async function fetchTask(
	context: IExecuteSingleFunctions,
	baseUrl: string,
	format: ApiFormatName,
	id: string,
	limits: RetryLimits & { taskCreatedAt?: number },
	{ firstLookup = false } = {},
): Promise<TaskState> {
	const route = resultRoute[format](id);
	const justCreated = () => limits.taskCreatedAt !== undefined && Date.now() - limits.taskCreatedAt < NOT_FOUND_GRACE_MS;
	const attempt = async (): Promise<Attempt<TaskState>> => {
		// A poll that hangs must not hold the item past the overall timeout.
		const timeoutMs = Math.max(1000, Math.min(POLL_TIMEOUT_MS, limits.deadline - Date.now()));
		const sent = await requestCometApi(context, baseUrl, { method: 'GET', ...route, timeoutMs });
		if (!('reply' in sent)) return retryIfLost(context, sent, id);
		// Before CometAPI has answered for this task a page means the key cannot use the route;
		// once it has, a page is a passing fault of the way there.
		if (firstLookup && isWebPage(sent.reply)) throw webPage(context, `GET ${route.url}`);
		const state = readState(sent.reply);
		if ('done' in state && state.done.status === NOT_FOUND && justCreated()) {
			return { retry: `CometAPI does not know task ${id} yet` };
		}
		return state;
	};
	const readState = (reply: Reply): Attempt<TaskState> => {
		if (reply.statusCode === 404 && format === 'replicate') return { done: notFound(id) };
		const read = readApiReply(context, reply, 'poll', id);
		return 'done' in read ? { done: readTaskOrFail(context, format, read.done, { taskId: id }) } : read;
	};
	const giveUp = (fault: string) =>
		apiError(
			context,
			undefined,
			`Task ${id}: CometAPI kept failing while the node waited (${fault})`,
			undefined,
			`The task may still finish: ${collectLater(id)}.`,
		);
	return await retryTransient(attempt, limits, giveUp);
}

export function readTaskOrFail(
	context: IExecuteSingleFunctions,
	format: ApiFormatName,
	body: IDataObject,
	asked: Asked,
): TaskState {
	const read = readTaskAnswer(format, body, asked);
	const task = 'taskId' in asked ? `Task ${asked.taskId}: ` : '';
	if ('refused' in read) throw apiError(context, 200, `${task}CometAPI: ${read.refused}`, body);
	if ('unusable' in read) throw apiError(context, 200, `${task}CometAPI's answer cannot be used: ${read.unusable}`, body);
	return read;
}

const notFound = (id: string): TaskState => ({ id, status: NOT_FOUND, imageUrls: [], raw: { id } });
