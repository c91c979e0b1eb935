// The REST API the editor itself uses, called from the signed-in tab: creating a copy of an
// example (so the shipped one stays as it is) and a credential, as a user importing them would.

/** One REST call from the page (the editor's own cookie and browser ID); resolves with the body's data. */
function restCall(page, method, url, body) {
	return page.evaluate(
		async (method, url, body) => {
			const headers = { 'browser-id': localStorage.getItem('n8n-browserId') ?? '', 'content-type': 'application/json' };
			const response = await fetch(`/rest${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
			const text = await response.text();
			if (!response.ok) throw new Error(`${method} /rest${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
			const parsed = text ? JSON.parse(text) : {};
			return parsed.data ?? parsed;
		},
		method,
		url,
		body,
	);
}

/**
 * Creates a new workflow from an example's JSON (without its ID: a copy, as "Import from file"
 * into a new workflow makes), `change` applied to its nodes first; resolves with its new ID.
 */
async function createCopy(page, example, { name, change = () => {} } = {}) {
	const { id, active, versionId, meta, pinData, tags, ...workflow } = JSON.parse(JSON.stringify(example));
	for (const node of workflow.nodes) change(node);
	const created = await restCall(page, 'POST', '/workflows', { ...workflow, name: name ?? workflow.name, active: false });
	return created.id;
}

module.exports = { restCall, createCopy };
