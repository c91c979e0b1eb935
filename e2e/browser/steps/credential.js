// The check's last step, in a tab of its own: the GPT.GE API credential dialog's fields (API
// Token, Base URL, the optional Rate Limit), its test with a wrong token, then the right one; the
// credential it saved is deleted afterwards.
const { CREDENTIAL_FIELDS, CREDENTIAL_TYPE, RATE_LIMIT_SHOWS, TEST_DONE, TEST_PASSED } = require('../expected');
const { credentialDialogShows, deleteCredential, fillCredentialField, openNewCredential, saveAndReadBanner } = require('../helpers/credential-dialog');

/** The credential dialog with `api`'s base URL: a wrong token's banner, then the right token's. */
async function credentialDialog({ browser, base, api, wrongTokenSays, summary, expect, shot, stage }) {
	// Its own tab, so it needs nothing the workflow stages left behind.
	const startedAt = Date.now();
	let tab;
	const saved = [];
	const credential = { from: `Credentials page → "Create credential" → "${CREDENTIAL_TYPE}"` };
	summary.credential = credential;
	await stage(
		`the "${CREDENTIAL_TYPE}" credential dialog: a wrong token, then the right one`,
		async () => {
			tab = await browser.newPage();
			tab.setDefaultTimeout(20_000);
			tab.on('response', (response) => {
				const request = response.request();
				if (request.method() === 'POST' && /\/rest\/credentials$/.test(new URL(response.url()).pathname)) {
					response.json().then((body) => saved.push((body.data ?? body).id), () => {});
				}
			});
			await openNewCredential(tab, base);
			const shows = await credentialDialogShows(tab, CREDENTIAL_FIELDS, 'rateLimit');
			const fieldsFile = await shot('credential-fields', tab);
			credential.fields = { at: Object.fromEntries(CREDENTIAL_FIELDS.map((label, index) => [label, shows.at[index]])), rateLimit: shows.value, screenshot: fieldsFile };
			const inOrder = shows.at.every((at, index) => at >= 0 && (index === 0 || at > shows.at[index - 1]));
			expect(inOrder, `credential dialog: the fields are not ${CREDENTIAL_FIELDS.join(', ')} in this order (found at ${shows.at.join(', ')}) — see ${fieldsFile}`);
			expect(shows.value === RATE_LIMIT_SHOWS, `credential dialog: Rate Limit shows "${shows.value}", not "${RATE_LIMIT_SHOWS}" — see ${fieldsFile}`);
			// A limit divided among queue-mode workers need not be whole: 2.5 stays 2.5.
			await fillCredentialField(tab, 'rateLimit', '2.5');
			await tab.keyboard.press('Tab');
			const typed = (await credentialDialogShows(tab, [], 'rateLimit')).value;
			credential.fields.rateLimitTyped = typed;
			expect(typed === '2.5', `credential dialog: Rate Limit typed as 2.5 shows "${typed}"`);
			await fillCredentialField(tab, 'baseUrl', api.baseUrl);
			await fillCredentialField(tab, 'apiToken', `${api.token}-wrong`);
			const wrong = await saveAndReadBanner(tab, TEST_DONE);
			const wrongFile = await shot('credential-wrong-token', tab);
			credential.wrongToken = { banner: wrong, screenshot: wrongFile };
			// n8n's own words for any 401: the credential's 401 rule was not applied.
			const generic = /Authorization failed/i.test(wrong) ? " — n8n's generic 401 text, so this n8n did not apply the credential's 401 rule" : '';
			expect(wrongTokenSays.test(wrong), `credential dialog, wrong API Token: the banner does not show ${wrongTokenSays} (shows: "${wrong}"${generic}) — see ${wrongFile}`);
			await fillCredentialField(tab, 'apiToken', api.token);
			const right = await saveAndReadBanner(tab, TEST_PASSED);
			const rightFile = await shot('credential-right-token', tab);
			credential.rightToken = { banner: right, screenshot: rightFile };
			expect(TEST_PASSED.test(right), `credential dialog, right API Token: no success banner (shows: "${right}") — see ${rightFile}`);
		},
		{ pageOf: () => tab },
	);
	// Leave no credential behind (the REST call the Credentials page's Delete makes).
	if (tab) {
		for (const id of new Set(saved.filter(Boolean))) await deleteCredential(tab, id).catch(() => {});
		await tab.close().catch(() => {});
	}
	credential.seconds = Math.round((Date.now() - startedAt) / 100) / 10;
}

module.exports = { credentialDialog };
