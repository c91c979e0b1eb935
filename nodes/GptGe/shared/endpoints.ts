/* The GPT.GE endpoints this package calls, relative to the Base URL: each path stated once. */

/** POST: start a video (a paid task). */
export const GENERATION_PATH = '/avatar/generation';

/** GET: a task's status and, once finished, its video. */
export function taskPath(taskId: string): string {
	return `/avatar/task/${encodeURIComponent(taskId)}`;
}

/** GET ?language=: the ready-made voices. */
export const VOICES_PATH = '/avatar/voice';

/** POST multipart: upload a file, answered with its URL on GPT.GE's CDN. */
export const UPLOAD_PATH = '/v1/files';

/** GET: the token's quota; free and read-only, so the credential test uses it too. */
export const SUBSCRIPTION_PATH = '/v1/dashboard/billing/subscription';

/** GET: the token's usage, in cents. */
export const USAGE_PATH = '/v1/dashboard/billing/usage';

/**
 * A trailing /v1 on a Base URL, after the host: what OpenAI-compatible clients are set up with
 * (https://api.gpt.ge/v1). The paths above are relative to the bare host, so it is dropped. The
 * credential test's request uses the same pattern, in an expression.
 */
export const VERSION_SUFFIX = /(?<=^[a-z][a-z0-9+.-]*:\/\/[^/]+.*)\/v1$/i;

/** The address the paths above go after, from the credential's Base URL; whether a /v1 was dropped. */
export function apiRootOf(baseUrl: unknown): { root: string; strippedV1: boolean } {
	const trimmed = String(baseUrl ?? '').trim().replace(/\/+$/, '');
	const root = trimmed.replace(VERSION_SUFFIX, '').replace(/\/+$/, '');
	return { root, strippedV1: root !== trimmed };
}
