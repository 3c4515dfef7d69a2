import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { catalogues, fieldInfo, findModel, modelIdShape, type ApiFormatName, type FieldSpec } from '../catalogue';
import { IMAGE_TYPES_TEXT, imageListFields, oversizeProblem, sniffImageType, splitImageList } from '../catalogue/imageInputs';
import { binaryPropertyOptionName, CUSTOM_MODEL, extraFieldsOption } from '../catalogue/properties';
import { validateFields } from '../catalogue/validateFields';
import { invalid } from '../api/errors';
import { binaryHead, binarySize } from './binaryFiles';
import { pendingImage } from './pendingImages';

/** The model ID the user chose: from the list or by ID (version 2), or typed under "Other" (version 1). */
export function chosenModel(context: IExecuteSingleFunctions, format: ApiFormatName): string {
	const model = context.getNodeParameter('model', '', { extractValue: true }) as string;
	return modelId(context, format, model === CUSTOM_MODEL ? context.getNodeParameter('customModel', '') : model);
}

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
	const extra = extraFields(context, format);
	const checked = await checkedListedFields(context, format, modelId, fields, Object.keys(extra));
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
	setInExtra: string[],
): Promise<IDataObject> {
	const model = findModel(format, modelId);
	const specs: Record<string, FieldSpec> = model?.fields ?? looseImageSpecs(format);
	const imageFields = Object.keys(specs).filter((field) => ['image', 'imageList'].includes(specs[field].kind));
	const withImages = await withBinaryImages(context, imageFields, specs, fields);
	const { fields: checked, problem } = validateFields(withImages, model, setInExtra);
	if (problem) {
		const name = problem.displayName ?? fieldInfo[problem.field]?.displayName ?? problem.field;
		throw invalid(context, `${name} ${problem.message} for ${modelId}`, `Change ${name} under Additional Fields.`);
	}
	const body: IDataObject = {};
	for (const [field, value] of Object.entries(checked)) {
		Object.assign(body, specs[field]?.kind === 'imageList' ? imageListFields(format, field, value as string[]) : { [field]: value });
	}
	return body;
}

/** For a model of no known family: each image field of the format, as the catalogue's models take it. */
function looseImageSpecs(format: ApiFormatName): Record<string, FieldSpec> {
	const specs: Record<string, FieldSpec> = {};
	for (const model of catalogues[format].models) {
		for (const [field, spec] of Object.entries(model.fields)) {
			if (spec.kind === 'imageList' || (spec.kind === 'image' && !specs[field])) specs[field] = spec;
		}
	}
	return specs;
}

/** Image fields with their binaries in place (marks, read at the slot): one for an image, a list for an image list. */
async function withBinaryImages(
	context: IExecuteSingleFunctions,
	imageFields: string[],
	specs: Record<string, FieldSpec>,
	fields: IDataObject,
) {
	const result = { ...fields };
	for (const field of imageFields) {
		const list = specs[field].kind === 'imageList';
		if (list && result[field] !== undefined) result[field] = splitImageList(result[field]) as IDataObject[string];
		const info = fieldInfo[field];
		const label = `${info.displayName} (Binary ${list ? 'Properties' : 'Property'})`;
		const property = context.getNodeParameter(`additionalFields.${binaryPropertyOptionName(field)}`, null);
		if (property === null) continue;
		if (typeof property !== 'string' || property.trim() === '') {
			throw invalid(context, `${label} must name a binary property, e.g. data`);
		}
		if (result[field] !== undefined) {
			throw invalid(context, `${info.displayName}: set either the URL or the binary property, not both`);
		}
		const names = list ? await binaryNames(context, property) : [property.trim()];
		const images = [];
		for (const name of names) images.push(await binaryAsText(context, name, label));
		result[field] = list ? images : images[0];
	}
	return result;
}

/**
 * The binary property names a list names: "data, data_1", or * for every image of the item in
 * order, judged by its first bytes (a download often declares application/octet-stream).
 */
async function binaryNames(context: IExecuteSingleFunctions, property: string): Promise<string[]> {
	const names = property.split(',').map((name) => name.trim()).filter(Boolean);
	if (names.length !== 1 || names[0] !== '*') return names;
	const images = [];
	for (const [name, binary] of Object.entries(context.getInputData().binary ?? {})) {
		if (sniffImageType(await binaryHead(context, binary))) images.push(name);
	}
	return images;
}

/** A binary property's image, read when the item's slot is granted, once its bytes show an image within BFL's size limit. */
async function binaryAsText(context: IExecuteSingleFunctions, property: string, label: string) {
	const binary = context.getInputData().binary?.[property];
	if (!binary) {
		const present = Object.keys(context.getInputData().binary ?? {});
		throw invalid(
			context,
			`${label}: the input item has no binary property "${property}"`,
			present.length ? `Its binary properties are: ${present.join(', ')}` : 'The input item has no binary data at all.',
		);
	}
	// Judged before the file is read: its size from the metadata, its type from its first bytes.
	const tooBig = oversizeProblem(await binarySize(context, binary));
	if (tooBig) throw invalid(context, `${label}: binary property "${property}" ${tooBig}`);
	const mimeType = sniffImageType(await binaryHead(context, binary));
	if (!mimeType) {
		throw invalid(
			context,
			`${label}: binary property "${property}" is not an image (its content is not ${IMAGE_TYPES_TEXT})`,
			`Its file ${binary.fileName ?? ''} is declared as ${binary.mimeType || 'no type'}; the file's bytes decide.`,
		);
	}
	return pendingImage(property, binary, mimeType);
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
