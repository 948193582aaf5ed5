/**
 * Money on the queue: tasks whose charge does not match their outcome (lib/domain/tasks/money.ts),
 * from the stored figure. Shown on the queue page and, for finance, who makes the corrections and may
 * not open the task pages, on the reconciliation page: each link only where the viewer's role may go.
 */
import type { StaffContext } from '@/lib/auth';
import type { Mapping } from '@/lib/mapping';
import { MONEY_DEFAULT_DAYS, nameMoneyIssues } from '@/lib/domain/tasks/money';
import { read } from '@/db/index';
import { SNAPSHOTS, type MoneySnapshot } from '@/lib/domain/tasks/snapshot';
import { auditHistoryHref } from '@/lib/guard/audit';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { ReadProblem } from '@/app/(console)/_components/section';
import { SnapshotNote } from '@/app/(console)/_components/snapshot-note';
import { storedFigure } from '@/app/(console)/_lib/stored-figure';
import { attempt } from '@/app/(console)/_lib/attempt';
import { formatCount } from '@/lib/format';
import { MoneyTable } from '@/app/(console)/tasks/_components/money-table';

export const MONEY_SPEC: TableSpec<'created'> = { sortable: ['created'], defaultSort: { id: 'created', desc: true }, pageSizes: [50], prefix: 'm_' };

export const MONEY_DESCRIPTION =
  `Failed or cancelled tasks that were charged, and completed billable tasks that were not (last ${MONEY_DEFAULT_DAYS} days). Corrections are new ledger records, made in finance.`;

export async function MoneyOnQueue({ staff, mapping, now, params }: { staff: StaffContext; mapping: Mapping; now: Date; params: SearchParams }) {
  const query = parseTableQuery(params, MONEY_SPEC);
  // Every task of the window and its ledger entries: seconds on a large queue, so a stored answer,
  // refreshed in the background (lib/domain/tasks/snapshot.ts).
  const r = await attempt(() => storedFigure<MoneySnapshot>(SNAPSHOTS.money, mapping, now));
  if (!r.ok) return <ReadProblem title="Money on the queue unavailable" problem={r} />;
  const snapshot = r.value.snapshot;
  const note = <SnapshotNote figure={r.value} what={`Money on the queue (every task of the last ${MONEY_DEFAULT_DAYS} days and their ledger entries)`} />;
  if (!snapshot) return note;
  const hints = snapshot.value.hints.map((h) => (
    <Notice key={h.table} title="An index would spare a scan">
      {h.table} has no index on {h.column}: this section reads all of it (~{formatCount(h.rows)} rows) to sum the
      window&apos;s tasks. Kontor runs no DDL; run <code className="font-mono">{h.sql}</code> yourself.
    </Notice>
  ));
  const desc = query.sort.desc ? -1 : 1;
  const sorted = [...snapshot.value.issues].sort((a, b) => (a.createdAt < b.createdAt ? -desc : a.createdAt > b.createdAt ? desc : 0));
  const page = sorted.slice(query.offset, query.offset + query.pageSize);
  // The emails of this page's users, read now (the stored figure keeps ids); without them, the ids.
  const named = await attempt(() => read((trx) => nameMoneyIssues(trx, mapping, page)));
  const rows = (named.ok ? named.value : page.map((x) => ({ ...x, userEmail: null }))).map((x) => ({
    ...x,
    taskHref: staff.can('tasks.read') ? `/tasks/${encodeURIComponent(x.taskId)}` : null,
    userHref: x.userId && staff.can('users.read') ? `/users/${encodeURIComponent(x.userId)}` : null,
    auditHref: staff.can('audit.read') ? auditHistoryHref({ type: 'task', id: x.taskId }) : null,
    // The correction is a credit adjustment on the finance account page, for those who may make one.
    fixHref: staff.can('credits.adjust') && x.userId ? `/finance/accounts/${encodeURIComponent(x.userId)}` : null,
  }));
  return (
    <>
      {note}
      {hints}
      <MoneyTable rows={rows} rowCount={sorted.length} query={query} sortable={MONEY_SPEC.sortable} />
    </>
  );
}
