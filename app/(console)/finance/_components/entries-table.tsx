'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { ReplayEntry } from '@/lib/domain/statement';
import { formatCredits } from '@/lib/money';
import { ReverseEntry } from '@/app/(console)/finance/_components/ledger-edits';
import { When } from '@/components/ui/when';

type Row = ReplayEntry & { canReverse: boolean };
const col = dataTableColumns<Row>();

const columns = col.columns([
  col.accessor('at', { id: 'at', header: 'When', cell: (c) => <When at={c.getValue()} /> }),
  col.accessor('type', { id: 'type', header: 'Type' }),
  col.accessor('amount', { id: 'amount', header: 'Amount', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  col.accessor('balance', { id: 'balance', header: 'Balance after', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  col.accessor('id', { id: 'id', header: 'Entry', cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span> }),
  col.display({
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: (c) => (c.row.original.canReverse ? <ReverseEntry entryId={c.row.original.id} amount={c.row.original.amount} /> : null),
  }),
]);

export function EntriesTable({ rows, caption, canReverse, prefix }: { rows: ReplayEntry[]; caption: string; canReverse: boolean; prefix: string }) {
  const size = Math.max(25, rows.length);
  const query: TableQuery = { page: 1, pageSize: size, sort: { id: 'at', desc: true }, q: '', offset: 0 };
  return (
    <DataTable columns={columns} rows={rows.map((r) => ({ ...r, canReverse }))} rowCount={rows.length} query={query} sortable={[]}
      caption={caption} captionHidden getRowId={(r) => r.id} prefix={prefix} pageSizes={[size]} empty="No entries." />
  );
}
