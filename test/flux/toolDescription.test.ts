// What an AI Agent's model is told about the tool: n8n sends it the tool's description and one
// argument per $fromAI() in the node's parameters, described by that call's own description
// (packages/core/.../create-node-as-tool.ts); the node's property descriptions never reach it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { getSchema } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import { deepCopy, NodeHelpers, type INode, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { zodToJsonSchema } from 'zod-to-json-schema';

import { Flux } from '../../nodes/Flux/Flux.node';

/**
 * The node's type as n8n registers it for an AI Agent (packages/cli/src/tool-generation/ai-tools.ts):
 * the replacements applied, the name suffixed, and n8n's own description fields (a "Set
 * Automatically" switch, on by default) added when the node brings no `toolDescription`.
 */
function asToolType(): INodeTypeDescription {
	const base = new Flux().description;
	const tool = { ...deepCopy(base), ...(typeof base.usableAsTool === 'object' ? base.usableAsTool.replacements : {}) } as INodeTypeDescription;
	tool.name += 'Tool';
	if (!tool.properties.some((p) => p.name === 'toolDescription')) {
		const descriptionType: INodeProperties = { displayName: 'Tool Description', name: 'descriptionType', type: 'options', options: [{ name: 'Set Automatically', value: 'auto' }, { name: 'Set Manually', value: 'manual' }], default: 'auto' };
		const toolDescription: INodeProperties = { displayName: 'Description', name: 'toolDescription', type: 'string', default: tool.description, displayOptions: { show: { descriptionType: ['manual'] } } };
		tool.properties = [descriptionType, toolDescription, ...tool.properties];
	}
	return tool;
}

/** A tool node as n8n holds it once loaded: the saved parameters with the type's defaults filled in. */
function loaded(node: INode, type: INodeTypeDescription): INode {
	const parameters = NodeHelpers.getNodeParameters(type.properties, node.parameters, true, false, node, type);
	return { ...node, parameters: parameters ?? {} };
}

const demo6 = JSON.parse(readFileSync(join(__dirname, '../n8n/workflows/6-ai-agent-makes-an-image.json'), 'utf8')) as { nodes: INode[] };
const demoTool = demo6.nodes.find((node) => node.type === 'n8n-nodes-cometapi.fluxTool')!;

test('a newly added Flux tool tells the model what it does, what to write in the prompt and what comes back', () => {
	const type = asToolType();
	const node = loaded({ ...demoTool, parameters: { operation: 'generate', model: 'flux-dev', prompt: '' } }, type);
	const told = NodeHelpers.getToolDescriptionForNode(node, { description: type } as never);
	expect(told).toMatch(/imageUrl/);
	expect(told).toMatch(/subject, setting, style/);
	expect(told).toMatch(/seed/i);
	expect(told).toMatch(/width and height/i);
	expect(told).toMatch(/https URL/);
	expect(told.length).toBeLessThan(700);
});

test("demo 6 uses the node's tool description, and its prompt argument tells the model what to write", () => {
	const type = asToolType();
	expect(demoTool.parameters.toolDescription).toBeUndefined();
	const node = loaded(demoTool, type);
	expect(NodeHelpers.getToolDescriptionForNode(node, { description: type } as never)).toMatch(/imageUrl/);
	const schema = zodToJsonSchema(getSchema(node)) as { properties: Record<string, { type: string; description?: string }>; required: string[] };
	expect(Object.keys(schema.properties)).toEqual(['prompt']);
	expect(schema.properties.prompt).toEqual({ type: 'string', description: expect.stringMatching(/subject, setting, style/) });
});

test('how to describe a field for the model is said in tool mode only, not in the normal editor', () => {
	const shownIn = (type: INodeTypeDescription, typeName: string) => {
		const node: INode = { ...demoTool, type: typeName, parameters: { operation: 'generate', model: 'flux-dev', prompt: 'x' } };
		return type.properties.filter((p) => NodeHelpers.displayParameter(node.parameters, p, node, type)).map((p) => `${p.displayName} ${p.description ?? ''}`);
	};
	expect(shownIn(new Flux().description, 'n8n-nodes-cometapi.flux').filter((text) => /\$fromAI/.test(text))).toEqual([]);
	expect(shownIn(asToolType(), 'n8n-nodes-cometapi.fluxTool').filter((text) => /\$fromAI/.test(text))).toHaveLength(1);
});
