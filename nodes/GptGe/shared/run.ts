import type { IExecuteData, IExecuteSingleFunctions } from 'n8n-workflow';

/**
 * State kept for one node run, shared by its items: keyed by the run's execute data (one object
 * per run, the same for every item), so it goes when the run does. Undefined outside a run
 * (the editor's list search).
 */
export function perRun<T>(create: (run: IExecuteData) => T) {
	const states = new WeakMap<object, T>();
	return (context: Pick<IExecuteSingleFunctions, 'getExecuteData'>): T | undefined => {
		const run = context.getExecuteData();
		if (!run) return undefined;
		let state = states.get(run);
		if (state === undefined) {
			state = create(run);
			states.set(run, state);
		}
		return state;
	};
}
