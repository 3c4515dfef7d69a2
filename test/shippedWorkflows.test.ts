// Every workflow this repo ships (the demos `npm start` imports, the queue-mode workflows, the
// benchmark's) holds the node at its latest version: a user who copies a node from one gets what
// the README describes. A workflow kept only to test an older version says so in its file name
// (`...-v1.json`).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { Flux } from '../nodes/Flux/Flux.node';
import { ourWorkflow } from './bench/workflows';

const latest = Math.max(...([new Flux().description.version].flat() as number[]));
const isOurs = (type: string): boolean => type.startsWith('n8n-nodes-cometapi.');

interface ShippedNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
}

function workflowFiles(): Array<{ file: string; nodes: ShippedNode[] }> {
	const dirs = [join(__dirname, 'n8n', 'workflows'), join(__dirname, 'queue', 'workflows')];
	return dirs.flatMap((dir) =>
		readdirSync(dir)
			.filter((f) => f.endsWith('.json'))
			.map((f) => ({ file: relative(join(__dirname, '..'), join(dir, f)), nodes: (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nodes: ShippedNode[] }).nodes })),
	);
}

const shipped = [
	...workflowFiles(),
	{ file: 'test/bench/workflows.ts ourWorkflow()', nodes: ourWorkflow(2, { id: 'c', name: 'c' }).nodes as unknown as ShippedNode[] },
];

test('the latest version is what a new node gets', () => {
	expect(new Flux().description.defaultVersion).toBe(latest);
});

test.each(shipped.filter((w) => !/-v\d+\.json$/.test(w.file)).map((w) => [w.file, w.nodes] as const))(
	'%s holds every CometAPI node at the latest version, Model as the version-2 list',
	(_file, nodes) => {
		const ours = nodes.filter((n) => isOurs(n.type));
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			expect({ node: node.name, typeVersion: node.typeVersion }).toEqual({ node: node.name, typeVersion: latest });
			if ('model' in node.parameters) expect(node.parameters.model).toMatchObject({ __rl: true, mode: 'list' });
		}
	},
);

test('a workflow kept for an older version says which in its file name', () => {
	for (const { file, nodes } of shipped) {
		const older = nodes.filter((n) => isOurs(n.type) && n.typeVersion < latest);
		if (older.length === 0) continue;
		const named = /-v(\d+)\.json$/.exec(file);
		expect({ file, versions: older.map((n) => n.typeVersion) }).toEqual({ file, versions: older.map(() => Number(named?.[1])) });
	}
});
