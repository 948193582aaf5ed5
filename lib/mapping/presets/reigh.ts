/**
 * Reigh (../shared/seeds/reigh.md; fixture db/fixtures/reigh): the cached balance in users.credits,
 * moved by a trigger on credits_ledger; tasks with worker_id and no user column (a task belongs to a
 * project); travel orchestrators charged for their segment sub-tasks. No payments table: Stripe
 * purchases are 'stripe' ledger rows.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const reighPreset = {
  name: 'reigh',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    columns: { email: 'email', name: 'name', createdAt: 'created_at', credits: 'credits', givenCredits: 'given_credits' },
  },
  ledger: {
    table: { schema: 'public', name: 'credits_ledger' },
    key: 'id',
    columns: { userId: 'user_id', amount: 'amount', type: 'type', taskId: 'task_id', createdAt: 'created_at' },
    types: { purchase: 'stripe', spend: 'spend', refund: 'refund', manual: 'manual' },
    balanceUpdate: 'trigger',
  },
  taskCostConfigs: {
    table: { schema: 'public', name: 'task_cost_configs' },
    key: 'id',
    columns: { taskType: 'task_type', baseCostPerSecond: 'base_cost_per_second', costFactors: 'cost_factors' },
  },
  tasks: {
    table: { schema: 'public', name: 'tasks' },
    key: 'id',
    columns: {
      projectId: 'project_id', taskType: 'task_type', status: 'status', params: 'params', workerId: 'worker_id',
      attempts: 'attempts', errorMessage: 'error_message', createdAt: 'created_at', updatedAt: 'updated_at',
      startedAt: 'generation_started_at', processedAt: 'generation_processed_at', parentId: 'orchestrator_task_id',
    },
    statuses: { queued: 'Queued', inProgress: 'In Progress', complete: 'Complete', failed: 'Failed', cancelled: 'Cancelled' },
    billing: 'parent-only',
  },
  workers: {
    table: { schema: 'public', name: 'workers' },
    key: 'id',
    columns: { status: 'status', lastHeartbeat: 'last_heartbeat', metadata: 'metadata', createdAt: 'created_at' },
    statuses: { active: 'active', inactive: 'inactive', terminated: 'terminated' },
  },
  absent: {
    payments: "Reigh keeps no payments table: Stripe purchases arrive in credits_ledger as 'stripe' entries",
    apiCosts: 'Reigh logs no per-call API costs: a task costs its seconds at task_cost_configs rates',
    tiers: 'Reigh has no subscription tiers',
  },
} satisfies MappingInput;
