import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { fieldInfo, fieldsOf, findModel, type ApiFormatName } from '../catalogue';
import { binaryPropertyOptionName, CUSTOM_MODEL, extraFieldsOption } from '../catalogue/properties';
import { validateFields } from '../catalogue/validateFields';
import { invalid } from '../api/errors';

/** The model ID the user chose, or typed under "Other". */
export function chosenModel(context: IExecuteSingleFunctions, format: ApiFormatName): string {
	const model = context.getNodeParameter('model', '') as string;
	return modelId(context, format, model === CUSTOM_MODEL ? context.getNodeParameter('customModel', '') : model);
}

const modelIdShape: Record<ApiFormatName, { pattern: RegExp; example: string }> = {
	bfl: { pattern: /^[\w.-]+$/, example: 'flux-pro-1.1' },
	replicate: { pattern: /^[\w.-]+\/[\w.-]+$/, example: 'black-forest-labs/flux-schnell' },
};

function modelId(context: IExecuteSingleFunctions, format: ApiFormatName, id: unknown): string {
	const { pattern, example } = modelIdShape[format];
	if (typeof id !== 'string' || !pattern.test(id.trim())) {
		throw invalid(context, `Model must be a model ID like ${example} (got ${JSON.stringify(id)})`);
	}
	return id.trim();
}

export function requireText(context: IExecuteSingleFunctions, value: unknown, displayName: string): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw invalid(context, `${displayName} must not be empty`, `Give ${displayName} a text, or an expression that resolves to one.`);
	}
	return value;
}

/**
 * Checks the fields routing put in the body against the model's catalogue entry, fills image
 * fields from binary properties of the input item, and adds the extra JSON fields.
 */
export async function checkedModelFields(
	context: IExecuteSingleFunctions,
	format: ApiFormatName,
	modelId: string,
	fields: IDataObject,
): Promise<IDataObject> {
	const checked = await checkedListedFields(context, format, modelId, fields);
	const extra = extraFields(context, format);
	const { displayName } = extraFieldsOption[format];
	const clash = Object.keys(extra).find((key) => key in checked || key === 'prompt');
	if (clash) throw invalid(context, `${displayName} sets "${clash}", which is already set by a field: set it in one place`);
	return { ...checked, ...extra };
}

async function checkedListedFields(
	context: IExecuteSingleFunctions,
	format: ApiFormatName,
	modelId: string,
	fields: IDataObject,
): Promise<IDataObject> {
	const model = findModel(format, modelId);
	const imageFields = model ? Object.keys(model.fields).filter((field) => model.fields[field].kind === 'image') : fieldsOf(format);
	const withImages = await withBinaryImages(context, format, imageFields, fields);
	const { fields: checked, problem } = validateFields(withImages, model?.fields);
	if (problem) {
		const name = fieldInfo[problem.field]?.displayName ?? problem.field;
		throw invalid(context, `${name} (${problem.field}) ${problem.message} for ${modelId}`, `Change ${name} under Additional Fields.`);
	}
	return checked;
}

async function withBinaryImages(
	context: IExecuteSingleFunctions,
	format: ApiFormatName,
	imageFields: string[],
	fields: IDataObject,
) {
	const result = { ...fields };
	for (const field of imageFields) {
		const info = fieldInfo[field];
		const property = context.getNodeParameter(`additionalFields.${binaryPropertyOptionName(field)}`, null);
		if (property === null) continue;
		if (typeof property !== 'string' || property.trim() === '') {
			throw invalid(context, `${info.displayName} (Binary Property) must name a binary property, e.g. data`);
		}
		if (result[field] !== undefined) {
			throw invalid(context, `${info.displayName}: set either the URL or the binary property, not both`);
		}
		result[field] = await binaryAsText(context, format, property.trim(), info.displayName);
	}
	return result;
}

/** BFL takes raw base64; Replicate takes a data URI. */
async function binaryAsText(context: IExecuteSingleFunctions, format: ApiFormatName, property: string, displayName: string) {
	const binary = context.getInputData().binary?.[property];
	if (!binary) {
		const present = Object.keys(context.getInputData().binary ?? {});
		throw invalid(
			context,
			`${displayName} (Binary Property): the input item has no binary property "${property}"`,
			present.length ? `Its binary properties are: ${present.join(', ')}` : 'The input item has no binary data at all.',
		);
	}
	const base64 = (await context.helpers.getBinaryDataBuffer(property)).toString('base64');
	return format === 'bfl' ? base64 : `data:${binary.mimeType || 'application/octet-stream'};base64,${base64}`;
}

function extraFields(context: IExecuteSingleFunctions, format: ApiFormatName): IDataObject {
	const { name, displayName } = extraFieldsOption[format];
	const mustBe = `${displayName} must be a JSON object, e.g. {"lora_scale": 0.8}`;
	let raw: unknown;
	try {
		raw = context.getNodeParameter(`additionalFields.${name}`, '');
	} catch (error) {
		throw invalid(context, mustBe, (error as Error).message);
	}
	if (raw === undefined || raw === '') return {};
	const parsed = typeof raw === 'string' ? jsonParse<unknown>(raw, { fallbackValue: null }) : raw;
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(context, mustBe);
	return parsed as IDataObject;
}
