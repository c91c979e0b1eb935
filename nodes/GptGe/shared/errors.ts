/*
 * How an error gains a why. Every error the node raises reads "what happened" in its message
 * and "why, and what to do" in its description; the parts are added here, one way.
 */

type Described = Error & { description?: string | null };

/** Adds `text` after what the error's description says already (a paragraph with `paragraph`). */
export function addToDescription<E extends Error>(error: E, text: string, { paragraph = false } = {}): E {
	const described = error as E & Described;
	const separator = paragraph ? '\n\n' : ' ';
	described.description = [described.description, text].filter(Boolean).join(separator);
	return error;
}

/** Replaces the error's description: the node knows better than the words it came with. */
export function setDescription<E extends Error>(error: E, text: string): E {
	(error as E & Described).description = text;
	return error;
}

/** The error's description as it stands, if any. */
export function descriptionOf(error: Error): string | undefined {
	return (error as Described).description ?? undefined;
}
