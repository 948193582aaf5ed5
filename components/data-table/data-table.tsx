'use client';
/**
 * The one list shell: TanStack Table v9 renders the rows the server already filtered, sorted and
 * paged; changing the sort or page changes the URL, and the server component reads it again.
 * Column definitions live in each list's own client file.
 */
import { useTransition } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTable, type PaginationState, type SortingState, type Updater, type RowData } from '@tanstack/react-table';
import { clsx } from 'clsx';
import { dataTableFeatures, type DataTableColumn } from '@/components/data-table/features';
import { tableHref, type TableQuery } from '@/components/data-table/href';
import { DataTablePager } from '@/components/data-table/pager';
import { DataTableFilter } from '@/components/data-table/filter';
import { SortButton, ariaSort } from '@/components/data-table/sort-button';

export interface DataTableProps<Row extends RowData> {
  columns: DataTableColumn<Row>[];
  rows: Row[];
  /** Rows matching the filter across all pages; null when only this page is known. */
  rowCount: number | null;
  query: TableQuery;
  /** The whitelisted sort keys (column ids); other columns are not sortable. */
  sortable: readonly string[];
  /** Names the table for screen readers (and sighted users when shown). */
  caption: string;
  captionHidden?: boolean;
  getRowId: (row: Row) => string;
  prefix?: string;
  /** Shows the filter box when set: its label. */
  filterLabel?: string;
  pageSizes?: readonly number[];
  /** Shown in place of rows when there are none. */
  empty?: string;
  /** For top-N lists ("largest by …"): a header picks the key, the order stays descending. */
  descendingOnly?: boolean;
}

const apply = <T,>(updater: Updater<T>, old: T): T =>
  typeof updater === 'function' ? (updater as (old: T) => T)(old) : updater;

export function DataTable<Row extends RowData>(props: DataTableProps<Row>) {
  const { query, prefix = '' } = props;
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  const sorting: SortingState = [{ id: query.sort.id, desc: query.sort.desc }];
  const pagination: PaginationState = { pageIndex: query.page - 1, pageSize: query.pageSize };
  const navigate = (change: Parameters<typeof tableHref>[2]) => {
    const href = tableHref(pathname, new URLSearchParams(searchParams.toString()), change, prefix);
    startTransition(() => router.push(href, { scroll: false }));
  };

  const table = useTable({
    features: dataTableFeatures,
    columns: props.columns,
    data: props.rows,
    getRowId: props.getRowId,
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    sortDescFirst: props.descendingOnly,
    rowCount: props.rowCount ?? undefined,
    pageCount: props.rowCount === null ? -1 : undefined,
    state: { sorting, pagination },
    onSortingChange: (updater) => {
      const next = apply(updater, sorting)[0];
      if (next) navigate({ sort: next.id, desc: props.descendingOnly ? true : next.desc });
    },
    onPaginationChange: (updater) => {
      const next = apply(updater, pagination);
      navigate(next.pageSize !== pagination.pageSize ? { pageSize: next.pageSize } : { page: next.pageIndex + 1 });
    },
  });

  const sortable = new Set(props.sortable);
  const rows = table.getRowModel().rows;
  const colCount = table.getAllLeafColumns().length;

  return (
    <div className="space-y-3">
      {props.filterLabel ? (
        <DataTableFilter label={props.filterLabel} value={query.q} onSubmit={(q) => navigate({ q })} />
      ) : null}
      {/* Focusable so a keyboard can scroll a table wider than the screen (WCAG 2.1.1). */}
      <div role="group" aria-label={props.caption} tabIndex={0} className="relative overflow-x-auto rounded-lg border border-line bg-surface focus-visible:outline-2 focus-visible:outline-focus">
        <table className="w-full border-collapse text-sm" aria-busy={pending || undefined}>
          <caption className={clsx('px-4 py-3 text-start font-medium', props.captionHidden && 'sr-only')}>
            {props.caption}
          </caption>
          <thead className="bg-surface-muted text-xs uppercase tracking-wide text-ink-muted">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const align = header.column.columnDef.meta?.align;
                  const canSort = sortable.has(header.column.id);
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={canSort ? ariaSort(header.column.getIsSorted()) : undefined}
                      className={clsx('px-3 py-2 font-semibold', align === 'end' ? 'text-end' : 'text-start')}
                    >
                      {header.isPlaceholder ? null : canSort ? (
                        <SortButton
                          direction={header.column.getIsSorted()}
                          align={align}
                          onClick={header.column.getToggleSortingHandler()}
                        >
                          <table.FlexRender header={header} />
                        </SortButton>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className={clsx('divide-y divide-line', pending && 'opacity-60')}>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={colCount} className="px-4 py-6 text-center text-ink-muted">
                  {props.empty ?? 'Nothing to show.'}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={row.id} className="hover:bg-surface-muted/60">
                  {row.getAllCells().map((cell) => (
                    <td
                      key={cell.id}
                      className={clsx(
                        'px-3 py-2 align-top',
                        cell.column.columnDef.meta?.align === 'end' && 'text-end tabular-nums',
                      )}
                    >
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <DataTablePager table={table} query={query} rowCount={props.rowCount} shown={rows.length} pageSizes={props.pageSizes} />
    </div>
  );
}
