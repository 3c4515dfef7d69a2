import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { modelFieldsCollection, modelOptions } from '../catalogue/properties';
import { checkedModelFields, chosenModel, requireText } from './prepareRequest';
import { modelProperties } from './modelAndPrompt.properties';
import type { FluxOperation } from './operation';

export const generateModel: INodeProperties[] = modelProperties('generate', {
	model: {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: modelOptions('bfl'),
		default: 'flux-pro-1.1',
	},
	format: 'bfl',
	searchListMethod: 'searchBflModels',
	customModelExample: 'flux-2-klein',
});
export const generateFields = modelFieldsCollection('bfl', 'generate');

export const generate: FluxOperation = {
	format: () => 'bfl',
	async prepare(context, request) {
		const model = chosenModel(context, 'bfl');
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
