import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { optionDefaults } from '../actions/common.properties';
import { invalid } from '../api/errors';

export interface RunSettings {
	waitForCompletion: boolean;
	downloadImages: boolean;
	timeoutSeconds: number;
	/** How long an item may wait for a task slot (and through 429 refusals) before its submit is accepted. */
	queueTimeoutSeconds: number;
	pollIntervalMs: number;
	maxTasksInFlight: number;
	binaryPropertyName: string;
}

/** A day: every wait stays a timer that fires (and far below the 24.8 days a timer can hold). */
const LONGEST_WAIT_SECONDS = 86_400;

export function readSettings(context: IExecuteSingleFunctions): RunSettings {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const binaryPropertyName = String(options.binaryPropertyName ?? optionDefaults.binaryPropertyName).trim();
	if (!binaryPropertyName) throw invalid(context, 'Put Output File in Field must not be empty');
	const option = (name: keyof typeof optionDefaults) => options[name] ?? optionDefaults[name];
	return {
		waitForCompletion: context.getNodeParameter('waitForCompletion', true) as boolean,
		downloadImages: context.getNodeParameter('downloadImages', true) as boolean,
		timeoutSeconds: numberIn(context, option('timeout'), 'Timeout (Seconds)', { above: 0, max: LONGEST_WAIT_SECONDS }),
		queueTimeoutSeconds: numberIn(context, option('queueTimeout'), 'Queue Timeout (Seconds)', { above: 0, max: LONGEST_WAIT_SECONDS }),
		// Below 0.01 s the poll loop would hammer CometAPI.
		pollIntervalMs: numberIn(context, option('pollInterval'), 'Poll Interval (Seconds)', { min: 0.01, max: 3600 }) * 1000,
		// Floored: 0.5 would be a bound of 0 tasks, and every item would wait forever.
		maxTasksInFlight: Math.floor(numberIn(context, option('maxTasksInFlight'), 'Max Tasks in Flight', { min: 1, max: 1000 })),
		binaryPropertyName,
	};
}

function numberIn(
	context: IExecuteSingleFunctions,
	value: unknown,
	displayName: string,
	{ above, min, max }: { above?: number; min?: number; max: number },
) {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	const fits =
		typeof number === 'number' &&
		Number.isFinite(number) &&
		(above === undefined || number > above) &&
		(min === undefined || number >= min) &&
		number <= max;
	if (!fits) {
		const from = above === undefined ? `from ${min}` : `above ${above}`;
		throw invalid(context, `${displayName} must be a number ${from} to ${max} (got ${JSON.stringify(value)})`);
	}
	return number;
}
