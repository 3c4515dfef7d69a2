import type { DisplayCondition, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { FieldSpec } from './fieldSpec';
import { describeRange, describeSpec } from './fieldSpec';
import { fieldInfo } from './fieldInfo';
import { catalogues, describedModels, fieldsOf, type ApiFormatName } from './index';

export const CUSTOM_MODEL = 'custom';

/** Where each format puts its fields in the request body. */
const bodyPrefix: Record<ApiFormatName, string> = { bfl: '', replicate: 'input.' };

/** A JSON object merged into the body (BFL) or its `input` (Replicate): for fields not listed yet. */
export const extraFieldsOption: Record<ApiFormatName, { name: string; displayName: string; description: string }> = {
	bfl: {
		name: 'extraBody',
		displayName: 'Extra Body (JSON)',
		description: 'More fields for the request body, for model options not listed here (e.g. a new model\'s)',
	},
	replicate: {
		name: 'extraInput',
		displayName: 'Extra Input (JSON)',
		description: "More fields for the prediction's input object, for model options not listed here",
	},
};

/** Name of the collection option that names a binary property holding an image field's file. */
export const binaryPropertyOptionName = (field: string) => `${field}BinaryProperty`;

export function modelOptions(format: ApiFormatName): INodePropertyOptions[] {
	const listed = catalogues[format].models.map((model) => ({
		name: model.name,
		value: model.id,
		description: model.id,
	}));
	return [...listed, { name: 'Other (Type a Model ID)', value: CUSTOM_MODEL, description: 'A model not listed yet' }];
}

/**
 * The collection of a format's optional API fields. Each field appears once for every group of
 * models that share its range and default, shown only for those models, with that range as its
 * editor bounds and hint and in its description; a typed model ID sees every field.
 */
export function modelFieldsCollection(format: ApiFormatName, operation: string): INodeProperties {
	const models = describedModels(format);
	const shownFor = modelConditions(format);
	const options: INodeProperties[] = [];
	for (const field of fieldsOf(format)) {
		const info = fieldInfo[field];
		const groups = new Map<string, { spec: FieldSpec; modelIds: string[] }>();
		for (const model of models) {
			const spec = model.fields[field];
			if (!spec) continue;
			const key = JSON.stringify(spec);
			const group = groups.get(key) ?? { spec, modelIds: [] };
			group.modelIds.push(model.id);
			groups.set(key, group);
		}
		for (const { spec, modelIds } of groups.values()) {
			const description = `${info.description}. ${describeSpec(spec)}`.trim();
			options.push(...fieldOptions(format, field, info.displayName, description, spec, shownFor(modelIds), rangeHint(spec)));
		}
		const anySpec = [...groups.values()][0]?.spec;
		if (anySpec) {
			const description = `${info.description}. Check the model's documentation for its range.`;
			options.push(...fieldOptions(format, field, info.displayName, description, loosen(anySpec), shownFor(undefined)));
		}
	}
	options.push({ ...extraFieldsOption[format], type: 'json', default: '{}' });
	options.sort((a, b) => a.displayName.localeCompare(b.displayName));
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Optional API fields; only the ones the selected model takes are offered',
		displayOptions: { show: { operation: [operation] } },
		options,
	};
}

type Condition = string | DisplayCondition;
type DisplayOptions = { show: { '/model': Condition[] }; hide?: { '/model': Condition[] } };

/**
 * When a field group shows: for its catalogue models, and for model IDs the catalogue does not
 * hold whose family (the first pattern that matches, as `findModel` reads them) is one of them.
 * Without model IDs: the loose group, for "Other" and for IDs of no known family.
 */
function modelConditions(format: ApiFormatName): (modelIds: string[] | undefined) => DisplayOptions {
	const { models, families } = catalogues[format];
	const catalogueIds = models.map((model) => model.id);
	const familyRegex = families.map(({ pattern }, index) => {
		const earlier = families.slice(0, index).map((family) => `(?!.*(?:${family.pattern.source}))`);
		return { like: families[index].like, regex: `^${earlier.join('')}(?=.*(?:${pattern.source}))` };
	});
	// One condition per group, not one per family: n8n runs each regex in a vm with a 250 ms
	// timeout for every property of every item, and a loaded process can overrun it.
	const anyOf = (regexes: string[]): Condition[] =>
		regexes.length ? [{ _cnd: { regex: regexes.map((regex) => `(?:${regex})`).join('|') } }] : [];
	return (modelIds) => {
		if (!modelIds) {
			const anyFamily = anyOf(familyRegex.map(({ regex }) => regex));
			return { show: { '/model': [CUSTOM_MODEL, { _cnd: { exists: true } }] }, hide: { '/model': [...catalogueIds, ...anyFamily] } };
		}
		const ofFamily = anyOf(familyRegex.filter(({ like }) => modelIds.includes(like)).map(({ regex }) => regex));
		const others = catalogueIds.filter((id) => !modelIds.includes(id));
		return { show: { '/model': [...modelIds, ...ofFamily] }, ...(ofFamily.length ? { hide: { '/model': others } } : {}) };
	};
}

function fieldOptions(
	format: ApiFormatName,
	field: string,
	displayName: string,
	description: string,
	spec: FieldSpec,
	displayOptions: DisplayOptions,
	hint?: string,
): INodeProperties[] {
	const routing = { send: { type: 'body' as const, property: `${bodyPrefix[format]}${field}` } };
	const option: INodeProperties = {
		displayName,
		name: field,
		description,
		...(hint ? { hint } : {}),
		displayOptions,
		routing,
		...editorType(spec),
	};
	if (fieldInfo[field].password) option.typeOptions = { ...option.typeOptions, password: true };
	if (spec.kind === 'image') {
		return [
			{ ...option, displayName: `${displayName} (URL)`, placeholder: 'https://example.com/image.png' },
			{
				displayName: `${displayName} (Binary Property)`,
				name: binaryPropertyOptionName(field),
				type: 'string',
				default: 'data',
				description: `Name of the input item's binary property whose file is sent as the ${displayName}`,
				displayOptions,
			},
		];
	}
	if (spec.kind !== 'imageList') return [option];
	return [
		{
			...option,
			displayName: `${displayName} (URLs)`,
			placeholder: 'https://example.com/a.png, https://example.com/b.png',
			description: `${description}. One URL, or several separated by commas or new lines.`,
			typeOptions: { rows: 2 },
		},
		{
			displayName: `${displayName} (Binary Properties)`,
			name: binaryPropertyOptionName(field),
			type: 'string',
			default: 'data',
			placeholder: 'data, data_1',
			description: `Binary properties of the input item whose files are sent as the ${displayName}, in order: one name, several separated by commas (e.g. data, data_1), or * for all its images`,
			displayOptions,
		},
	];
}

function editorType(spec: FieldSpec): Pick<INodeProperties, 'type' | 'default' | 'typeOptions' | 'options'> {
	switch (spec.kind) {
		case 'integer':
			return {
				type: 'number',
				default: spec.default ?? spec.min,
				typeOptions: {
					minValue: spec.min,
					maxValue: spec.editorMax ?? spec.max,
					numberStepSize: spec.multipleOf ?? 1,
					numberPrecision: 0,
				},
			};
		case 'number':
			return {
				type: 'number',
				default: spec.default ?? spec.min,
				typeOptions: { minValue: spec.min, maxValue: spec.max, numberPrecision: 2 },
			};
		case 'boolean':
			return { type: 'boolean', default: spec.default ?? false };
		case 'choice':
			return {
				type: 'options',
				default: spec.default ?? spec.values[0],
				options: spec.values.map((value) => ({ name: value, value })),
			};
		case 'ratioRange':
			return { type: 'string', default: spec.default ?? '1:1' };
		default:
			return { type: 'string', default: '' };
	}
}

/**
 * The allowed range, shown under the field at all times (n8n shows a description only on hover).
 * n8n 2.41's editor clamps a typed number into minValue..maxValue but ignores numberStepSize and
 * expressions, so this text is what shows that 1000 is no multiple of 32 before a run.
 */
function rangeHint(spec: FieldSpec): string | undefined {
	// A list offers only allowed values.
	if (spec.kind === 'choice') return undefined;
	const range = describeRange(spec);
	return range ? `Allowed: ${range}` : undefined;
}

/** The editor type of a field for a model the catalogue does not know: no bounds. */
function loosen(spec: FieldSpec): FieldSpec {
	if (spec.kind === 'integer' || spec.kind === 'number') {
		return { kind: spec.kind, min: 0, max: Number.MAX_SAFE_INTEGER, default: spec.default };
	}
	if (spec.kind === 'choice' || spec.kind === 'ratioRange') return { kind: 'string' };
	return spec;
}
