/**
 * The AI social platform (vishalbharadwaj2406/ai-reddit, Alembic head; fixture db/fixtures/ai-social-*):
 * SQLAlchemy models with uuid keys (users.user_id) and soft deletion through users.status ('archived').
 * It takes no payments and keeps no credits, tasks or workers: Kontor shows its users and the database pages.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const aiSocialPreset = {
  name: 'ai-social',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'user_id',
    columns: { email: 'email', name: 'user_name', createdAt: 'created_at', status: 'status' },
    statuses: { active: 'active', deleted: 'archived' },
  },
  absent: {
    payments: 'the AI social platform takes no payments',
    ledger: 'the AI social platform keeps no credits',
    taskCostConfigs: 'the AI social platform does not price tasks',
    tasks: 'the AI social platform has no task queue: conversations are answered in the request',
    workers: 'the AI social platform has no workers',
    apiCosts: 'the AI social platform logs no API costs',
    tiers: 'the AI social platform has no subscription tiers',
    subscriptions: 'the AI social platform has no subscriptions',
    usageCounters: 'the AI social platform keeps no usage counters',
  },
} satisfies MappingInput;
