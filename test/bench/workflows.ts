// The two workflows the benchmark runs in the same n8n server:
//
// - ours: Manual Trigger -> Code (N prompts) -> CometAPI Flux (Generate, flux-pro-1.1, wait + download
//   on, default options unless `options` is given);
// - the peer, the loop users build by hand: Code (N prompts) -> HTTP Request POST /flux/v1/flux-pro-1.1
//   (Header Auth credential, Batching) -> Wait -> HTTP Request GET /flux/v1/get_result?id= -> IF
//   status == Ready -> true: HTTP Request download (response format File) / false: Wait -> back to
//   the GET. Its Wait settings are copied from a public template (see PEER_TEMPLATE).

import type { WorkflowInput } from '../n8n/server.ts';

export const OUR_NODE = 'CometAPI Flux';
export const PEER_DOWNLOAD_NODE = 'Download Image';

/** The public n8n template whose polling loop the peer copies, and what was copied from it. */
export const PEER_TEMPLATE = {
	name: 'Create Images from Text Prompts using Flux Schnell and Replicate (n8n.io/workflows/6780, by Yaron Been)',
	url: 'https://n8n.io/workflows/6780',
	loop: 'HTTP Request (create) -> "Wait 5s" -> "Check Status" (GET) -> IF "Is Complete?" -> false -> "Wait 10s" -> back to "Check Status"',
	firstWaitSeconds: 5,
	loopWaitSeconds: 10,
	also: 'Generate Images and Convert to Video Using Flux, Kraken & Runway (n8n.io/workflows/4056): BFL POST /v1/flux-pro-1.1 -> Wait 15 s -> GET /v1/get_result?id={{ $json["id"] }} -> download, no loop',
	batching:
		'neither template batches or retries (one prompt per run); for N > 24 the peer gets the simplest fix a user applies after the first 429s: HTTP Request > Options > Batching, 24 items per batch, interval = the template\'s first Wait (5 s, the user\'s own estimate of a generation)',
} as const;

export interface PeerSettings {
	firstWaitSeconds: number;
	loopWaitSeconds: number;
	batchSize: number;
	batchIntervalMs: number;
}

export const TEMPLATE_PEER: PeerSettings = {
	firstWaitSeconds: PEER_TEMPLATE.firstWaitSeconds,
	loopWaitSeconds: PEER_TEMPLATE.loopWaitSeconds,
	batchSize: 24,
	batchIntervalMs: PEER_TEMPLATE.firstWaitSeconds * 1000,
};

const trigger = {
	id: 'b0000000-0000-4000-8000-000000000001',
	name: "When clicking 'Execute workflow'",
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function promptsNode(n: number) {
	return {
		id: 'b0000000-0000-4000-8000-000000000002',
		name: 'Prompts',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
		parameters: {
			jsCode: `return Array.from({ length: ${n} }, (_, i) => ({ json: { index: i + 1, prompt: 'Benchmark image ' + (i + 1) + ': a lighthouse at dawn, watercolor' } }));`,
		},
	};
}

const link = (node: string, index = 0) => ({ node, type: 'main', index });

export function ourWorkflow(n: number, cred: { id: string; name: string }, options: Record<string, unknown> = {}, label = ''): WorkflowInput {
	return {
		name: `bench ours N=${n}${label ? ` ${label}` : ''}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			trigger,
			promptsNode(n),
			{
				id: 'b0000000-0000-4000-8000-000000000003',
				name: OUR_NODE,
				type: 'n8n-nodes-cometapi.flux',
				typeVersion: 2,
				position: [440, 0],
				parameters: {
					operation: 'generate',
					model: { __rl: true, mode: 'list', value: 'flux-pro-1.1', cachedResultName: 'FLUX 1.1 [pro]' },
					prompt: '={{ $json.prompt }}',
					waitForCompletion: true,
					downloadImages: true,
					options,
				},
				credentials: { cometApi: cred },
			},
		],
		connections: {
			[trigger.name]: { main: [[link('Prompts')]] },
			Prompts: { main: [[link(OUR_NODE)]] },
		},
	};
}

export function peerWorkflow(
	n: number,
	baseUrl: string,
	headerCred: { id: string; name: string },
	peer: PeerSettings,
	label = '',
): WorkflowInput {
	const auth = {
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
	};
	const credentials = { httpHeaderAuth: headerCred };
	const wait = (id: string, name: string, seconds: number, x: number, y: number) => ({
		id,
		name,
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [x, y],
		webhookId: id,
		parameters: { resume: 'timeInterval', amount: seconds, unit: 'seconds' },
	});
	return {
		name: `bench peer N=${n}${label ? ` ${label}` : ''}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			trigger,
			promptsNode(n),
			{
				id: 'b0000000-0000-4000-8000-000000000013',
				name: 'Create Image',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [440, 0],
				parameters: {
					method: 'POST',
					url: `${baseUrl}/flux/v1/flux-pro-1.1`,
					...auth,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ prompt: $json.prompt }) }}',
					options: { batching: { batch: { batchSize: peer.batchSize, batchInterval: peer.batchIntervalMs } } },
				},
				credentials,
			},
			wait('b0000000-0000-4000-8000-000000000014', 'Wait', peer.firstWaitSeconds, 660, 0),
			{
				id: 'b0000000-0000-4000-8000-000000000015',
				name: 'Check Status',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [880, 0],
				parameters: {
					method: 'GET',
					url: `=${baseUrl}/flux/v1/get_result?id={{ $json.id }}`,
					...auth,
					options: {},
				},
				credentials,
			},
			{
				id: 'b0000000-0000-4000-8000-000000000016',
				name: 'Is Ready?',
				type: 'n8n-nodes-base.if',
				typeVersion: 2.2,
				position: [1100, 0],
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{
								id: 'b0000000-0000-4000-8000-0000000000c1',
								leftValue: '={{ $json.status }}',
								rightValue: 'Ready',
								operator: { type: 'string', operation: 'equals' },
							},
						],
						combinator: 'and',
					},
					options: {},
				},
			},
			{
				id: 'b0000000-0000-4000-8000-000000000017',
				name: PEER_DOWNLOAD_NODE,
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [1320, -100],
				parameters: {
					method: 'GET',
					url: '={{ $json.result.sample }}',
					options: { response: { response: { responseFormat: 'file' } } },
				},
			},
			wait('b0000000-0000-4000-8000-000000000018', 'Wait Again', peer.loopWaitSeconds, 1320, 120),
		],
		connections: {
			[trigger.name]: { main: [[link('Prompts')]] },
			Prompts: { main: [[link('Create Image')]] },
			'Create Image': { main: [[link('Wait')]] },
			Wait: { main: [[link('Check Status')]] },
			'Check Status': { main: [[link('Is Ready?')]] },
			'Is Ready?': { main: [[link(PEER_DOWNLOAD_NODE)], [link('Wait Again')]] },
			'Wait Again': { main: [[link('Check Status')]] },
		},
	};
}

export const MEMORY_NODE = 'CometAPI Flux';

/** Reads one photo per item from disk (streamed into n8n's binary data) into the binary property `photoK`. */
function readPhotoNode(k: number, path: string) {
	return {
		id: `b0000000-0000-4000-8000-00000000002${k}`,
		name: `Photo ${k}`,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: [440, (k - 2) * 160],
		parameters: { operation: 'read', fileSelector: path, options: { dataPropertyName: `photo${k}` } },
	};
}

/**
 * The memory scenario: N items, each with three reference photos (binary properties photo1-3, read
 * from disk) -> CometAPI Flux (Replicate route, FLUX.2 [pro], every image of the item as
 * `input_images`, a 1 MP PNG result, downloaded). `options` goes to the node as is.
 */
export function memoryWorkflow(n: number, cred: { id: string; name: string }, photos: string[], options: Record<string, unknown> = {}, label = ''): WorkflowInput {
	const reads = photos.map((path, i) => readPhotoNode(i + 1, path));
	return {
		name: `bench memory N=${n}${label ? ` ${label}` : ''}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			trigger,
			promptsNode(n),
			...reads,
			{
				id: 'b0000000-0000-4000-8000-000000000030',
				name: 'Photos per Item',
				type: 'n8n-nodes-base.merge',
				typeVersion: 3.2,
				position: [660, 0],
				parameters: { mode: 'combine', combineBy: 'combineByPosition', numberInputs: reads.length, options: {} },
			},
			{
				id: 'b0000000-0000-4000-8000-000000000031',
				name: MEMORY_NODE,
				type: 'n8n-nodes-cometapi.flux',
				typeVersion: 2,
				position: [880, 0],
				parameters: {
					operation: 'replicatePredict',
					model: { __rl: true, mode: 'list', value: 'black-forest-labs/flux-2-pro', cachedResultName: 'FLUX.2 [pro]' },
					// The Read Files nodes replace the prompts' JSON with their files' details.
					prompt: "={{ 'Benchmark edit ' + ($itemIndex + 1) + ': the three people of the photos at a lighthouse, watercolor' }}",
					waitForCompletion: true,
					downloadImages: true,
					additionalFields: { input_imagesBinaryProperty: '*', aspect_ratio: '1:1', resolution: '1 MP', output_format: 'png' },
					options,
				},
				credentials: { cometApi: cred },
			},
		],
		connections: {
			[trigger.name]: { main: [[link('Prompts')]] },
			Prompts: { main: [reads.map((r) => link(r.name))] },
			...Object.fromEntries(reads.map((r, i) => [r.name, { main: [[link('Photos per Item', i)]] }])),
			'Photos per Item': { main: [[link(MEMORY_NODE)]] },
		},
	};
}

/** One prompt, no photos, FLUX.2 [pro] PNG: with `options` capping downloads below its size, it must fail. */
export function downloadCapWorkflow(cred: { id: string; name: string }, options: Record<string, unknown>): WorkflowInput {
	const flow = memoryWorkflow(1, cred, [], options, 'download cap');
	const node = flow.nodes.find((x) => x.name === MEMORY_NODE);
	node.parameters.additionalFields = { aspect_ratio: '1:1', resolution: '1 MP', output_format: 'png' };
	flow.nodes = flow.nodes.filter((x) => x.name !== 'Photos per Item');
	flow.connections = { [trigger.name]: { main: [[link('Prompts')]] }, Prompts: { main: [[link(MEMORY_NODE)]] } };
	return flow;
}
