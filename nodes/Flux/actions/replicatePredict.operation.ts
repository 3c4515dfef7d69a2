import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { FieldSpec } from '../catalogue';
import { modelFieldsCollection, modelOptions } from '../catalogue/properties';
import { checkValue } from '../catalogue/validateFields';
import { invalid } from '../api/errors';
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

/**
 * CometAPI documents two create routes. The model's own route is the default: CometAPI's own
 * integration code and users' working scripts use it. A 404 on one proves no task was made, so
 * the other is then tried once.
 */
export const replicateRouteOption: INodeProperties = {
	displayName: 'Create Route',
	name: 'replicateRoute',
	type: 'options',
	default: 'model',
	description: 'Which of CometAPI\'s Replicate routes creates the prediction; on a 404 the other one is tried',
	options: [
		{ name: 'Model Route', value: 'model', description: 'POST /replicate/v1/models/{owner}/{name}/predictions with {input}' },
		{ name: 'Predictions Route', value: 'predictions', description: 'POST /replicate/v1/predictions with {model, input}' },
	],
	displayOptions: { show: { '/operation': ['replicatePredict'] } },
};

/** How long CometAPI may hold a submit open (Prefer: wait): the option's range in the editor and when run. */
export const preferWaitSpec: FieldSpec & { kind: 'integer' } = { kind: 'integer', min: 1, max: 60 };

function createRoutes(model: string, input: IDataObject) {
	const [owner, name] = model.split('/').map(encodeURIComponent);
	return {
		model: { url: `/replicate/v1/models/${owner}/${name}/predictions`, body: { input } },
		predictions: { url: '/replicate/v1/predictions', body: { model, input } },
	};
}

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
		const asked = /^wait=(.*)$/.exec(String(Prefer ?? ''))?.[1];
		const wait = checkValue(preferWaitSpec, asked);
		if (wait.problem) throw invalid(context, `Submit Wait (Seconds) ${wait.problem} (got ${asked})`);
		const waitSeconds = waiting ? (wait.value as number) : 0;
		if (waitSeconds) headers.Prefer = Prefer;
		const options = context.getNodeParameter('options', {}) as IDataObject;
		const chosen = options.replicateRoute === 'predictions' ? 'predictions' : 'model';
		const routes = createRoutes(model, { prompt: requireText(context, body.prompt, 'Prompt'), ...checked });
		return {
			method: 'POST',
			...routes[chosen],
			otherRoute: routes[chosen === 'model' ? 'predictions' : 'model'],
			headers,
			timeoutMs: (waitSeconds + 30) * 1000,
			allowedDomains: request.allowedDomains,
		};
	},
};
