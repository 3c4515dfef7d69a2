/** What a model accepts for one API field: the single source for the UI and for validation. */
export type FieldSpec =
	| {
			kind: 'integer';
			min: number;
			max: number;
			multipleOf?: number;
			default?: number;
			area?: AreaLimit;
			/** The editor's bound when `max` is only what the area allows (FLUX.2: 4 MP / 64). */
			editorMax?: number;
	  }
	| { kind: 'number'; min: number; max: number; default?: number }
	| { kind: 'boolean'; default?: boolean }
	| { kind: 'choice'; values: string[]; default?: string }
	/** An aspect ratio "W:H" whose value lies between two bounds, e.g. 21:9 and 9:21. */
	| { kind: 'ratioRange'; widest: string; tallest: string; default?: string }
	| { kind: 'string'; format?: 'url'; required?: boolean }
	/** An image given as a URL, or taken from a binary property of the input item. */
	| { kind: 'image'; required?: boolean }
	/** Up to `max` images, each a URL or a binary property of the input item (see imageInputs.ts). */
	| { kind: 'imageList'; max: number };

/** A side whose product with another side is capped (FLUX.2: width x height at most 4 MP). */
export interface AreaLimit {
	times: string;
	maxPixels: number;
}

/** A rule over several fields of one model, checked before any request. */
export type FieldRule =
	/** At least one of these fields must be set (canny, depth: a control image or a preprocessed one). */
	| { kind: 'oneOfRequired'; fields: string[] }
	/** While `when` is set, `field` may be at most `max` (Replicate's Kontext: safety 2 with an input image). */
	| { kind: 'capWhenSet'; field: string; max: number; when: string };

export interface FieldInfo {
	displayName: string;
	description: string;
	/** A secret: the editor masks it. */
	password?: boolean;
}

export interface ModelSpec {
	id: string;
	name: string;
	fields: Record<string, FieldSpec>;
	rules?: FieldRule[];
}

export function describeRange(spec: FieldSpec): string {
	switch (spec.kind) {
		case 'integer': {
			const step = spec.multipleOf ? `, a multiple of ${spec.multipleOf}` : '';
			// With an area cap the side's own max says little: the product is the limit.
			if (spec.area) return `at least ${spec.min}${step}; width x height at most ${describeArea(spec.area)}`;
			return `${spec.min}-${spec.max}${step}`;
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
