import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from './core-container.ts';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

/**
 * Binary data modes the harness can run nodes with:
 * - 'default': n8n's in-memory mode, binary bytes stay base64 in `item.binary[k].data`;
 * - 'filesystem': n8n 2.x's default mode in the app, bytes go to files under a temp dir and
 *   `item.binary[k]` carries an `id` (`filesystem-v2:...`) and `data: 'filesystem-v2'`.
 */
export type HarnessBinaryDataMode = 'default' | 'filesystem';

let storagePath: string | undefined;
let currentMode: HarnessBinaryDataMode | undefined;

/**
 * Configures n8n-core's BinaryDataService singleton (the one `prepareBinaryData`,
 * `getBinaryDataBuffer`, ... use through the DI container) for the given mode.
 */
export async function setupBinaryData(mode: HarnessBinaryDataMode = 'default'): Promise<void> {
	if (currentMode === mode) return;
	storagePath ??= mkdtempSync(join(process.env.COMETAPI_TEST_TMP ?? tmpdir(), 'n8n-harness-binary-'));
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.localStoragePath = storagePath;
	await Container.get(BinaryDataService).init();
	currentMode = mode;
}

/** Bytes of a binary property (default key `data`), whatever the binary data mode. */
export async function binaryBuffer(item: INodeExecutionData, key = 'data'): Promise<Buffer> {
	const binary = item.binary?.[key];
	if (!binary) {
		const keys = Object.keys(item.binary ?? {});
		throw new UnexpectedError(
			`Item has no binary property "${key}" (has: ${keys.length ? keys.join(', ') : 'none'})`,
		);
	}
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}
