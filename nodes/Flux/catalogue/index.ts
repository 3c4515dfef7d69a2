import { bflFamilies, bflFieldInfo, bflModels } from './bflModels';
import type { FieldInfo, ModelSpec } from './fieldSpec';
import { replicateFamilies, replicateFieldInfo, replicateModels } from './replicateModels';

export type ApiFormatName = 'bfl' | 'replicate';

export interface Catalogue {
	models: ModelSpec[];
	fieldInfo: Record<string, FieldInfo>;
	families: Array<{ pattern: RegExp; like: string }>;
}

export const catalogues: Record<ApiFormatName, Catalogue> = {
	bfl: { models: bflModels, fieldInfo: bflFieldInfo, families: bflFamilies },
	replicate: { models: replicateModels, fieldInfo: replicateFieldInfo, families: replicateFamilies },
};

/** The catalogue entry for a model ID, or for a typed ID the entry of its family; undefined if unknown. */
export function findModel(format: ApiFormatName, modelId: string): ModelSpec | undefined {
	const { models, families } = catalogues[format];
	const exact = models.find((model) => model.id === modelId);
	if (exact) return exact;
	const family = families.find(({ pattern }) => pattern.test(modelId));
	return family && models.find((model) => model.id === family.like);
}

export { describeRange, describeSpec } from './fieldSpec';
export type { FieldSpec, ModelSpec } from './fieldSpec';
