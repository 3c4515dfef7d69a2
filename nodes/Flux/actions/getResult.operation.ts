import type { INodeProperties } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import { requireText } from './prepareRequest';
import type { FluxOperation } from './operation';

const showForGetResult = { show: { operation: ['getResult'] } };

export const getResultDescription: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID returned when the task was submitted (an expression such as the submit output\'s ID field)',
		displayOptions: showForGetResult,
	},
	{
		displayName: 'Task Created With',
		name: 'resultFormat',
		type: 'options',
		default: 'bfl',
		description: 'Which operation submitted the task: each has its own result route',
		options: [
			{ name: 'Generate (BFL Format)', value: 'bfl', description: 'GET /flux/v1/get_result' },
			{ name: 'Replicate Predict', value: 'replicate', description: 'GET /replicate/v1/predictions/{ID}' },
		],
		displayOptions: showForGetResult,
	},
];

export const getResult: FluxOperation = {
	format: (context) => context.getNodeParameter('resultFormat', 'bfl') as ApiFormatName,
	taskId: (context) => requireText(context, context.getNodeParameter('taskId', ''), 'Task ID').trim(),
};
