import type { INodeProperties } from 'n8n-workflow';

import { preferWaitSpec, replicateRouteOption } from './replicatePredict.operation';

/**
 * The numeric options' ranges: the editor's bounds, and the check when the node runs (an expression
 * skips the editor's). Each keeps every wait a timer that fires: a day at most (a timer holds 24.8
 * days), a poll interval of 0.01 s at least, and at least one task in flight (0.5 would floor to a
 * bound of 0, and every item would wait forever).
 */
export const optionRanges = {
	maxImageSize: { min: 1, max: 1024 },
	maxTasksInFlight: { min: 1, max: 1000 },
	pollInterval: { min: 0.01, max: 3600 },
	queueTimeout: { min: 0.1, max: 86_400 },
	timeout: { min: 0.1, max: 86_400 },
} as const;

const bounds = (name: keyof typeof optionRanges) => ({ minValue: optionRanges[name].min, maxValue: optionRanges[name].max });

const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		replicateRouteOption,
		{
			displayName: 'Max Image Size (MB)',
			name: 'maxImageSize',
			type: 'number',
			default: 50,
			typeOptions: { ...bounds('maxImageSize'), numberPrecision: 0 },
			description: 'Largest result image the node downloads; a bigger one fails with its task ID and size (a FLUX.2 PNG at 4 MP weighs about 8 MB)',
			displayOptions: { show: { '/downloadImages': [true] } },
		},
		{
			displayName: 'Max Tasks in Flight',
			name: 'maxTasksInFlight',
			type: 'number',
			default: 24,
			typeOptions: { ...bounds('maxTasksInFlight'), numberPrecision: 0 },
			description: 'Most tasks this API key runs (or has collected by Get Result) at once; further items wait their turn (BFL allows 24, 6 for Kontext Max)',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			default: 1,
			typeOptions: { ...bounds('pollInterval'), numberPrecision: 2 },
			description: 'Time between status checks while waiting; checks come sooner when CometAPI reports progress',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: 'Name of the binary property that holds each downloaded image',
		},
		{
			displayName: 'Queue Timeout (Seconds)',
			name: 'queueTimeout',
			type: 'number',
			default: 3600,
			typeOptions: bounds('queueTimeout'),
			description:
				'Longest time an item may wait for a free task slot, or be refused as busy (429), before CometAPI accepts its task (Get Result: before its first lookup). Nothing is paid while it waits; Timeout counts from the accepted submit.',
		},
		{
			displayName: 'Submit Wait (Seconds)',
			name: 'preferWait',
			type: 'number',
			// CometAPI documents wait=10. A longer hold widens the window in which a proxy's idle cut
			// (often 60 s) loses a paid prediction's ID.
			default: 10,
			typeOptions: { minValue: preferWaitSpec.min, maxValue: preferWaitSpec.max, numberPrecision: 0 },
			description: `How long CometAPI may hold the submit open for the result (the Prefer: wait header, ${preferWaitSpec.min}-${preferWaitSpec.max}); polling takes over after it`,
			displayOptions: { show: { '/operation': ['replicatePredict'] } },
			routing: { request: { headers: { Prefer: '=wait={{ $value }}' } } },
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: 300,
			typeOptions: bounds('timeout'),
			description: 'Longest time to wait for a task, from the moment CometAPI accepted it (Get Result: from the first lookup); after it the node fails with the task ID so Get Result can collect it later',
		},
	],
};

/** Each option's default, as the editor shows it. */
export const optionDefaults = Object.fromEntries(
	(optionsCollection.options as INodeProperties[]).map((option) => [option.name, option.default]),
) as {
	timeout: number;
	queueTimeout: number;
	pollInterval: number;
	maxTasksInFlight: number;
	binaryPropertyName: string;
	preferWait: number;
	maxImageSize: number;
};

export const commonProperties: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description: 'Whether to wait until the image is ready; when off, the node returns the task ID at once',
	},
	{
		displayName: 'Download Images',
		name: 'downloadImages',
		type: 'boolean',
		default: true,
		description: 'Whether to save each finished image as a file (binary data) before its link expires',
	},
	optionsCollection,
];
