/**
 * Seydam AI (1digitaldesign/db-6-weather-documentation db-4 @fe43247; fixture db/fixtures/seydam-*):
 * Django's tables in public with bigint keys; Paystack payments in kobo, one row per user that each
 * checkout overwrites (last_reference, last_amount, last_status; reports_paid counts paid reports);
 * report jobs in seydam_reportjobid (no type, no workers). No credit ledger, no per-call cost log.
 */
import type { MappingInput } from '@/lib/mapping/schema';

export const seydamPreset = {
  name: 'seydam',
  users: {
    table: { schema: 'public', name: 'seydam_customuser' },
    key: 'id',
    columns: { email: 'email', name: 'username', createdAt: 'date_joined' },
  },
  payments: {
    table: { schema: 'public', name: 'seydam_payment' },
    key: 'id',
    columns: {
      userId: 'user_id', amount: 'last_amount', currency: "'NGN'", credits: 'reports_paid', status: 'last_status',
      provider: "'paystack'", providerRef: 'last_reference', createdAt: 'created_at', updatedAt: 'updated_at',
    },
    statuses: { completed: 'success', failed: 'failed', refunded: 'reversed', pending: 'abandoned' },
    amountUnit: 'minor',
  },
  tasks: {
    table: { schema: 'public', name: 'seydam_reportjobid' },
    key: 'id',
    columns: {
      userId: 'user_id', status: 'status', attempts: 'attempts', errorMessage: 'last_error',
      createdAt: 'created_at', updatedAt: 'updated_at', params: 'stage',
    },
    statuses: { queued: 'pending', inProgress: 'processing', complete: 'completed', failed: 'failed' },
    billing: 'none',
  },
  usageCounters: {
    // Each report tallies the AI-edit tokens it used; seydam_tokenusage logs the same tokens per user.
    table: { schema: 'public', name: 'seydam_reports' },
    key: 'id',
    columns: { value: 'used_credits', userId: 'user_id', createdAt: 'created_at' },
    events: { table: { schema: 'public', name: 'seydam_tokenusage' }, amount: 'output_tokens' },
    match: { counter: 'user_id', events: 'user_id' },
  },
  absent: {
    subscriptions: 'Seydam has no subscriptions: reports are paid one by one',
    ledger: 'Seydam keeps no credit ledger: a payment row counts paid reports (reports_paid) and reports carry their token allowance',
    taskCostConfigs: 'Seydam has no task pricing: a report is paid for up front',
    workers: 'Seydam has no workers table: report jobs run on an external service',
    apiCosts: 'Seydam logs no per-call API costs: seydam_tokenusage counts output tokens per user only',
    tiers: 'Seydam has no subscription tiers: the first report is free, the others are paid one by one',
  },
} satisfies MappingInput;
