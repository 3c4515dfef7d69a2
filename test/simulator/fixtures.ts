import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs both as ESM (node test/simulator/cli.ts) and as CommonJS (ts-jest), so neither
// import.meta nor __dirname works in both; the V8 call site of this module knows its own path.
function thisFile(): string {
	const original = Error.prepareStackTrace;
	try {
		Error.prepareStackTrace = (_error, callSites) => callSites;
		const callSites = new Error().stack as unknown as NodeJS.CallSite[];
		const name = callSites[0].getFileName() ?? '';
		return name.startsWith('file:') ? fileURLToPath(name) : name;
	} finally {
		Error.prepareStackTrace = original;
	}
}

const FIXTURES = join(dirname(thisFile()), 'fixtures');

let cache: { jpeg: Buffer; webp: Buffer } | undefined;

/** Small real pictures (512x384) made once with ImageMagick and cwebp; see fixtures/README.md. */
export function fixtureImages(): { jpeg: Buffer; webp: Buffer } {
	cache ??= {
		jpeg: readFileSync(join(FIXTURES, 'sample.jpg')),
		webp: readFileSync(join(FIXTURES, 'sample.webp')),
	};
	return cache;
}
