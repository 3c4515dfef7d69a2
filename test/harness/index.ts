import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export { runNode } from './run-node.ts';
export type { RunNodeOptions, RunNodeResult } from './run-node.ts';
export { binaryBuffer, setupBinaryData } from './binary-data.ts';
export type { HarnessBinaryDataMode } from './binary-data.ts';
export { ensureExpressionEngine, expressionEngineInUse } from './expression-engine.ts';
export { testCredential } from './test-credential.ts';
export { withStandIn } from './stand-in-origin.ts';
export type { CredentialTestResult } from './test-credential.ts';
export { HarnessCredentialsHelper } from './credentials-helper.ts';
export { HarnessCredentialTypes } from './credential-types.ts';
export { HarnessNodeTypes, startNodeType, START_NODE_TYPE } from './node-types.ts';

/** Credential data for the package's `cometApi` credential type. */
export interface CredentialFixture extends ICredentialDataDecryptedObject {
	apiKey: string;
	baseUrl: string;
}
