import type { INodeProperties } from 'n8n-workflow';

import { CUSTOM_MODEL } from '../catalogue/properties';

interface ModelChoice {
	/** The operation's Model property (its default is a literal, as n8n's linter wants). */
	model: INodeProperties;
	customModelExample: string;
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
		'What the image should show: subject, setting, style, composition, lighting. As an AI tool, fill it with $fromAI("prompt", "...") so the model writes the whole description.',
	typeOptions: { rows: 3 },
	displayOptions: { show: { operation: ['generate', 'replicatePredict'] } },
	routing: { send: { type: 'body', property: 'prompt' } },
};

/** Model (with "Other" for a typed ID) of an operation; `modelFieldsCollection` gives its Additional Fields. */
export function modelProperties(operation: string, choice: ModelChoice): INodeProperties[] {
	const showForOperation = { show: { operation: [operation] } };
	return [
		{
			description: 'Flux model; the Additional Fields change with it',
			displayOptions: showForOperation,
			...choice.model,
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
