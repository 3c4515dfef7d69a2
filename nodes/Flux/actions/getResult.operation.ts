import type { INodeProperties } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import { requireText } from './prepareRequest';
import type { FluxOperation } from './operation';

const showForGetResult = { show: { operation: ['getResult'] } };

/** How Get Result names the operation that submitted a task (its Task Submitted By choices). */
export const submittedBy: Record<ApiFormatName, string> = { bfl: 'Generate', replicate: 'Replicate Predict' };

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
		displayName: 'Task Submitted By',
		name: 'resultFormat',
		type: 'options',
		default: 'bfl',
		description: 'The operation that submitted the task: CometAPI answers each from its own result route',
		hint: 'The operation whose output gave this Task ID: Generate or Replicate Predict',
		options: [
			{ name: submittedBy.bfl, value: 'bfl', description: 'A task of the Generate operation (BFL format): GET /flux/v1/get_result' },
			{ name: submittedBy.replicate, value: 'replicate', description: 'A prediction of the Replicate Predict operation: GET /replicate/v1/predictions/{ID}' },
		],
		displayOptions: showForGetResult,
	},
];

export const getResult: FluxOperation = {
	format: (context) => context.getNodeParameter('resultFormat', 'bfl') as ApiFormatName,
	taskId: (context) => requireText(context, context.getNodeParameter('taskId', ''), 'Task ID').trim(),
};
