import type { INodeProperties } from 'n8n-workflow';

import { replicateRouteOption } from './replicatePredict.operation';

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
			typeOptions: { minValue: 1, maxValue: 1024, numberPrecision: 0 },
			description: 'Largest result image the node downloads; a bigger one fails with its task ID and size (a FLUX.2 PNG at 4 MP weighs about 8 MB)',
			displayOptions: { show: { '/downloadImages': [true] } },
		},
		{
			displayName: 'Max Tasks in Flight',
			name: 'maxTasksInFlight',
			type: 'number',
			default: 24,
			typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
			description: 'Most tasks this API key runs at once; further items wait their turn (BFL allows 24, 6 for Kontext Max)',
			displayOptions: { show: { '/operation': ['generate', 'replicatePredict'] } },
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 0.1, numberPrecision: 2 },
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
			displayName: 'Submit Wait (Seconds)',
			name: 'preferWait',
			type: 'number',
			// CometAPI documents wait=10. A longer hold widens the window in which a proxy's idle cut
			// (often 60 s) loses a paid prediction's ID.
			default: 10,
			typeOptions: { minValue: 1, maxValue: 60, numberPrecision: 0 },
			description: 'How long CometAPI may hold the submit open for the result (the Prefer: wait header, 1-60); polling takes over after it',
			displayOptions: { show: { '/operation': ['replicatePredict'] } },
			routing: { request: { headers: { Prefer: '=wait={{ $value }}' } } },
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: 300,
			typeOptions: { minValue: 1, numberPrecision: 0 },
			description: 'Longest time to wait for a task; after it the node fails with the task ID so Get Result can collect it later',
		},
	],
};

/** Each option's default, as the editor shows it. */
export const optionDefaults = Object.fromEntries(
	(optionsCollection.options as INodeProperties[]).map((option) => [option.name, option.default]),
) as { timeout: number; pollInterval: number; maxTasksInFlight: number; binaryPropertyName: string; preferWait: number; maxImageSize: number };

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
