/*
 * The API token never shows. Gateways repeat a request's Authorization header in their error
 * messages, and n8n shows and saves whatever an error or item says, so every text the node
 * produces passes through here: the token itself, and any `Bearer …` string, become `***`.
 */

export const MASK = '***';

/** Shorter values are not masked: replacing them would garble ordinary text. */
const MIN_SECRET_LENGTH = 6;

const BEARER = /\b(Bearer)\s+[^\s"',;)\]}]+/gi;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text with every secret and bearer credential in it masked. */
export function maskText(text: string, secrets: readonly string[]): string {
	let masked = text.replace(BEARER, `$1 ${MASK}`);
	for (const secret of secrets) {
		if (secret.length >= MIN_SECRET_LENGTH) masked = masked.replace(new RegExp(escaped(secret), 'g'), MASK);
	}
	return masked;
}

/**
 * What maskDeep walks into: errors, arrays, plain objects and a request's headers (axios keeps
 * them in an AxiosHeaders), not buffers, sockets or requests.
 */
function isWalkable(value: object): boolean {
	if (Array.isArray(value) || Object.prototype.toString.call(value) === '[object Error]') return true;
	// A plain object of any realm (parsed JSON, a clone) has Object's prototype or none.
	const prototype: unknown = Object.getPrototypeOf(value);
	return prototype === null || Object.getPrototypeOf(prototype) === null || value.constructor?.name === 'AxiosHeaders';
}

/** How deep maskDeep goes: an error's JSON, a request's config and headers are well within it. */
const MAX_DEPTH = 8;

/**
 * Masks every string reachable from `value` in place (errors, arrays, plain objects: own
 * properties, an error's `message` and `cause` included), and returns the masked value. Accessor
 * properties are left alone: their owner masks what they return.
 */
export function maskDeep<T>(value: T, secrets: readonly string[], depth = 0, seen = new WeakSet<object>()): T {
	if (typeof value === 'string') return maskText(value, secrets) as T;
	if (!value || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value) || !isWalkable(value)) return value;
	seen.add(value);
	const keys = new Set(Object.getOwnPropertyNames(value));
	if (Object.prototype.toString.call(value) === '[object Error]') ['message', 'cause'].forEach((key) => keys.add(key));
	for (const key of keys) {
		const descriptor = Object.getOwnPropertyDescriptor(value, key);
		if (descriptor && !('value' in descriptor)) continue;
		const current = (value as Record<string, unknown>)[key];
		const masked = maskDeep(current, secrets, depth + 1, seen);
		if (masked !== current && (!descriptor || descriptor.writable)) {
			(value as Record<string, unknown>)[key] = masked;
		}
	}
	return value;
}

/** Masks an error in place, the description it shows when read (withLedger's) included. */
export function maskError<E extends Error>(error: E, secrets: readonly string[]): E {
	maskDeep(error, secrets);
	const described = Object.getOwnPropertyDescriptor(error, 'description');
	const read = described?.get;
	if (read && described) {
		Object.defineProperty(error, 'description', {
			...described,
			get: () => {
				const text: unknown = read.call(error);
				return typeof text === 'string' ? maskText(text, secrets) : text;
			},
		});
	}
	return error;
}
