/** The live contract check's parts that run without a key: its no-key line and how it describes answers. */
import { execFileSync } from 'node:child_process';
import { request } from 'undici';

import { describeAnswer, redact, redactor } from './contract/shape.ts';
import { startSimulator, type Simulator } from './simulator/index.ts';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ generationMs: 50, wire: 'envelope' });
});
afterAll(async () => sim.close());

test('without COMETAPI_API_KEY it exits 0 with one line saying what it would do', () => {
	const env = { ...process.env, COMETAPI_API_KEY: '' };
	const out = execFileSync(process.execPath, ['test/contract/live-check.ts'], { env, encoding: 'utf8' });
	expect(out.trim().split('\n')).toHaveLength(1);
	expect(out).toMatch(/COMETAPI_API_KEY.*flux-schnell.*flux-dev.*observed\.json/);
});

test('describes an enveloped answer of the simulator: shape, statuses, where the id and images are; redacts', async () => {
	const create = await request(`${sim.url}/replicate/v1/models/black-forest-labs/flux-schnell/predictions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json', prefer: 'wait=5' },
		body: JSON.stringify({ input: { prompt: 'a cube' } }),
	});
	const body = (await create.body.json()) as { data: { task_id: string } };
	const shape = describeAnswer(body);
	expect(shape.shape).toBe('task envelope');
	expect(shape.statuses).toEqual({ 'data.status': 'SUCCESS', 'data.data.status': 'succeeded' });
	expect(shape.idAt).toEqual(expect.arrayContaining(['data.task_id', 'data.data.id']));
	expect(shape.imageUrlAt).toEqual(['data.data.output[0]']);
	const text = redact(JSON.stringify({ body, shape }), [body.data.task_id, sim.apiKey]);
	expect(text).not.toContain(body.data.task_id);
	expect(text).not.toMatch(/https?:\/\//);
	expect(describeAnswer({ id: 'x', status: 'Pending' }).shape).toBe('raw');
});

test('every task ID an answer named is redacted, also where a failed run\'s error message quotes it', () => {
	const hidden = redactor('sk-live-key-123');
	const answers = [
		{ code: 'success', message: '', data: { task_id: 'task-envelope-1', status: 'IN_PROGRESS', data: { id: 'prediction-inner-1' } } },
		{ data: { id: 'replicate-create-1' } },
		{ id: 'bfl-task-1', status: 'Pending' },
	];
	for (const answer of answers) hidden.saw(answer);
	const report = {
		routes: {
			replicate: { delivered: false, error: 'Task replicate-create-1 was still "processing" after 240 s (prediction-inner-1)' },
			bfl: { delivered: false, error: 'Task bfl-task-1: CometAPI kept failing; task-envelope-1; key sk-live-key-123' },
		},
	};
	const text = hidden.redact(JSON.stringify(report));
	for (const secret of ['task-envelope-1', 'prediction-inner-1', 'replicate-create-1', 'bfl-task-1', 'sk-live-key-123']) {
		expect(text).not.toContain(secret);
	}
	expect(text.match(/<redacted>/g)).toHaveLength(5);
});

