/**
 * AetherCrown98 (monkeymadness98/AetherCrown98; fixtures db/fixtures/aethercrown98-*), three schemas
 * written within two days on sibling branches:
 * - 98cb007 (2025-10-23): DATABASE_SCHEMA.md, the document main's routes use, then
 *   database/schema_updates.sql. PayPal sandbox orders in dollars; ai_tasks of AI clones.
 * - 013b50c (2025-10-23): db/schema.sql and db/seed_data.sql. Stripe or PayPal subscriptions renewed
 *   by payments in cents; workflow_executions are the only runs; users.plan_tier names the plan.
 * - 485fdfa (2025-10-22): database_schema.sql. PayPal orders in dollars; ai_tasks of clones.
 * No version keeps credits, a ledger or workers: nothing is charged per task (billing 'none'), and a
 * task names no worker. A task's user is its clone's (98cb007: ai_clones.user_id, read through the
 * task's clone_id) or nobody's (485fdfa: clones have no owner).
 */
import type { MappingInput } from '@/lib/mapping/schema';

const noLedger = 'AetherCrown98 keeps no credits or ledger';
const noWorkers = 'AetherCrown98 has no workers';

const clonesAbsent = {
  ledger: `${noLedger}: a payment is a one-off PayPal order`,
  taskCostConfigs: 'AetherCrown98 does not charge for ai_tasks: nothing prices or bills a task',
  workers: `${noWorkers}: ai_tasks are moved by PUT /api/tasks (a person or an outside caller) and name no worker`,
  apiCosts: 'AetherCrown98 logs no API costs: its logs record actions, never what a call cost',
} as const;

/** 98cb007 (DATABASE_SCHEMA.md + database/schema_updates.sql). */
export const aethercrown98Preset = {
  name: 'aethercrown98',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    columns: { email: 'email', name: 'name', createdAt: 'created_at' },
  },
  // POST inserts 'created'; PUT sets the status the page sends and completed_at only for 'completed'
  // (a later 'refunded' clears it). 'cancelled' has no meaning of Kontor's: it shows as written.
  payments: {
    table: { schema: 'public', name: 'payments' },
    key: 'id',
    columns: {
      userId: 'user_id', amount: 'amount', currency: 'currency', status: 'status', provider: "'paypal'", providerRef: 'order_id',
      orderId: 'metadata->>invoice_number', periodKey: 'metadata->>invoice_number', method: 'payment_method', createdAt: 'created_at', completedAt: 'completed_at', updatedAt: 'updated_at',
    },
    statuses: { created: 'created', pending: 'pending', completed: 'completed', failed: 'failed', refunded: 'refunded' },
    amountUnit: 'major',
  },
  // No started_at: updated_at is when the task last moved (in progress since then). The user is the
  // clone's owner.
  tasks: {
    table: { schema: 'public', name: 'ai_tasks' },
    key: 'id',
    columns: {
      userId: '(select user_id from public.ai_clones where id = clone_id)', taskType: 'task_name', status: 'status', params: 'task_input', errorMessage: 'error_message',
      createdAt: 'created_at', updatedAt: 'updated_at', processedAt: 'completed_at',
    },
    statuses: { queued: 'pending', inProgress: 'in_progress', complete: 'completed', failed: 'failed' },
    billing: 'none',
  },
  absent: {
    ...clonesAbsent,
    tiers: 'AetherCrown98 has no subscription tiers at this version: organizations.plan is a label nothing bills',
    subscriptions: 'AetherCrown98 has no subscriptions at this version: each PayPal order is paid once',
    usageCounters: 'AetherCrown98 keeps no usage counters at this version',
  },
} satisfies MappingInput;

/** 013b50c (db/schema.sql): subscriptions, payments per billing period in cents, workflow runs. */
export const aethercrown98013b50cPreset = {
  name: 'aethercrown98',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    // No tiers table: plan_tier is the plan's name (starter, pro, enterprise), shown as it is.
    columns: { email: 'email', name: 'full_name', createdAt: 'created_at', tierId: 'plan_tier', status: 'is_active' },
    statuses: { active: 'true', suspended: 'false' },
  },
  // One payment per renewal ('succeeded' is the revenue_metrics view's paid); Stripe's invoice and the
  // billed period's start are in metadata, so a period is the subscription and that start together.
  payments: {
    table: { schema: 'public', name: 'payments' },
    key: 'id',
    columns: {
      userId: 'user_id', amount: 'amount', currency: 'currency', status: 'status', provider: 'provider', providerRef: 'provider_payment_id',
      orderId: 'metadata->>invoice_id', periodKey: 'subscription_id || metadata->>period_start', method: 'payment_method', createdAt: 'created_at', completedAt: 'paid_at', updatedAt: 'updated_at',
    },
    statuses: { completed: 'succeeded', failed: 'failed', refunded: 'refunded' },
    amountUnit: 'minor',
  },
  subscriptions: {
    table: { schema: 'public', name: 'subscriptions' },
    key: 'id',
    columns: {
      userId: 'user_id', status: 'status', tierId: 'plan', provider: 'provider', providerRef: 'provider_subscription_id',
      periodStart: 'current_period_start', periodEnd: 'current_period_end', createdAt: 'created_at', updatedAt: 'updated_at',
    },
    statuses: { active: 'active', trialing: 'trialing', pastDue: 'past_due', cancelled: 'canceled' },
    freeTierValues: ['starter'],
  },
  usageCounters: {
    table: { schema: 'public', name: 'workflows' },
    key: 'id',
    columns: { value: 'execution_count', userId: 'user_id', createdAt: 'created_at' },
    events: { table: { schema: 'public', name: 'workflow_executions' } },
    match: { counter: 'id', events: 'workflow_id' },
  },
  // A row exists once a run starts: no queued state, no attempts. The workflow is the run's kind.
  tasks: {
    table: { schema: 'public', name: 'workflow_executions' },
    key: 'id',
    columns: {
      userId: 'user_id', taskType: 'workflow_id', status: 'status', errorMessage: 'error_message',
      createdAt: 'created_at', startedAt: 'started_at', processedAt: 'completed_at',
    },
    statuses: { inProgress: 'running', complete: 'completed', failed: 'failed' },
    billing: 'none',
  },
  absent: {
    ledger: `${noLedger}: a subscription's plan is billed each period, one payment per renewal`,
    taskCostConfigs: 'AetherCrown98 does not charge per workflow run: the plan\'s subscription pays for them',
    workers: `${noWorkers}: a workflow_executions row is the run itself, with no queue and no worker`,
    apiCosts: 'AetherCrown98 logs no API costs: analytics_events counts api_call events, without a cost',
    tiers: 'AetherCrown98 has no tiers table: users.plan_tier names the plan (starter, pro, enterprise) and subscriptions bill it',
  },
} satisfies MappingInput;

/** 485fdfa (database_schema.sql): PayPal orders, ai_tasks of clones that have no owner. */
export const aethercrown98485fdfaPreset = {
  name: 'aethercrown98',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    columns: { email: 'email', name: 'name', createdAt: 'created_at' },
  },
  // No completed_at: a captured order's capture time is its updated_at (so is a refund's).
  payments: {
    table: { schema: 'public', name: 'payments' },
    key: 'id',
    columns: {
      userId: 'user_id', amount: 'amount', currency: 'currency', status: 'status', provider: "'paypal'", providerRef: 'order_id',
      orderId: 'metadata->>invoice_number', periodKey: 'metadata->>invoice_number', method: 'payment_method', createdAt: 'created_at', updatedAt: 'updated_at',
    },
    statuses: { pending: 'pending', completed: 'completed', failed: 'failed', refunded: 'refunded' },
    amountUnit: 'major',
  },
  tasks: {
    table: { schema: 'public', name: 'ai_tasks' },
    key: 'id',
    columns: {
      taskType: 'task_type', status: 'status', params: 'input_data', errorMessage: 'error_message',
      createdAt: 'created_at', updatedAt: 'updated_at',
    },
    statuses: { queued: 'pending', inProgress: 'running', complete: 'completed', failed: 'failed' },
    billing: 'none',
  },
  absent: {
    ...clonesAbsent,
    tiers: 'AetherCrown98 has no subscription tiers or plans at this version',
    subscriptions: 'AetherCrown98 has no subscriptions at this version: each PayPal order is paid once',
    usageCounters: 'AetherCrown98 keeps no usage counters at this version',
  },
} satisfies MappingInput;
