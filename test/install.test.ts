// `npm install` works on any Node from 18 up: the repo's .npmrc sets ignore-scripts, so no native
// module is built on the machine's own (maybe older) Node. These tests prove the dependency
// install scripts are all unneeded, that nothing was compiled on install, and that isolated-vm
// loads its prebuild under the Node that runs the tests (Node >= 24, through .ci/with-node24.js).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');

/** Every dependency install script in the lock file, and why the package works without it. */
const UNNEEDED_INSTALL_SCRIPTS: Record<string, string> = {
	'isolated-vm': 'ships prebuilds for Node 24 (ABI 137); node-gyp-build picks one at require time',
	'@sentry/node-cpu-profiler': 'ships prebuilt binaries per ABI in lib/; the script only checks one loads',
	'@sentry/node-native-stacktrace': 'ships prebuilt binaries per ABI; the script only checks one loads',
	'@parcel/watcher': 'builds only with npm_config_build_from_source; binaries come as optional packages',
	ssh2: 'builds an optional crypto binding; ssh2 falls back to pure JavaScript without it',
	'cpu-features': 'optional dependency of ssh2, which loads it in a try/catch',
	'eslint-plugin-n8n-nodes-base': "preinstall `npx only-allow pnpm` only guards the plugin's own repo",
};

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };

test('the repo installs without running dependency install scripts', () => {
	const npmrc = readFileSync(join(root, '.npmrc'), 'utf8');
	expect(npmrc).toMatch(/^ignore-scripts=true$/m);
	expect(npmrc).not.toMatch(/^engine-strict=true$/m);
	const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
	expect(pkg.engines.node).toBe('>=24');
});

test('isolated-vm loads its prebuild for this Node and runs an isolate', () => {
	const dir = join(root, 'node_modules', 'isolated-vm');
	const nodeGypBuild = require(join(root, 'node_modules', 'node-gyp-build')) as { path(dir: string): string };
	const addon = nodeGypBuild.path(dir);
	expect(addon).toContain(`${join(dir, 'prebuilds')}`);
	expect(addon).toContain(`abi${process.versions.modules}`);
	expect(existsSync(join(dir, 'build'))).toBe(false);
	const run = spawnSync(process.execPath, ['-e', `const ivm = require(${JSON.stringify(dir)}); const iso = new ivm.Isolate({ memoryLimit: 16 }); const ctx = iso.createContextSync(); console.log(iso.compileScriptSync('6 * 7').runSync(ctx));`], { encoding: 'utf8' });
	expect(run.stderr).toBe('');
	expect(run.stdout.trim()).toBe('42');
});

/** Packages that could compile native code on install: an install script, or a binding.gyp (npm runs node-gyp for it). */
function packagesThatCouldBuild(): string[] {
	return Object.entries(lock.packages)
		.filter(([path, entry]) => path && (entry.hasInstallScript || existsSync(join(root, path, 'binding.gyp'))))
		.map(([path]) => path);
}

/** The addons node-gyp leaves in a package's build/ folder (build/Release/*.node and the like). */
function nodeGypOutputs(dir: string, found: string[] = []): string[] {
	if (!existsSync(dir)) return found;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) nodeGypOutputs(path, found);
		else if (entry.name.endsWith('.node')) found.push(path);
	}
	return found;
}

test('nothing was compiled on install: no package that could build has a node-gyp output', () => {
	const candidates = packagesThatCouldBuild();
	expect(candidates).toContain('node_modules/isolated-vm');
	const compiled = candidates.flatMap((path) => nodeGypOutputs(join(root, path, 'build')));
	expect(compiled).toEqual([]);
});

test('every package that could build is either loaded here (isolated-vm) or listed with why it is not needed', () => {
	const names = packagesThatCouldBuild().map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
	expect(names.filter((name) => !(name in UNNEEDED_INSTALL_SCRIPTS))).toEqual([]);
});
