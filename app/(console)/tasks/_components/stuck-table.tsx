'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { StuckTask } from '@/lib/domain/tasks/stuck';
import { formatSeconds } from '@/lib/format';
import { TaskEdit } from '@/app/(console)/tasks/_components/task-edit';
import { When } from '@/components/ui/when';
import { IdRef } from '@/components/ui/id-ref';

export const STUCK_LABELS: Record<StuckTask['kind'], string> = {
  task_on_dead_worker: 'On a dead worker',
  task_queued_for_hours: 'Queued far too long',
  task_running_too_long: 'Running far too long',
  retry_storm: 'Retry storm',
};

type Row = StuckTask;
const col = dataTableColumns<Row>();

const columns = col.columns([
  col.accessor('kind', { id: 'kind', header: 'Kind', cell: (c) => STUCK_LABELS[c.getValue()] }),
  col.accessor('id', {
    id: 'task',
    header: 'Task',
    cell: (c) => (
      <span className="flex flex-col">
        <IdRef id={c.getValue()} href={`/tasks/${c.getValue()}`} noun="task" />
        <span className="text-xs text-ink-muted">{c.row.original.taskType} · {c.row.original.status}</span>
      </span>
    ),
  }),
  col.accessor('ageSeconds', { id: 'age', header: 'Age', cell: (c) => formatSeconds(c.getValue()), meta: { align: 'end' } }),
  col.accessor('workerId', {
    id: 'worker',
    header: 'Worker',
    cell: (c) =>
      c.getValue() ? (
        <span className="flex flex-col">
          <span className="font-mono">{c.getValue()}</span>
          <span className="text-xs text-ink-muted">
            {c.row.original.workerStatus ?? 'unknown'} · v{c.row.original.workerVersion ?? '?'} · beat{' '}
            <When at={c.row.original.lastHeartbeat} none="never" />
          </span>
        </span>
      ) : (
        <span className="text-ink-muted">none</span>
      ),
  }),
  col.accessor('why', {
    id: 'why',
    header: 'Why',
    cell: (c) => (
      <span className="flex flex-col">
        <span>{c.getValue()}</span>
        {c.row.original.lastError ? <span className="text-xs text-danger">{c.row.original.lastError}</span> : null}
      </span>
    ),
  }),
  col.accessor('cost', { id: 'cost', header: 'Cost', cell: (c) => c.getValue() ?? '–', meta: { align: 'end' } }),
  col.display({
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: (c) => (
      <span className="flex flex-wrap gap-2">
        {c.row.original.actions.requeue ? <TaskEdit kind="requeue" taskId={c.row.original.id} /> : null}
        {c.row.original.actions.cancel ? <TaskEdit kind="cancel" taskId={c.row.original.id} /> : null}
      </span>
    ),
  }),
]);

export function StuckTable(props: { rowCount?: number; rows: Row[]; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.rowCount ?? props.rows.length}
      query={props.query}
      sortable={props.sortable}
      caption="Stuck and orphaned tasks"
      captionHidden
      getRowId={(r) => `${r.kind}:${r.id}`}
      prefix="s_"
      pageSizes={[50]}
      empty="Nothing stuck: no running task is on a dead worker or far past its type's usual run time, and nothing waits far longer than usual."
    />
  );
}
