import type { IDataObject } from 'n8n-workflow';

/* Values in GPT.GE's answers, which may come as numbers or as strings of them, and in its request bodies. */

/** A number, or a string of one (billing answers give both); undefined otherwise. */
export const numberOf = (value: unknown): number | undefined => {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
};

export const isObject = (value: unknown): value is IDataObject =>
	!!value && typeof value === 'object' && !Array.isArray(value);

/**
 * Epoch numbers at or above this are milliseconds: as seconds they would be after the year 5000,
 * as milliseconds they are after 1973. GPT.GE's examples give seconds, another gateway milliseconds.
 */
const FIRST_MILLISECONDS = 100_000_000_000;

/**
 * A time as GPT.GE gives it, as an ISO time: unix seconds, unix milliseconds (numbers or strings of
 * them) or a date string; null when absent, 0 or not a time.
 */
export function isoTime(time: unknown): string | null {
	const text = typeof time === 'string' ? time.trim() : undefined;
	const number = text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : time;
	if (typeof number === 'number') {
		if (!Number.isFinite(number) || number <= 0) return null;
		return new Date(number >= FIRST_MILLISECONDS ? number : number * 1000).toISOString();
	}
	const parsed = text ? Date.parse(text) : NaN;
	return Number.isFinite(parsed) && parsed > 0 ? new Date(parsed).toISOString() : null;
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
