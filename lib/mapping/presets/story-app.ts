/**
 * The children's story app (../shared/seeds/story-app.md; fixture db/fixtures/story-app): profiles
 * linked to auth.users, subscription tiers, every AI call's cost in api_cost_logs. It bills per
 * subscription period (generation_usage counts a period's stories), so it has no credit ledger,
 * payments table or task queue.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const storyAppPreset = {
  name: 'story-app',
  users: {
    table: { schema: 'public', name: 'user_profiles' },
    key: 'id',
    columns: { email: 'email', name: 'display_name', createdAt: 'created_at', tierId: 'subscription_tier' },
  },
  tiers: {
    table: { schema: 'public', name: 'subscription_tiers' },
    key: 'id',
    columns: { name: 'name', monthlyPrice: 'monthly_price' },
  },
  apiCosts: {
    table: { schema: 'public', name: 'api_cost_logs' },
    key: 'id',
    columns: {
      userId: 'user_id', provider: 'api_provider', model: 'model', inputTokens: 'input_tokens',
      outputTokens: 'output_tokens', costUsd: 'cost_usd', createdAt: 'created_at',
    },
  },
  absent: {
    payments: 'the story app keeps no payments table: subscriptions are billed by the payment provider',
    ledger: 'the story app keeps no credit ledger: it bills per subscription period (generation_usage counts each period)',
    taskCostConfigs: 'the story app prices API calls in api_prices, not per task',
    tasks: 'the story app has no task queue: stories are generated in the request',
    workers: 'the story app has no workers',
  },
} satisfies MappingInput;
