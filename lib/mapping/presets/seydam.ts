/**
 * Seydam AI (../shared/seeds/seydam-ai.md; fixture db/fixtures/seydam): Django's tables in public,
 * bigint keys, Razorpay payments in paise, and token usage per report. It keeps no credit ledger:
 * a report's tokens are metered in seydam_tokenusage.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const seydamPreset = {
  name: 'seydam',
  users: {
    table: { schema: 'public', name: 'seydam_customuser' },
    key: 'id',
    columns: { email: 'email', name: 'username', createdAt: 'date_joined', credits: 'credits' },
  },
  payments: {
    table: { schema: 'public', name: 'seydam_payment' },
    key: 'id',
    columns: {
      userId: 'user_id', amount: 'amount', currency: 'currency', credits: 'credits_purchased', status: 'status',
      provider: 'provider', providerRef: 'razorpay_payment_id', orderId: 'razorpay_order_id',
      createdAt: 'created_at', updatedAt: 'updated_at',
    },
    statuses: { created: 'created', completed: 'paid', failed: 'failed', refunded: 'refunded' },
    amountUnit: 'minor',
  },
  apiCosts: {
    table: { schema: 'public', name: 'seydam_tokenusage' },
    key: 'id',
    columns: {
      userId: 'user_id', model: 'model_name', inputTokens: 'prompt_tokens', outputTokens: 'completion_tokens',
      costUsd: 'cost', createdAt: 'created_at',
    },
  },
  absent: {
    ledger: 'Seydam keeps no credit ledger: credits live in seydam_customuser.credits and usage is metered as tokens in seydam_tokenusage',
    taskCostConfigs: 'Seydam has no task pricing',
    tasks: 'Seydam has no task queue: reports are generated in the request',
    workers: 'Seydam has no workers',
    tiers: 'Seydam has no subscription tiers',
  },
} satisfies MappingInput;
