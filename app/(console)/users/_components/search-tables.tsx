'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { KindIndex, SearchHit } from '@/lib/domain/search';

const LABELS: Record<SearchHit['kind'], string> = {
  email: 'Email', userId: 'User id', name: 'Name', providerRef: 'Provider ref', orderId: 'Order id', paymentId: 'Payment id', taskId: 'Task id',
};

const hit = dataTableColumns<SearchHit>();
const hitColumns = hit.columns([
  hit.accessor('kind', { id: 'kind', header: 'Found by', cell: (c) => LABELS[c.getValue()] }),
  hit.accessor('title', {
    id: 'title',
    header: 'Match',
    cell: (c) => <Link href={c.row.original.href} className="font-medium text-accent underline underline-offset-4">{c.getValue()}</Link>,
  }),
  hit.accessor('detail', { id: 'detail', header: 'Detail', cell: (c) => <span className="text-ink-muted">{c.getValue()}</span> }),
]);

const ONE_PAGE: TableQuery = { page: 1, pageSize: 100, sort: { id: 'kind', desc: false }, q: '', offset: 0 };

export function SearchResults({ hits, q }: { hits: SearchHit[]; q: string }) {
  return (
    <DataTable
      columns={hitColumns}
      rows={hits}
      rowCount={hits.length}
      query={ONE_PAGE}
      sortable={[]}
      caption={`Results for “${q}”`}
      getRowId={(h) => `${h.kind}:${h.href}`}
      pageSizes={[100]}
      empty="Nothing matches. Emails match from their start; ids, references and order ids match exactly."
    />
  );
}

const idx = dataTableColumns<KindIndex>();
const indexColumns = idx.columns([
  idx.accessor('label', { id: 'label', header: 'Search by' }),
  idx.accessor('indexed', {
    id: 'indexed',
    header: 'Index',
    cell: (c) => {
      const k = c.row.original;
      if (k.indexed === null) return <span className="text-ink-muted">not offered (the mapping has no such column)</span>;
      if (k.indexed) return <span className="font-mono">{k.index}</span>;
      return <span className="font-medium text-warn">none: scans the table</span>;
    },
  }),
  idx.accessor('suggestion', {
    id: 'suggestion',
    header: 'To add one (run it yourself)',
    cell: (c) => (c.getValue() ? <code className="break-all text-xs">{c.getValue()}</code> : null),
  }),
]);

export function SearchIndexTable({ kinds }: { kinds: KindIndex[] }) {
  return (
    <DataTable
      columns={indexColumns}
      rows={kinds}
      rowCount={kinds.length}
      query={ONE_PAGE}
      sortable={[]}
      caption="Which search kinds this database answers from an index"
      captionHidden
      getRowId={(k) => k.kind}
      pageSizes={[100]}
    />
  );
}
