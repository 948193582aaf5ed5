/**
 * The feature set every Kontor list shares: sorting and paging, both done by the server, and row selection
 * (manualSorting/manualPagination in the shell). Column files build their columns with
 * `dataTableColumns<Row>()` so their types match the shell's.
 */
import { columnScale } from '@/lib/money';
import { createColumnHelper, rowPaginationFeature, rowSelectionFeature, rowSortingFeature, tableFeatures, type CellContext, type ColumnDef, type RowData } from '@tanstack/react-table';

export interface DataTableColumnMeta {
  /** Numbers read best right-aligned with tabular figures. */
  align?: 'start' | 'end';
  /** Header text for screen readers when the visible header is an abbreviation or empty. */
  label?: string;
}

export const dataTableFeatures = tableFeatures({
  rowSortingFeature,
  rowPaginationFeature,
  // Row checkboxes for bulk actions; a list opts in with DataTable's `selection` prop.
  rowSelectionFeature,
  columnMeta: {} as DataTableColumnMeta,
});

export type DataTableFeatures = typeof dataTableFeatures;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- columns of mixed value types
export type DataTableColumn<Row extends RowData> = ColumnDef<DataTableFeatures, Row, any>;

export function dataTableColumns<Row extends RowData>() {
  return createColumnHelper<DataTableFeatures, Row>();
}

const scales = new WeakMap<object, Map<string, number>>();

/**
 * The decimals of a money or credits column on the rows shown (columnScale), for a cell to format its
 * value at: one precision per column. Worked out once per rows array and column.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any row type, any value type
export function cellScale(c: CellContext<DataTableFeatures, any, any>, min = 0): number {
  const data = c.table.options.data as object;
  let byColumn = scales.get(data);
  if (!byColumn) scales.set(data, (byColumn = new Map()));
  const key = `${c.column.id}/${min}`;
  let scale = byColumn.get(key);
  if (scale === undefined) {
    scale = columnScale(c.table.getCoreRowModel().rows.map((r) => r.getValue(c.column.id) as string | null), min);
    byColumn.set(key, scale);
  }
  return scale;
}

/** A caption for a list ordered by time, saying the order it is in: "Ledger entries, oldest first". */
export function timeOrderCaption(what: string, query: { sort: { desc: boolean } }): string {
  return `${what}, ${query.sort.desc ? 'newest' : 'oldest'} first`;
}
