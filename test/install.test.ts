// `npm install` works on any Node from 18 up: the repo's .npmrc sets ignore-scripts, so no native
// module is built on the machine's own (maybe older) Node. These tests prove the dependency
// install scripts are all unneeded, and that every native module loads under the Node that runs
// the tests (Node >= 24, through .ci/with-node24.js).
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

test('every dependency with an install script is known not to need it', () => {
	const withScripts = Object.entries(lock.packages)
		.filter(([path, entry]) => path && entry.hasInstallScript)
		.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
	expect(withScripts.length).toBeGreaterThan(0);
	expect([...new Set(withScripts)].filter((name) => !(name in UNNEEDED_INSTALL_SCRIPTS))).toEqual([]);
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

/** Every compiled addon (*.node) under a build/ folder in node_modules: what an install script made. */
function builtAddons(dir: string, found: string[] = []): string[] {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) builtAddons(path, found);
		else if (entry.name.endsWith('.node') && /[\\/]build[\\/]/.test(path)) found.push(path);
	}
	return found;
}

test('no native module in node_modules was compiled for another Node', () => {
	const addons = Object.keys(UNNEEDED_INSTALL_SCRIPTS)
		.map((name) => join(root, 'node_modules', name))
		.filter((dir) => existsSync(dir))
		.flatMap((dir) => builtAddons(dir));
	for (const addon of addons) {
		const load = spawnSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(addon)})`], { encoding: 'utf8' });
		expect({ addon, error: load.stderr.split('\n').find((l) => /Error/.test(l)) }).toEqual({ addon, error: undefined });
	}
});
