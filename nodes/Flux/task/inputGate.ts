/**
 * Without "Continue On Fail" one item with bad input fails the whole run, and the images other
 * items had already paid for would be thrown away. So no item of a run is sent until every
 * item's input has been checked; if any item's is bad, they all fail with its error.
 * One gate per run of one node (see nodeRun): a second node on the same output, or the next
 * Retry On Fail try, gets a gate of its own.
 */
export class InputGate {
	private unchecked: number;
	private problem?: Error;
	private open = () => {};
	private readonly opened = new Promise<void>((resolve) => (this.open = resolve));

	constructor(items: number) {
		this.unchecked = items;
	}

	/** Resolves once every item is checked: with this item's problem, or the first one found. */
	async allChecked(problem?: Error): Promise<Error | undefined> {
		this.problem ??= problem;
		if (--this.unchecked === 0) this.open();
		await this.opened;
		return problem ?? this.problem;
	}
}
