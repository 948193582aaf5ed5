'use client';
import Link from 'next/link';
import { clsx } from 'clsx';
import { DataTable } from '@/components/data-table/data-table';
import { cellScale, dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { UsageDay, UsageModel, UsageUser } from '@/lib/domain/usage-costs';
import { formatCredits, formatUsd } from '@/lib/money';
import { shortId, formatCount } from '@/lib/format';

const margin = (v: string, scale: number) => <span className={clsx(Number(v) < 0 && 'font-medium text-danger')}>{formatUsd(v, scale)}</span>;

const dayCol = dataTableColumns<UsageDay>();
const dayColumns = dayCol.columns([
  dayCol.accessor('day', { id: 'day', header: 'Day' }),
  dayCol.accessor('cost', { id: 'cost', header: 'Provider cost', cell: (c) => formatUsd(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
  dayCol.accessor('credits', { id: 'credits', header: 'Credits consumed', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  dayCol.accessor('revenue', { id: 'revenue', header: 'Revenue', cell: (c) => formatUsd(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
  dayCol.accessor('margin', { id: 'margin', header: 'Margin', cell: (c) => margin(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
]);

export function UsageDaysTable(props: { rows: UsageDay[]; total: number; query: TableQuery }) {
  return (
    <DataTable columns={dayColumns} rows={props.rows} rowCount={props.total} query={props.query} sortable={['day']}
      caption="Usage costs per day" captionHidden getRowId={(r) => r.day} prefix="d_" pageSizes={[31, 100, 400]} />
  );
}

const modelCol = dataTableColumns<UsageModel>();
const modelColumns = modelCol.columns([
  modelCol.accessor('provider', { id: 'provider', header: 'Provider' }),
  modelCol.accessor('model', { id: 'model', header: 'Model', cell: (c) => <span className="font-mono">{c.getValue()}</span> }),
  modelCol.accessor('calls', { id: 'calls', header: 'Calls', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  modelCol.accessor('tokens', { id: 'tokens', header: 'Tokens', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  modelCol.accessor('cost', { id: 'cost', header: 'Provider cost', cell: (c) => formatUsd(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
  modelCol.accessor('revenue', { id: 'revenue', header: 'Revenue share', cell: (c) => formatUsd(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
  modelCol.accessor('margin', { id: 'margin', header: 'Margin', cell: (c) => margin(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
]);

export function UsageModelsTable({ rows }: { rows: UsageModel[] }) {
  const size = Math.max(25, rows.length);
  const query: TableQuery = { page: 1, pageSize: size, sort: { id: 'margin', desc: false }, q: '', offset: 0 };
  return (
    <DataTable columns={modelColumns} rows={rows} rowCount={rows.length} query={query} sortable={[]}
      caption="Usage costs per provider and model, worst margin first" captionHidden getRowId={(r) => `${r.provider}/${r.model}`}
      prefix="m_" pageSizes={[size]} empty="No API usage in this period." />
  );
}

const userCol = dataTableColumns<UsageUser>();
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
  userCol.accessor('calls', { id: 'calls', header: 'Calls', cell: (c) => formatCount(c.getValue()), meta: { align: 'end' } }),
  userCol.accessor('cost', { id: 'cost', header: 'Provider cost', cell: (c) => formatUsd(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
  userCol.accessor('credits', { id: 'credits', header: 'Credits consumed', cell: (c) => formatCredits(c.getValue()), meta: { align: 'end' } }),
  userCol.accessor('revenue', { id: 'revenue', header: 'Revenue', cell: (c) => formatUsd(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
  userCol.accessor('margin', { id: 'margin', header: 'Margin', cell: (c) => margin(c.getValue(), cellScale(c, 2)), meta: { align: 'end' } }),
]);

export function UsageUsersTable(props: { rows: UsageUser[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable columns={userColumns} rows={props.rows} rowCount={props.total} query={props.query} sortable={props.sortable}
      caption="Usage costs per user" captionHidden getRowId={(r) => r.userId} prefix="u_" filterLabel="Filter by email or user id"
      empty="No user matches." />
  );
}
