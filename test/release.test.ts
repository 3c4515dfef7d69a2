// The release pipeline: the GitHub workflows pass actionlint and do what docs/releasing.md says; the tag check refuses a tag that is not the version; the packed tarball holds exactly
// what n8n installs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json'));
const node = process.execPath;

/** A CHANGELOG.md with this text in a folder of its own, removed after the tests. */
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function changelogWith(text: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'changelog-'));
	scratch.push(dir);
	writeFileSync(join(dir, 'CHANGELOG.md'), text);
	return join(dir, 'CHANGELOG.md');
}

/** The test/release scripts are ES modules run by Node 24 directly: run them in a child. */
function runScript(code: string): string {
	return execFileSync(node, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

test('actionlint finds no problem in either workflow, and reports a broken one', () => {
	const problems = JSON.parse(runScript(`import { actionlint } from './test/release/actionlint.ts'; console.log(JSON.stringify(await actionlint()));`));
	expect(problems).toEqual([]);
	expect(pkg.scripts.lint).toContain('test/release/actionlint.ts');
	const broken = runScript(`
		import { writeFileSync, mkdtempSync } from 'node:fs';
		import { createRequire } from 'node:module';
		const { createLinter } = createRequire(import.meta.url)('actionlint');
		const lint = await createLinter();
		console.log(JSON.stringify(lint('on: push\\njobs:\\n  a:\\n    runs-on: ubuntu-latest\\n    steps:\\n      - run: echo \${{ github.nope }}\\n', 'x.yml')));`);
	expect(JSON.parse(broken)[0].message).toContain('"nope" is not defined');
});

test('ci.yml runs the checks of .ci/run on Node 24, on push and pull request', () => {
	const ci = read('.github/workflows/ci.yml');
	expect(ci).toMatch(/^ {2}push:/m);
	expect(ci).toMatch(/^ {2}pull_request:/m);
	expect(ci).toMatch(/node-version: 24/);
	for (const step of ['npm install', 'npm run lint', 'npm run build', 'npm test', 'npm run scan', 'npm run test:e2e']) {
		expect(ci).toContain(`run: ${step}`);
	}
	// The E2E editor checks run only with a browser; test/e2e/screenshots.ts takes its path from CHROMIUM_PATH.
	expect(ci).toMatch(/CHROMIUM_PATH: \/usr\/bin\/google-chrome\n\s+run: npm run test:e2e/);
	const run = read('.ci/run');
	for (const step of ['npm install && npm test', 'npm run lint', 'npm run build', 'npm run scan', 'npm run test:e2e']) expect(run).toContain(step);
});

test('publish.yml publishes version tags with provenance, after the checks and the tag check', () => {
	const publish = read('.github/workflows/publish.yml');
	expect(publish).toMatch(/tags: \['v\*\.\*\.\*'\]/);
	expect(publish).toMatch(/id-token: write/);
	expect(publish).toContain('uses: ./.github/workflows/ci.yml');
	expect(publish).toContain('needs: [tag, checks]');
	expect(publish).toContain('.ci/check-release-tag.sh "$GITHUB_REF_NAME"');
	expect(publish).toContain('npm publish --provenance --access public');
	expect(publish.indexOf('npm run scan')).toBeLessThan(publish.indexOf('npm publish'));
});

test('docs/releasing.md names what publish.yml really runs', () => {
	const publish = read('.github/workflows/publish.yml');
	const doc = read('docs/releasing.md');
	for (const step of ['.ci/check-release-tag.sh', 'npm run scan', 'npm publish --provenance --access public', 'id-token: write', '@n8n/scan-community-package', 'NPM_TOKEN']) {
		expect(doc).toContain(step);
		expect(publish).toContain(step);
	}
	expect(doc).toContain('`publish.yml`');
	expect(doc).toContain(`\`v\` + package.json's version`);
});

test('the tag check passes v<version> with a dated changelog entry, and refuses any other tag', () => {
	const released = changelogWith(read('CHANGELOG.md').replace(/^## (\S+) \(unreleased\)/m, '## $1 (2026-12-24)'));
	const check = (tag: string, changelog = released) =>
		spawnSync('bash', ['.ci/check-release-tag.sh', tag, changelog], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${resolve(node, '..')}:${process.env.PATH}` } });
	const ok = check(`v${pkg.version}`);
	expect(ok.stdout).toContain(`matches package.json version ${pkg.version}`);
	expect(ok.status).toBe(0);
	for (const tag of ['v9.9.9', pkg.version, `v${pkg.version}-rc.1`]) {
		const refused = check(tag);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain('does not match package.json version');
	}
	expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[?${pkg.version.replace(/\./g, '\\.')}\\]?`, 'm'));
});

test('the tag check refuses a version whose changelog entry still says "unreleased"', () => {
	const changelog = changelogWith(`# Changelog\n\n## ${pkg.version} (unreleased)\n- work in progress\n`);
	const refused = spawnSync('bash', ['.ci/check-release-tag.sh', `v${pkg.version}`, changelog], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${resolve(node, '..')}:${process.env.PATH}` } });
	expect(refused.status).toBe(1);
	expect(refused.stderr).toContain('still says "unreleased"');
});

test('publish.yml leaves npm to Trusted Publishing unless NPM_TOKEN is set', () => {
	const publish = read('.github/workflows/publish.yml');
	// An empty token in .npmrc (setup-node's registry-url with an unset secret) makes npm skip the OIDC exchange.
	expect(publish).not.toMatch(/^\s+registry-url:/m);
	expect(publish).not.toMatch(/NODE_AUTH_TOKEN:/);
	expect(publish).toContain('if [ -n "$NPM_TOKEN" ]; then npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN"; fi');
});

test('the packed tarball holds exactly dist/, index.js, the README, the LICENSE and package.json, with every file n8n loads', () => {
	const packed = JSON.parse(runScript(`import { buildAndPack } from './test/release/pack.ts'; console.log(JSON.stringify(buildAndPack(process.cwd())));`));
	try {
		const files: string[] = packed.files;
		expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['LICENSE.md', 'README.md', 'index.js', 'package.json']);
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(file);
		expect(files).toEqual(expect.arrayContaining(['dist/nodes/Flux/flux.svg', 'dist/nodes/Flux/flux.dark.svg', 'dist/nodes/Flux/Flux.node.json']));
		expect(files.some((f) => /\.test\.|\/test\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toBe(false);
		const packedPkg = JSON.parse(readFileSync(join(packed.dir, 'package.json'), 'utf8'));
		expect(packedPkg.dependencies).toBeUndefined();
		expect(Object.keys(packedPkg.scripts ?? {}).filter((s) => /install|prepare/.test(s))).toEqual([]);
		// require('n8n-nodes-cometapi') of the packed package: its main, index.js, gives both classes
		// (n8n-workflow, the peer dependency, from this repository's node_modules).
		expect(packedPkg.main).toBe('index.js');
		const required = execFileSync(
			node,
			['-e', 'const p = require(process.argv[1]); console.log(JSON.stringify({ keys: Object.keys(p).sort(), node: new p.Flux().description.name, credential: new p.CometApi().name }))', packed.dir],
			{ encoding: 'utf8', env: { ...process.env, NODE_PATH: join(root, 'node_modules') } },
		);
		expect(JSON.parse(required)).toEqual({ keys: ['CometApi', 'Flux'], node: 'flux', credential: 'cometApi' });
	} finally {
		rmSync(packed.folder, { recursive: true, force: true });
	}
}, 180_000);
