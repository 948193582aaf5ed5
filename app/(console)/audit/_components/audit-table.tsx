'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { DiffView } from '@/components/confirm/diff-view';
import type { AuditRow } from '@/lib/guard/audit-list';
import { auditHistoryHref } from '@/lib/guard/history';
import { When } from '@/components/ui/when';

const col = dataTableColumns<AuditRow>();

const columns = col.columns([
  col.accessor('at', {
    id: 'at',
    header: 'When',
    cell: (c) => <When at={c.getValue()} className="whitespace-nowrap tabular-nums" />,
  }),
  col.accessor('staffEmail', {
    id: 'staff',
    header: 'Who',
    cell: (c) => (
      <span>
        {c.getValue()}
        <span className="block text-xs text-ink-muted">{c.row.original.staffRole}</span>
      </span>
    ),
  }),
  col.accessor('action', {
    id: 'action',
    header: 'Action',
    cell: (c) => (
      <span className="font-mono">
        {c.getValue()}
        {c.row.original.approvalId ? <span className="block text-xs text-ink-muted">approval #{c.row.original.approvalId}</span> : null}
      </span>
    ),
  }),
  col.accessor((r) => `${r.target.type}:${r.target.id}`, {
    id: 'target',
    header: 'Target',
    cell: (c) => (
      <Link href={auditHistoryHref(c.row.original.target)} className="font-mono text-accent underline underline-offset-4 break-all">
        {c.getValue()}
      </Link>
    ),
  }),
  col.accessor('reason', { id: 'reason', header: 'Reason', cell: (c) => <p className="max-w-xs whitespace-pre-wrap">{c.getValue()}</p> }),
  col.accessor('changes', {
    id: 'changes',
    header: 'Changes',
    cell: (c) => (
      <div className="min-w-56">
        <DiffView changes={c.getValue()} caption={`Changes of entry ${c.row.original.id}`} />
      </div>
    ),
  }),
]);

export function AuditTable(props: { rows: AuditRow[]; total: number | null; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption="Audit log entries, newest first"
      captionHidden
      getRowId={(r) => r.id}
      empty="No entries match these filters."
    />
  );
}
