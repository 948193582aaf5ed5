/**
 * The demo database (db/demo/build.ts), which follows Reigh's schema: cached balance in
 * users.credits, a typed credits_ledger, tasks with worker_id, workers with last_heartbeat.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const demoPreset = {
  name: 'demo',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    columns: {
      email: 'email',
      name: 'full_name',
      createdAt: 'created_at',
      credits: 'credits',
      givenCredits: 'given_credits',
      tierId: 'tier_id',
      status: 'status',
    },
  },
  tiers: {
    table: { schema: 'public', name: 'subscription_tiers' },
    key: 'id',
    columns: { name: 'name', monthlyPrice: 'monthly_price', monthlyCredits: 'monthly_credits' },
  },
  payments: {
    table: { schema: 'public', name: 'payments' },
    key: 'id',
    columns: {
      userId: 'user_id',
      amount: 'amount',
      currency: 'currency',
      credits: 'credits',
      status: 'status',
      provider: 'provider',
      providerRef: 'provider_ref',
      orderId: 'order_id',
      method: 'method',
      createdAt: 'created_at',
      completedAt: 'completed_at',
      updatedAt: 'updated_at',
    },
    statuses: {
      created: 'created',
      pending: 'pending',
      completed: 'completed',
      failed: 'failed',
      refunded: 'refunded',
      disputed: 'disputed',
    },
    amountUnit: 'major',
  },
  ledger: {
    table: { schema: 'public', name: 'credits_ledger' },
    key: 'id',
    columns: {
      userId: 'user_id',
      amount: 'amount',
      type: 'type',
      paymentId: 'payment_id',
      taskId: 'task_id',
      description: 'description',
      createdAt: 'created_at',
    },
    types: { purchase: 'purchase', spend: 'spend', refund: 'refund', grant: 'grant', manual: 'manual', expiry: 'expiry' },
  },
  taskCostConfigs: {
    table: { schema: 'public', name: 'task_cost_configs' },
    key: 'task_type',
    columns: {
      taskType: 'task_type',
      baseCostPerSecond: 'base_cost_per_second',
      costFactors: 'cost_factors',
      billable: 'billable',
    },
  },
  tasks: {
    table: { schema: 'public', name: 'tasks' },
    key: 'id',
    columns: {
      userId: 'user_id',
      projectId: 'project_id',
      taskType: 'task_type',
      status: 'status',
      params: 'params',
      workerId: 'worker_id',
      attempts: 'attempts',
      errorMessage: 'error_message',
      cost: 'cost',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
      startedAt: 'generation_started_at',
      processedAt: 'generation_processed_at',
    },
    statuses: {
      queued: 'Queued',
      inProgress: 'In Progress',
      complete: 'Complete',
      failed: 'Failed',
      cancelled: 'Cancelled',
    },
  },
  workers: {
    table: { schema: 'public', name: 'workers' },
    key: 'id',
    columns: { status: 'status', lastHeartbeat: 'last_heartbeat', metadata: 'metadata' },
    statuses: { active: 'active', inactive: 'inactive', terminated: 'terminated' },
  },
  apiCosts: {
    table: { schema: 'public', name: 'api_cost_logs' },
    key: 'id',
    columns: {
      userId: 'user_id',
      taskId: 'task_id',
      provider: 'provider',
      model: 'model',
      inputTokens: 'input_tokens',
      outputTokens: 'output_tokens',
      costUsd: 'cost_usd',
      createdAt: 'created_at',
    },
  },
  absent: {
    subscriptions: 'the demo sells credit packs: users have a tier, but no subscription is recorded',
    usageCounters: 'the demo keeps no usage counters: the credits ledger records every charge',
  },
} satisfies MappingInput;
