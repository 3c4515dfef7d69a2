import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export const DEFAULT_BASE_URL = 'https://api.cometapi.com';

/**
 * The credential's base URL, normalized: trailing slashes and a trailing `/v1` are dropped, so
 * `https://api.cometapi.com`, `.../` and `.../v1/` all give `https://api.cometapi.com`. No Base URL,
 * or an empty one, is the default: CometAPI's own n8n package defines a credential of the same
 * name with an API key only, and n8n may hand us that one. Anything set that is not an http(s)
 * URL (`ftp://...`, `javascript:...`) gives undefined.
 */
export function cometApiBaseUrl(baseUrl: unknown): string | undefined {
	const set = String(baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	const url = set.replace(/\/+$/, '').replace(/\/v1$/i, '').replace(/\/+$/, '');
	return /^https?:\/\/[^/?#\s]/i.test(url) ? url : undefined;
}

/**
 * {@link cometApiBaseUrl} as an n8n expression (`$credentials` in scope), for the credential's
 * test request. A URL that is not http(s) fails the expression with "The CometAPI base URL must
 * start with http:// or https://" (n8n's default `vm` engine; the legacy engine resolves it to
 * nothing and the request fails as an invalid URL). Either way no request leaves n8n.
 */
export const cometApiBaseUrlExpression =
	`={{ (() => { const url = (String($credentials.baseUrl ?? '').trim() || '${DEFAULT_BASE_URL}').replace(/\\/+$/, '').replace(/\\/v1$/i, '').replace(/\\/+$/, ''); if (/^https?:\\/\\/[^\\/?#\\s]/i.test(url)) { return url; } const error = new Error('The CometAPI base URL must start with http:// or https://'); error.name = 'ExpressionError'; throw error; })() }}`;

export class CometApi implements ICredentialType {
	name = 'cometApi';

	displayName = 'CometAPI API';

	icon: Icon = { light: 'file:cometApi.svg', dark: 'file:cometApi.dark.svg' };

	documentationUrl = 'https://apidoc.cometapi.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your CometAPI key, from the API Keys page of the CometAPI dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'The CometAPI server to use; empty means https://api.cometapi.com. A trailing slash or a /v1 suffix is fine. Must start with http:// or https://.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: cometApiBaseUrlExpression,
			url: '/v1/models',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Invalid API key: CometAPI answered 401 Unauthorized. Check the key.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'CometAPI refused this API key (403 Forbidden): it may be disabled or lack access.',
				},
			},
		],
	};
}
