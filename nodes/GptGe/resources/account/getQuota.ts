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
import { isoTime } from '../../shared/values';

const showOnlyForGetQuota = {
	resource: ['account'],
	operation: ['getQuota'],
};

export const accountGetQuotaDescription: INodeProperties[] = [apiOptionsField(showOnlyForGetQuota)];

/** What an "unlimited" token reports as its quota (GPT.GE's quota page). */
const UNLIMITED_USD = 100_000_000;

const numberOf = (value: unknown): number | undefined => {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
};

/** Dollars to the micro-dollar: no float noise such as 6.959646000000001. */
const usd = (dollars: number) => Math.round(dollars * 1e6) / 1e6;

/**
 * One item: quota, used and left in USD. GET /v1/dashboard/billing/subscription gives the quota
 * (`hard_limit_usd`, 100000000 for an unlimited token); some hosts add `used_usd` and
 * `balance_usd`. What they leave out comes from GET /v1/dashboard/billing/usage, whose
 * `total_usage` is in cents.
 */
async function toQuotaItem(
	context: IExecuteSingleFunctions,
	state: ItemState,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const subscription = response.body as IDataObject;
	const quota = numberOf(subscription.hard_limit_usd) as number;
	const unlimited = quota >= UNLIMITED_USD;
	const reportedUsed = numberOf(subscription.used_usd);
	const reportedLeft = numberOf(subscription.balance_usd);

	let usage: IDataObject | null = null;
	if (reportedUsed === undefined || (reportedLeft === undefined && !unlimited)) {
		const answer = await apiGet(context, USAGE_PATH, {
			priority: 'normal',
			endpoint: 'usage',
		});
		usage = answer.body as IDataObject;
	}
	const used = reportedUsed ?? (numberOf(usage?.total_usage) as number) / 100;
	const left = reportedLeft ?? quota - used;
	return [
		{
			json: {
				unlimited,
				quotaUsd: unlimited ? null : usd(quota),
				usedUsd: usd(used),
				leftUsd: unlimited ? null : usd(left),
				expiresAt: isoTime(subscription.access_until) ?? isoTime(subscription.expire_at),
				subscription,
				usage,
			},
			pairedItem: { item: state.itemIndex },
		},
	];
}

export const accountGetQuotaRouting = routedThroughDoor(
	{ createsTask: false, endpoint: 'subscription' },
	{ request: { method: 'GET', url: SUBSCRIPTION_PATH }, postReceive: [toQuotaItem] },
);
