import { RoutingNode } from 'n8n-core';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

export const START_NODE_TYPE = 'harness.start';

/**
 * The workflow's first node: no inputs, passes the items the execution was started with
 * (the harness puts them on the execution stack as its input) to the node under test.
 */
export const startNodeType: INodeType = {
	description: {
		displayName: 'Harness Start',
		name: START_NODE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits the test items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	},
};

/** Same rule as n8n's packages/cli `shouldAssignExecuteMethod`. */
export function isDeclarativeWithoutExecute(nodeType: INodeType): boolean {
	const isDeclarativeNode = nodeType?.description?.requestDefaults !== undefined;
	return (
		!nodeType.execute &&
		!nodeType.poll &&
		!nodeType.trigger &&
		(!nodeType.webhook || isDeclarativeNode) &&
		(!nodeType.methods || isDeclarativeNode)
	);
}

/**
 * INodeTypes as n8n's packages/cli NodeTypes: versions resolved with
 * `NodeHelpers.getVersionedNodeType`, and declarative nodes get an `execute` that runs
 * `RoutingNode` with the execute context (so the execution's cancel signal reaches it).
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType>;

	constructor(types: Record<string, INodeType | IVersionedNodeType>) {
		this.types = { [START_NODE_TYPE]: startNodeType, ...types };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new UnexpectedError(`Unrecognized node type: ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const versioned = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		if (isDeclarativeWithoutExecute(versioned)) {
			versioned.execute = async function (this: IExecuteFunctions) {
				const routingNode = new RoutingNode(
					this as unknown as ConstructorParameters<typeof RoutingNode>[0],
					versioned,
				);
				const data = await routingNode.runNode();
				return data ?? [];
			};
		}
		return versioned;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}
