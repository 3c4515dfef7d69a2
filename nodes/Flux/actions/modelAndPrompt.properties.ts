import type { INodeProperties } from 'n8n-workflow';

import type { ApiFormatName } from '../catalogue';
import { CUSTOM_MODEL, modelFieldsCollection } from '../catalogue/properties';

interface ModelChoice {
	/** The operation's Model property (its default is a literal, as n8n's linter wants). */
	model: INodeProperties;
	customModelExample: string;
	/** Body path of the prompt, e.g. `prompt` or `input.prompt`. */
	promptPath: string;
}

/** Model (with "Other" for a typed ID), Prompt, and the model's Additional Fields of an operation. */
export function modelAndPromptProperties(format: ApiFormatName, operation: string, choice: ModelChoice): INodeProperties[] {
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
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'A lighthouse at dawn, watercolor',
			description: 'What the image should show',
			typeOptions: { rows: 3 },
			displayOptions: showForOperation,
			routing: { send: { type: 'body', property: choice.promptPath } },
		},
		modelFieldsCollection(format, operation),
	];
}
