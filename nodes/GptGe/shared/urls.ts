/*
 * What a pasted file URL becomes before GPT.GE downloads from it: sheet cells bring spaces
 * around it and unencoded paths (Chinese names, spaces), and people paste share pages, which
 * answer with a web page, not the file. A pure function, so the input check (which refuses) and
 * the body (which carries the result) decide alike.
 */

/** The URL to send, or why there is none (a sentence that quotes the value). */
export type DirectUrl = { url: string } | { problem: string };

const DOWNLOADS_IT = 'GPT.GE downloads the file from this address';
const EXAMPLE = 'e.g. https://cdn.example.com/photo.jpg';

/** A refused value, quoted, with why; `what` is what to do about it. */
const refused = (value: string, why: string, what = `${DOWNLOADS_IT}, so it must start with http:// or https://.`) => ({
	problem: `"${value}" ${why}. ${what}`,
});

/** The value's scheme as typed ("ftp:"), if it has one: "cdn.example.com:8080/a.jpg" has a port, not one. */
const schemeOf = (value: string) => /^([a-z][a-z0-9+.-]*:)(?!\d)/i.exec(value)?.[1].toLowerCase();

/**
 * The direct, encoded http(s) URL for a pasted value: trimmed, percent-encoded by WHATWG URL
 * (what is encoded stays as it is), a share page turned into its download link. Or the problem.
 */
export function directUrlOf(raw: unknown): DirectUrl {
	const value = typeof raw === 'string' ? raw.trim() : '';
	if (!value) return { problem: 'The value is empty.' };
	const scheme = schemeOf(value);
	if (!scheme) return refused(value, 'is not an http(s) URL');
	if (scheme !== 'http:' && scheme !== 'https:') return refused(value, `starts with ${scheme}, not http(s)`);
	// WHATWG would read "https:///x" as host x; a pasted URL without a host is a mistake.
	if (!/^https?:\/\/[^/\\?#\s]/i.test(value)) return refused(value, 'has no host', `After http(s):// comes the name of the server that has the file, ${EXAMPLE}.`);
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return refused(value, 'is not a valid web address (a space or a typo in the host?)', `Enter the file's full address, ${EXAMPLE}.`);
	}
	return sharePageToFile(url, value) ?? { url: url.href };
}

/** A share page's download link, or why it has none (quoting the `value` typed); undefined for other URLs. */
function sharePageToFile(url: URL, value: string): DirectUrl | undefined {
	const host = url.hostname.replace(/^www\./, '');
	if (host === 'drive.google.com') return googleDrive(url, value);
	if (host === 'dropbox.com') return dropbox(url, value);
	if (host === '1drv.ms' || host === 'onedrive.live.com' || (host.endsWith('.sharepoint.com') && url.pathname.startsWith('/:'))) {
		return refused(value, 'is a OneDrive share link: it opens a web page, not the file', `${DOWNLOADS_IT}. ${GET_THE_FILE}`);
	}
	return undefined;
}

const GET_THE_FILE =
	"Download the file from OneDrive (e.g. with n8n's Microsoft OneDrive node) and set this field's Input to Binary File, or upload it with File → Upload and use the URL it returns.";

/** /file/d/<id>/view, /open?id=<id> and /uc?id=<id> → /uc?export=download&id=<id>. */
function googleDrive(url: URL, value: string): DirectUrl {
	const id = /^\/file\/d\/([\w-]+)/.exec(url.pathname)?.[1] ?? (/^\/(open|uc)$/.test(url.pathname) ? url.searchParams.get('id') : null);
	if (!id || !/^[\w-]+$/.test(id)) {
		return refused(
			value,
			'is a Google Drive page, not a file',
			'Share the file itself ("Anyone with the link") and paste its link, https://drive.google.com/file/d/…/view, or send the file as binary data.',
		);
	}
	// Files shared before 2021 need their resource key along with the ID.
	const key = url.searchParams.get('resourcekey');
	const resourceKey = key ? `&resourcekey=${encodeURIComponent(key)}` : '';
	return { url: `https://drive.google.com/uc?export=download&id=${id}${resourceKey}` };
}

/** A shared file (/s/…, /scl/fi/…) with dl=1 instead of dl=0; rlkey and the rest stay as they are. */
function dropbox(url: URL, value: string): DirectUrl {
	if (!/^\/(s|scl\/fi)\//.test(url.pathname)) {
		return refused(
			value,
			'is a Dropbox page, not a shared file (a folder?)',
			'In Dropbox share the file itself (Copy link) and paste that link, or send the file as binary data.',
		);
	}
	const query = url.search.replace(/^\?/, '').split('&').filter((part) => part && !/^dl=/i.test(part));
	url.search = `?${[...query, 'dl=1'].join('&')}`;
	return { url: url.href };
}
