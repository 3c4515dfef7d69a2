// One temp folder for the whole jest run; workers inherit COMETAPI_TEST_TMP and make their folders
// in it (setup-env.ts, harness/binary-data.ts). global-teardown.ts removes it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function makeRunFolder(): void {
	process.env.COMETAPI_TEST_TMP = mkdtempSync(join(tmpdir(), 'n8n-cometapi-jest-'));
}
