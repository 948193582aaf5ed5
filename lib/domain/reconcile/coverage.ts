/**
 * Which of the reconciliation's checks can run on this product, and why not where they cannot: a
 * check that did not run is said to have not run, never shown as "0 discrepancies". Read from the
 * (validated) mapping alone, the same conditions financeConcepts applies.
 */
import 'server-only';
import { hasColumn, type Mapping } from '@/lib/mapping';

export interface CheckCoverage {
  check: 'balances' | 'payments' | 'tasks';
  label: string;
  ran: boolean;
  why?: string;
}

export function reconcileCoverage(m: Mapping): CheckCoverage[] {
  const { users, ledger, payments, tasks } = m;
  if (!users || !ledger) {
    const why = m.absent.ledger ?? 'the product keeps no credit ledger';
    return [
      { check: 'balances', label: 'Cached balances against the ledger', ran: false, why },
      { check: 'payments', label: 'Payments against their grants', ran: false, why },
      { check: 'tasks', label: 'Tasks against their charges', ran: false, why },
    ];
  }
  const typed = hasColumn(ledger, 'type');
  const paymentsWhy = !payments ? (m.absent.payments ?? 'the product keeps no payments')
    : !typed ? 'the ledger has no type column to tell purchases apart'
      : !ledger.types.purchase ? 'the mapping names no purchase type in the ledger (ledger.types.purchase)'
        : !hasColumn(ledger, 'paymentId') ? 'the ledger names no payment (ledger.columns.paymentId)'
          : !payments.statuses.completed ? 'the mapping names no completed status for payments' : undefined;
  const tasksWhy = !tasks ? (m.absent.tasks ?? 'the product keeps no tasks')
    : !typed ? 'the ledger has no type column to tell charges apart'
      : !ledger.types.spend ? 'the mapping names no spend type in the ledger (ledger.types.spend)'
        : !hasColumn(ledger, 'taskId') ? 'the ledger names no task (ledger.columns.taskId)'
          : !tasks.statuses.complete ? 'the mapping names no complete status for tasks' : undefined;
  return [
    hasColumn(users, 'credits')
      ? { check: 'balances', label: 'Cached balances against the ledger', ran: true }
      : { check: 'balances', label: 'Cached balances against the ledger', ran: false, why: 'the users table keeps no cached balance: negative balances and deleted users only' },
    { check: 'payments', label: 'Payments against their grants', ran: !paymentsWhy, why: paymentsWhy },
    { check: 'tasks', label: 'Tasks against their charges', ran: !tasksWhy, why: tasksWhy },
  ];
}
