import { ErrorReporter, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData, deepCopy } from 'n8n-workflow';

import { Container } from './core-container.ts';
import { ensureExpressionEngine } from './expression-engine.ts';
import { setupBinaryData, type HarnessBinaryDataMode } from './binary-data.ts';
import { HarnessCredentialTypes } from './credential-types.ts';
import { HarnessCredentialsHelper } from './credentials-helper.ts';
import { HarnessNodeTypes, START_NODE_TYPE } from './node-types.ts';

export interface RunNodeOptions {
	/** The node type under test, e.g. `new Flux()` (plain or versioned). */
	nodeType: INodeType | IVersionedNodeType;
	/** Type name the node is registered under; default 'n8n-nodes-cometapi.flux'. */
	typeName?: string;
	parameters: INodeParameters;
	/** Input items (json + optional binary with base64 `data`); default `[{ json: {} }]`. */
	items?: INodeExecutionData[];
	/** Credential data by credential type name, e.g. `{ cometApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Sets `onError: 'continueRegularOutput'` on the node (the "On Error: Continue" setting). */
	continueOnFail?: boolean;
	/** Cancels the running execution after this long, as the editor's Stop button does. */
	abortAfterMs?: number;
	/** Abort once this settles (then after abortAfterMs, if set): e.g. when a server saw the request. */
	abortWhen?: Promise<unknown>;
	/** Default: the node type's latest version. */
	typeVersion?: number;
	/**
	 * Credential types beyond the ones the package declares in package.json `n8n.credentials`
	 * (those are loaded from `credentials/*.ts` automatically).
	 */
	credentialTypes?: ICredentialType[];
	/** n8n binary data mode; default 'default' (in memory, base64 in `binary[k].data`). */
	binaryDataMode?: HarnessBinaryDataMode;
	/** Execution mode; default 'manual' (a run from the editor). */
	mode?: WorkflowExecuteMode;
	/** Extra node settings (retryOnFail, alwaysOutputData, ...) merged into the node. */
	nodeSettings?: Partial<INode>;
	/**
	 * Another node of the same type on the Start node's output, run after the node under test (n8n
	 * hands both the same input array). Its run data is in `run.data.resultData.runData[name]`.
	 */
	sibling?: { name: string; parameters: INodeParameters };
	/** After an abort, how long to wait for the node to return before giving up; default 5000. */
	abortGraceMs?: number;
}

export interface RunNodeResult {
	/** The node's main output 0 (binary bytes: use `binaryBuffer(item, key)`). */
	items: INodeExecutionData[];
	/** All of the node's main outputs (e.g. the error output with continueErrorOutput). */
	outputs: INodeExecutionData[][];
	/** The workflow's error (resultData.error) or the node's error in its run data. */
	error?: ExecutionError;
	/** Execution status: 'success' | 'error' | 'canceled' | 'waiting' ... */
	status: string;
	/** The full run (from the `workflowExecuteAfter` hook, or the engine's final run data). */
	run: IRun;
	/** With abortAfterMs or abortWhen: whether the node returned (honoured the cancel signal) within abortGraceMs. */
	nodeStopped?: boolean;
	/** Milliseconds from the abort to the node returning (when it did). */
	stopLatencyMs?: number;
	/** The node as placed in the workflow (name, parameters with defaults, credentials). */
	node: INode;
}

const DEFAULT_TYPE_NAME = 'n8n-nodes-cometapi.flux';
let executionCounter = 0;

/**
 * n8n reports every node error to its ErrorReporter, which (without Sentry) logs it with its
 * stack. The errors are in the result anyway: keep test output readable unless
 * N8N_HARNESS_LOG_ERRORS is set.
 */
function quietErrorReporter() {
	if (process.env.N8N_HARNESS_LOG_ERRORS) return;
	const reporter = Container.get(ErrorReporter) as unknown as { report: () => void };
	reporter.report = () => {};
}

function latestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

function defaultNodeName(nodeType: INodeType | IVersionedNodeType): string {
	const description = nodeType.description as { defaults?: { name?: string }; displayName: string };
	return description.defaults?.name ?? description.displayName ?? 'Node';
}

function nodeOutputs(run: IRun, nodeName: string): INodeExecutionData[][] {
	const taskData = run.data.resultData.runData[nodeName]?.at(-1);
	return (taskData?.data?.main ?? []).map((output) => output ?? []);
}

function nodeError(run: IRun, nodeName: string): ExecutionError | undefined {
	return run.data.resultData.error ?? run.data.resultData.runData[nodeName]?.at(-1)?.error;
}

/**
 * Runs `Start → node under test` through n8n-core's real WorkflowExecute, the way the n8n app
 * runs a workflow from the editor: node types resolved with NodeHelpers.getVersionedNodeType,
 * declarative nodes executed by RoutingNode, credentials served by an ICredentialsHelper,
 * binary data through n8n-core's BinaryDataService, the run collected from the lifecycle hooks.
 */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	await ensureExpressionEngine();
	await setupBinaryData(options.binaryDataMode ?? 'default');
	quietErrorReporter();

	const typeName = options.typeName ?? DEFAULT_TYPE_NAME;
	const mode = options.mode ?? 'manual';
	const credentials = deepCopy(options.credentials ?? {});
	const credentialTypes = new HarnessCredentialTypes();
	credentialTypes.register(...(options.credentialTypes ?? []));
	const nodeTypes = new HarnessNodeTypes({ [typeName]: options.nodeType });

	const startNode: INode = {
		id: 'harness-start',
		name: 'Start',
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	let nodeName = defaultNodeName(options.nodeType);
	if (nodeName === startNode.name) nodeName = `${nodeName} 1`;
	const node: INode = {
		id: 'harness-node-under-test',
		name: nodeName,
		type: typeName,
		typeVersion: options.typeVersion ?? latestVersion(options.nodeType),
		position: [250, 0],
		parameters: deepCopy(options.parameters),
		...(Object.keys(credentials).length > 0 && {
			credentials: Object.fromEntries(
				Object.keys(credentials).map((type) => [type, { id: `${type}-1`, name: `${type} (test)` }]),
			),
		}),
		...(options.continueOnFail && { onError: 'continueRegularOutput' as const }),
		...options.nodeSettings,
	};
	const sibling: INode | undefined = options.sibling && {
		...node,
		id: 'harness-sibling',
		name: options.sibling.name,
		position: [250, 200],
		parameters: deepCopy(options.sibling.parameters),
	};
	const connections: IConnections = {
		[startNode.name]: {
			main: [[node, ...(sibling ? [sibling] : [])].map((target) => ({ node: target.name, type: 'main' as const, index: 0 }))],
		},
	};

	const workflowId = 'harness-workflow';
	const executionId = `harness-execution-${++executionCounter}`;
	const settings = { executionOrder: 'v1' as const };
	const workflow = new Workflow({
		id: workflowId,
		name: 'Harness workflow',
		nodes: [startNode, node, ...(sibling ? [sibling] : [])],
		connections,
		active: false,
		nodeTypes,
		settings,
	});

	const workflowData = {
		id: workflowId,
		name: workflow.name,
		active: false,
		isArchived: false,
		nodes: Object.values(workflow.nodes),
		connections,
		settings,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	let hookRun: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		hookRun ??= fullRunData;
	});

	const additionalData = {
		hooks,
		credentialsHelper: new HarnessCredentialsHelper(credentialTypes, credentials),
		executionId,
		workflowId,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not supported by the test harness');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('Task runners are not supported by the test harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const items = deepCopy(options.items ?? [{ json: {} }]);
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [items] }, source: null }],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	let execution: ReturnType<WorkflowExecute['processRunExecutionData']>;
	try {
		execution = workflowExecute.processRunExecutionData(workflow);
	} catch (error) {
		// Refused before running, e.g. WorkflowHasIssuesError (missing required parameters).
		const e = error as ExecutionError;
		const run: IRun = {
			data: createRunExecutionData({ resultData: { error: e } }),
			mode,
			startedAt: new Date(),
			stoppedAt: new Date(),
			status: 'error',
			storedAt: 'db',
		};
		return { items: [], outputs: [], error: e, status: 'error', run, node: workflow.nodes[node.name] };
	}

	let finalRun: IRun | undefined;
	let engineError: unknown;
	let settledAt: number | undefined;
	const settled = execution.then(
		(run) => {
			finalRun = run;
			settledAt = Date.now();
		},
		(error: unknown) => {
			engineError = error;
			settledAt = Date.now();
		},
	);

	let abortedAt: number | undefined;
	if (options.abortAfterMs === undefined && options.abortWhen === undefined) {
		await settled;
	} else {
		let abortTimer: NodeJS.Timeout | undefined;
		const aborted = Promise.resolve(options.abortWhen).then(
			async () =>
				await new Promise<void>((resolve) => {
					abortTimer = setTimeout(() => {
						if (settledAt !== undefined) return resolve();
						abortedAt = Date.now();
						// What n8n's ActiveExecutions.stopExecution does: cancel the PCancelable. The engine
						// aborts its AbortController (the nodes' getExecutionCancelSignal()) and reports the
						// run with status 'canceled' through workflowExecuteAfter at once.
						execution.cancel();
						resolve();
					}, options.abortAfterMs ?? 0);
				}),
		);
		await Promise.race([settled, aborted]);
		clearTimeout(abortTimer);
		if (abortedAt !== undefined && settledAt === undefined) {
			// Give the node time to notice the signal and return, without hanging on it.
			await Promise.race([settled, delay(options.abortGraceMs ?? 5000)]);
		}
	}

	if (engineError !== undefined && hookRun === undefined) throw engineError;
	const run = (abortedAt !== undefined ? hookRun : undefined) ?? finalRun ?? hookRun;
	if (!run) throw new Error('The execution finished without run data');

	// After an abort, n8n records the hook's run (status 'canceled'); the engine's own final run
	// data (same execution data, plus the node's result) is returned when the node stopped.
	const resultRun = abortedAt !== undefined && finalRun ? { ...finalRun, status: run.status } : run;
	const outputs = nodeOutputs(resultRun, node.name);
	return {
		items: outputs[0] ?? [],
		outputs,
		error: nodeError(resultRun, node.name),
		status: run.status,
		run: resultRun,
		node: workflow.nodes[node.name],
		...(abortedAt !== undefined && {
			nodeStopped: settledAt !== undefined,
			...(settledAt !== undefined && { stopLatencyMs: settledAt - abortedAt }),
		}),
	};
}

async function delay(ms: number) {
	await new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, ms);
		timer.unref?.();
	});
}
