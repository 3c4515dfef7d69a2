import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { catalogues, findModel, modelIdShape, type ApiFormatName } from '../catalogue';
import { listedModelIds } from '../api/modelList';

/** Which listed IDs are Flux models of each route (the list also holds chat and other image models). */
const isFluxOf: Record<ApiFormatName, (id: string) => boolean> = {
	bfl: (id) => /^flux[-.]/i.test(id) && modelIdShape.bfl.pattern.test(id),
	replicate: (id) => /^black-forest-labs\/flux/i.test(id) && modelIdShape.replicate.pattern.test(id),
};

/**
 * The Model list of version 2: the catalogue's models with their names, then the Flux models
 * CometAPI lists that the catalogue does not describe yet (they get their family's fields).
 * When the list cannot be read or holds no Flux model, the catalogue alone; the filter matches
 * name or ID.
 */
export async function searchModels(
	context: ILoadOptionsFunctions,
	format: ApiFormatName,
	filter?: string,
): Promise<INodeListSearchResult> {
	const known = catalogues[format].models;
	const listed = ((await listedModelIds(context)) ?? []).filter(isFluxOf[format]);
	const knownIds = new Set(known.map((model) => model.id));
	const results: INodeListSearchItems[] = [
		...known.map((model) => ({ name: model.name, value: model.id, description: model.id })),
		...[...new Set(listed)]
			.filter((id) => !knownIds.has(id))
			.sort()
			.map((id) => ({ name: `${id} (not yet described)`, value: id, description: notDescribed(format, id) })),
	];
	const wanted = filter?.trim().toLowerCase();
	return { results: wanted ? results.filter((item) => `${item.name} ${item.value}`.toLowerCase().includes(wanted)) : results };
}

function notDescribed(format: ApiFormatName, id: string): string {
	const family = findModel(format, id);
	return family
		? `Listed by CometAPI; offered with the fields of ${family.name}`
		: 'Listed by CometAPI; every field is offered, the API checks them';
}

export const listSearch = {
	async searchBflModels(this: ILoadOptionsFunctions, filter?: string) {
		return await searchModels(this, 'bfl', filter);
	},
	async searchReplicateModels(this: ILoadOptionsFunctions, filter?: string) {
		return await searchModels(this, 'replicate', filter);
	},
};
