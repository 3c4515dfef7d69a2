import type { IDataObject } from 'n8n-workflow';

import type { FieldRule, FieldSpec } from './fieldSpec';
import { describeArea, describeRange } from './fieldSpec';
import { fieldInfo } from './fieldInfo';
import { oversizeProblem, typedImageBytes } from './imageInputs';

/** Why a value does not fit its spec, or undefined when it fits. Numeric strings from expressions are accepted. */
export function checkValue(spec: FieldSpec, value: unknown): { problem?: string; value?: unknown } {
	switch (spec.kind) {
		case 'integer':
		case 'number': {
			const number = toNumber(value);
			const wholeOnly = spec.kind === 'integer';
			const fits =
				number !== undefined &&
				number >= spec.min &&
				number <= spec.max &&
				(!wholeOnly || (Number.isInteger(number) && number % (spec.multipleOf ?? 1) === 0));
			if (!fits) return { problem: `must be ${wholeOnly ? 'a whole number' : 'a number'}, ${describeRange(spec)}` };
			return { value: number };
		}
		case 'boolean': {
			if (typeof value === 'boolean') return { value };
			if (value === 'true' || value === 'false') return { value: value === 'true' };
			return { problem: 'must be true or false' };
		}
		case 'choice':
			return spec.values.includes(String(value))
				? { value: String(value) }
				: { problem: `must be one of ${describeRange(spec)}` };
		case 'ratioRange': {
			const ratio = ratioOf(value);
			const widest = ratioOf(spec.widest) as number;
			const tallest = ratioOf(spec.tallest) as number;
			if (ratio === undefined || ratio > widest || ratio < tallest) {
				return { problem: `must be a ratio like 16:9 ${describeRange(spec)}` };
			}
			return { value: String(value).trim() };
		}
		case 'imageList': {
			const images = Array.isArray(value) ? value : [value];
			if (images.length === 0 || images.some((image) => typeof image !== 'string' || image.trim() === '')) {
				return { problem: 'must name at least one image' };
			}
			if (images.length > spec.max) return { problem: `takes at most ${spec.max} images (got ${images.length})` };
			const trimmed = images.map((image: string) => image.trim());
			const sizeProblems = trimmed.map(sizeProblem);
			const tooBig = sizeProblems.findIndex(Boolean);
			if (tooBig >= 0) return { problem: `image ${tooBig + 1} ${sizeProblems[tooBig]}` };
			return { value: trimmed };
		}
		case 'string':
		case 'image': {
			if (typeof value !== 'string' || value.trim() === '') return { problem: 'must be a non-empty text' };
			if (spec.kind === 'string' && spec.format === 'url' && !/^https?:\/\/\S+$/i.test(value.trim())) {
				return { problem: 'must be an http(s) URL' };
			}
			const tooBig = spec.kind === 'image' ? sizeProblem(value.trim()) : undefined;
			return tooBig ? { problem: tooBig } : { value: value.trim() };
		}
	}
}

/** An image typed as base64 or a data URI is held to the same size limit as a file. */
function sizeProblem(image: string): string | undefined {
	const bytes = typedImageBytes(image);
	return bytes === undefined ? undefined : oversizeProblem(bytes);
}

function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return undefined;
}

function ratioOf(value: unknown): number | undefined {
	const match = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(String(value));
	if (!match || Number(match[2]) === 0 || Number(match[1]) === 0) return undefined;
	return Number(match[1]) / Number(match[2]);
}

export interface FieldProblem {
	field: string;
	message: string;
	/** For a rule over several fields, their names together. */
	displayName?: string;
}

/**
 * Checks every field of a request against a model's specs and returns the normalised fields.
 * With no specs (a model the catalogue does not know) fields pass as they are: the API decides.
 */
export function validateFields(
	fields: IDataObject,
	model: { fields: Record<string, FieldSpec>; rules?: FieldRule[] } | undefined,
	setElsewhere: string[] = [],
): { fields: IDataObject; problem?: FieldProblem } {
	if (!model) return { fields };
	const specs = model.fields;
	const normalised: IDataObject = {};
	for (const [field, value] of Object.entries(fields)) {
		const spec = specs[field];
		if (!spec) return { fields, problem: { field, message: 'is not supported by this model' } };
		const checked = checkValue(spec, value);
		// An image's problem names its count or size; its value (base64) says nothing.
		const got = spec.kind === 'imageList' || spec.kind === 'image' ? '' : ` (got ${show(value)})`;
		if (checked.problem) return { fields, problem: { field, message: `${checked.problem}${got}` } };
		normalised[field] = checked.value as IDataObject[string];
	}
	const missing = Object.entries(specs).find(
		([field, spec]) =>
			(spec.kind === 'image' || spec.kind === 'string') && spec.required && normalised[field] === undefined && !setElsewhere.includes(field),
	)?.[0];
	if (missing) return { fields, problem: { field: missing, message: 'is required' } };
	const broken = (model.rules ?? []).map((rule) => ruleProblem(rule, normalised, setElsewhere)).find(Boolean);
	return { fields: normalised, problem: broken ?? areaProblem(normalised, specs) };
}

function ruleProblem(rule: FieldRule, fields: IDataObject, setElsewhere: string[]): FieldProblem | undefined {
	const isSet = (field: string) => fields[field] !== undefined || setElsewhere.includes(field);
	const displayName = (field: string) => fieldInfo[field]?.displayName ?? field;
	switch (rule.kind) {
		case 'oneOfRequired':
			if (rule.fields.some(isSet)) return undefined;
			return {
				field: rule.fields.join(' or '),
				displayName: rule.fields.map(displayName).join(' or '),
				message: 'is required: set one of them',
			};
		case 'capWhenSet': {
			const value = fields[rule.field];
			if (!isSet(rule.when) || typeof value !== 'number' || value <= rule.max) return undefined;
			return { field: rule.field, message: `must be at most ${rule.max} with ${displayName(rule.when)} set (got ${value})` };
		}
	}
}

/** Width x height over the model's cap (FLUX.2: 4 MP), counting an unset side at its default. */
function areaProblem(fields: IDataObject, specs: Record<string, FieldSpec>): FieldProblem | undefined {
	for (const [field, spec] of Object.entries(specs)) {
		if (spec.kind !== 'integer' || !spec.area) continue;
		const other = specs[spec.area.times];
		const side = (fields[field] as number | undefined) ?? spec.default;
		const otherSide = (fields[spec.area.times] as number | undefined) ?? (other?.kind === 'integer' ? other.default : undefined);
		if (side === undefined || otherSide === undefined || side * otherSide <= spec.area.maxPixels) continue;
		return {
			field: `${field}, ${spec.area.times}`,
			displayName: 'Width x Height',
			message: `must be at most ${describeArea(spec.area)} (got ${side} x ${otherSide} = ${side * otherSide} pixels)`,
		};
	}
	return undefined;
}

function show(value: unknown): string {
	const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
