import { Expression, LoggerProxy } from 'n8n-workflow';

type Engine = 'vm' | 'legacy';

const SETTINGS = { poolSize: 1, maxCodeCacheSize: 1024, bridgeTimeout: 5000, bridgeMemoryLimit: 128 };

let started: Promise<void> | undefined;

interface Evaluator {
	initialize(): Promise<void>;
	dispose(): Promise<void>;
}

/**
 * What `Expression.initExpressionEngine({ engine: 'vm', ... })` does, with `require` in place of
 * its `await import('@n8n/expression-runtime')`: jest cannot run a dynamic import without
 * --experimental-vm-modules. Same evaluator, bridge, sandbox hooks and settings as the app.
 */
async function startVmEngineWithRequire(): Promise<void> {
	/* eslint-disable @typescript-eslint/no-require-imports */
	const runtime = require('@n8n/expression-runtime') as {
		ExpressionEvaluator: new (options: object) => Evaluator;
		IsolatedVmBridge: new (options: object) => unknown;
	};
	const { expressionSandboxHooks } = require('n8n-workflow/expression-sandboxing') as {
		expressionSandboxHooks: unknown;
	};
	/* eslint-enable @typescript-eslint/no-require-imports */
	const evaluator = new runtime.ExpressionEvaluator({
		createBridge: () =>
			new runtime.IsolatedVmBridge({
				timeout: SETTINGS.bridgeTimeout,
				memoryLimit: SETTINGS.bridgeMemoryLimit,
				logger: LoggerProxy,
			}),
		maxCodeCacheSize: SETTINGS.maxCodeCacheSize,
		poolSize: SETTINGS.poolSize,
		hooks: expressionSandboxHooks,
		logger: LoggerProxy,
	});
	await evaluator.initialize();
	(Expression as unknown as { vmEvaluator?: Evaluator }).vmEvaluator = evaluator;
	Expression.setExpressionEngine('vm');
}

/**
 * Starts n8n's expression engine as the app does at boot (packages/cli BaseCommand): n8n 2.x
 * evaluates expressions in an isolated-vm sandbox by default (`N8N_EXPRESSION_ENGINE=vm`);
 * `N8N_EXPRESSION_ENGINE=legacy` selects the in-process evaluator instead. Stopped after the
 * test file (afterAll) so jest can exit.
 */
export async function ensureExpressionEngine(): Promise<void> {
	const engine = (process.env.N8N_EXPRESSION_ENGINE as Engine | undefined) ?? 'vm';
	if (engine === 'legacy') return;
	started ??= (async () => {
		try {
			await Expression.initExpressionEngine({ engine, ...SETTINGS });
		} catch (error) {
			if (!/dynamic import|vm-modules/i.test((error as Error).message)) throw error;
			await startVmEngineWithRequire();
		}
	})();
	await started;
}

/** 'vm' or 'legacy': the engine expressions are evaluated with right now. */
export function expressionEngineInUse(): string {
	return Expression.getActiveImplementation();
}

if (typeof afterAll === 'function') {
	afterAll(async () => {
		if (!started) return;
		await started.catch(() => undefined);
		await Expression.disposeExpressionEngine();
		started = undefined;
	});
}
