'use client';
/**
 * The row browser's list: columns come from the catalog at request time, so they are built here from
 * the page's column names. Paging is keyset (previous/next links carrying a cursor), not page numbers.
 */
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-state';

export interface RowsTableRow { id: string; cells: (string | null)[] }

const col = dataTableColumns<RowsTableRow>();

function cursorHref(pathname: string, current: URLSearchParams, change: { after?: string; before?: string }): string {
  const next = new URLSearchParams(current);
  next.delete('after');
  next.delete('before');
  if (change.after) next.set('after', change.after);
  if (change.before) next.set('before', change.before);
  const qs = next.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

const link = 'rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-focus';
const off = 'rounded-md border border-line px-3 py-1.5 text-sm font-medium opacity-50';

export function RowsTable(props: {
  columns: { name: string; type: string; secret: boolean }[];
  rows: RowsTableRow[];
  query: TableQuery;
  sortable: readonly string[];
  caption: string;
  next: string | null;
  prev: string | null;
  empty: string;
}) {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const current = new URLSearchParams(searchParams.toString());
  const columns = props.columns.map((c, i) =>
    col.accessor((r) => r.cells[i], {
      id: c.name,
      header: () => <span className="normal-case" title={c.type}>{c.name}{c.secret ? ' (masked)' : ''}</span>,
      cell: (x) => {
        const v = x.getValue() as string | null;
        return v === null ? <span className="text-ink-muted">null</span> : <span className="block max-w-xs truncate font-mono text-xs" title={v}>{v}</span>;
      },
    }));
  const pager = (
    <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm">
      <Link href={cursorHref(pathname, current, {})} className={link}>First page</Link>
      {props.prev ? <Link href={cursorHref(pathname, current, { before: props.prev })} className={link} rel="prev">Previous</Link> : <span className={off} aria-disabled="true">Previous</span>}
      {props.next ? <Link href={cursorHref(pathname, current, { after: props.next })} className={link} rel="next">Next</Link> : <span className={off} aria-disabled="true">Next</span>}
    </nav>
  );
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={null}
      query={props.query}
      sortable={props.sortable}
      caption={props.caption}
      getRowId={(r) => r.id}
      empty={props.empty}
      pager={pager}
    />
  );
}
