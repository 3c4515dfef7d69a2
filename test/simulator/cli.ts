// `npm run simulator [-- --port 5681 --generation-ms 3000 ...]`: a local CometAPI stand-in for
// trying the node in a real n8n. Flags win over environment variables (COMETAPI_SIM_*).
import { parseArgs } from 'node:util';
import { startSimulator } from './simulator.ts';
import { PROMPT_MARKERS } from './markers.ts';
import { isWireShape, WIRE_DESCRIPTIONS } from './wire.ts';
import type { SimulatorOptions } from './types.ts';

const FLAGS = {
	port: 'COMETAPI_SIM_PORT',
	'polling-port': 'COMETAPI_SIM_POLLING_PORT',
	'images-port': 'COMETAPI_SIM_IMAGES_PORT',
	'replicate-urls-port': 'COMETAPI_SIM_REPLICATE_URLS_PORT',
	'api-key': 'COMETAPI_SIM_API_KEY',
	'generation-ms': 'COMETAPI_SIM_GENERATION_MS',
	'active-limit': 'COMETAPI_SIM_ACTIVE_LIMIT',
	'retry-after': 'COMETAPI_SIM_RETRY_AFTER',
	'image-ttl-ms': 'COMETAPI_SIM_IMAGE_TTL_MS',
	'image-weight': 'COMETAPI_SIM_IMAGE_WEIGHT',
} as const;

type Flag = keyof typeof FLAGS;

const { values } = parseArgs({
	options: {
		...(Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' }])) as Record<
			Flag,
			{ type: 'string' }
		>),
		quiet: { type: 'boolean', short: 'q' },
		wire: { type: 'string' },
		envelope: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' },
	},
});

if (values.help) {
	console.log(
		'Usage: npm run simulator -- [options]\n' +
			Object.entries(FLAGS)
				.map(([flag, env]) => `  --${flag.padEnd(20)} (env ${env})`)
				.join('\n') +
			'\n  --wire=<shape>          how task answers are shaped (env COMETAPI_SIM_WIRE), one of:\n' +
			Object.entries(WIRE_DESCRIPTIONS)
				.map(([shape, what]) => `      ${shape.padEnd(16)} ${what}`)
				.join('\n') +
			'\n  --envelope              the same as --wire=envelope' +
			'\n  --quiet, -q             do not print each request',
	);
	process.exit(0);
}

function setting(flag: Flag): string | undefined {
	return values[flag] ?? process.env[FLAGS[flag]];
}

function numberSetting(flag: Flag): number | undefined {
	const raw = setting(flag);
	if (raw === undefined || raw === '') return undefined;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) {
		console.error(`--${flag}: expected a non-negative number, got ${raw}`);
		process.exit(2);
	}
	return value;
}

function imageWeightSetting(): SimulatorOptions['imageWeight'] {
	const raw = setting('image-weight');
	if (raw === undefined || raw === '') return undefined;
	if (raw !== 'realistic' && raw !== 'small') {
		console.error(`--image-weight: expected realistic or small, got ${raw}`);
		process.exit(2);
	}
	return raw;
}

function wireSetting(): SimulatorOptions['wire'] {
	const name = values.envelope ? 'envelope' : (values.wire ?? process.env.COMETAPI_SIM_WIRE);
	if (name === undefined || name === '') return undefined;
	if (!isWireShape(name)) {
		console.error(`--wire: expected one of ${Object.keys(WIRE_DESCRIPTIONS).join(', ')}, got ${name}`);
		process.exit(2);
	}
	return name;
}

const options: SimulatorOptions = {
	apiKey: setting('api-key'),
	generationMs: numberSetting('generation-ms'),
	activeTaskLimit: numberSetting('active-limit'),
	retryAfterSeconds: numberSetting('retry-after'),
	imageTtlMs: numberSetting('image-ttl-ms'),
	imageWeight: imageWeightSetting(),
	wire: wireSetting(),
	ports: {
		api: numberSetting('port'),
		polling: numberSetting('polling-port'),
		images: numberSetting('images-port'),
		replicateUrls: numberSetting('replicate-urls-port'),
	},
};
for (const key of Object.keys(options) as Array<keyof SimulatorOptions>) {
	if (options[key] === undefined) delete options[key];
}

async function main(): Promise<void> {
	const simulator = await startSimulator(options);
	console.log(
		[
			'CometAPI simulator',
			`  Base URL:        ${simulator.url}`,
			`  API key:         ${simulator.apiKey}`,
			`  Polling origin:  ${simulator.pollingOrigin}`,
			`  Image origin:    ${simulator.imageOrigin}`,
			`  Generation time: ${simulator.options.generationMs} ms, active task limit ${simulator.options.activeTaskLimit}`,
			`  Answer shape:    ${simulator.options.wire}`,
			`  Images:          at the size asked for, ${simulator.options.imageWeight} weight`,
			`  Prompt markers:  ${PROMPT_MARKERS.join(' ')}`,
			'Press Ctrl-C to stop.',
		].join('\n'),
	);

	let printed = 0;
	const printer = values.quiet
		? undefined
		: setInterval(() => {
				for (; printed < simulator.requests.length; printed++) {
					const r = simulator.requests[printed];
					const query = new URLSearchParams(r.query).toString();
					const target = `${r.path}${query ? `?${query}` : ''}`;
					console.log(
						`${new Date(r.at).toISOString()} ${r.origin.padEnd(14)} ${r.method} ${target}`,
					);
				}
			}, 200);

	let stopping = false;
	async function stop(): Promise<void> {
		if (stopping) return;
		stopping = true;
		if (printer) clearInterval(printer);
		await simulator.close();
		process.exit(0);
	}
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
