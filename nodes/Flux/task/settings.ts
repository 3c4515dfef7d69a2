import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { optionDefaults } from '../actions/common.properties';
import { invalid } from '../api/errors';

export interface RunSettings {
	waitForCompletion: boolean;
	downloadImages: boolean;
	timeoutSeconds: number;
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
	return {
		waitForCompletion: context.getNodeParameter('waitForCompletion', true) as boolean,
		downloadImages: context.getNodeParameter('downloadImages', true) as boolean,
		timeoutSeconds: positiveNumber(context, options.timeout ?? optionDefaults.timeout, 'Timeout (Seconds)'),
		pollIntervalMs: positiveNumber(context, options.pollInterval ?? optionDefaults.pollInterval, 'Poll Interval (Seconds)', 3600) * 1000,
		maxTasksInFlight: Math.floor(
			positiveNumber(context, options.maxTasksInFlight ?? optionDefaults.maxTasksInFlight, 'Max Tasks in Flight', 1000),
		),
		binaryPropertyName,
		maxImageBytes: positiveNumber(context, options.maxImageSize ?? optionDefaults.maxImageSize, 'Max Image Size (MB)', 1024) * 2 ** 20,
	};
}

function positiveNumber(context: IExecuteSingleFunctions, value: unknown, displayName: string, max = Infinity) {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0 || number > max) {
		const range = max === Infinity ? 'a number above 0' : `a number above 0 and at most ${max}`;
		throw invalid(context, `${displayName} must be ${range} (got ${JSON.stringify(value)})`);
	}
	return number;
}
