// Describes one CometAPI answer without its values: keys, status values, where the task ID and the
// image URLs were found, and which accepted shape it is. URLs, IDs and the key are redacted.

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface AnswerShape {
	shape: 'task envelope' | 'data wrapper' | 'raw' | 'not JSON';
	keys: string[];
	statuses: Record<string, string>;
	idAt: string[];
	imageUrlAt: string[];
}

interface Found {
	ids: string[];
	idValues: string[];
	urls: string[];
	keys: string[];
	statuses: Record<string, string>;
}

const nothingFound = (): Found => ({ ids: [], idValues: [], urls: [], keys: [], statuses: {} });

/** Every path (a.b[0]) whose value is an http(s) URL, or a string under an id-like key. */
function walk(value: unknown, path: string, found: Found) {
	if (Array.isArray(value)) return value.forEach((entry, i) => walk(entry, `${path}[${i}]`, found));
	if (!isObject(value)) {
		if (typeof value === 'string' && /^https?:\/\//i.test(value)) found.urls.push(path);
		return;
	}
	for (const [key, entry] of Object.entries(value)) {
		const at = path ? `${path}.${key}` : key;
		found.keys.push(at);
		if (/^(id|task_id)$/.test(key) && typeof entry === 'string') {
			found.ids.push(at);
			found.idValues.push(entry);
		}
		if (key === 'status' && typeof entry === 'string') found.statuses[at] = entry;
		walk(entry, at, found);
	}
}

export function describeAnswer(body: unknown): AnswerShape {
	const found = nothingFound();
	if (!isObject(body)) return { shape: 'not JSON', keys: [], statuses: {}, idAt: [], imageUrlAt: [] };
	walk(body, '', found);
	const data = body.data;
	const shape = isObject(data) ? (isObject(data.data) || 'task_id' in data ? 'task envelope' : 'data wrapper') : 'raw';
	const imageUrlAt = found.urls.filter((path) => /(output|sample)/.test(path));
	return { shape, keys: found.keys, statuses: found.statuses, idAt: found.ids, imageUrlAt };
}

/** The value of every id-like key (id, task_id) anywhere in an answer: each must be redacted. */
export function idsIn(body: unknown): string[] {
	const found = nothingFound();
	walk(body, '', found);
	return found.idValues;
}

/** Text with URLs, the given IDs and the key replaced. */
export function redact(text: string, secrets: string[]): string {
	let out = text.replace(/https?:\/\/[^\s"']+/g, '<url>');
	for (const secret of secrets.filter((s) => s.length >= 4)) out = out.split(secret).join('<redacted>');
	return out;
}

/** Keeps the key and every task ID seen in an answer out of what the live check writes or prints. */
export function redactor(key: string) {
	const secrets = [key];
	return {
		saw: (answer: unknown) => void secrets.push(...idsIn(answer)),
		redact: (text: string) => redact(text, secrets),
	};
}

