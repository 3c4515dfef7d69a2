// The node's rooms, from the top down. A file may import from its own room or a room below it,
// never from one above: the layout nodes/Flux/README.md describes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const rooms = [
	'nodes/Flux/Flux.node.ts',
	'nodes/Flux/runTask.ts',
	'nodes/Flux/task/',
	'nodes/Flux/actions/',
	'nodes/Flux/api/',
	'nodes/Flux/catalogue/',
	'credentials/',
];

function roomOf(path: string): number {
	const room = rooms.findIndex((prefix) => (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix));
	if (room < 0) throw new Error(`${path} is in no room: add it to nodes/Flux/README.md and this test`);
	return room;
}

function sourceFiles(folder: string): string[] {
	return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
		.map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

function importsOf(source: string): string[] {
	return [...source.matchAll(/^\s*(?:(?:import|export)\b[^;'"]*?\bfrom|import)\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

/** Every import that runs back up, or that leaves n8n-workflow and the package's own files. */
export function layoutViolations(files: Record<string, string>): string[] {
	const found: string[] = [];
	for (const [file, source] of Object.entries(files)) {
		for (const spec of importsOf(source)) {
			if (!spec.startsWith('.')) {
				if (spec !== 'n8n-workflow') found.push(`${file} imports ${spec}: node code may import only n8n-workflow`);
				continue;
			}
			const path = relative(root, resolve(root, dirname(file), spec));
			const target = existsSync(join(root, path)) ? `${path}/index.ts` : `${path}.ts`;
			if (roomOf(target) < roomOf(file)) found.push(`${file} imports ${target}, a room above it`);
		}
	}
	return found;
}

const packageFiles = Object.fromEntries(
	[...sourceFiles('nodes'), ...sourceFiles('credentials')].map((file) => [file, readFileSync(join(root, file), 'utf8')]),
);

test('every file of the node is in a room', () => {
	expect(Object.keys(packageFiles).length).toBeGreaterThan(20);
	for (const file of Object.keys(packageFiles)) expect(() => roomOf(file)).not.toThrow();
});

test('imports only run downward: node → runTask → task → actions → api → catalogue', () => {
	expect(layoutViolations(packageFiles)).toEqual([]);
});

test('the check finds an import that runs back up, and one from outside n8n-workflow', () => {
	const upward = {
		'nodes/Flux/api/transport.ts': "import { waitForTask } from '../task/waitForTask';",
		'nodes/Flux/catalogue/index.ts': "import type { Submission } from '../api/cometApi';",
		'nodes/Flux/actions/generate.operation.ts': "import {\n\trunTask,\n} from '../runTask';",
		'nodes/Flux/task/images.ts': "import { request } from 'undici';",
		'nodes/Flux/runTask.ts': "import { readTask } from './api/taskState';",
	};
	expect(layoutViolations(upward)).toEqual([
		'nodes/Flux/api/transport.ts imports nodes/Flux/task/waitForTask.ts, a room above it',
		'nodes/Flux/catalogue/index.ts imports nodes/Flux/api/cometApi.ts, a room above it',
		'nodes/Flux/actions/generate.operation.ts imports nodes/Flux/runTask.ts, a room above it',
		'nodes/Flux/task/images.ts imports undici: node code may import only n8n-workflow',
	]);
});
