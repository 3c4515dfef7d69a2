// CometAPI is also an OpenAI-compatible LLM gateway: POST /v1/chat/completions. The simulator
// answers a scripted conversation, enough for n8n's AI Agent to drive the Flux node as a tool:
//   1. no tool result yet: call the image tool (the first tool offered whose name says image or
//      flux, else the first), filling every string argument with the user's request;
//   2. a tool result came back: a final message that quotes the image URL found in it.
import { cometError, json, type Reply } from './replies.ts';
import type { Incoming } from './state.ts';

interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}
interface ChatTool {
	type: string;
	function: { name: string; parameters?: { properties?: Record<string, { type?: string }> } };
}

const text = (content: unknown): string =>
	typeof content === 'string'
		? content
		: Array.isArray(content)
			? content.map((part) => (typeof part === 'string' ? part : String((part as { text?: unknown }).text ?? ''))).join('')
			: '';

let counter = 0;

function completion(model: string, message: Record<string, unknown>, finishReason: string, promptChars: number): Reply {
	counter++;
	return json(200, {
		id: `chatcmpl-sim-${counter}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
		usage: { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: 20, total_tokens: Math.ceil(promptChars / 4) + 20 },
	});
}

export function chatCompletion(req: Incoming): Reply {
	const body = req.body as { model?: string; messages?: ChatMessage[]; tools?: ChatTool[]; stream?: boolean } | undefined;
	const messages = body?.messages;
	if (!Array.isArray(messages) || messages.length === 0) return cometError(400, 'messages is required');
	if (body?.stream) return cometError(400, 'the simulator answers only stream: false');
	const model = body?.model ?? 'gpt-4o-mini';
	const promptChars = JSON.stringify(messages).length;
	const toolResults = messages.filter((m) => m.role === 'tool');
	if (toolResults.length > 0) {
		const result = text(toolResults[toolResults.length - 1].content);
		const url = /https?:\/\/[^\s"'\\]+/.exec(result)?.[0];
		const content = url ? `Here is your image: ${url}` : `The image tool gave no image URL. It said: ${result.slice(0, 300)}`;
		return completion(model, { role: 'assistant', content }, 'stop', promptChars);
	}
	const tools = (body?.tools ?? []).filter((t) => t.type === 'function');
	const tool = tools.find((t) => /image|flux/i.test(t.function.name)) ?? tools[0];
	const request = text([...messages].reverse().find((m) => m.role === 'user')?.content);
	if (!tool) return completion(model, { role: 'assistant', content: `No image tool is connected; you asked: ${request}` }, 'stop', promptChars);
	const args: Record<string, unknown> = {};
	for (const [key, spec] of Object.entries(tool.function.parameters?.properties ?? {})) {
		args[key] = spec.type === 'number' || spec.type === 'integer' ? 1 : spec.type === 'boolean' ? true : request;
	}
	const call = { id: `call_sim_${counter + 1}`, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(args) } };
	return completion(model, { role: 'assistant', content: null, tool_calls: [call] }, 'tool_calls', promptChars);
}
