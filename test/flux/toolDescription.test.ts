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
 * The node's type as n8n makes it a tool, after packages/cli/src/tool-generation/ai-tools.ts: the
 * name suffixed and, when the node brings no `toolDescription`, n8n's "Set Automatically" switch
 * and a Description defaulting to the node's description. The editor's copy takes
 * `usableAsTool.replacements` first (createAiTools); the copy that runs the workflow does not
 * (n8n 2.41's NodeTypes.getByNameAndVersion converts the plain node type).
 */
function asToolType(where: 'editor' | 'runtime'): INodeTypeDescription {
	const base = new Flux().description;
	const replacements = where === 'editor' && typeof base.usableAsTool === 'object' ? base.usableAsTool.replacements : {};
	const tool = { ...deepCopy(base), ...replacements } as INodeTypeDescription;
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
const toldAtRuntime = (node: INode) => {
	const type = asToolType('runtime');
	return NodeHelpers.getToolDescriptionForNode(loaded(node, type), { description: type } as never);
};

test('a newly added Flux tool ("Set Automatically") tells the model, at run time, what it does and what comes back', () => {
	const told = toldAtRuntime({ ...demoTool, parameters: { operation: 'generate', model: 'flux-dev', prompt: '' } });
	expect(told).toMatch(/one image per call/);
	expect(told).toMatch(/imageUrl/);
	expect(told).toMatch(/taskId/);
	expect(told.length).toBeLessThan(300);
});

test('"Set Manually" starts, in the editor, from the full tool description: the prompt and each field', () => {
	const manual = asToolType('editor').properties.find((p) => p.name === 'toolDescription')!;
	expect(manual.default).toMatch(/imageUrl/);
	expect(manual.default).toMatch(/subject, setting, style/);
	expect(manual.default).toMatch(/seed/i);
	expect(manual.default).toMatch(/width and height/i);
	expect(manual.default).toMatch(/https URL/);
	expect(String(manual.default).length).toBeLessThan(700);
});

test('demo 6 sets the full description by hand, and its prompt argument tells the model what to write', () => {
	expect(demoTool.parameters.descriptionType).toBe('manual');
	const told = toldAtRuntime(demoTool);
	expect(told).toMatch(/imageUrl/);
	expect(told).toMatch(/seed/i);
	const schema = zodToJsonSchema(getSchema(loaded(demoTool, asToolType('runtime')))) as { properties: Record<string, { type: string; description?: string }>; required: string[] };
	expect(Object.keys(schema.properties)).toEqual(['prompt']);
	expect(schema.properties.prompt).toEqual({ type: 'string', description: expect.stringMatching(/subject, setting, style/) });
});

test('how to describe a field for the model is said in tool mode only, not in the normal editor', () => {
	const shownIn = (type: INodeTypeDescription, typeName: string) => {
		const node: INode = { ...demoTool, type: typeName, parameters: { operation: 'generate', model: 'flux-dev', prompt: 'x' } };
		return type.properties.filter((p) => NodeHelpers.displayParameter(node.parameters, p, node, type)).map((p) => `${p.displayName} ${p.description ?? ''}`);
	};
	expect(shownIn(new Flux().description, 'n8n-nodes-cometapi.flux').filter((text) => /\$fromAI/.test(text))).toEqual([]);
	expect(shownIn(asToolType('editor'), 'n8n-nodes-cometapi.fluxTool').filter((text) => /\$fromAI/.test(text))).toHaveLength(1);
});
