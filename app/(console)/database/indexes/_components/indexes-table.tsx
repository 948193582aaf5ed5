'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { formatBytes, formatCount } from '@/lib/format';
import { tableHrefOf } from '@/app/(console)/database/_components/table-href';
import type { IndexRow } from '@/lib/inspect/indexes';

type Row = IndexRow & { idleDays: number | null };
const col = dataTableColumns<Row>();

const VERDICT_STYLE: Record<string, string> = {
  invalid: 'border-danger/50 text-danger',
  duplicate: 'border-warn/50 text-warn',
  redundant: 'border-warn/50 text-warn',
  unused: 'border-warn/50 text-warn',
  bloated: 'border-warn/50 text-warn',
};

const columns = col.columns([
  col.accessor((r) => `${r.schema}.${r.name}`, {
    id: 'name',
    header: 'Index',
    cell: (c) => (
      <span className="font-mono">
        <span className="text-ink-muted">{c.row.original.schema}.</span>
        {c.row.original.name}
        <span className="block max-w-xs truncate text-xs text-ink-muted" title={c.row.original.definition}>
          {c.row.original.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, '')}
        </span>
      </span>
    ),
  }),
  col.accessor('table', {
    id: 'table',
    header: 'Table',
    cell: (c) => (
      <Link href={tableHrefOf(c.row.original.schema, c.getValue())} className="font-mono text-accent underline-offset-2 hover:underline">
        {c.getValue()}
      </Link>
    ),
  }),
  col.accessor('sizeBytes', { id: 'size', header: 'Size', cell: (c) => <span className="whitespace-nowrap">{formatBytes(c.getValue())}</span>, meta: { align: 'end' } }),
  col.accessor('scans', {
    id: 'scans',
    header: 'Scans',
    cell: (c) => (
      <>
        {formatCount(c.getValue())}
        {c.row.original.idleDays !== null ? (
          <span className="block text-xs text-ink-muted">none for {c.row.original.idleDays} d</span>
        ) : null}
      </>
    ),
    meta: { align: 'end' },
  }),
  col.accessor('tuplesRead', { id: 'read', header: 'Tuples read', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  col.accessor('tuplesFetched', { id: 'fetched', header: 'Fetched', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  col.accessor((r) => r.verdict?.kind ?? '', {
    id: 'verdict',
    header: 'Verdict',
    cell: (c) => {
      const v = c.row.original.verdict;
      const flags = [c.row.original.primary ? 'primary key' : c.row.original.unique ? 'unique' : null, c.row.original.method].filter(Boolean).join(', ');
      return v ? (
        <span className={`inline-block rounded-full border px-2 py-0.5 text-xs font-semibold ${VERDICT_STYLE[v.kind]}`} title={v.reason}>
          {v.kind}
        </span>
      ) : (
        <span className="text-xs text-ink-muted">{flags}</span>
      );
    },
  }),
]);

export function IndexesTable(props: { rows: Row[]; total: number; query: TableQuery; sortable: readonly string[]; prefix?: string; filter?: boolean; caption?: string }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption={props.caption ?? `Indexes, ${formatCount(props.total)} shown by this filter`}
      captionHidden
      getRowId={(r) => `${r.schema}.${r.name}`}
      prefix={props.prefix}
      filterLabel={props.filter === false ? undefined : 'Filter by index or table'}
      empty="No index matches."
    />
  );
}
