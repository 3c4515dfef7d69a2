import type { INodeProperties } from 'n8n-workflow';

/**
 * What an AI Agent's model reads about the tool. n8n's default ("Set Automatically") hands it the
 * node's description, which `usableAsTool.replacements` sets to this. Beyond it, the model sees
 * only the description inside each `$fromAI()`, so the fields it may be given are explained here.
 */
export const toolDescription =
	'Makes one image with a Flux model. Returns JSON: imageUrl (give it to the user exactly as it is; it expires in minutes), taskId, model, prompt. ' +
	'Write the prompt in English as a full description of the image: subject, setting, style, composition, lighting. ' +
	'If asked for them: width and height in pixels (multiples of 32), an aspect ratio like 16:9, a seed (a whole number; the same seed and prompt repeat an image), an input image as a public https URL.';

/** Shown in tool mode only: n8n's ✨ button writes `$fromAI()` with an empty description. */
export const toolModeNotice: INodeProperties = {
	displayName:
		"The model reads the tool description and, for each field set to $fromAI(), the description inside it (the ✨ button leaves it empty). Say what to put there, e.g. {{ $fromAI('seed', 'A whole number; the same seed and prompt repeat an image', 'number') }}.",
	name: 'fromAiNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { '@tool': [true] } },
};
