import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { modelFieldsCollection, modelOptions } from '../catalogue/properties';
import { checkedModelFields, chosenModel, requireText } from './prepareRequest';
import { modelProperties } from './modelAndPrompt.properties';
import type { FluxOperation } from './operation';

export const replicatePredictModel: INodeProperties[] = modelProperties('replicatePredict', {
	model: {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: modelOptions('replicate'),
		default: 'black-forest-labs/flux-schnell',
	},
	format: 'replicate',
	searchListMethod: 'searchReplicateModels',
	customModelExample: 'black-forest-labs/flux-krea-dev',
});
export const replicatePredictFields = modelFieldsCollection('replicate', 'replicatePredict');
export const replicatePredict: FluxOperation = {
	format: () => 'replicate',
	async prepare(context, request) {
		const body = (request.body ?? {}) as IDataObject;
		const model = chosenModel(context, 'replicate');
		const fields = (body.input ?? {}) as IDataObject;
		const checked = await checkedModelFields(context, 'replicate', model, fields);
		// Prefer: wait holds the submit open for the result: only wanted when waiting for it.
		const { Prefer, ...headers } = (request.headers ?? {}) as IDataObject;
		const waiting = context.getNodeParameter('waitForCompletion', true) as boolean;
		const waitSeconds = waiting ? Number(/wait=(\d+)/.exec(String(Prefer ?? ''))?.[1] ?? 0) : 0;
		if (waitSeconds) headers.Prefer = Prefer;
		return {
			method: 'POST',
			url: '/replicate/v1/predictions',
			body: { model, input: { prompt: requireText(context, body.prompt, 'Prompt'), ...checked } },
			headers,
			timeoutMs: (waitSeconds + 30) * 1000,
			allowedDomains: request.allowedDomains,
		};
	},
};
