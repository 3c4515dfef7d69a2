import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Flux } from '../../nodes/Flux/Flux.node';
import { runNode, type RunNodeOptions, type RunNodeResult } from '../harness/index.ts';
import type { LoggedRequest, Simulator } from '../simulator/index.ts';
import { versionFor } from './helpers.ts';

export interface FluxRun extends RunNodeResult {
	/** Requests the simulator logged (any origin) during this run, in order. */
	requests: LoggedRequest[];
	/** Task submits (POST to the API origin). */
	submits: number;
	/** Status checks (get_result on any origin, or GET of a Replicate prediction). */
	polls: number;
	/** Image downloads. */
	downloads: number;
	/** Requests logged since this run started, read now (sees requests that arrive after the run returned). */
	requestsSinceStart(): LoggedRequest[];
	/** Polls logged since this run started, read now. */
	pollsSinceStart(): number;
}

export const isSubmit = (r: LoggedRequest) => r.origin === 'api' && r.method === 'POST';
export const isPoll = (r: LoggedRequest) =>
	r.method === 'GET' &&
	(r.path.endsWith('/get_result') || (r.origin === 'api' && r.path.startsWith('/replicate/v1/predictions/')));
export const isDownload = (r: LoggedRequest) => r.origin === 'images';

export interface FluxRunOptions extends Partial<Omit<RunNodeOptions, 'parameters' | 'nodeType'>> {
	/** Replaces the credential's API key (e.g. a wrong one). */
	apiKey?: string;
}

/**
 * Runs the Flux node against the simulator with the cometApi credential; `options.pollInterval`
 * defaults to 0.05 s (merged with any options given).
 */
export async function runFlux(sim: Simulator, parameters: INodeParameters, extra: FluxRunOptions = {}): Promise<FluxRun> {
	const { apiKey, ...runOptions } = extra;
	const start = sim.requests.length;
	const options = { pollInterval: 0.05, ...((parameters.options as IDataObject | undefined) ?? {}) };
	const result = await runNode({
		nodeType: new Flux(),
		credentials: { cometApi: { apiKey: apiKey ?? sim.apiKey, baseUrl: sim.url } },
		typeVersion: versionFor(parameters),
		...runOptions,
		parameters: { ...parameters, options },
	});
	const requests = sim.requests.slice(start);
	const requestsSinceStart = () => sim.requests.slice(start);
	return {
		...result,
		requests,
		submits: requests.filter(isSubmit).length,
		polls: requests.filter(isPoll).length,
		downloads: requests.filter(isDownload).length,
		requestsSinceStart,
		pollsSinceStart: () => requestsSinceStart().filter(isPoll).length,
	};
}

/** `count` input items `{ json: { n: i } }`, with the given extra json per item when given. */
export function items(count: number, json: (i: number) => IDataObject = () => ({})): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({ json: { n: i, ...json(i) } }));
}

export async function delay(ms: number) {
	await new Promise((resolve) => setTimeout(resolve, ms));
}
