/** What the Reconciliation page and its CSV read: runs (history) and a run's findings. */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { StaffContext } from '@/lib/auth';
import { DISCREPANCY_KINDS, type DiscrepancyKind } from '@/lib/domain/reconcile/kinds';
import type { ReadContext } from '@/lib/context';
import { namesByKey } from '@/lib/domain/names';

export interface RunView {
  id: string;
  mode: string;
  startedAt: string;
  finishedAt: string | null;
  startedBy: string;
  found: number | null;
  entriesRead: number | null;
  totals: Partial<Record<DiscrepancyKind, number>>;
}

export interface FindingView {
  n: number;
  kind: DiscrepancyKind;
  userId: string | null;
  /** The user's email, looked up for the page's rows (listFindings); null in the CSV, or where the user is gone. */
  userEmail: string | null;
  paymentId: string | null;
  taskId: string | null;
  entryIds: string[];
  expected: string | null;
  actual: string | null;
  detail: string;
}

export const FINDING_SORTS = ['n', 'kind', 'user', 'expected', 'actual'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];
const ORDER: Record<FindingSort, string> = { n: 'n', kind: 'kind', user: 'user_id', expected: 'expected', actual: 'actual' };

function assertCan(staff: StaffContext) {
  if (!staff.can('credits.read')) throw new Error('credits.read is required to read reconciliations.');
}

type RunRow = { id: string; mode: string; started_at: Date; finished_at: Date | null; started_by: string; found: number | null; entries_read: string | null; totals: Record<string, number> };
const toRun = (r: RunRow): RunView => ({
  id: r.id, mode: r.mode, startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
  startedBy: r.started_by, found: r.found, entriesRead: r.entries_read === null ? null : Number(r.entries_read), totals: r.totals ?? {},
});

/** The most recent runs, newest first (bounded). */
export async function listRuns(db: QueryExecutorProvider, { staff }: ReadContext, limit = 20): Promise<RunView[]> {
  assertCan(staff);
  const { rows } = await sql<RunRow>`
    select id::text, mode, started_at, finished_at, started_by, found, entries_read::text, totals
      from kontor.reconcile_runs order by reconcile_runs.id desc limit ${Math.min(limit, 200)}`.execute(db);
  return rows.map(toRun);
}

export async function getRun(db: QueryExecutorProvider, { staff }: ReadContext, id: string): Promise<RunView | null> {
  assertCan(staff);
  const { rows } = await sql<RunRow>`
    select id::text, mode, started_at, finished_at, started_by, found, entries_read::text, totals
      from kontor.reconcile_runs where id = ${id}::bigint and finished_at is not null`.execute(db);
  return rows[0] ? toRun(rows[0]) : null;
}

/** A run's findings, optionally of one kind; paged when `page` is given (the CSV streams them whole). */
export function findingsQuery(runId: string, q: { kind?: DiscrepancyKind; sort: FindingSort; desc: boolean; page?: { limit: number; offset: number } }) {
  const kind = q.kind && DISCREPANCY_KINDS.includes(q.kind) ? q.kind : null;
  return sql<{ n: number; kind: DiscrepancyKind; user_id: string | null; payment_id: string | null; task_id: string | null; entry_ids: string[]; expected: string | null; actual: string | null; detail: string; total: string }>`
    select n, kind, user_id, payment_id, task_id, entry_ids, expected::text, actual::text, detail, count(*) over ()::text as total
      from kontor.reconcile_findings
     where run_id = ${runId}::bigint and (${kind}::text is null or kind = ${kind})
     order by ${sql.raw(ORDER[q.sort])} ${sql.raw(q.desc ? 'desc' : 'asc')} nulls last, n
     ${q.page ? sql`limit ${q.page.limit} offset ${q.page.offset}` : sql``}`;
}

export const toFindingView = (r: { n: number; kind: DiscrepancyKind; user_id: string | null; payment_id: string | null; task_id: string | null; entry_ids: string[]; expected: string | null; actual: string | null; detail: string }): FindingView => ({
  n: r.n, kind: r.kind, userId: r.user_id, userEmail: null, paymentId: r.payment_id, taskId: r.task_id, entryIds: r.entry_ids,
  expected: r.expected, actual: r.actual, detail: r.detail,
});

export async function listFindings(
  db: QueryExecutorProvider, { staff, mapping }: ReadContext, runId: string,
  q: { kind?: DiscrepancyKind; sort: FindingSort; desc: boolean; limit: number; offset: number },
): Promise<{ rows: FindingView[]; total: number }> {
  assertCan(staff);
  const { rows } = await findingsQuery(runId, { ...q, page: { limit: q.limit, offset: q.offset } }).execute(db);
  // A finding keeps the user's id as text: the page's users are named in one lookup by the users key.
  const emails = await namesByKey(db, mapping, 'users', rows.map((r) => r.user_id));
  return {
    rows: rows.map((r) => ({ ...toFindingView(r), userEmail: r.user_id ? emails.get(r.user_id) ?? null : null })),
    total: Number(rows[0]?.total ?? 0),
  };
}
