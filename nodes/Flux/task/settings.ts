import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { optionDefaults, optionRanges } from '../actions/common.properties';
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
	/** Largest image a download may bring; more fails the item, naming the task and the size. */
	maxImageBytes: number;
}

export function readSettings(context: IExecuteSingleFunctions): RunSettings {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const binaryPropertyName = String(options.binaryPropertyName ?? optionDefaults.binaryPropertyName).trim();
	if (!binaryPropertyName) throw invalid(context, 'Put Output File in Field must not be empty');
	const option = (name: keyof typeof optionDefaults) => options[name] ?? optionDefaults[name];
	return {
		waitForCompletion: context.getNodeParameter('waitForCompletion', true) as boolean,
		downloadImages: context.getNodeParameter('downloadImages', true) as boolean,
		timeoutSeconds: numberIn(context, option('timeout'), 'Timeout (Seconds)', optionRanges.timeout),
		queueTimeoutSeconds: numberIn(context, option('queueTimeout'), 'Queue Timeout (Seconds)', optionRanges.queueTimeout),
		pollIntervalMs: numberIn(context, option('pollInterval'), 'Poll Interval (Seconds)', optionRanges.pollInterval) * 1000,
		maxTasksInFlight: Math.floor(numberIn(context, option('maxTasksInFlight'), 'Max Tasks in Flight', optionRanges.maxTasksInFlight)),
		binaryPropertyName,
		maxImageBytes: numberIn(context, option('maxImageSize'), 'Max Image Size (MB)', optionRanges.maxImageSize) * 2 ** 20,
	};
}

function numberIn(
	context: IExecuteSingleFunctions,
	value: unknown,
	displayName: string,
	{ min, max }: { min: number; max: number },
) {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number < min || number > max) {
		throw invalid(context, `${displayName} must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
	}
	return number;
}
