'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { When } from '@/components/ui/when';
import { Tag } from '@/components/ui/tag';
import type { AlertView } from '@/lib/alerts/read';

const col = dataTableColumns<AlertView>();
const TONE = { error: 'danger', warning: 'warn', info: 'muted' } as const;

const base = [
  col.accessor('severity', { id: 'severity', header: 'Severity', cell: (c) => <Tag tone={TONE[c.getValue()]}>{c.getValue()}</Tag> }),
  col.accessor('title', {
    id: 'alert',
    header: 'Alert',
    cell: (c) => {
      const a = c.row.original;
      return (
        <span className="block max-w-xl space-y-0.5">
          <span className="block break-words">{a.title}</span>
          <span className="block text-xs text-ink-muted">
            {a.ruleLabel} · <Link href={a.href} className="text-accent underline underline-offset-4">Look into it</Link>
          </span>
        </span>
      );
    },
  }),
  col.accessor('openedAt', { id: 'opened', header: 'Opened', cell: (c) => <When at={c.getValue()} className="whitespace-nowrap tabular-nums" /> }),
];

const openColumns = col.columns([
  ...base,
  col.accessor('lastNotifiedAt', {
    id: 'notified',
    header: 'Last told',
    cell: (c) => (
      <span className="whitespace-nowrap tabular-nums">
        <When at={c.getValue()} />
        <span className="block text-xs text-ink-muted">{c.row.original.notified} time{c.row.original.notified === 1 ? '' : 's'}</span>
      </span>
    ),
  }),
]);

const resolvedColumns = col.columns([
  ...base,
  col.accessor('resolvedAt', {
    id: 'resolved',
    header: 'Resolved',
    cell: (c) => (
      <span className="whitespace-nowrap tabular-nums">
        <When at={c.getValue()} />
        <span className="block text-xs text-ink-muted">{c.row.original.resolution}</span>
      </span>
    ),
  }),
]);

export function AlertsTable(props: { rows: AlertView[]; total: number; query: TableQuery; prefix: string; mode: 'open' | 'resolved' }) {
  const open = props.mode === 'open';
  return (
    <DataTable
      columns={open ? openColumns : resolvedColumns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={[]}
      prefix={props.prefix}
      caption={open ? 'Open alerts' : 'Resolved alerts'}
      captionHidden
      getRowId={(r) => r.id}
      empty={open ? 'No alert is open.' : 'No alert has resolved yet.'}
    />
  );
}
