const outOfCredit = /quota|insufficient|balance|credit|余额|额度/i;

/** What a person can do about a failed call, by HTTP status and the API's own message. */
export function hintFor(statusCode: number, apiMessage = ''): string {
	if (statusCode === 402 || outOfCredit.test(apiMessage)) {
		return 'The GPT.GE account behind this token is out of credit: top it up, or raise the token\'s quota, then run again.';
	}
	if (statusCode === 401) {
		return 'GPT.GE did not accept the API token. Check the API Token in the GPT.GE API credential (copy it again from your GPT.GE account). If the token comes from a reseller, set Base URL to that reseller\'s API address.';
	}
	if (statusCode === 403) {
		return 'The token may not do this: it may be disabled, expired or limited to other models. Check it in your GPT.GE account; if it comes from a reseller, check Base URL too.';
	}
	if (statusCode === 429) {
		return 'GPT.GE kept refusing requests for its rate limit. Try again later, or set Rate Limit in the GPT.GE API credential to your plan\'s limit.';
	}
	if (statusCode >= 500) {
		return 'The GPT.GE service failed to process the request. Try again later.';
	}
	if (statusCode >= 400) {
		return 'GPT.GE rejected the request. Check the node\'s input values.';
	}
	return 'GPT.GE did not accept the request. Check the node\'s input values and your account balance.';
}
