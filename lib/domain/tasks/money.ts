/**
 * Money on the queue: tasks whose ledger does not match their outcome.
 * - failed_task_charged / cancelled_task_charged: the task's ledger rows net to a debit;
 * - completed_task_not_charged: a Complete task of a billable type with a cost, and no net debit.
 * The fix is a new ledger record (finance's edit), never a change to the task or the ledger in place.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { HINT_MIN_ROWS, indexHints, type ScanHint } from '@/lib/domain/reconcile/hints';
import { at, queueModel, rawStatus, statusIn, taskKey, taskTable, tcol } from '@/lib/domain/tasks/model';
import { columnOf, hasColumn, tableOf, taskBillable, type Mapping } from '@/lib/mapping';
import { namesByKey } from '@/lib/domain/names';
import { addDecimals, negateDecimal, rescale } from '@/lib/money';

export const MONEY_KINDS = ['failed_task_charged', 'cancelled_task_charged', 'completed_task_not_charged'] as const;
export type MoneyKind = (typeof MONEY_KINDS)[number];

export interface MoneyIssue {
  kind: MoneyKind;
  taskId: string;
  taskType: string | null;
  status: string;
  userId: string | null;
  createdAt: string;
  /** What the task costs (or would have), as stored. */
  cost: string | null;
  /** The net of the task's ledger rows: negative when the user was debited. */
  charged: string;
  /** What a correction would move: + credits back to the user, or - the missing debit. */
  correction: string;
}

export const MONEY_DEFAULT_DAYS = 90;

export async function findMoneyIssues(
  db: QueryExecutorProvider,
  mapping: Mapping,
  opts: { now: Date; days?: number; limit?: number },
): Promise<MoneyIssue[]> {
  const m = queueModel(mapping);
  const ledger = m.ledger;
  if (!ledger || !hasColumn(ledger, 'taskId')) return [];
  const now = at(opts.now);
  const days = opts.days ?? MONEY_DEFAULT_DAYS;
  const limit = opts.limit ?? 200;
  const created = tcol(m, 'createdAt');
  const costs = m.costs;
  const billable = costs && hasColumn(costs, 'billable') && hasColumn(m.tasks, 'taskType')
    ? sql`coalesce((select c.${sql.id(costs.columns.billable!)} from ${tableOf(costs)} c
                     where c.${sql.id(costs.columns.taskType)}::text = ${tcol(m, 'taskType')}::text limit 1), true)`
    : sql`true`;
  const hasCost = hasColumn(m.tasks, 'cost') ? sql`coalesce(${tcol(m, 'cost')}, 0) > 0` : sql`true`;
  const failed = rawStatus(m, 'failed');
  const complete = rawStatus(m, 'complete');
  const inWindow = sql`${created} > ${now} - make_interval(days => ${days}) and ${created} <= ${now}`;

  const unpaid = (['failed', 'cancelled'] as const).filter((s) => !m.tasks.chargedWhen.includes(s));
  // The window's tasks once, then their ledger rows in one grouped pass (a hash join, or an index
  // probe per task where the ledger's task column is indexed): never a sub-query per task, which
  // without that index read the whole ledger once per task.
  const { rows } = await sql<{
    id: string; task_type: string | null; status: string; user_id: string | null; created_at: Date; cost: string | null; charged: string;
  }>`
    with w as materialized (
      select ${taskKey(m)} as key, ${taskKey(m)}::text as id, ${tcol(m, 'taskType')}::text as task_type,
             ${columnOf(m.tasks, 'status', 't')}::text as status, ${tcol(m, 'userId')}::text as user_id, ${created} as created_at,
             ${tcol(m, 'cost')}::text as cost, ${statusIn(m, ['complete'])} as complete
        from ${taskTable(m)} t
       where ${inWindow} and (${statusIn(m, unpaid)}
             or (${statusIn(m, ['complete'])} and ${hasCost} and ${billable} and ${taskBillable(m.tasks)}))
    ), n as (
      select ${columnOf(ledger, 'taskId', 'l')} as key, sum(${columnOf(ledger, 'amount', 'l')}) as net
        from ${tableOf(ledger)} l
       where ${columnOf(ledger, 'taskId', 'l')} in (select key from w)
       group by 1
    )
    select w.id, w.task_type, w.status, w.user_id, w.created_at, w.cost, coalesce(n.net, 0)::text as charged
      from w left join n on n.key = w.key
     where (not w.complete and coalesce(n.net, 0) < 0) or (w.complete and coalesce(n.net, 0) >= 0)
     order by w.created_at desc limit ${limit}`.execute(db);

  return rows.map((r) => {
    const kind: MoneyKind = r.status === complete ? 'completed_task_not_charged' : r.status === failed ? 'failed_task_charged' : 'cancelled_task_charged';
    // Exact strings: what would settle the task (charge its cost, or refund what was charged).
    const correction = kind === 'completed_task_not_charged'
      ? rescale(negateDecimal(addDecimals(r.cost ?? '0', r.charged)), 2)
      : rescale(negateDecimal(r.charged), 2);
    return {
      kind, taskId: r.id, taskType: r.task_type, status: r.status, userId: r.user_id,
      createdAt: new Date(r.created_at).toISOString(), cost: r.cost, charged: rescale(r.charged, 2), correction,
    };
  });
}

export type NamedMoneyIssue = MoneyIssue & { userEmail: string | null };

/**
 * The issues with their users' emails, for the rows a page shows: one lookup by the users key. Apart
 * from findMoneyIssues, whose answer is stored (kontor.ops_snapshots) and so keeps ids, not emails.
 */
export async function nameMoneyIssues(db: QueryExecutorProvider, mapping: Mapping, issues: readonly MoneyIssue[]): Promise<NamedMoneyIssue[]> {
  const emails = await namesByKey(db, mapping, 'users', issues.map((i) => i.userId));
  return issues.map((i) => ({ ...i, userEmail: i.userId ? emails.get(i.userId) ?? null : null }));
}

/**
 * The index that would spare money on the queue a read of the whole ledger: it groups the ledger rows of
 * the window's tasks, and without an index led by the ledger's task column that is a scan of every row.
 */
export async function moneyIndexHints(db: QueryExecutorProvider, mapping: Mapping, minRows = HINT_MIN_ROWS): Promise<ScanHint[]> {
  const ledger = mapping.ledger;
  if (!ledger?.columns.taskId || !mapping.tasks) return [];
  return indexHints(db, [{ table: ledger.table, column: ledger.columns.taskId }], minRows);
}
