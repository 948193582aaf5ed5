'use client';
/**
 * The one list shell: TanStack Table v9 renders the rows the server already filtered, sorted and
 * paged; changing the sort or page changes the URL, and the server component reads it again.
 * Column definitions live in each list's own client file.
 */
import { useState, useTransition, type ReactNode } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTable, type PaginationState, type RowSelectionState, type SortingState, type Updater, type RowData } from '@tanstack/react-table';
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
  /** Replaces the numbered pager: a keyset list (no offsets) brings its own previous/next links. */
  pager?: ReactNode;
  /**
   * Row checkboxes: each row's accessible name ("Select task 9e52…"), and the toolbar shown above the
   * table while some rows are ticked (the ids of those rows, and a way to untick them all). The
   * selection covers this page's rows and is cleared when the rows change (another page, a filter).
   */
  selection?: {
    rowLabel: (row: Row) => string;
    toolbar: (selectedIds: string[], clear: () => void) => ReactNode;
  };
}

const checkbox = 'size-4 accent-accent focus-visible:outline-2 focus-visible:outline-focus';

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

  // Derived from the rows it belongs to: new rows (a page change, a filter, a refresh) start unticked.
  const [picked, setPicked] = useState<{ rows: Row[]; state: RowSelectionState }>({ rows: props.rows, state: {} });
  const rowSelection = picked.rows === props.rows ? picked.state : {};
  const selection = props.selection;
  const columns = selection ? [selectColumn<Row>(selection.rowLabel), ...props.columns] : props.columns;

  const table = useTable({
    features: dataTableFeatures,
    columns,
    data: props.rows,
    getRowId: props.getRowId,
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    sortDescFirst: props.descendingOnly,
    rowCount: props.rowCount ?? undefined,
    pageCount: props.rowCount === null ? -1 : undefined,
    state: { sorting, pagination, rowSelection },
    enableRowSelection: !!selection,
    onRowSelectionChange: (updater) => setPicked({ rows: props.rows, state: apply(updater, rowSelection) }),
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

  const selectedIds = selection ? Object.keys(rowSelection).filter((id) => rowSelection[id]) : [];

  return (
    <div className="space-y-3">
      {selection && selectedIds.length ? (
        <div role="toolbar" aria-label="Ticked rows" className="flex flex-wrap items-center gap-3 rounded-lg border border-line bg-surface p-3 text-sm">
          {selection.toolbar(selectedIds, () => setPicked({ rows: props.rows, state: {} }))}
        </div>
      ) : null}
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
      {props.pager !== undefined ? props.pager : <DataTablePager table={table} query={query} rowCount={props.rowCount} shown={rows.length} pageSizes={props.pageSizes} />}
    </div>
  );
}

/** The checkbox column: ticks this page's rows (the header ticks them all). */
function selectColumn<Row extends RowData>(rowLabel: (row: Row) => string): DataTableColumn<Row> {
  return {
    id: '_select',
    header: ({ table }) => (
      <input
        type="checkbox"
        className={checkbox}
        aria-label="Select every row on this page"
        checked={table.getIsAllPageRowsSelected()}
        ref={(el) => { if (el) el.indeterminate = table.getIsSomePageRowsSelected(); }}
        onChange={table.getToggleAllPageRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) => (
      <input
        type="checkbox"
        className={checkbox}
        aria-label={`Select ${rowLabel(row.original)}`}
        checked={row.getIsSelected()}
        disabled={!row.getCanSelect()}
        onChange={row.getToggleSelectedHandler()}
      />
    ),
    meta: { label: 'Select' },
  };
}
