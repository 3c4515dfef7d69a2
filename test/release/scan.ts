// `npm run scan`: n8n's community-package scanner gate, run locally. `npx @n8n/scan-community-package`
// only takes a package already on the registry (it checks its provenance first), so this runs the
// same ESLint gate its analyzePackageByName runs after that check: on the source tree with its
// SOURCE_FILE_PATTERNS, and on the packed tarball's JavaScript and package.json. After a release,
// `npx @n8n/scan-community-package n8n-nodes-cometapi@<version>` runs the whole check, provenance too.
import { rmSync } from 'node:fs';
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import { repoRoot } from '../n8n/install.ts';
import { buildAndPack } from './pack.ts';

async function main(): Promise<number> {
	const root = repoRoot();
	const packed = buildAndPack(root);
	console.log(`packed ${packed.tarball} (${packed.files.length} files)`);
	let failed = false;
	try {
		for (const [what, dir, patterns] of [
			['source (nodes/, credentials/, package.json)', root, SOURCE_FILE_PATTERNS],
			['packed tarball (*.js, package.json)', packed.dir, ['**/*.js', 'package.json']],
		] as const) {
			const result = await analyzePackage(dir, [...patterns]);
			console.log(`${result.passed ? 'ok  ' : 'FAIL'} scanner gate on the ${what}${result.passed ? '' : `: ${result.message}\n${result.details ?? ''}`}`);
			failed ||= !result.passed;
		}
	} finally {
		rmSync(packed.folder, { recursive: true, force: true });
	}
	return failed ? 1 : 0;
}

void main().then((code) => process.exit(code));
