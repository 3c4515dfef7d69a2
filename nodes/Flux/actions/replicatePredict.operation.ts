import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { CUSTOM_MODEL, modelFieldsCollection, modelOptions } from '../catalogue/properties';
import { checkedModelFields, extraInput, invalid, modelId, requireText } from '../shared/prepareRequest';
import type { FluxOperation } from './operation';

const showForReplicate = { show: { operation: ['replicatePredict'] } };

const fieldsCollection = modelFieldsCollection('replicate', 'replicatePredict');
fieldsCollection.options = [
	...(fieldsCollection.options as INodeProperties[]),
	{
		displayName: 'Extra Input (JSON)',
		name: 'extraInput',
		type: 'json',
		default: '{}',
		description: 'More fields for the prediction\'s input object, for model options not listed here',
	},
];

export const replicatePredictDescription: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: modelOptions('replicate'),
		default: 'black-forest-labs/flux-schnell',
		description: 'Flux model on CometAPI\'s Replicate route; the fields below change with it',
		displayOptions: showForReplicate,
		routing: {
			send: { type: 'body', property: 'model', value: `={{ $value === "${CUSTOM_MODEL}" ? $parameter.customModel : $value }}` },
		},
	},
	{
		displayName: 'Model ID',
		name: 'customModel',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'black-forest-labs/flux-krea-dev',
		description: 'ID of a model in the form owner/name',
		displayOptions: { show: { operation: ['replicatePredict'], model: [CUSTOM_MODEL] } },
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
		displayOptions: showForReplicate,
		routing: { send: { type: 'body', property: 'input.prompt' } },
	},
	fieldsCollection,
];

export const replicatePredict: FluxOperation = {
	format: () => 'replicate',
	async prepare(context, request) {
		const body = (request.body ?? {}) as IDataObject;
		const model = modelId(context, body.model);
		const { prompt, ...fields } = (body.input ?? {}) as IDataObject;
		const checked = await checkedModelFields(context, 'replicate', model, fields);
		const extra = extraInput(context);
		const clash = Object.keys(extra).find((key) => key in checked || key === 'prompt');
		if (clash) throw invalid(context, `Extra Input (JSON) sets "${clash}", which is already set by a field: set it in one place`);
		const headers = (request.headers ?? {}) as IDataObject;
		const waitSeconds = Number(/wait=(\d+)/.exec(String(headers.Prefer ?? ''))?.[1] ?? 0);
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
