import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { CUSTOM_MODEL, modelFieldsCollection, modelOptions } from '../catalogue/properties';
import { checkedModelFields, chosenModel, requireText } from '../shared/prepareRequest';
import type { FluxOperation } from './operation';

const showForGenerate = { show: { operation: ['generate'] } };

export const generateDescription: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: modelOptions('bfl'),
		default: 'flux-pro-1.1',
		description: 'Flux model; the fields below change with it',
		displayOptions: showForGenerate,
	},
	{
		displayName: 'Model ID',
		name: 'customModel',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'flux-2-klein',
		description: 'ID of a Flux model served at /flux/v1/{model}',
		displayOptions: { show: { operation: ['generate'], model: [CUSTOM_MODEL] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'A lighthouse at dawn, watercolor',
		description: 'What the image should show',
		typeOptions: { rows: 3 },
		displayOptions: showForGenerate,
		routing: { send: { type: 'body', property: 'prompt' } },
	},
	modelFieldsCollection('bfl', 'generate'),
];

export const generate: FluxOperation = {
	format: () => 'bfl',
	async prepare(context, request) {
		const model = chosenModel(context);
		const { prompt, ...fields } = (request.body ?? {}) as IDataObject;
		const checked = await checkedModelFields(context, 'bfl', model, fields);
		return {
			method: 'POST',
			url: `/flux/v1/${model}`,
			body: { prompt: requireText(context, prompt, 'Prompt'), ...checked },
			headers: request.headers,
			timeoutMs: 60_000,
			allowedDomains: request.allowedDomains,
		};
	},
};
