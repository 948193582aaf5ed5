'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { MoneyIssue, NamedMoneyIssue } from '@/lib/domain/tasks/money';
import { compareDecimals, formatCredits } from '@/lib/money';
import { IdRef } from '@/components/ui/id-ref';

export const MONEY_LABELS: Record<MoneyIssue['kind'], string> = {
  failed_task_charged: 'Failed, but charged',
  cancelled_task_charged: 'Cancelled, but charged',
  completed_task_not_charged: 'Completed, never charged',
};

/** Each link null where the viewer's role may not open it. */
export type MoneyRow = NamedMoneyIssue & { taskHref: string | null; userHref: string | null; auditHref: string | null; fixHref: string | null };
const col = dataTableColumns<MoneyRow>();
const link = 'text-accent underline underline-offset-4';

const columns = col.columns([
  col.accessor('kind', { id: 'kind', header: 'Kind', cell: (c) => MONEY_LABELS[c.getValue()] }),
  col.accessor('taskId', {
    id: 'task',
    header: 'Task',
    cell: (c) => (
      <span className="flex flex-col">
        <IdRef id={c.getValue()} href={c.row.original.taskHref} noun="task" />
        <span className="text-xs text-ink-muted">{c.row.original.taskType} · {c.row.original.createdAt.slice(0, 10)}</span>
      </span>
    ),
  }),
  col.accessor('userId', {
    id: 'user',
    header: 'User',
    cell: (c) => (c.getValue()
      ? <IdRef id={c.getValue()!} name={c.row.original.userEmail} href={c.row.original.userHref} noun="user"
          className={c.row.original.userEmail ? 'text-accent underline underline-offset-4' : undefined} />
      : '–'),
  }),
  col.accessor('cost', { id: 'cost', header: 'Task cost', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  col.accessor('charged', { id: 'charged', header: 'Charged (net)', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  col.accessor('correction', {
    id: 'correction',
    header: 'Correction',
    cell: (c) => <span className="font-medium">{compareDecimals(c.getValue(), '0') > 0 ? `+${formatCredits(c.getValue())}` : formatCredits(c.getValue())} credits</span>,
    meta: { align: 'end' },
  }),
  col.display({
    id: 'fix',
    header: () => <span className="sr-only">Fix</span>,
    cell: (c) => (
      <span className="flex flex-wrap gap-3 text-sm">
        {c.row.original.fixHref ? (
          <Link href={c.row.original.fixHref} className={link}>
            Fix in finance<span className="sr-only"> (credit adjustment for this user)</span>
          </Link>
        ) : null}
        {c.row.original.auditHref ? <Link href={c.row.original.auditHref} className={link}>Audit log</Link> : null}
      </span>
    ),
  }),
]);

export function MoneyTable(props: { rowCount?: number; rows: MoneyRow[]; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.rowCount ?? props.rows.length}
      query={props.query}
      sortable={props.sortable}
      caption="Tasks whose charge does not match their outcome"
      captionHidden
      getRowId={(r) => `${r.kind}:${r.taskId}`}
      prefix="m_"
      pageSizes={[50]}
      empty="Every failed or cancelled task is uncharged, and every completed billable task was charged."
    />
  );
}
