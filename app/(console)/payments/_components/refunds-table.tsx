'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { RefundRow } from '@/lib/domain/refunds';
import { formatCredits, formatMoney } from '@/lib/money';
import { When } from '@/components/ui/when';

const col = dataTableColumns<RefundRow>();
const columns = col.columns([
  col.accessor('createdAt', { id: 'created', header: 'When', cell: (c) => <When at={c.getValue()} /> }),
  col.accessor('amount', { id: 'amount', header: 'Amount', cell: (c) => formatMoney(c.getValue(), c.row.original.currency), meta: { align: 'end' } }),
  col.accessor('credits', { id: 'credits', header: 'Credits taken back', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  col.accessor('by', { id: 'by', header: 'Recorded by' }),
]);

const ALL: TableQuery = { page: 1, pageSize: 200, sort: { id: 'created', desc: false }, q: '', offset: 0 };

export function RefundsTable({ rows }: { rows: RefundRow[] }) {
  return <DataTable columns={columns} rows={rows} rowCount={rows.length} query={ALL} sortable={[]} caption="Refunds of this payment" captionHidden getRowId={(r) => r.id} pageSizes={[200]} empty="No refunds recorded by Kontor." />;
}
