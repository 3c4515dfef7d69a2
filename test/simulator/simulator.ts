import type { Server } from 'node:http';
import { resultPayload } from './bfl.ts';
import { FaultPlan } from './faults.ts';
import { ImageLinks } from './images.ts';
import { apiRoute, imageRoute, pollingRoute, replicateUrlsRoute, type Route } from './routes.ts';
import { closeServer, createOriginServer, listen } from './server.ts';
import { Sleeper } from './sleeper.ts';
import { DEFAULT_OPTIONS, type Incoming, type SimState } from './state.ts';
import { publicView, TaskStore, type TaskRecord } from './tasks.ts';
import type {
	Fault,
	FaultKind,
	FaultRoute,
	LoggedRequest,
	Origin,
	SimTask,
	Simulator,
	SimulatorOptions,
	WebhookDelivery,
} from './types.ts';
import { deliverWebhook } from './webhooks.ts';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const startOptions: Required<SimulatorOptions> = { ...DEFAULT_OPTIONS, ...options };
	const requests: LoggedRequest[] = [];
	const webhookDeliveries: WebhookDelivery[] = [];
	const faults = new FaultPlan();
	const sleeper = new Sleeper();
	const images = new ImageLinks();
	const state: SimState = {
		options: { ...startOptions, ports: { ...startOptions.ports } },
		tasks: new TaskStore((task) => onTerminal(task)),
		images,
		origins: { api: '', polling: '', images: '', replicateUrls: '' },
	};

	function onTerminal(task: TaskRecord): void {
		if (task.format !== 'bfl' || !task.webhookUrl) return;
		void deliverWebhook(
			task.id,
			task.webhookUrl,
			resultPayload(state, task, Math.max(Date.now(), task.readyAt)),
			task.webhookSecret,
			// A delivery finishing after reset() belongs to a task that no longer exists.
			(delivery) => {
				if (state.tasks.get(task.id) === task) webhookDeliveries.push(delivery);
			},
			(ms, run) => state.tasks.later(ms, run),
		);
	}

	const longStrings = new Map<string, string>();
	const shared = startOptions.shareLongStrings
		? (text: string) => longStrings.get(text) ?? (longStrings.set(text, text), text)
		: undefined;
	const makeServer = (origin: Origin, route: (req: Incoming) => Route): Server =>
		createOriginServer({
			origin,
			route,
			log: (entry) => requests.push(entry),
			faults,
			sleeper,
			retryAfterSeconds: () => state.options.retryAfterSeconds,
			shared,
		});
	const servers = {
		api: makeServer('api', (req) => apiRoute(state, req, sleeper.sleep)),
		polling: makeServer('polling', (req) => pollingRoute(state, req)),
		images: makeServer('images', (req) => imageRoute(state, req)),
		replicateUrls: makeServer('replicate-urls', () => replicateUrlsRoute()),
	};
	const wanted = startOptions.ports;
	const ports = {
		api: await listen(servers.api, wanted.api ?? 0),
		polling: await listen(servers.polling, wanted.polling ?? 0),
		images: await listen(servers.images, wanted.images ?? 0),
		replicateUrls: await listen(servers.replicateUrls, wanted.replicateUrls ?? 0),
	};
	state.options.ports = { ...ports };
	// Different ports make different origins; the polling host also differs by name, like api.us1.bfl.ai.
	state.origins = {
		api: `http://127.0.0.1:${ports.api}`,
		polling: `http://localhost:${ports.polling}`,
		images: `http://127.0.0.1:${ports.images}`,
		replicateUrls: `http://127.0.0.1:${ports.replicateUrls}`,
	};

	const simulator: Simulator = {
		url: state.origins.api,
		pollingOrigin: state.origins.polling,
		imageOrigin: state.origins.images,
		replicateUrlsOrigin: state.origins.replicateUrls,
		get apiKey() {
			return state.options.apiKey;
		},
		requests,
		webhookDeliveries,
		get options() {
			return state.options;
		},
		configure(partial: SimulatorOptions): void {
			const { ports: _ignored, ...rest } = partial;
			Object.assign(state.options, definedOnly(rest));
		},
		inject(fault: Fault): void {
			faults.inject(fault);
		},
		setRandomFaults(rate: number, kinds?: FaultKind[], routes?: FaultRoute[]): void {
			faults.setRandom(rate, kinds, routes);
		},
		task(id: string): SimTask | undefined {
			const task = state.tasks.get(id);
			return task ? publicView(task) : undefined;
		},
		taskIds(): string[] {
			return state.tasks.ids();
		},
		readyAt(id: string): number | undefined {
			const task = state.tasks.get(id);
			return task && Date.now() >= task.readyAt ? task.readyAt : undefined;
		},
		activeTasks(): number {
			return state.tasks.activeCount();
		},
		reset(): void {
			requests.length = 0;
			webhookDeliveries.length = 0;
			faults.clear();
			state.tasks.clear();
			Object.assign(state.options, startOptions, { ports: { ...ports } });
		},
		async close(): Promise<void> {
			state.tasks.clear();
			sleeper.wakeAll();
			await Promise.all(Object.values(servers).map(closeServer));
		},
	};
	return simulator;
}

function definedOnly<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
