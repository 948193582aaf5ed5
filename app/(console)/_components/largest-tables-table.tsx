'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { Approx } from '@/components/ui/approx';
import { formatBytes, formatCompact } from '@/lib/format';
import type { LargestTableRow } from '@/lib/inspect/overview';

const col = dataTableColumns<LargestTableRow>();

// Column ids of sortable columns are the server's sort keys (LARGEST_TABLE_SORTS).
const columns = col.columns([
  col.accessor((r) => `${r.schema}.${r.name}`, {
    id: 'name',
    header: 'Table',
    cell: (c) => (
      <span className="font-mono">
        <span className="text-ink-muted">{c.row.original.schema}.</span>
        {c.row.original.name}
      </span>
    ),
  }),
  col.accessor('totalBytes', { id: 'total', header: 'Total', cell: (c) => formatBytes(c.getValue()), meta: { align: 'end' } }),
  col.accessor('tableBytes', { id: 'table', header: 'Table data', cell: (c) => formatBytes(c.getValue()), meta: { align: 'end' } }),
  col.accessor('indexBytes', { id: 'index', header: 'Indexes', cell: (c) => formatBytes(c.getValue()), meta: { align: 'end' } }),
  col.accessor('estimatedRows', {
    id: 'rows',
    header: 'Rows',
    cell: (c) => {
      const n = c.getValue();
      return n === null ? <span className="text-ink-muted">not analysed</span> : <Approx estimated>{formatCompact(n)}</Approx>;
    },
    meta: { align: 'end' },
  }),
]);

const SORT_LABEL: Record<string, string> = { total: 'total size', table: 'table data size', index: 'index size' };

export function LargestTablesTable(props: { rows: LargestTableRow[]; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.rows.length}
      query={props.query}
      sortable={props.sortable}
      caption={`The ${props.rows.length} largest tables by ${SORT_LABEL[props.query.sort.id] ?? 'size'}`}
      captionHidden
      getRowId={(r) => `${r.schema}.${r.name}`}
      prefix="tables_"
      descendingOnly
      empty="This database has no tables of its own yet."
    />
  );
}
