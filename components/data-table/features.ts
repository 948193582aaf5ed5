/**
 * The feature set every Kontor list shares: sorting and paging, both done by the server, and row selection
 * (manualSorting/manualPagination in the shell). Column files build their columns with
 * `dataTableColumns<Row>()` so their types match the shell's.
 */
import { createColumnHelper, rowPaginationFeature, rowSelectionFeature, rowSortingFeature, tableFeatures, type ColumnDef, type RowData } from '@tanstack/react-table';

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
