import { dirname } from 'node:path';

import type { Container as ContainerType } from '@n8n/di';

/**
 * n8n-core's own DI container. n8n-core ships with its own copy of @n8n/di
 * (node_modules/n8n-core/node_modules/@n8n/di), so the top-level `@n8n/di` would be another,
 * empty container: resolve the module from n8n-core's location to share its singletons
 * (BinaryDataService, BinaryDataConfig, OutboundHttp, ...).
 */
function loadCoreContainer(): typeof ContainerType {
	const corePath = dirname(require.resolve('n8n-core'));
	const diPath = require.resolve('@n8n/di', { paths: [corePath] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require(diPath) as { Container: typeof ContainerType }).Container;
}

export const Container = loadCoreContainer();
