import type {
	IDataObject,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { apiOptionsField } from '../../shared/descriptions';
import { SUBSCRIPTION_PATH, USAGE_PATH } from '../../shared/endpoints';
import { apiGet } from '../../shared/api/direct';
import type { ItemState } from '../../shared/api/items';
import { routedThroughDoor } from '../../shared/api/routed';
import { isoTime, numberOf } from '../../shared/values';

const showOnlyForGetQuota = {
	resource: ['account'],
	operation: ['getQuota'],
};

export const accountGetQuotaDescription: INodeProperties[] = [apiOptionsField(showOnlyForGetQuota)];

/** What an "unlimited" token reports as its quota (GPT.GE's quota page). */
const UNLIMITED_USD = 100_000_000;

/** Dollars to the micro-dollar: no float noise such as 6.959646000000001. */
const usd = (dollars: number) => Math.round(dollars * 1e6) / 1e6;

/** The quota in USD as Account → Get Quota outputs it. */
export interface Quota extends IDataObject {
	unlimited: boolean;
	quotaUsd: number | null;
	usedUsd: number;
	leftUsd: number | null;
	expiresAt: string | null;
}

/**
 * Whether the quota needs GET /v1/dashboard/billing/usage: the host did not report what was used
 * (`used_usd`) or, for a token that is not unlimited, what is left (`balance_usd`).
 */
export function needsUsage(subscription: IDataObject): boolean {
	const unlimited = (numberOf(subscription.hard_limit_usd) as number) >= UNLIMITED_USD;
	return numberOf(subscription.used_usd) === undefined || (numberOf(subscription.balance_usd) === undefined && !unlimited);
}

/**
 * Quota, used and left in USD, from the subscription answer (`hard_limit_usd`, 100000000 for an
 * unlimited token; some hosts add `used_usd` and `balance_usd`) and, when needsUsage says so, the
 * usage answer, whose `total_usage` is in cents. Pure: the probe (probe/) reads answers with it too.
 */
export function quotaOf(subscription: IDataObject, usage: IDataObject | null): Quota {
	const quota = numberOf(subscription.hard_limit_usd) as number;
	const unlimited = quota >= UNLIMITED_USD;
	const used = numberOf(subscription.used_usd) ?? (numberOf(usage?.total_usage) as number) / 100;
	const left = numberOf(subscription.balance_usd) ?? quota - used;
	return {
		unlimited,
		quotaUsd: unlimited ? null : usd(quota),
		usedUsd: usd(used),
		leftUsd: unlimited ? null : usd(left),
		expiresAt: isoTime(subscription.access_until) ?? isoTime(subscription.expire_at),
	};
}

/** One item: quotaOf the subscription answer, with the usage answer when it is needed. */
async function toQuotaItem(
	context: IExecuteSingleFunctions,
	state: ItemState,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const subscription = response.body as IDataObject;
	let usage: IDataObject | null = null;
	if (needsUsage(subscription)) {
		const answer = await apiGet(context, USAGE_PATH, {
			priority: 'normal',
			endpoint: 'usage',
		});
		usage = answer.body as IDataObject;
	}
	return [{ json: { ...quotaOf(subscription, usage), subscription, usage }, pairedItem: { item: state.itemIndex } }];
}

export const accountGetQuotaRouting = routedThroughDoor(
	{ createsTask: false, endpoint: 'subscription' },
	{ request: { method: 'GET', url: SUBSCRIPTION_PATH }, postReceive: [toQuotaItem] },
);
