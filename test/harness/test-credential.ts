import { RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { ensureExpressionEngine } from './expression-engine.ts';
import { HarnessNodeTypes } from './node-types.ts';
import { runNode } from './run-node.ts';

export interface CredentialTestResult {
	/** What n8n's credential test answers (INodeCredentialTestResult). */
	status: 'OK' | 'Error';
	/** The message the editor shows, mapped from the error exactly as n8n's CredentialsTester does. */
	message: string;
	/**
	 * Not shown by n8n's credential dialog; for assertions: the HTTP status and the API's own
	 * error message as n8n's NodeApiError extracted them (`httpCode`, `description`), and the
	 * error's own message before the tester's mapping.
	 */
	details?: { httpCode?: string; description?: string; errorMessage?: string };
}

/** n8n-nodes-base.noOp's description: what n8n's CredentialsTester bases its temp node on. */
const noOpDescription: INodeType['description'] = {
	displayName: 'No Operation, do nothing',
	name: 'n8n-nodes-base.noOp',
	icon: 'fa:arrow-right',
	group: ['organization'],
	version: 1,
	description: 'No Operation',
	defaults: { name: 'No Operation, do nothing', color: '#b0b0b0' },
	inputs: ['main'],
	outputs: ['main'],
	properties: [],
};

interface TestError {
	message?: unknown;
	httpCode?: string | null;
	description?: string | null;
	cause?: { response?: { status: number; statusText?: string }; code?: string };
}

/**
 * Mirrors n8n's CredentialsTester (packages/cli/src/services/credentials-tester.service.ts)
 * for a credential with a declarative `test` request: the credential data gets the type's
 * defaults, a temp node based on NoOp gets one property whose `routing.request` is the
 * test request, and RoutingNode runs it with the decrypted credentials, here inside the
 * engine (runNode, mode 'internal'). Errors map to what the editor shows, the same way.
 */
export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const testRequest: ICredentialTestRequest | undefined = credentialType.test;
	if (!testRequest) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	let credentialsDecrypted: ICredentialsDecrypted;
	try {
		await ensureExpressionEngine();
		credentialsDecrypted = {
			id: `${credentialType.name}-1`,
			name: `${credentialType.name} (test)`,
			type: credentialType.name,
			data: await applyDefaultsAndResolve(credentialType, data),
		};
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}

	const nodeTypeCopy: INodeType = {
		description: {
			...noOpDescription,
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	let thrown: TestError | undefined;
	let response: INodeExecutionData[][] | null | undefined;
	nodeTypeCopy.execute = async function (this: IExecuteFunctions) {
		const routingNode = new RoutingNode(
			this as unknown as ConstructorParameters<typeof RoutingNode>[0],
			nodeTypeCopy,
			credentialsDecrypted,
		);
		try {
			response = await routingNode.runNode();
		} catch (error) {
			thrown = error as TestError;
			throw error;
		}
		return response ?? [];
	};

	const result = await runNode({
		nodeType: nodeTypeCopy,
		typeName: noOpDescription.name,
		parameters: {},
		credentials: { [credentialType.name]: credentialsDecrypted.data ?? {} },
		credentialTypes: [credentialType],
		mode: 'internal',
	});

	const error: TestError | undefined = thrown ?? (result.error as TestError | undefined);
	if (error) {
		const details = {
			...(error.httpCode && { httpCode: error.httpCode }),
			...(error.description && { description: error.description }),
			errorMessage: String(error.message),
		};
		const mapped = mapError(error, testRequest);
		return { ...mapped, details };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json ?? {};
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** The catch block of n8n's CredentialsTester.testCredentials. */
function mapError(error: TestError, testRequest: ICredentialTestRequest): CredentialTestResult {
	if (error.cause?.response) {
		const statusCode = error.cause.response.status;
		const statusMessage = error.cause.response.statusText;
		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		// All requests with response codes that are not 2xx are treated by default as failed
		if (statusCode < 199 || statusCode > 299) {
			return {
				status: 'Error',
				message: statusMessage || `Received HTTP status code: ${statusCode}`,
			};
		}
	} else if (error.cause?.code) {
		return { status: 'Error', message: error.cause.code };
	}
	return { status: 'Error', message: String(error.message) };
}

/** As CredentialsHelper.applyDefaultsAndOverwrites without an execution: defaults + expressions. */
async function applyDefaultsAndResolve(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<ICredentialDataDecryptedObject> {
	const withDefaults = NodeHelpers.getNodeParameters(
		credentialType.properties,
		{ ...data } as INodeParameters,
		true,
		false,
		null,
		null,
	) as ICredentialDataDecryptedObject;
	const mockNode = { id: 'mock', name: '', typeVersion: 1, type: 'mock', position: [0, 0] as [number, number], parameters: {} };
	const workflow = new Workflow({
		nodes: [mockNode],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes({
			mock: { description: { ...noOpDescription, name: 'mock' } } as INodeType,
		}),
	});
	await workflow.expression.acquireIsolate();
	try {
		return workflow.expression.getComplexParameterValue(
			mockNode,
			withDefaults as INodeParameters,
			'internal',
			{},
			undefined,
			undefined,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	} finally {
		await workflow.expression.releaseIsolate();
	}
}

function getPath(object: unknown, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
			object,
		);
}
