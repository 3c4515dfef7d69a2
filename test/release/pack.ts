// Builds and packs the package as `npm publish` would, and unpacks the tarball into a temp folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface Packed {
	/** The temp folder that holds the tarball and `package/`: remove it when done. */
	folder: string;
	tarball: string;
	/** The unpacked `package/` folder. */
	dir: string;
	/** Every file in the tarball, relative to `package/`. */
	files: string[];
}

const npm = (root: string, args: string[]): string =>
	execFileSync('npm', args, { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` } });

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)))
		.sort();
}

export function buildAndPack(root: string): Packed {
	npm(root, ['run', 'build']);
	const out = mkdtempSync(join(tmpdir(), 'cometapi-pack-'));
	const info = JSON.parse(npm(root, ['pack', '--json', '--pack-destination', out]).replace(/^[^[]*/, ''));
	const tarball = join(out, info[0].filename);
	execFileSync('tar', ['-xzf', tarball, '-C', out]);
	const dir = join(out, 'package');
	return { folder: out, tarball, dir, files: filesUnder(dir) };
}
