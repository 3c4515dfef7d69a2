// The simulator's OpenAI-compatible /v1/chat/completions: the scripted conversation n8n's AI Agent
// has with it in demo 6 (tool call first, then a final message quoting the image URL).
import { startSimulator, type Simulator } from './simulator/index.ts';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ generationMs: 50 });
});
afterAll(async () => {
	await sim.close();
});

async function chat(body: unknown, key = sim.apiKey): Promise<{ status: number; json: any }> {
	const res = await fetch(`${sim.url}/v1/chat/completions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: res.status, json: await res.json() };
}

const tools = [
	{ type: 'function', function: { name: 'Calculator', parameters: { type: 'object', properties: { input: { type: 'string' } } } } },
	{ type: 'function', function: { name: 'CometAPI_Flux', parameters: { type: 'object', properties: { prompt: { type: 'string' } } } } },
];

test('first answer: a call to the image tool with the user request as its prompt', async () => {
	const { status, json } = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a fox in snow' }], tools });
	expect(status).toBe(200);
	const choice = json.choices[0];
	expect(choice.finish_reason).toBe('tool_calls');
	expect(choice.message.tool_calls).toHaveLength(1);
	expect(choice.message.tool_calls[0].function.name).toBe('CometAPI_Flux');
	expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({ prompt: 'a fox in snow' });
});

test('after the tool result: a final message quoting the image URL it got', async () => {
	const url = 'http://127.0.0.1:1/images/t/0.jpeg?se=2026&sig=a%2Bb';
	const { json } = await chat({
		model: 'gpt-4o-mini',
		messages: [
			{ role: 'user', content: 'a fox in snow' },
			{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'CometAPI_Flux', arguments: '{}' } }] },
			{ role: 'tool', tool_call_id: 'c1', content: JSON.stringify([{ imageUrl: url, taskId: 't' }]) },
		],
		tools,
	});
	expect(json.choices[0].finish_reason).toBe('stop');
	expect(json.choices[0].message.content).toContain(url);
});

test('the key is required, and a conversation needs messages', async () => {
	expect((await chat({ messages: [{ role: 'user', content: 'x' }] }, 'wrong')).status).toBe(401);
	expect((await chat({ model: 'm' })).status).toBe(400);
});
