/**
 * The children's story app, Tuck and Tale (benjask5360/tuckandtaleMVP; fixtures db/fixtures/story-app-*):
 * supabase/schema_backup.sql @b616368 (2025-11-12), then current_schema_dump.sql @b83cf70 with
 * supabase/migrations up to 20251222000000 @381ada2 (2026-02-08).
 *
 * Parents are user_profiles (id = auth.users.id) on a subscription tier. api_cost_logs is both the AI
 * cost log (actual_cost_usd, dollars) and the generation jobs' status (processing_status; operation is
 * the job's kind): stories are generated inside the web request, so there is no queue table and no
 * worker, and no job is charged by itself (billing 'none'). No credit ledger in any version.
 * Subscriptions are columns of user_profiles (stripe_subscription_id, subscription_status, period); the
 * usage counters are generation_usage (2025-11) and user_profiles.total_stories_generated (2026-02, only
 * for parents who never subscribed: the checkout resets it, and when is not stored).
 */
import type { MappingInput } from '@/lib/mapping/schema';

const apiCosts = {
  table: { schema: 'public', name: 'api_cost_logs' },
  key: 'id',
  columns: {
    userId: 'user_id', provider: 'provider', model: 'model_used', inputTokens: 'prompt_tokens',
    outputTokens: 'completion_tokens', costUsd: 'actual_cost_usd', createdAt: 'created_at',
  },
} as const;

// A generation is a log row: inserted 'processing' (started_at = created_at), then 'completed' with its
// content_id or 'failed' with error_message. 'pending' is the column's first state, which the code skips.
const tasks = {
  table: { schema: 'public', name: 'api_cost_logs' },
  key: 'id',
  columns: {
    userId: 'user_id', taskType: 'operation', status: 'processing_status', params: 'generation_params',
    errorMessage: 'error_message', createdAt: 'created_at', startedAt: 'started_at', processedAt: 'completed_at',
  },
  statuses: { queued: 'pending', inProgress: 'processing', complete: 'completed', failed: 'failed' },
  billing: 'none',
} as const;

// A subscription is a Stripe one: free sign-ups carry status 'active' with no subscription id.
const subscriptions = {
  table: { schema: 'public', name: 'user_profiles' },
  where: { stripe_subscription_id: { notNull: true } },
  key: 'id',
  columns: {
    userId: 'id', status: 'subscription_status', tierId: 'subscription_tier_id', providerRef: 'stripe_subscription_id',
    periodStart: 'subscription_starts_at', periodEnd: 'subscription_ends_at', updatedAt: 'updated_at',
  },
  statuses: { active: 'active', trialing: 'trialing', pastDue: 'past_due', cancelled: 'cancelled' },
} as const;

const workers = 'Tuck and Tale has no workers: stories are generated inside the web request, and api_cost_logs keeps each generation\'s status';

/** Feb 2026 (HEAD): text tier ids (tier_free, tier_stories_plus), $4.99 checkouts in story_purchases, generation_credits. */
export const storyAppPreset = {
  name: 'story-app',
  users: {
    table: { schema: 'public', name: 'user_profiles' },
    key: 'id',
    // generation_credits: a cached balance moved by RPCs (+1 per credit bought, -1 per story made with one).
    columns: { email: 'email', name: 'full_name', createdAt: 'created_at', tierId: 'subscription_tier_id', credits: 'generation_credits' },
  },
  tiers: {
    table: { schema: 'public', name: 'subscription_tiers' },
    key: 'id',
    columns: { name: 'name', monthlyPrice: 'price_monthly' },
    free: ['Free'],
  },
  subscriptions,
  usageCounters: {
    table: { schema: 'public', name: 'user_profiles' },
    where: { stripe_subscription_id: null },
    key: 'id',
    columns: { value: 'total_stories_generated', userId: 'id', createdAt: 'created_at' },
    events: { table: { schema: 'public', name: 'content' }, where: { content_type: 'story' } },
    match: { counter: 'id', events: 'user_id' },
  },
  // One row per completed one-time Stripe checkout: no status column, no refunds, amounts in cents.
  payments: {
    table: { schema: 'public', name: 'story_purchases' },
    key: 'id',
    columns: {
      userId: 'user_id', amount: 'amount_cents', currency: "'USD'", status: "'completed'", provider: "'stripe'",
      providerRef: 'stripe_payment_intent_id', orderId: 'stripe_session_id', periodKey: 'stripe_session_id', createdAt: 'created_at', updatedAt: 'updated_at',
    },
    statuses: { completed: 'completed' },
    amountUnit: 'minor',
  },
  apiCosts,
  tasks,
  absent: {
    ledger: 'Tuck and Tale keeps no credit ledger: user_profiles.generation_credits is moved by RPCs (+1 per credit bought in story_purchases, -1 per story made with a credit), with no entries behind it',
    taskCostConfigs: 'Tuck and Tale does not price generations: a Stories Plus subscription or a $4.99 purchase pays for stories (api_prices only prices the AI providers\' calls)',
    workers,
  },
} satisfies MappingInput;

/** Nov 2025 (b616368): uuid tier ids (free, moonlight, starlight, supernova), no payments or credits yet. */
export const storyApp202511Preset = {
  name: 'story-app',
  users: {
    table: { schema: 'public', name: 'user_profiles' },
    key: 'id',
    columns: { email: 'email', name: 'full_name', createdAt: 'created_at', tierId: 'subscription_tier_id' },
  },
  tiers: {
    table: { schema: 'public', name: 'subscription_tiers' },
    key: 'id',
    columns: { name: 'display_name', monthlyPrice: 'price_monthly' },
    free: ['Free'],
  },
  subscriptions,
  usageCounters: {
    table: { schema: 'public', name: 'generation_usage' },
    where: { generation_type: 'story' },
    key: 'id',
    columns: { value: 'monthly_count', userId: 'user_id', period: 'month_year', createdAt: 'created_at' },
    events: { table: { schema: 'public', name: 'api_cost_logs' }, where: { operation: 'story_generation', processing_status: 'completed' }, createdAt: 'created_at' },
    match: { counter: 'user_id', events: 'user_id' },
    periodFormat: 'YYYY-MM',
  },
  apiCosts,
  tasks,
  absent: {
    payments: 'Tuck and Tale stores no payments at this version: Stripe arrives on 2025-11-15, and nothing yet writes user_profiles\' Stripe columns',
    ledger: 'Tuck and Tale keeps no credits: each tier limits stories per day and month, counted in generation_usage',
    taskCostConfigs: 'Tuck and Tale does not price generations: the tier pays for them (api_prices only prices the AI providers\' calls)',
    workers,
  },
} satisfies MappingInput;
