export { startSimulator } from './simulator.ts';
export { PROMPT_MARKERS } from './markers.ts';
export { WIRE_SHAPES } from './wire.ts';
export type {
	Fault,
	FaultKind,
	FaultRoute,
	LoggedRequest,
	Origin,
	SimTask,
	Simulator,
	SimulatorOptions,
	SimulatorPorts,
	TaskFormat,
	WebhookDelivery,
	WireShape,
} from './types.ts';
