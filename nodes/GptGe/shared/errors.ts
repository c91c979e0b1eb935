/*
 * How an error gains a why. Every error the node raises reads "what happened" in its message
 * and "why, and what to do" in its description; its parts are joined here, one way.
 */

type Described = Error & { description?: string | null };

/** A description's parts, the empty ones left out: sentences with ' ', paragraphs with '\n\n'. */
export function joinDescription(parts: Array<string | null | undefined>, separator: ' ' | '\n\n' = ' '): string {
	return parts.filter(Boolean).join(separator);
}

/** Adds `text` after what the error's description says already. */
export function addToDescription<E extends Error>(error: E, text: string): E {
	const described = error as E & Described;
	described.description = joinDescription([described.description, text]);
	return error;
}

/** Replaces the error's description: the node knows better than the words it came with. */
export function setDescription<E extends Error>(error: E, text: string): E {
	(error as E & Described).description = text;
	return error;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
function ordinal(n: number): string {
	const teen = n % 100 >= 11 && n % 100 <= 13;
	const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
	return `${n}${suffix}`;
}

/**
 * An item as errors name it: n8n's index (what expressions and the error output use) and the
 * row a person counts, from 1 (a sheet's 6th row is item 5).
 */
export const itemName = (itemIndex: number): string => `item ${itemIndex} (${ordinal(itemIndex + 1)} row)`;
