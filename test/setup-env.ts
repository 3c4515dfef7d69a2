import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core writes its instance config under N8N_USER_FOLDER; keep it out of ~/.n8n, in this run's
// temp folder (global-setup.ts), which global-teardown.ts removes.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(process.env.COMETAPI_TEST_TMP ?? tmpdir(), 'n8n-user-'));
