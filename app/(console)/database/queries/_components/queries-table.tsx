'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { formatCount, formatRatio, formatMs } from '@/lib/format';
import type { QueryRow } from '@/lib/inspect/queries';

const col = dataTableColumns<QueryRow>();

const columns = col.columns([
  col.accessor('query', {
    id: 'query',
    header: 'Statement',
    cell: (c) => (
      <span className="block max-w-2xl">
        <code className="line-clamp-3 whitespace-pre-wrap break-words font-mono text-xs" title={c.getValue()}>{c.getValue()}</code>
        <span className="text-xs text-ink-muted">{c.row.original.role ?? 'unknown role'} · cache hit {formatRatio(c.row.original.cacheHit)}</span>
      </span>
    ),
  }),
  col.accessor('totalMs', { id: 'total', header: 'Total time', cell: (c) => <span className="whitespace-nowrap">{formatMs(c.getValue())}</span>, meta: { align: 'end' } }),
  col.accessor('meanMs', { id: 'mean', header: 'Mean', cell: (c) => <span className="whitespace-nowrap">{formatMs(c.getValue())}</span>, meta: { align: 'end' } }),
  col.accessor('calls', { id: 'calls', header: 'Calls', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  col.accessor('rows', { id: 'rows', header: 'Rows', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  col.accessor((r) => r.sinceSnapshot?.calls ?? null, {
    id: 'delta',
    header: 'Since snapshot',
    cell: (c) => {
      const d = c.row.original.sinceSnapshot;
      return d ? <span className="whitespace-nowrap">{formatCount(d.calls)} calls<span className="block text-xs text-ink-muted">{formatMs(d.totalMs)}</span></span> : <span className="text-ink-muted">–</span>;
    },
    meta: { align: 'end' },
  }),
]);

export function QueriesTable(props: { rows: QueryRow[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption="Statements by cumulative statistics"
      captionHidden
      getRowId={(r) => `${r.queryId}:${r.role}`}
      filterLabel="Filter by statement text"
      descendingOnly
      empty="No statement matches."
    />
  );
}
