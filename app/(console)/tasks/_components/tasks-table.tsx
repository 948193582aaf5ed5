'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { TaskRow } from '@/lib/domain/tasks/list';
import { When } from '@/components/ui/when';
import { SelectedTasksEdit } from '@/app/(console)/tasks/_components/task-edit';
import { IdRef } from '@/components/ui/id-ref';

const col = dataTableColumns<TaskRow>();

// Sortable column ids are the server's whitelist (TASK_SORTS).
const columns = col.columns([
  col.accessor('id', {
    id: 'id',
    header: 'Task',
    cell: (c) => <IdRef id={c.getValue()} href={`/tasks/${c.getValue()}`} noun="task" />,
  }),
  col.accessor('taskType', { id: 'type', header: 'Type', cell: (c) => <span className="font-mono">{c.getValue() ?? '–'}</span> }),
  col.accessor('status', { id: 'status', header: 'Status' }),
  col.accessor('workerId', { id: 'worker', header: 'Worker', cell: (c) => <span className="font-mono">{c.getValue() ?? '–'}</span> }),
  col.accessor('attempts', { id: 'attempts', header: 'Attempts', cell: (c) => c.getValue() ?? '–', meta: { align: 'end' } }),
  col.accessor('cost', { id: 'cost', header: 'Cost', cell: (c) => c.getValue() ?? '–', meta: { align: 'end' } }),
  col.accessor('createdAt', { id: 'created', header: 'Created', cell: (c) => <When at={c.getValue()} none="–" className="whitespace-nowrap" /> }),
  col.accessor('updatedAt', { id: 'updated', header: 'Updated', cell: (c) => <When at={c.getValue()} none="–" className="whitespace-nowrap" /> }),
]);

export function TasksTable(props: {
  rows: TaskRow[]; hasMore: boolean; query: TableQuery; sortable: readonly string[];
  /** What the staff member may do to ticked tasks; neither: no checkboxes. */
  can?: { requeue: boolean; cancel: boolean };
}) {
  const known = props.hasMore ? null : props.query.offset + props.rows.length;
  const can = props.can;
  const selection = can && (can.requeue || can.cancel) ? {
    rowLabel: (r: TaskRow) => `task ${r.id}`,
    toolbar: (ids: string[], clear: () => void) => (
      <>
        <span>{ids.length} task{ids.length === 1 ? '' : 's'} ticked.</span>
        {can.requeue ? <SelectedTasksEdit kind="requeue" taskIds={ids} /> : null}
        {can.cancel ? <SelectedTasksEdit kind="cancel" taskIds={ids} /> : null}
        <button type="button" onClick={clear} className="text-accent underline underline-offset-4">Untick all</button>
      </>
    ),
  } : undefined;
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={known}
      query={props.query}
      sortable={props.sortable}
      caption="Tasks"
      captionHidden
      getRowId={(r) => r.id}
      filterLabel="Search: task id, or key=value inside params"
      empty="No task matches."
      selection={selection}
    />
  );
}
