/** The discrepancies a reconciliation reports, in the order the page lists them. */
export const DISCREPANCY_KINDS = [
  'balance_drift',
  'payment_without_grant',
  'payment_granted_twice',
  'grant_without_payment',
  'negative_balance',
  'ledger_of_deleted_user',
  'completed_task_not_charged',
  'failed_task_charged',
  'spend_differs_from_cost',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export const KIND_LABELS: Record<DiscrepancyKind, string> = {
  balance_drift: 'Cached balance differs from the ledger sum',
  payment_without_grant: 'Completed payment with no grant',
  payment_granted_twice: 'Payment granted more than once',
  grant_without_payment: 'Grant with no completed payment',
  negative_balance: 'Negative balance',
  ledger_of_deleted_user: 'Ledger rows of users that no longer exist',
  completed_task_not_charged: 'Completed task with no spend entry',
  failed_task_charged: 'Failed or cancelled task that was charged',
  spend_differs_from_cost: "Spend that differs from the task's cost",
};

export interface Finding {
  kind: DiscrepancyKind;
  userId: string | null;
  paymentId: string | null;
  taskId: string | null;
  /** The ledger entries involved (at most 50). */
  entryIds: string[];
  /** What the books say it should be, and what it is (credits), where a number applies. */
  expected: string | null;
  actual: string | null;
  detail: string;
}

/** A stable identity for comparing runs: kind and the ids involved. */
export function findingKey(f: Pick<Finding, 'kind' | 'userId' | 'paymentId' | 'taskId' | 'entryIds'>): string {
  return [f.kind, f.userId ?? '', f.paymentId ?? '', f.taskId ?? '', [...f.entryIds].sort().join(',')].join('|');
}
