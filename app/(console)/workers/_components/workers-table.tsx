'use client';
import { clsx } from 'clsx';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { WorkerRow } from '@/lib/domain/workers';
import { formatRate, formatSeconds } from '@/lib/format';
import { MarkWorkerOffline } from '@/app/(console)/tasks/_components/task-edit';

type Row = WorkerRow & { canMarkOffline: boolean };
const col = dataTableColumns<Row>();

// Sortable column ids are the server's whitelist (WORKER_SORTS).
const columns = col.columns([
  col.accessor('id', { id: 'id', header: 'Worker', cell: (c) => <span className="font-mono">{c.getValue()}</span> }),
  col.accessor('status', { id: 'status', header: 'Status' }),
  col.accessor('heartbeatAgeSeconds', {
    id: 'heartbeat',
    header: 'Last heartbeat',
    cell: (c) => (
      <span className={clsx(c.row.original.stale && 'font-semibold text-danger')}>
        {c.getValue() === null ? 'never' : `${formatSeconds(c.getValue())} ago`}
        {c.row.original.stale ? <span className="ms-2 rounded bg-danger-surface px-1.5 py-0.5 text-xs">silent</span> : null}
      </span>
    ),
    meta: { align: 'end' },
  }),
  col.accessor('inFlight', {
    id: 'inFlight',
    header: 'In flight',
    cell: (c) => `${c.getValue()} / ${c.row.original.concurrency ?? '?'}`,
    meta: { align: 'end' },
  }),
  col.accessor('version', { id: 'version', header: 'Version', cell: (c) => c.getValue() ?? '–' }),
  col.accessor('completedLastHour', { id: 'done', header: 'Done, last hour', cell: (c) => c.getValue() ?? '–', meta: { align: 'end' } }),
  col.accessor('failureRate', {
    id: 'failures',
    header: 'Failed, last hour',
    cell: (c) => (c.row.original.failedLastHour === null ? '–' : `${formatRate(c.getValue())} (${c.row.original.failedLastHour})`),
    meta: { align: 'end' },
  }),
  col.display({
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: (c) => (c.row.original.canMarkOffline ? <MarkWorkerOffline workerId={c.row.original.id} /> : null),
  }),
]);

export function WorkersTable(props: { rows: Row[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption="Workers"
      captionHidden
      getRowId={(r) => r.id}
      filterLabel="Filter by worker id or status"
      empty="No worker matches."
    />
  );
}
