import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { ICredentialType } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

/** Root of the package under test (the directory holding package.json). */
export const packageRoot = resolve(__dirname, '..', '..');

/**
 * Credential types known to the harness, by name. Like n8n's CredentialTypes, it is filled
 * from the package's `n8n.credentials` list (package.json) on first use, plus anything
 * registered explicitly (e.g. credential types defined inline in a test).
 */
export class HarnessCredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	private packageLoaded = false;

	register(...credentialTypes: ICredentialType[]) {
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	recognizes(name: string) {
		this.loadPackageCredentials();
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		this.loadPackageCredentials();
		const type = this.types.get(name);
		if (!type) {
			throw new UnexpectedError(`Unknown credential type "${name}"`, {
				tags: { credentialType: name },
			});
		}
		return type;
	}

	/** Names of the parent credential types (`extends`), nearest first. */
	getParentTypes(name: string): string[] {
		if (!this.recognizes(name)) return [];
		const parents = this.getByName(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/**
	 * Loads the credential classes the package declares in package.json (`dist/credentials/X.js`),
	 * from their TypeScript sources (`credentials/X.ts`), as the n8n loader would from dist.
	 */
	private loadPackageCredentials() {
		if (this.packageLoaded) return;
		this.packageLoaded = true;
		const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
			n8n?: { credentials?: string[] };
		};
		for (const distPath of pkg.n8n?.credentials ?? []) {
			const sourcePath = join(packageRoot, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
			if (!existsSync(sourcePath)) continue;
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(sourcePath) as Record<string, unknown>;
			for (const value of Object.values(exported)) {
				if (typeof value !== 'function') continue;
				try {
					const instance = new (value as new () => ICredentialType)();
					if (typeof instance.name === 'string' && Array.isArray(instance.properties)) {
						if (!this.types.has(instance.name)) this.types.set(instance.name, instance);
					}
				} catch {
					// not a credential class
				}
			}
		}
	}
}
