import { bflFamilies, bflModels, bflUnlistedModels } from './bflModels';
import type { ModelSpec } from './fieldSpec';
import { replicateFamilies, replicateModels } from './replicateModels';

export type ApiFormatName = 'bfl' | 'replicate';

export interface Catalogue {
	/** The models the editor lists. */
	models: ModelSpec[];
	/** Models only a typed ID of their family reaches (the provider serves them, CometAPI does not list them). */
	unlisted: ModelSpec[];
	families: Array<{ pattern: RegExp; like: string }>;
}

export const catalogues: Record<ApiFormatName, Catalogue> = {
	bfl: { models: bflModels, unlisted: bflUnlistedModels, families: bflFamilies },
	replicate: { models: replicateModels, unlisted: [], families: replicateFamilies },
};

/** Every described model of a format, listed or not. */
export function describedModels(format: ApiFormatName): ModelSpec[] {
	return [...catalogues[format].models, ...catalogues[format].unlisted];
}

/** What a model ID of each format looks like. */
export const modelIdShape: Record<ApiFormatName, { pattern: RegExp; example: string }> = {
	bfl: { pattern: /^[\w.-]+$/, example: 'flux-pro-1.1' },
	replicate: { pattern: /^[\w.-]+\/[\w.-]+$/, example: 'black-forest-labs/flux-schnell' },
};

/** The API fields at least one model of the format takes. */
export function fieldsOf(format: ApiFormatName): string[] {
	return [...new Set(describedModels(format).flatMap((model) => Object.keys(model.fields)))];
}

/** The catalogue entry for a model ID, or for a typed ID the entry of its family; undefined if unknown. */
export function findModel(format: ApiFormatName, modelId: string): ModelSpec | undefined {
	const models = describedModels(format);
	const exact = models.find((model) => model.id === modelId);
	if (exact) return exact;
	const family = catalogues[format].families.find(({ pattern }) => pattern.test(modelId));
	return family && models.find((model) => model.id === family.like);
}

export { describeRange, describeSpec } from './fieldSpec';
export { fieldInfo } from './fieldInfo';
export type { FieldRule, FieldSpec, ModelSpec } from './fieldSpec';
