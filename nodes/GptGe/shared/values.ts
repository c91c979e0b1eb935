import type { IDataObject } from 'n8n-workflow';

/* Values in GPT.GE's answers, which may come as numbers or as strings of them, and in its request bodies. */

export const isObject = (value: unknown): value is IDataObject =>
	!!value && typeof value === 'object' && !Array.isArray(value);

/** Unix seconds (a number or a string of one) as an ISO time; null when absent or 0. */
export function isoTime(unixSeconds: unknown): string | null {
	const seconds = typeof unixSeconds === 'string' ? Number(unixSeconds) : unixSeconds;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
	return new Date(seconds * 1000).toISOString();
}

/* Request bodies, addressed by dotted paths such as create_voice.audio_url. */

/** The value at `path` in `object`, undefined when any step is missing. */
export function valueAt(object: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), object);
}

/** Sets the value at `path` in `object`, making the objects on the way. */
export function setValueAt(object: IDataObject, path: string, value: unknown) {
	const keys = path.split('.');
	const last = keys.pop() as string;
	let current = object;
	for (const key of keys) current = (current[key] ??= {}) as IDataObject;
	current[last] = value as IDataObject[string];
}
