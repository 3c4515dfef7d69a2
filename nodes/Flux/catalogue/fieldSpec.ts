/** What a model accepts for one API field: the single source for the UI and for validation. */
export type FieldSpec =
	| { kind: 'integer'; min: number; max: number; multipleOf?: number; default?: number; area?: AreaLimit }
	| { kind: 'number'; min: number; max: number; default?: number }
	| { kind: 'boolean'; default?: boolean }
	| { kind: 'choice'; values: string[]; default?: string }
	/** An aspect ratio "W:H" whose value lies between two bounds, e.g. 21:9 and 9:21. */
	| { kind: 'ratioRange'; widest: string; tallest: string; default?: string }
	| { kind: 'string'; format?: 'url' }
	/** An image given as a URL, or taken from a binary property of the input item. */
	| { kind: 'image'; required?: boolean }
	/** Up to `max` images, each a URL or a binary property of the input item (see imageLists.ts). */
	| { kind: 'imageList'; max: number };

/** A side whose product with another side is capped (FLUX.2: width x height at most 4 MP). */
export interface AreaLimit {
	times: string;
	maxPixels: number;
}

export interface FieldInfo {
	displayName: string;
	description: string;
}

export interface ModelSpec {
	id: string;
	name: string;
	fields: Record<string, FieldSpec>;
}

export function describeRange(spec: FieldSpec): string {
	switch (spec.kind) {
		case 'integer': {
			const step = spec.multipleOf ? `, a multiple of ${spec.multipleOf}` : '';
			const area = spec.area ? `; width x height at most ${describeArea(spec.area)}` : '';
			return `${spec.min}-${spec.max}${step}${area}`;
		}
		case 'number':
			return `${spec.min}-${spec.max}`;
		case 'choice':
			return spec.values.join(', ');
		case 'ratioRange':
			return `between ${spec.widest} and ${spec.tallest}`;
		case 'imageList':
			return `up to ${spec.max} images`;
		default:
			return '';
	}
}

export function describeSpec(spec: FieldSpec): string {
	const range = describeRange(spec);
	const parts = [range && `Allowed: ${range}.`];
	if ('default' in spec && spec.default !== undefined) parts.push(`Default: ${String(spec.default)}.`);
	return parts.filter(Boolean).join(' ');
}

export function describeArea(area: AreaLimit): string {
	return `${area.maxPixels / 2 ** 20} MP (${area.maxPixels} pixels) in all`;
}
