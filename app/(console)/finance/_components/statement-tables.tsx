'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { StatementDay, StatementUserRow } from '@/lib/domain/statement';
import { STATEMENT_COLUMNS } from '@/lib/domain/statement-columns';
import { formatCredits } from '@/lib/money';
import { shortId } from '@/lib/format';

const HEADERS: Record<(typeof STATEMENT_COLUMNS)[number], string> = {
  opening: 'Opening', grants: '+ Grants', spends: '− Spends', adjustments: '± Adjustments', refunds: '− Refunds',
  expiries: '− Expiries', other: '± Other', closing: 'Closing',
};

const dayCol = dataTableColumns<StatementDay>();
const dayColumns = dayCol.columns([
  dayCol.accessor('day', { id: 'day', header: 'Day', cell: (c) => <time dateTime={c.getValue()}>{c.getValue()}</time> }),
  ...STATEMENT_COLUMNS.map((k) => dayCol.accessor(k, { id: k, header: HEADERS[k], cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' as const } })),
]);

export function StatementDaysTable(props: { rows: StatementDay[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable columns={dayColumns} rows={props.rows} rowCount={props.total} query={props.query} sortable={props.sortable}
      caption="Statement per day" captionHidden getRowId={(r) => r.day} prefix="d_" pageSizes={[31, 100, 400]} />
  );
}

const userCol = dataTableColumns<StatementUserRow>();
const userColumns = userCol.columns([
  userCol.accessor('email', {
    id: 'user',
    header: 'User',
    cell: (c) => (
      <Link href={`/finance/accounts/${c.row.original.userId}`} className="text-accent underline-offset-2 hover:underline">
        {c.getValue() ?? `deleted ${shortId(c.row.original.userId)}`}
      </Link>
    ),
  }),
  ...STATEMENT_COLUMNS.map((k) => userCol.accessor(k, { id: k, header: HEADERS[k], cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' as const } })),
]);

export function StatementUsersTable(props: { rows: StatementUserRow[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable columns={userColumns} rows={props.rows} rowCount={props.total} query={props.query} sortable={props.sortable}
      caption="Statement per user" captionHidden getRowId={(r) => r.userId} prefix="u_" filterLabel="Filter by email or user id"
      empty="No user had a balance or activity in this period." />
  );
}
