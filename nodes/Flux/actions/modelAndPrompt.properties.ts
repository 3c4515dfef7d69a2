import type { INodeProperties } from 'n8n-workflow';

import { modelIdShape, type ApiFormatName } from '../catalogue';
import { CUSTOM_MODEL } from '../catalogue/properties';

interface ModelChoice {
	/** The operation's Model property of version 1 (its default is a literal, as n8n's linter wants). */
	model: INodeProperties;
	customModelExample: string;
	/** Version 2's Model: the `listSearch` method that lists the models, and the default model. */
	format: ApiFormatName;
	searchListMethod: string;
}

/**
 * The Prompt of Generate and Replicate Predict. One property for both: n8n's routing evaluates
 * every property of a name for each item, shown or not, so one Prompt instead of one per
 * operation halves its expression evaluations. Routing puts it at the body's top level;
 * Replicate Predict's request moves it into `input`.
 */
export const promptProperty: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'A lighthouse at dawn, watercolor',
	description:
		'What the image should show: subject, setting, style, composition, lighting',
	typeOptions: { rows: 3 },
	displayOptions: { show: { operation: ['generate', 'replicatePredict'] } },
	routing: { send: { type: 'body', property: 'prompt' } },
};

/**
 * Model of an operation; `modelFieldsCollection` gives its Additional Fields. Version 1: a list
 * with "Other" for a typed ID. Version 2: a resource locator, "From List" (the catalogue merged
 * with CometAPI's live list) or "By ID"; the saved value is `{ __rl, mode, value }`.
 */
export function modelProperties(operation: string, choice: ModelChoice): INodeProperties[] {
	const showForOperation = { show: { operation: [operation], '@version': [1] } };
	return [
		{
			description: 'Flux model; the Additional Fields change with it',
			displayOptions: showForOperation,
			...choice.model,
		},
		{
			displayName: 'Model',
			name: 'model',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: choice.model.default },
			description: 'Flux model; the Additional Fields change with it',
			displayOptions: { show: { operation: [operation], '@version': [{ _cnd: { gte: 2 } }] } },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a model...',
					typeOptions: { searchListMethod: choice.searchListMethod, searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: choice.customModelExample,
					validation: [
						{
							type: 'regex',
							properties: { regex: modelIdShape[choice.format].pattern.source, errorMessage: `Not a model ID like ${choice.customModelExample}` },
						},
					],
				},
			],
		},
		{
			displayName: 'Model ID',
			name: 'customModel',
			type: 'string',
			required: true,
			default: '',
			placeholder: choice.customModelExample,
			description: 'ID of a model not in the list',
			displayOptions: { show: { operation: [operation], model: [CUSTOM_MODEL] } },
		},
	];
}
