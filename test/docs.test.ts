// The user docs hold together: every relative link in README.md, CHANGELOG.md and docs/*.md
// reaches a file of the repo, every #anchor a heading of its target (GitHub's slugs), and the
// README stays a short users' page in the sections n8n's community nodes use.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';

const root = resolve(__dirname, '..');

/** Reads a repo file by its path from the root, or undefined when there is no such file or folder ('' for a folder). */
type RepoFiles = (path: string) => string | undefined;

/** Markdown without fenced code blocks: code is not a link and `# comment` in it is not a heading. */
function withoutCodeBlocks(markdown: string): string {
	let fence: string | undefined;
	return markdown
		.split('\n')
		.map((line) => {
			const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
			if (fence) {
				if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
				return '';
			}
			if (marker) {
				fence = marker;
				return '';
			}
			return line;
		})
		.join('\n');
}

/** GitHub's anchor for a heading: its text lowercased, punctuation dropped, spaces as hyphens. */
export function githubSlug(heading: string): string {
	const text = heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image: its text
		.replace(/`([^`]*)`/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/\*+/g, '')
		.replace(/(^|\s)_+([^_]+)_+(?=\s|$)/g, '$1$2');
	return text
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
		.replace(/ /g, '-');
}

/** The anchors of a markdown file's headings; a repeated heading gets -1, -2 ... as on GitHub. */
export function headingAnchors(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const match of withoutCodeBlocks(markdown).matchAll(/^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
		const slug = githubSlug(match[1]);
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count ? `${slug}-${count}` : slug);
	}
	return anchors;
}

/** The link targets of a markdown file: inline links and images, and reference definitions. */
export function linkTargets(markdown: string): string[] {
	const text = withoutCodeBlocks(markdown).replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
	const inline = [...text.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)].map((m) =>
		m[1].replace(/^<|>$/g, ''),
	);
	const definitions = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1].replace(/^<|>$/g, ''));
	return [...inline, ...definitions];
}

/** Every link of these markdown files (repo paths) that reaches no file, or no heading of its target. */
export function brokenLinks(markdownFiles: string[], read: RepoFiles): string[] {
	const broken: string[] = [];
	for (const file of markdownFiles) {
		const source = read(file);
		if (source === undefined) {
			broken.push(`${file}: no such file`);
			continue;
		}
		for (const target of linkTargets(source)) {
			if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // https:, mailto: ...
			const hash = target.indexOf('#');
			const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
			const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
			const targetFile = pathPart ? normalize(join(dirname(file), pathPart)).replace(/\/$/, '') : file;
			if (targetFile.startsWith('..')) {
				broken.push(`${file}: ${target} leaves the repository`);
				continue;
			}
			const content = read(targetFile);
			if (content === undefined) {
				broken.push(`${file}: ${target} (no file ${targetFile})`);
				continue;
			}
			if (anchor === undefined) continue;
			if (!targetFile.endsWith('.md')) {
				broken.push(`${file}: ${target} (an anchor into a file that is not markdown)`);
			} else if (!headingAnchors(content).has(anchor)) {
				broken.push(`${file}: ${target} (no heading "#${anchor}" in ${targetFile})`);
			}
		}
	}
	return broken;
}

const readRepoFile: RepoFiles = (path) => {
	const full = join(root, path);
	if (!existsSync(full)) return undefined;
	return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
};

const docsFiles = readdirSync(join(root, 'docs'))
	.filter((name) => name.endsWith('.md'))
	.map((name) => `docs/${name}`);
const userDocs = ['README.md', 'CHANGELOG.md', ...docsFiles];
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('the link checker', () => {
	const fixture: Record<string, string> = {
		'README.md': [
			'# Title',
			'[ok](docs/guide.md) [ok anchor](docs/guide.md#queue-mode-npm-run-testqueue) [ok here](#usage)',
			'[a folder](docs/) ![picture](img/shot.png) [web](https://example.com/x.md#anything)',
			'[missing file](docs/nope.md) [missing anchor](docs/guide.md#queue-mode) [bad here](#usages)',
			'[anchor into code](src/a.ts#L3) [escapes](../elsewhere.md)',
			'`[in code](not/a/link.md)`',
			'```md',
			'[in a block](not/a/link.md)',
			'```',
			'## Usage',
		].join('\n'),
		'docs/guide.md': '# Guide\n\n## Queue mode: `npm run test:queue`\n\n```sh\n# not a heading\n```\n',
		'img/shot.png': 'PNG',
		'src/a.ts': 'export {};',
		docs: '',
	};
	const readFixture: RepoFiles = (path) => fixture[path];

	test('reports a missing file, a missing anchor here and there, an anchor into code and a path out of the repo', () => {
		expect(brokenLinks(['README.md'], readFixture)).toEqual([
			'README.md: docs/nope.md (no file docs/nope.md)',
			'README.md: docs/guide.md#queue-mode (no heading "#queue-mode" in docs/guide.md)',
			'README.md: #usages (no heading "#usages" in README.md)',
			'README.md: src/a.ts#L3 (an anchor into a file that is not markdown)',
			'README.md: ../elsewhere.md leaves the repository',
		]);
	});

	test('slugs headings as GitHub does', () => {
		expect(githubSlug('Queue mode: `npm run test:queue`')).toBe('queue-mode-npm-run-testqueue');
		expect(githubSlug('Thousands of waiting images: the webhook pattern')).toBe('thousands-of-waiting-images-the-webhook-pattern');
		expect(githubSlug('CI: .ci/run')).toBe('ci-cirun');
		expect(githubSlug('**Errors** and [limits](x.md)')).toBe('errors-and-limits');
		expect([...headingAnchors('# A\n## A\n### A')]).toEqual(['a', 'a-1', 'a-2']);
		expect([...headingAnchors('```sh\n# a comment\n```\n# Real')]).toEqual(['real']);
	});
});

describe('the user docs', () => {
	test('every relative link and anchor in README.md, CHANGELOG.md and docs/*.md resolves', () => {
		const relativeLinks = userDocs.flatMap((file) => linkTargets(readRepoFile(file) ?? '')).filter((target) => !/^[a-z]+:/i.test(target));
		expect(relativeLinks.length).toBeGreaterThan(50); // the checker does see the links
		expect(brokenLinks(userDocs, readRepoFile)).toEqual([]);
	});

	test('docs/ holds one file per subject, each reached from the README', () => {
		for (const subject of ['scaling-out', 'errors-and-retries', 'benchmark', 'development', 'releasing']) {
			expect(docsFiles).toContain(`docs/${subject}.md`);
		}
		const linked = new Set(linkTargets(readme).map((target) => target.split('#')[0]));
		expect(docsFiles.filter((file) => !linked.has(file))).toEqual([]);
	});

	test('the README is at most 200 lines, in the community-node sections, in order', () => {
		expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(200);
		const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
		const required = ['Quick start', 'Installation', 'Operations', 'Credentials', 'Compatibility', 'Usage', 'Errors and limits', 'Resources', 'Version history'];
		expect(sections.filter((s) => required.includes(s))).toEqual(required);
		const usage = readme.slice(readme.indexOf('\n## Usage\n'), readme.indexOf('\n## Errors and limits\n'));
		const usageTopics = [...usage.matchAll(/^### (.+)$/gm)].map((m) => m[1].toLowerCase());
		for (const topic of ['batches', 'editing images', 'webhook pattern', 'ai agent tool']) {
			expect(usageTopics.some((t) => t.includes(topic))).toBe(true);
		}
		const history = readme.slice(readme.indexOf('\n## Version history\n'));
		expect(linkTargets(history)).toContain('CHANGELOG.md');
	});

	test('the Quick start opens with the two commands, which package.json runs, and shows one screenshot', () => {
		const quickStart = readme.slice(readme.indexOf('\n## Quick start\n'), readme.indexOf('\n## Installation\n'));
		const commands = /```sh\n([\s\S]*?)```/.exec(quickStart)?.[1].split('\n').filter(Boolean).map((line) => line.split('#')[0].trim());
		expect(commands).toEqual(['npm install && npm start', 'npm install && npm test']);
		const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
		expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['start', 'test']));
		const images = linkTargets(quickStart).filter((target) => /\.(png|jpe?g|gif|svg|webp)$/.test(target));
		expect(images).toHaveLength(1);
		expect(images[0]).toMatch(/^test\/e2e\/screenshots\/[^/]+\.png$/);
		expect(quickStart).toContain('EBADENGINE');
	});
});
