/**
 * AetherCrown98 (../shared/seeds/aethercrown98.md; fixture db/fixtures/aethercrown98): the document's
 * DDL as given. PayPal payments; ai_tasks belong to an AI clone and name no worker and no user; no
 * credit ledger, so no task is charged by itself.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const aethercrown98Preset = {
  name: 'aethercrown98',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    columns: { email: 'email', name: 'name', createdAt: 'created_at' },
  },
  payments: {
    table: { schema: 'public', name: 'payments' },
    key: 'id',
    columns: {
      userId: 'user_id', amount: 'amount', currency: 'currency', status: 'status', orderId: 'order_id',
      method: 'payment_method', createdAt: 'created_at', completedAt: 'completed_at', updatedAt: 'updated_at',
    },
    statuses: { created: 'created', pending: 'approved', completed: 'completed', failed: 'failed', refunded: 'refunded' },
    amountUnit: 'major',
  },
  tasks: {
    table: { schema: 'public', name: 'ai_tasks' },
    key: 'id',
    columns: {
      taskType: 'task_name', status: 'status', params: 'task_input', errorMessage: 'error_message',
      createdAt: 'created_at', updatedAt: 'updated_at', processedAt: 'completed_at',
    },
    statuses: { queued: 'pending', inProgress: 'in_progress', complete: 'completed', failed: 'failed', cancelled: 'cancelled' },
    billing: 'none',
  },
  absent: {
    ledger: 'AetherCrown98 keeps no credit ledger: payments are one-off PayPal orders',
    taskCostConfigs: 'AetherCrown98 does not price tasks',
    workers: 'AetherCrown98 has no workers: its ai_tasks name no worker, so Kontor cannot tell a stuck task by its worker',
    apiCosts: 'AetherCrown98 logs no API costs',
    tiers: 'AetherCrown98 has no subscription tiers',
  },
} satisfies MappingInput;
