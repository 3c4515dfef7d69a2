import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { CUSTOM_MODEL, modelOptions } from '../catalogue/properties';
import { checkedModelFields, extraInput, invalid, modelId, requireText } from '../shared/prepareRequest';
import { modelAndPromptProperties } from './modelAndPrompt.properties';
import type { FluxOperation } from './operation';

const extraInputField: INodeProperties = {
	displayName: 'Extra Input (JSON)',
	name: 'extraInput',
	type: 'json',
	default: '{}',
	description: "More fields for the prediction's input object, for model options not listed here",
};

const properties = modelAndPromptProperties('replicate', 'replicatePredict', {
	model: {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: modelOptions('replicate'),
		default: 'black-forest-labs/flux-schnell',
		routing: {
			send: { type: 'body', property: 'model', value: `={{ $value === "${CUSTOM_MODEL}" ? $parameter.customModel : $value }}` },
		},
	},
	customModelExample: 'black-forest-labs/flux-krea-dev',
	promptPath: 'input.prompt',
});
const fieldsCollection = properties[properties.length - 1];
fieldsCollection.options = [...(fieldsCollection.options as INodeProperties[]), extraInputField];

export const replicatePredictDescription: INodeProperties[] = properties;

export const replicatePredict: FluxOperation = {
	format: () => 'replicate',
	async prepare(context, request) {
		const body = (request.body ?? {}) as IDataObject;
		const model = modelId(context, 'replicate', body.model);
		const { prompt, ...fields } = (body.input ?? {}) as IDataObject;
		const checked = await checkedModelFields(context, 'replicate', model, fields);
		const extra = extraInput(context);
		const clash = Object.keys(extra).find((key) => key in checked || key === 'prompt');
		if (clash) throw invalid(context, `Extra Input (JSON) sets "${clash}", which is already set by a field: set it in one place`);
		// Prefer: wait holds the submit open for the result: only wanted when waiting for it.
		const { Prefer, ...headers } = (request.headers ?? {}) as IDataObject;
		const waiting = context.getNodeParameter('waitForCompletion', true) as boolean;
		const waitSeconds = waiting ? Number(/wait=(\d+)/.exec(String(Prefer ?? ''))?.[1] ?? 0) : 0;
		if (waitSeconds) headers.Prefer = Prefer;
		return {
			method: 'POST',
			url: '/replicate/v1/predictions',
			body: { model, input: { prompt: requireText(context, prompt, 'Prompt'), ...checked, ...extra } },
			headers,
			timeoutMs: (waitSeconds + 30) * 1000,
			allowedDomains: request.allowedDomains,
		};
	},
};
