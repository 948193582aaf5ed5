'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { Approx } from '@/components/ui/approx';
import { formatBytes, formatCompact, formatCount, formatRatio, formatWhen } from '@/lib/format';
import { tableHrefOf } from '@/app/(console)/database/_components/table-href';
import type { TableRow } from '@/lib/inspect/tables';
import { When } from '@/components/ui/when';

const col = dataTableColumns<TableRow>();
const bytes = (n: number) => <span className="whitespace-nowrap">{formatBytes(n)}</span>;
/** A name that may wrap after each underscore (a <wbr>), never mid-word. */
const breakable = (name: string) => name.split('_').map((part, i, all) => (
  <span key={i}>{part}{i < all.length - 1 ? <>_<wbr /></> : null}</span>
));
const latest = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

// Sortable column ids are the server's sort keys (TABLE_SORTS).
const columns = col.columns([
  col.accessor((r) => `${r.schema}.${r.name}`, {
    id: 'name',
    header: 'Table',
    cell: (c) => (
      <Link href={tableHrefOf(c.row.original.schema, c.row.original.name)} className="font-mono text-accent underline-offset-2 hover:underline">
        {/* Wrapping after the schema and each underscore keeps the widest column narrow: all 13 fit at
            1440 px. <wbr> adds no character, so the link's name stays "schema.table". */}
        <span className="text-ink-muted">{c.row.original.schema}.</span>
        <wbr />
        {breakable(c.row.original.name)}
      </Link>
    ),
  }),
  col.accessor('totalBytes', { id: 'total', header: 'Total', cell: (c) => bytes(c.getValue()), meta: { align: 'end' } }),
  col.accessor('tableBytes', { id: 'table', header: 'Table data', cell: (c) => bytes(c.getValue()), meta: { align: 'end' } }),
  col.accessor('indexBytes', { id: 'index', header: 'Indexes', cell: (c) => bytes(c.getValue()), meta: { align: 'end' } }),
  col.accessor('toastBytes', { id: 'toast', header: 'TOAST', cell: (c) => bytes(c.getValue()), meta: { align: 'end' } }),
  col.accessor('estimatedRows', {
    id: 'rows',
    header: 'Rows',
    cell: (c) => {
      const n = c.getValue();
      return n === null ? <span className="text-ink-muted">not analysed</span> : <span className="whitespace-nowrap"><Approx estimated>{formatCompact(n)}</Approx></span>;
    },
    meta: { align: 'end' },
  }),
  col.accessor('deadTuples', {
    id: 'dead',
    header: 'Dead',
    cell: (c) => <span className="whitespace-nowrap" title={`${formatCount(c.row.original.liveTuples)} live`}>{formatCompact(c.getValue())}</span>,
    meta: { align: 'end' },
  }),
  col.accessor('seqScans', { id: 'seq', header: 'Seq scans', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  col.accessor('idxScans', {
    id: 'idx',
    header: 'Index scans',
    cell: (c) => (
      <>
        {formatCount(c.getValue())}
        <span className="block whitespace-nowrap text-xs text-ink-muted">{c.row.original.idxShare === null ? '–' : formatRatio(c.row.original.idxShare)}</span>
      </>
    ),
    meta: { align: 'end' },
  }),
  col.accessor((r) => r.inserts + r.updates + r.deletes, {
    id: 'writes',
    header: 'Ins / upd / del',
    cell: (c) => <span>{formatCompact(c.row.original.inserts)} / {formatCompact(c.row.original.updates)} / {formatCompact(c.row.original.deletes)}</span>,
    meta: { align: 'end' },
  }),
  col.accessor((r) => latest(r.lastVacuum, r.lastAutovacuum), {
    id: 'vacuum',
    header: 'Last vacuum / analyze',
    cell: (c) => (
      <span className="whitespace-nowrap text-xs">
        {formatWhen(c.getValue(), 'never')}
        <span className="block text-ink-muted"><When at={latest(c.row.original.lastAnalyze, c.row.original.lastAutoanalyze)} none="never" /></span>
      </span>
    ),
  }),
  col.accessor('bloatRatio', {
    id: 'bloat',
    header: 'Bloat (est.)',
    cell: (c) => {
      const r = c.row.original;
      if (r.bloatRatio === null || r.bloatBytes === null) return <span className="text-ink-muted">unknown</span>;
      return <span className={r.bloatRatio >= 0.5 && r.bloatBytes > 8 * 2 ** 20 ? 'font-semibold text-warn' : undefined}>{formatRatio(r.bloatRatio)}</span>;
    },
    meta: { align: 'end' },
  }),
  col.accessor('rls', {
    id: 'rls',
    header: 'RLS',
    cell: (c) => (c.getValue() ? 'on' : <span className="font-semibold text-danger">off</span>),
  }),
]);

export function TablesTable(props: { rows: TableRow[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption={`Tables, ${formatCount(props.total)} in all`}
      captionHidden
      getRowId={(r) => `${r.schema}.${r.name}`}
      filterLabel="Filter by name"
      empty="No table matches."
    />
  );
}
