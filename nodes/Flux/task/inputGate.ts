import type { IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * Without "Continue On Fail" one item with bad input fails the whole run, and the images other
 * items had already paid for would be thrown away. So no item of a run is sent until every
 * item's input has been checked; if any item's is bad, they all fail with its error.
 */
interface Gate {
	unchecked: number;
	problem?: Error;
	opened: Promise<void>;
	open: () => void;
}

// Keyed by the run's array of input items: one gate per run of the node, dropped with the run.
const gates = new WeakMap<INodeExecutionData[], Gate>();

export async function afterAllItemsChecked(context: IExecuteSingleFunctions, problem?: Error): Promise<Error | undefined> {
	const items = context.getExecuteData().data.main?.[0];
	if (context.continueOnFail() || !items || items.length < 2) return problem;
	let gate = gates.get(items);
	if (!gate) {
		let open = () => {};
		const opened = new Promise<void>((resolve) => (open = resolve));
		gate = { unchecked: items.length, opened, open };
		gates.set(items, gate);
	}
	gate.problem ??= problem;
	if (--gate.unchecked === 0) gate.open();
	await gate.opened;
	return problem ?? gate.problem;
}
