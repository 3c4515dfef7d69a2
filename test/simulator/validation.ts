import type { FieldSpec, FieldTable } from './models.ts';

export interface Problem {
	field: string;
	kind: 'missing' | 'value_error';
	message: string;
	input?: unknown;
}

export interface CheckResult {
	problems: Problem[];
	/** Fields present in the body that the model does not take (the real APIs ignore them). */
	ignored: string[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Types are strict JSON types (no "1024" for 1024): a node that sends strings should be caught. */
export function checkFields(table: FieldTable, body: Record<string, unknown>): CheckResult {
	const problems: Problem[] = [];
	for (const [field, spec] of Object.entries(table)) {
		const value = body[field];
		if (value === undefined || value === null) {
			if ('required' in spec && spec.required) {
				problems.push({ field, kind: 'missing', message: 'Field required' });
			}
			continue;
		}
		const message = checkValue(spec, value);
		if (message) problems.push({ field, kind: 'value_error', message, input: value });
	}
	const ignored = Object.keys(body).filter((field) => !(field in table));
	return { problems, ignored };
}

function checkValue(spec: FieldSpec, value: unknown): string | undefined {
	switch (spec.type) {
		case 'string':
			return typeof value === 'string' ? undefined : 'Input should be a valid string';
		case 'url':
			return isHttpUrl(value) ? undefined : 'Input should be a valid URL';
		case 'boolean':
			return typeof value === 'boolean' ? undefined : 'Input should be a valid boolean';
		case 'enum':
			return typeof value === 'string' && spec.values.includes(value)
				? undefined
				: `Input should be ${spec.values.map((v) => `'${v}'`).join(', ')}`;
		case 'ratio':
			return checkRatio(value);
		case 'image':
			return checkImage(value);
		case 'list':
			if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
				return 'Input should be a valid list of strings';
			if (value.length > spec.maxItems) return `List should have at most ${spec.maxItems} items after validation, not ${value.length}`;
			if (spec.of === 'image') {
				const bad = value.findIndex((entry) => checkImage(entry) !== undefined);
				if (bad >= 0) return `Item ${bad}: ${checkImage(value[bad])}`;
			}
			return undefined;
		case 'integer':
			if (typeof value !== 'number' || !Number.isInteger(value))
				return 'Input should be a valid integer';
			return checkRange(value, spec.min, spec.max) ?? checkMultiple(value, spec.multipleOf);
		case 'number':
			if (typeof value !== 'number' || !Number.isFinite(value))
				return 'Input should be a valid number';
			return checkRange(value, spec.min, spec.max);
	}
}

const IMAGE_MAGIC: Array<Array<number | null>> = [
	[0x89, 0x50, 0x4e, 0x47], // PNG
	[0xff, 0xd8, 0xff], // JPEG
	[0x47, 0x49, 0x46, 0x38], // GIF
	[0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50], // RIFF....WEBP
];

/** A URL, or base64 (raw or in a data URI) that decodes to an image's bytes: a file name, text or a broken encoding is refused. */
function checkImage(value: unknown): string | undefined {
	const refused = 'Input should be a valid URL or a base64-encoded image';
	if (typeof value !== 'string') return refused;
	if (isHttpUrl(value)) return undefined;
	const dataUri = /^data:image\/[a-z0-9.+-]+;base64,(.*)$/is.exec(value);
	const base64 = (dataUri ? dataUri[1] : value).replace(/\s+/g, '');
	if (base64.length < 8 || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return refused;
	const bytes = Buffer.from(base64, 'base64');
	return IMAGE_MAGIC.some((magic) => magic.every((byte, i) => byte === null || bytes[i] === byte)) ? undefined : refused;
}

function checkRange(value: number, min?: number, max?: number): string | undefined {
	if (min !== undefined && value < min) return `Input should be greater than or equal to ${min}`;
	if (max !== undefined && value > max) return `Input should be less than or equal to ${max}`;
	return undefined;
}

function checkMultiple(value: number, multipleOf?: number): string | undefined {
	if (multipleOf !== undefined && value % multipleOf !== 0)
		return `Input should be a multiple of ${multipleOf}`;
	return undefined;
}

function checkRatio(value: unknown): string | undefined {
	const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
	if (!match) return "Input should match pattern '^\\d+:\\d+$'";
	const ratio = Number(match[1]) / Number(match[2]);
	if (!(ratio >= 9 / 21 && ratio <= 21 / 9)) return 'Aspect ratio must be between 21:9 and 9:21';
	return undefined;
}

function isHttpUrl(value: unknown): boolean {
	if (typeof value !== 'string' || value.length > 2083) return false;
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}
