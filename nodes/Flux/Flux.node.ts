import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { commonProperties, optionDefaults } from './actions/common.properties';
import { generateFields, generateModel } from './actions/generate.operation';
import { getResultDescription } from './actions/getResult.operation';
import { listSearch } from './actions/modelSearch';
import { promptProperty } from './actions/modelAndPrompt.properties';
import { replicatePredictFields, replicatePredictModel } from './actions/replicatePredict.operation';
import { toolDescription, toolModeNotice } from './actions/tool.properties';
import { runTask } from './runTask';
import { CREDENTIAL_TYPE } from './api/credential';

/** Routing builds each item's request from the properties; runTask sends it, waits and downloads. */
const runsTheTask = { send: { paginate: true }, operations: { pagination: runTask } };

export class Flux implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CometAPI Flux',
		name: 'flux',
		icon: { light: 'file:flux.svg', dark: 'file:flux.dark.svg' },
		group: ['transform'],
		// Version 2: Model is a resource locator (a live list, or by ID); version 1 keeps the plain list.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ {generate: "Generate", replicatePredict: "Replicate Predict", getResult: "Get Result"}[$parameter.operation] + ($parameter.operation === "getResult" ? "" : ": " + (typeof $parameter.model === "object" ? $parameter.model.value : $parameter.model === "custom" ? $parameter.customModel : $parameter.model)) }}',
		// n8n 2.41 hands an AI Agent's model this text, not usableAsTool's, when the tool's description is
		// "Set Automatically" (its runtime tool type is built without the replacements).
		description:
			'Generate images with Black Forest Labs\' Flux models through CometAPI. As an AI Agent tool: one image per call, answered as JSON with imageUrl (give it to the user as it is), taskId, model and prompt',
		defaults: { name: 'CometAPI Flux' },
		// As an AI Agent's tool: one image per call, and a short answer the model can quote.
		usableAsTool: { replacements: { description: toolDescription } },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// No baseURL: runTask takes it from the item's credential. n8n's routing would evaluate a
		// baseURL expression twice per item, the largest part of its cost before the first request.
		requestDefaults: {
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		},
		hints: [
			{
				message:
					'Downloads are off: result links expire within minutes (BFL: about 10), so save the images from "imageUrl" right away.',
				type: 'warning',
				location: 'outputPane',
				whenToDisplay: 'afterExecution',
				displayCondition: '={{ $parameter.waitForCompletion && !$parameter.downloadImages }}',
			},
		],
		properties: [
			toolModeNotice,
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'generate',
				options: [
					{
						name: 'Generate',
						value: 'generate',
						action: 'Generate an image',
						description: 'Create an image with a Flux model (BFL format, POST /flux/v1/{model})',
						routing: { request: { method: 'POST' }, ...runsTheTask },
					},
					{
						name: 'Get Result',
						value: 'getResult',
						action: 'Get the result of a task',
						description: 'Collect a task submitted earlier, by its ID',
						routing: { request: { method: 'GET' }, ...runsTheTask },
					},
					{
						name: 'Replicate Predict',
						value: 'replicatePredict',
						action: 'Create a replicate prediction',
						description: 'Create an image through CometAPI\'s Replicate-format route',
						routing: { request: { method: 'POST', headers: { Prefer: `wait=${optionDefaults.preferWait}` } }, ...runsTheTask },
					},
				],
			},
			// The editor shows them in this order: model, prompt, the model's Additional Fields.
			...generateModel,
			...replicatePredictModel,
			promptProperty,
			generateFields,
			replicatePredictFields,
			...getResultDescription,
			...commonProperties,
		],
	};

	methods = { listSearch };
}
