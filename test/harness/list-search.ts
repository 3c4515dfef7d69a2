import { LoadOptionsContext } from 'n8n-core';
import type {
	ILoadOptionsFunctions,
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { HarnessCredentialTypes } from './credential-types.ts';
import { HarnessCredentialsHelper } from './credentials-helper.ts';
import { ensureExpressionEngine } from './expression-engine.ts';
import { HarnessNodeTypes } from './node-types.ts';
import type { RunNodeOptions } from './run-node.ts';

/**
 * Runs a node's `methods.listSearch` entry as the editor does (n8n's DynamicNodeParametersService:
 * a LoadOptionsContext on a one-node workflow with the node's credential and parameters).
 */
export async function runListSearch(options: {
	nodeType: INodeType;
	method: string;
	credentials: NonNullable<RunNodeOptions['credentials']>;
	parameters?: INodeParameters;
	filter?: string;
	/** The node's version; default 2, the first with a Model list. */
	typeVersion?: number;
}): Promise<INodeListSearchResult> {
	await ensureExpressionEngine();
	const typeName = 'harness.nodeUnderTest';
	const nodeTypes = new HarnessNodeTypes({ [typeName]: options.nodeType });
	const node: INode = {
		id: 'harness-list-search',
		name: 'Node',
		type: typeName,
		typeVersion: options.typeVersion ?? 2,
		position: [0, 0],
		parameters: options.parameters ?? {},
		credentials: Object.fromEntries(Object.keys(options.credentials).map((type) => [type, { id: `${type}-1`, name: `${type} (test)` }])),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = {
		credentialsHelper: new HarnessCredentialsHelper(new HarnessCredentialTypes(), options.credentials),
		currentNodeParameters: node.parameters,
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.model');
	const method = options.nodeType.methods?.listSearch?.[options.method];
	if (!method) throw new Error(`The node has no listSearch method ${options.method}`);
	// n8n's server acquires the expression isolate around a load-options request; the credential's
	// authenticate expression needs it.
	await workflow.expression.acquireIsolate();
	try {
		return await method.call(context as unknown as ILoadOptionsFunctions, options.filter);
	} finally {
		await workflow.expression.releaseIsolate();
	}
}
