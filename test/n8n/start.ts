// Runs a real n8n with this repo's package, until Ctrl-C (for `npm start`):
//   node test/n8n/start.ts [--port=5678] [--fresh] [--no-build] [--user-folder=DIR]
// Builds and packs the repo, installs the tarball into the user folder's community nodes
// (default <repo>/.cache/n8n-user, kept between runs: workflows and credentials stay), starts
// n8n on 127.0.0.1, sets up the owner and prints the URL and login.

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './install.ts';
import { packProject, startN8n, type N8nServer } from './server.ts';

function arg(name: string): string | undefined {
	const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
	if (!a) return undefined;
	return a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true';
}

async function main(): Promise<void> {
	const root = repoRoot();
	const userFolder = arg('user-folder') ?? join(root, '.cache', 'n8n-user');
	if (arg('fresh')) rmSync(userFolder, { recursive: true, force: true });
	const port = arg('port') ? Number(arg('port')) : undefined;

	let server: N8nServer | undefined;
	let stopping = false;
	const shutdown = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		process.stderr.write('\n[n8n] stopping ...\n');
		await server?.stop();
		process.exit(0);
	};
	// Registered before startN8n, so server.ts leaves these signals to us.
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());

	process.stderr.write(`[n8n] ${arg('no-build') ? 'packing' : 'building and packing'} ${root} ...\n`);
	const tarball = await packProject({ build: !arg('no-build'), root });
	server = await startN8n({ userFolder, port, packageTarball: tarball, verbose: !!arg('verbose') });
	console.log(`
n8n is running with n8n-nodes-cometapi:
  URL:      ${server.url}
  login:    ${server.email} / ${server.password}
  data:     ${userFolder}/.n8n  (log: ${userFolder}/n8n.log)
Ctrl-C stops it.`);
	await new Promise(() => {}); // until a signal
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
