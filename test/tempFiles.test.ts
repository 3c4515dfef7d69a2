// The tests leave nothing behind in the temp folder: every run made a user folder and a binary-data
// folder per jest worker, and a few hundred runs later /tmp held hundreds of them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');

test('an engine test run leaves the temp folder as it found it', () => {
	const scratch = mkdtempSync(join(tmpdir(), 'cometapi-tmpcheck-'));
	try {
		const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch };
		// This run's own folders must not be handed down: the child makes and removes its own.
		delete env.N8N_USER_FOLDER;
		delete env.COMETAPI_TEST_TMP;
		// jest's transform cache stays where this run keeps it: a cache, meant to outlive the run.
		const cache = `--cacheDirectory=${join(tmpdir(), `jest_${process.getuid?.().toString(36) ?? 'x'}`)}`;
		const jest = join(root, 'node_modules/jest/bin/jest.js');
		const run = spawnSync(process.execPath, [jest, '--ci', cache, 'test/harness.test.ts'], { cwd: root, env, encoding: 'utf8' });
		expect(run.stderr).toMatch(/Tests:\s+\d+ passed/);
		expect(run.status).toBe(0);
		expect(readdirSync(scratch)).toEqual([]);
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}, 120_000);
