import type { IDataObject } from 'n8n-workflow';

/* Values in GPT.GE's answers, which may come as numbers or as strings of them. */

export const isObject = (value: unknown): value is IDataObject =>
	!!value && typeof value === 'object' && !Array.isArray(value);

/** Unix seconds (a number or a string of one) as an ISO time; null when absent or 0. */
export function isoTime(unixSeconds: unknown): string | null {
	const seconds = typeof unixSeconds === 'string' ? Number(unixSeconds) : unixSeconds;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
	return new Date(seconds * 1000).toISOString();
}
