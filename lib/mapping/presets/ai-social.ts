/**
 * The AI social platform (../shared/seeds/ai-social.md; fixture db/fixtures/ai-social): SQLAlchemy
 * models with UUID keys and soft deletion through a status field. It takes no payments and keeps no
 * credits, tasks or workers: Kontor shows its users and the database pages.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const aiSocialPreset = {
  name: 'ai-social',
  users: {
    table: { schema: 'public', name: 'users' },
    key: 'id',
    columns: { email: 'email', name: 'display_name', createdAt: 'created_at', status: 'status' },
    statuses: { active: 'active', suspended: 'suspended', deleted: 'deleted' },
  },
  absent: {
    payments: 'the AI social platform takes no payments',
    ledger: 'the AI social platform keeps no credits',
    taskCostConfigs: 'the AI social platform does not price tasks',
    tasks: 'the AI social platform has no task queue: conversations are answered in the request',
    workers: 'the AI social platform has no workers',
    apiCosts: 'the AI social platform logs no API costs',
    tiers: 'the AI social platform has no subscription tiers',
  },
} satisfies MappingInput;
