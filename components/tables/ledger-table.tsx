'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns, timeOrderCaption } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { LedgerEntryRow } from '@/lib/domain/payments';
import { formatCredits } from '@/lib/format';
import { When } from '@/components/ui/when';
import { IdRef } from '@/components/ui/id-ref';

/** Ledger entries: a user's (the user page, newest first) or a payment's (the payment page, oldest first). */
const l = dataTableColumns<LedgerEntryRow>();
const ledgerColumns = l.columns([
  l.accessor('createdAt', { id: 'created', header: 'When', cell: (c) => <When at={c.getValue()} className="whitespace-nowrap" /> }),
  l.accessor('type', { id: 'type', header: 'Type', cell: (c) => c.getValue() ?? '—' }),
  l.accessor('amount', {
    id: 'amount',
    header: 'Credits',
    cell: (c) => <span className={c.getValue().startsWith('-') ? 'text-danger' : undefined}>{formatCredits(c.getValue())}</span>,
    meta: { align: 'end' },
  }),
  l.accessor('description', { id: 'description', header: 'Description', cell: (c) => c.getValue() ?? '' }),
  l.accessor('paymentId', {
    id: 'payment',
    header: 'Payment',
    cell: (c) => (c.getValue() ? <IdRef id={c.getValue()!} name={c.row.original.paymentName} href={`/payments/${encodeURIComponent(c.getValue()!)}`} noun="payment" /> : null),
  }),
]);

interface LedgerTableProps { rows: LedgerEntryRow[]; total: number; query: TableQuery; prefix: string }

export function LedgerTable(p: LedgerTableProps) {
  return <DataTable columns={ledgerColumns} rows={p.rows} rowCount={p.total} query={p.query} sortable={['created']} prefix={p.prefix} caption={timeOrderCaption('Ledger entries', p.query)} captionHidden getRowId={(r) => r.id} pageSizes={[10, 25, 100]} empty="No ledger entries." />;
}
