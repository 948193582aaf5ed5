'use client';
import type { ReactTable, RowData } from '@tanstack/react-table';
import type { DataTableFeatures } from '@/components/data-table/features';
import { DEFAULT_PAGE_SIZES, type TableQuery } from '@/components/data-table/href';
import { Button } from '@/components/ui/button';

const fmt = new Intl.NumberFormat('en');

/** Page position and navigation; hidden when everything fits on one page. */
export function DataTablePager<Row extends RowData>(props: {
  table: ReactTable<DataTableFeatures, Row, unknown>;
  query: TableQuery;
  rowCount: number | null;
  shown: number;
  pageSizes?: readonly number[];
}) {
  const { table, query, rowCount, shown } = props;
  const onlyPage = query.page === 1 && (rowCount !== null ? rowCount <= query.pageSize : shown < query.pageSize);
  if (onlyPage) return null;
  const from = shown ? query.offset + 1 : 0;
  const to = query.offset + shown;
  const hasNext = rowCount === null ? shown === query.pageSize : to < rowCount;
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 text-sm text-ink-muted">
      <p aria-live="polite">
        Rows {fmt.format(from)}–{fmt.format(to)}
        {rowCount !== null ? ` of ${fmt.format(rowCount)}` : ''}
      </p>
      <div className="flex items-center gap-2">
        <label className="flex items-center gap-2">
          Rows per page
          <select
            className="rounded-md border border-line bg-surface px-2 py-1 text-ink focus-visible:outline-2 focus-visible:outline-focus"
            value={query.pageSize}
            onChange={(e) => table.setPageSize(Number(e.target.value))}
          >
            {(props.pageSizes ?? DEFAULT_PAGE_SIZES).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <Button variant="secondary" disabled={query.page <= 1} onClick={() => table.previousPage()}>
          Previous
        </Button>
        <Button variant="secondary" disabled={!hasNext} onClick={() => table.nextPage()}>
          Next
        </Button>
      </div>
    </nav>
  );
}
