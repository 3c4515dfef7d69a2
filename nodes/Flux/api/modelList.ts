import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE, editorBaseUrl } from './credential';

const LIST_TIMEOUT_MS = 10_000;

/**
 * The model IDs CometAPI lists for the credential (`GET /v1/models`, OpenAI's shape
 * `{data: [{id}]}`), or undefined when it cannot tell: no credential, a failure, another shape.
 * The editor then falls back to the catalogue, so nothing here throws.
 */
export async function listedModelIds(context: ILoadOptionsFunctions): Promise<string[] | undefined> {
	const baseUrl = await editorBaseUrl(context);
	if (!baseUrl) return undefined;
	try {
		const answer = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
			baseURL: baseUrl,
			url: '/v1/models',
			method: 'GET',
			json: true,
			disableFollowRedirect: true,
			timeout: LIST_TIMEOUT_MS,
		})) as { data?: unknown };
		if (!Array.isArray(answer?.data)) return undefined;
		return answer.data
			.map((entry) => (entry as { id?: unknown })?.id)
			.filter((id): id is string => typeof id === 'string' && id !== '');
	} catch {
		return undefined;
	}
}
