'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { formatCount, formatRate, formatSeconds } from '@/lib/format';
import type { QueueTypeHealth } from '@/lib/domain/tasks/health';

const col = dataTableColumns<QueueTypeHealth>();
const p = (x: { p50: number | null; p95: number | null; p99: number | null }) =>
  `${formatSeconds(x.p50)} · ${formatSeconds(x.p95)} · ${formatSeconds(x.p99)}`;

// Sortable column ids are the server's whitelist (QUEUE_SORTS).
const columns = col.columns([
  col.accessor('taskType', { id: 'type', header: 'Type', cell: (c) => <span className="font-mono">{c.getValue()}</span> }),
  col.accessor('queued', { id: 'queued', header: 'Queued', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  col.accessor('oldestQueuedSeconds', { id: 'oldest', header: 'Oldest queued', cell: (c) => formatSeconds(c.getValue()), meta: { align: 'end' } }),
  col.accessor('inProgress', { id: 'running', header: 'Running', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  col.accessor('perHour', {
    id: 'throughput',
    header: 'Done / h',
    cell: (c) => (
      <span title={`${c.row.original.completedLastHour} in the last hour (${c.row.original.perMinute.toFixed(2)} / min)`}>
        {c.getValue().toFixed(1)}
      </span>
    ),
    meta: { align: 'end' },
  }),
  col.accessor((r) => r.wait.p95, { id: 'wait', header: 'Wait p50 · p95 · p99', cell: (c) => p(c.row.original.wait), meta: { align: 'end' } }),
  col.accessor((r) => r.run.p95, { id: 'run', header: 'Run p50 · p95 · p99', cell: (c) => p(c.row.original.run), meta: { align: 'end' } }),
  col.accessor('failureRate', {
    id: 'failures',
    header: 'Failed',
    cell: (c) => `${formatRate(c.getValue())} (${formatCount(c.row.original.failed)})`,
    meta: { align: 'end' },
  }),
  col.accessor('retries', { id: 'retries', header: 'Retries', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
]);

export function QueueTable(props: { rowCount?: number; rows: QueueTypeHealth[]; query: TableQuery; sortable: readonly string[]; windowHours: number }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.rowCount ?? props.rows.length}
      query={props.query}
      sortable={props.sortable}
      caption={`Per task type: waiting now, and the last ${props.windowHours} h`}
      getRowId={(r) => r.taskType}
      prefix="q_"
      empty="No tasks queued, running or finished in this window."
    />
  );
}
