'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { PaymentRow } from '@/lib/domain/payments';
import { formatCredits, formatMoney } from '@/lib/money';
import { CREDIT_FLAG_TEXT } from '@/lib/domain/payment-credit-labels';
import { When } from '@/components/ui/when';
import { shortId } from '@/lib/format';


export function CreditFlagBadge({ flag }: { flag: PaymentRow['flag'] }) {
  if (!flag) return null;
  return (
    <span className="inline-block rounded border border-danger/40 bg-danger-surface px-1.5 py-0.5 text-xs font-semibold text-danger">
      {CREDIT_FLAG_TEXT[flag]}
    </span>
  );
}

const col = dataTableColumns<PaymentRow>();

function columns(showUser: boolean) {
  return col.columns([
    col.accessor('createdAt', { id: 'created', header: 'Created', cell: (c) => <When at={c.getValue()} className="whitespace-nowrap" /> }),
    col.accessor('orderId', {
      id: 'order',
      header: 'Payment',
      cell: (c) => (
        <Link href={`/payments/${c.row.original.id}`} className="whitespace-nowrap font-mono text-accent underline underline-offset-4">
          {c.getValue() ?? shortId(c.row.original.id)}
        </Link>
      ),
    }),
    ...(showUser
      ? [col.accessor('email', {
          id: 'user',
          header: 'User',
          cell: (c) => (c.row.original.userId
            ? <Link href={`/users/${c.row.original.userId}`} className="underline underline-offset-4">{c.getValue() ?? c.row.original.userId}</Link>
            : <span className="text-ink-muted">deleted user</span>),
        })]
      : []),
    col.accessor('amount', { id: 'amount', header: 'Amount', cell: (c) => <span className="whitespace-nowrap">{formatMoney(c.getValue(), c.row.original.currency)}</span>, meta: { align: 'end' } }),
    col.accessor('credits', { id: 'credits', header: 'Credits', cell: (c) => (c.getValue() === null ? '—' : formatCredits(c.getValue())), meta: { align: 'end' } }),
    col.accessor('status', { id: 'status', header: 'Status' }),
    col.accessor('method', { id: 'method', header: 'Method', cell: (c) => c.getValue() ?? '—' }),
    col.accessor('flag', { id: 'flag', header: 'Credits check', cell: (c) => <CreditFlagBadge flag={c.getValue()} /> }),
  ]);
}

const WITH_USER = columns(true);
const WITHOUT_USER = columns(false);

export function PaymentsTable(props: {
  rows: PaymentRow[];
  rowCount: number | null;
  query: TableQuery;
  sortable: readonly string[];
  caption: string;
  prefix?: string;
  showUser?: boolean;
}) {
  return (
    <DataTable
      columns={props.showUser === false ? WITHOUT_USER : WITH_USER}
      rows={props.rows}
      rowCount={props.rowCount}
      query={props.query}
      sortable={props.sortable}
      caption={props.caption}
      captionHidden
      getRowId={(r) => r.id}
      prefix={props.prefix}
      empty="No payments match."
    />
  );
}
