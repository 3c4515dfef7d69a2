import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { optionDefaults } from '../actions/common.properties';
import { invalid } from './errors';
import { positiveNumber } from './prepareRequest';

export interface RunSettings {
	waitForCompletion: boolean;
	downloadImages: boolean;
	timeoutSeconds: number;
	pollIntervalMs: number;
	maxTasksInFlight: number;
	binaryPropertyName: string;
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
	};
}
