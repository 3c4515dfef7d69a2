/**
 * A JSON value with `change` applied to every string in it, names included. Only what changes is
 * copied: an answer that echoes megabytes of input images is walked, never serialised or cloned.
 */
export function mapStrings<T>(value: T, change: (text: string) => string): T {
	return walk(value, change) as T;
}

function walk(value: unknown, change: (text: string) => string): unknown {
	if (typeof value === 'string') return change(value);
	// Bytes are not text: nothing to change in them.
	if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
	if (Array.isArray(value)) {
		const items = value.map((item) => walk(item, change));
		return items.some((item, index) => item !== value[index]) ? items : value;
	}
	let copy: Record<string, unknown> | undefined;
	for (const [name, field] of Object.entries(value)) {
		const newName = change(name);
		const newField = walk(field, change);
		if (newName === name && newField === field) continue;
		copy ??= { ...value };
		if (newName !== name) delete copy[name];
		copy[newName] = newField;
	}
	return copy ?? value;
}
