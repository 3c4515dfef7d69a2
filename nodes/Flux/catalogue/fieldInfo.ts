import type { FieldInfo } from './fieldSpec';

/** How the editor names and explains each API field; ranges and defaults come from the models. */
export const fieldInfo: Record<string, FieldInfo> = {
	aspect_ratio: { displayName: 'Aspect Ratio', description: 'Aspect ratio of the image, e.g. 16:9' },
	disable_safety_checker: {
		displayName: 'Disable Safety Checker',
		description: 'Whether to turn off the safety checker for generated images',
	},
	go_fast: {
		displayName: 'Go Fast',
		description: 'Whether to run a faster, slightly lower-quality version of the model',
	},
	finetune_id: {
		displayName: 'Finetune ID',
		description: 'ID of the finetune you trained (required by the finetuned models)',
	},
	finetune_strength: {
		displayName: 'Finetune Strength',
		description: 'How strongly the finetune shapes the image: 0 not at all, 1 fully, up to 2',
	},
	guidance: { displayName: 'Guidance', description: 'How closely the image follows the prompt' },
	height: { displayName: 'Height', description: 'Output height in pixels' },
	image: {
		displayName: 'Image',
		description: 'Input image for image-to-image: a URL or data URI, or a binary property of the input item',
	},
	image_prompt: {
		displayName: 'Image Prompt',
		description: 'Reference image that guides style or content: a URL, or a binary property of the input item',
	},
	image_prompt_strength: {
		displayName: 'Image Prompt Strength',
		description: 'How much the image prompt shapes the result',
	},
	input_image: {
		displayName: 'Input Image',
		description: 'Image to edit or to start from (with some models several references, in order): URLs or base64, or binary properties of the input item',
	},
	interval: { displayName: 'Interval', description: 'Diversity: higher gives more varied images' },
	megapixels: { displayName: 'Megapixels', description: 'Approximate size of the image' },
	num_inference_steps: { displayName: 'Inference Steps', description: 'Number of denoising steps' },
	num_outputs: { displayName: 'Number of Outputs', description: 'How many images to make' },
	output_format: { displayName: 'Output Format', description: 'File format of the image' },
	output_quality: {
		displayName: 'Output Quality',
		description: 'Quality of lossy images (JPEG, WebP); not used for PNG',
	},
	prompt_strength: {
		displayName: 'Prompt Strength',
		description: 'With an input image: 1 replaces the image entirely, lower keeps more of it',
	},
	prompt_upsampling: {
		displayName: 'Prompt Upsampling',
		description: 'Whether to let the model expand the prompt for more detailed results',
	},
	raw: { displayName: 'Raw', description: 'Whether to generate less processed, more natural-looking images' },
	safety_tolerance: {
		displayName: 'Safety Tolerance',
		description: 'Moderation level: the lowest value is the strictest',
	},
	seed: { displayName: 'Seed', description: 'Seed for reproducible results; leave unset for a random one' },
	steps: { displayName: 'Steps', description: 'Number of diffusion steps: more is slower but finer' },
	webhook_secret: {
		displayName: 'Webhook Secret',
		description: 'Secret sent with the webhook call so the receiver can check it',
		password: true,
	},
	webhook_url: {
		displayName: 'Webhook URL',
		description: "URL CometAPI calls when the task ends, e.g. a Wait node's resume URL",
	},
	width: { displayName: 'Width', description: 'Output width in pixels' },
	bottom: { displayName: 'Bottom', description: 'Pixels to add below the image' },
	canny_high_threshold: { displayName: 'Canny High Threshold', description: 'Upper threshold of the edge detection' },
	canny_low_threshold: { displayName: 'Canny Low Threshold', description: 'Lower threshold of the edge detection' },
	control_image: {
		displayName: 'Control Image',
		description: 'Image whose structure (edges or depth) the result follows: a URL, or a binary property of the input item',
	},
	input_images: {
		displayName: 'Input Images',
		description: 'Reference images to edit or combine, in order: URLs, or binary properties of the input item',
	},
	left: { displayName: 'Left', description: 'Pixels to add left of the image' },
	mask: {
		displayName: 'Mask',
		description: 'Black and white mask of the same size as the image: white areas are repainted; not needed when the image has an alpha channel',
	},
	preprocessed_image: {
		displayName: 'Preprocessed Image',
		description: 'An edge or depth map made already, used instead of the Control Image',
	},
	resolution: { displayName: 'Resolution', description: 'Size of the image in megapixels, or that of the first input image' },
	right: { displayName: 'Right', description: 'Pixels to add right of the image' },
	top: { displayName: 'Top', description: 'Pixels to add above the image' },
};
