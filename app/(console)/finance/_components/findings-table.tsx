'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { KIND_LABELS } from '@/lib/domain/reconcile/kinds';
import type { FindingView } from '@/lib/domain/reconcile/read';
import { formatCredits } from '@/lib/money';
import { IdRef } from '@/components/ui/id-ref';

const col = dataTableColumns<FindingView>();
const link = 'font-mono text-accent underline-offset-2 hover:underline';
const nameLink = 'text-accent underline-offset-2 hover:underline';

/** `tasks`: whether the viewer may open a task's page (tasks.read); without it the task is named, not linked. */
const columnsFor = (tasks: boolean) => col.columns([
  col.accessor('n', { id: 'n', header: '#', meta: { align: 'end' } }),
  col.accessor('kind', { id: 'kind', header: 'Kind', cell: (c) => KIND_LABELS[c.getValue()] }),
  col.accessor('userId', {
    id: 'user',
    header: 'User',
    cell: (c) => {
      const id = c.getValue();
      const email = c.row.original.userEmail;
      // The email shown, the id on hover and copy; the link's name keeps both (its visible text first).
      return id ? <IdRef id={id} name={email} href={`/finance/accounts/${encodeURIComponent(id)}`} noun="user" label={email ? `${email}, account ${id}` : `Account ${id}`} className={email ? nameLink : link} /> : null;
    },
  }),
  col.display({
    id: 'involved',
    header: 'Payment / task',
    cell: (c) => {
      const f = c.row.original;
      return (
        <span className="space-x-2">
          {f.paymentId ? <>pay <IdRef id={f.paymentId} href={`/payments/${f.paymentId}`} noun="payment" label={`Payment ${f.paymentId}`} className={link} /></> : null}
          {f.taskId && tasks ? <>task <IdRef id={f.taskId} href={`/tasks/${f.taskId}`} noun="task" label={`Task ${f.taskId}`} className={link} /></> : null}
          {f.taskId && !tasks ? <>task <IdRef id={f.taskId} noun="task" label={`Task ${f.taskId}`} /></> : null}
        </span>
      );
    },
  }),
  col.accessor('expected', { id: 'expected', header: 'Expected', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  col.accessor('actual', { id: 'actual', header: 'Actual', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  col.accessor('detail', { id: 'detail', header: 'Detail', cell: (c) => <span className="text-ink-muted">{c.getValue()}</span> }),
  col.display({
    id: 'entries',
    header: 'Entries',
    cell: (c) => {
      const f = c.row.original;
      if (!f.entryIds.length || !f.userId) return null;
      return (
        <Link href={`/finance/accounts/${f.userId}?entries=${f.entryIds.slice(0, 20).join(',')}`} className={link}>
          {f.entryIds.length} {f.entryIds.length === 1 ? 'entry' : 'entries'}
        </Link>
      );
    },
  }),
]);

const WITH_TASKS = columnsFor(true);
const WITHOUT_TASKS = columnsFor(false);

export function FindingsTable(props: {
  rows: FindingView[]; total: number; query: TableQuery; sortable: readonly string[]; caption: string; canOpenTasks: boolean;
}) {
  return (
    <DataTable
      columns={props.canOpenTasks ? WITH_TASKS : WITHOUT_TASKS}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption={props.caption}
      captionHidden
      getRowId={(r) => String(r.n)}
      empty="No discrepancies: the books agree."
    />
  );
}
