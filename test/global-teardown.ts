// Removes the run's temp folder (global-setup.ts) with all that workers left in it.
import { rmSync } from 'node:fs';

export default function removeRunFolder(): void {
	const folder = process.env.COMETAPI_TEST_TMP;
	if (folder) rmSync(folder, { recursive: true, force: true });
}
