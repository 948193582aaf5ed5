/**
 * Reigh (banodoco/Reigh, then banodoco/reigh-app; fixtures db/fixtures/reigh-*): the cached balance in
 * users.credits, re-summed from credits_ledger by the product's trigger (which refuses direct writes);
 * amounts in cents. A Stripe checkout is a 'stripe' ledger row keyed by metadata->>'stripe_session_id'
 * (no payments table: the payments are those rows, one per session). Tasks belong to a project (no user
 * column: a task's user is its project's); travel sub-tasks name their orchestrator in
 * params->>'orchestrator_task_id_ref' (2026: or the orchestration contract's orchestrator_task_id, where
 * the orchestrator itself writes a label that is not a task id) and are paid through it (billing
 * parent-only). Task prices: task_cost_configs (Aug 2025), then task_types.
 */
import type { MappingInput } from '@/lib/mapping/schema';

const users = {
  table: { schema: 'public', name: 'users' },
  key: 'id',
  // No created_at in any version (auth.users has it); given_credits is a flag, not an amount.
  columns: { email: 'email', name: 'name', credits: 'credits' },
} as const;

const ledger = {
  table: { schema: 'public', name: 'credits_ledger' },
  key: 'id',
  columns: {
    userId: 'user_id', amount: 'amount', type: 'type', taskId: 'task_id', createdAt: 'created_at',
    paymentId: 'metadata->>stripe_session_id',
  },
  types: { purchase: 'stripe', spend: 'spend', refund: 'refund', manual: 'manual' },
  balanceUpdate: 'trigger',
} as const;

const payments = {
  table: { schema: 'public', name: 'credits_ledger' },
  where: { type: 'stripe' },
  key: 'metadata->>stripe_session_id',
  oneRowPerKey: true,
  columns: {
    userId: 'user_id', amount: 'amount', credits: 'amount', status: "'completed'", createdAt: 'created_at',
    provider: "'stripe'", providerRef: 'metadata->>stripe_session_id', currency: 'metadata->>currency',
  },
  statuses: { completed: 'completed' },
  amountUnit: 'minor',
} as const;

const tasks = {
  table: { schema: 'public', name: 'tasks' },
  key: 'id',
  columns: {
    userId: '(select user_id from public.projects where id = project_id)', projectId: 'project_id', taskType: 'task_type', status: 'status', params: 'params', workerId: 'worker_id',
    attempts: 'attempts', errorMessage: 'error_message', createdAt: 'created_at', updatedAt: 'updated_at',
    startedAt: 'generation_started_at', processedAt: 'generation_processed_at', parentId: 'params->>orchestrator_task_id_ref',
  },
  statuses: { queued: 'Queued', inProgress: 'In Progress', complete: 'Complete', failed: 'Failed', cancelled: 'Cancelled' },
  billing: 'parent-only',
} as const;

const workers = {
  table: { schema: 'public', name: 'workers' },
  key: 'id',
  columns: { status: 'status', lastHeartbeat: 'last_heartbeat', metadata: 'metadata', createdAt: 'created_at' },
  statuses: { active: 'active', inactive: 'inactive', terminated: 'terminated' },
} as const;

const absent = {
  apiCosts: 'Reigh logs no per-call API costs: a task costs its seconds at its type\'s rate',
  tiers: 'Reigh has no subscription tiers',
  subscriptions: 'Reigh has no subscriptions: credits are bought in one-off Stripe checkouts (and auto top-ups)',
  usageCounters: 'Reigh keeps no usage counters: the credits ledger itself records every charge',
} as const;

/** Sep 2025 on: task_types (name, base_cost_per_second) replaces task_cost_configs. */
export const reighPreset = {
  name: 'reigh',
  users, ledger, payments, tasks, workers, absent,
  taskCostConfigs: {
    table: { schema: 'public', name: 'task_types' },
    key: 'name',
    columns: { taskType: 'name', baseCostPerSecond: 'base_cost_per_second', costFactors: 'cost_factors' },
  },
} satisfies MappingInput;

/**
 * 2026 (reigh-app): a cancelled orchestrator is charged for the segments that finished (its billing
 * trigger), so a charge on a cancelled task is not a finding. Told apart by tasks.idempotency_key.
 */
export const reigh2026Preset = {
  ...reighPreset,
  tasks: {
    ...tasks,
    columns: { ...tasks.columns, parentId: 'coalesce(params->orchestration_contract->>orchestrator_task_id, params->>orchestrator_task_id_ref)' },
    chargedWhen: ['cancelled'],
  },
} satisfies MappingInput;

/** Aug 2025: task_cost_configs. */
export const reigh202508Preset = {
  name: 'reigh',
  users, ledger, payments, tasks, workers, absent,
  taskCostConfigs: {
    table: { schema: 'public', name: 'task_cost_configs' },
    key: 'id',
    columns: { taskType: 'task_type', baseCostPerSecond: 'base_cost_per_second', costFactors: 'cost_factors' },
  },
} satisfies MappingInput;
