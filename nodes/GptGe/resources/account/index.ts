import type { INodeProperties } from 'n8n-workflow';
import { accountGetQuotaDescription, accountGetQuotaRouting } from './getQuota';

const showOnlyForAccount = {
	resource: ['account'],
};

export const accountDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: {
			show: showOnlyForAccount,
		},
		options: [
			{
				name: 'Get Quota',
				value: 'getQuota',
				action: 'Get the quota and usage of the token',
				description: "The token's quota, what it has used and what is left, in USD",
				routing: accountGetQuotaRouting,
			},
		],
		default: 'getQuota',
	},
	...accountGetQuotaDescription,
];
