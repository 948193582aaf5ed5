'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { DiffView } from '@/components/confirm/diff-view';
import type { AuditRow } from '@/lib/guard/audit-list';
import { auditHistoryHref } from '@/lib/guard/history';
import { When } from '@/components/ui/when';
import { TargetLabel } from '@/components/confirm/target-label';
import { actionLabel } from '@/lib/edits/outcome';
import type { TargetName } from '@/lib/edits/target-key';

/** An entry with its target's name (the page names them: lib/edits/target-names.ts). */
export type AuditEntryRow = AuditRow & { targetName?: TargetName };

const col = dataTableColumns<AuditEntryRow>();

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
      <span title={c.getValue()}>
        {actionLabel(c.getValue())}
        <span className="block text-xs text-ink-muted">
          entry #{c.row.original.id}
          {c.row.original.approvalId ? <>, request #{c.row.original.approvalId}</> : null}
        </span>
      </span>
    ),
  }),
  col.accessor((r) => `${r.target.type}:${r.target.id}`, {
    id: 'target',
    header: 'Target',
    cell: (c) => (
      <span className="block space-y-0.5">
        <TargetLabel target={c.row.original.target} name={c.row.original.targetName} />
        <Link href={auditHistoryHref(c.row.original.target)} className="block text-xs text-accent underline underline-offset-4">History</Link>
      </span>
    ),
  }),
  col.accessor('reason', { id: 'reason', header: 'Reason', cell: (c) => <p className="max-w-xs whitespace-pre-wrap">{c.getValue()}</p> }),
  col.accessor('changes', {
    id: 'changes',
    header: 'Changes',
    cell: (c) => (
      // At most 28rem: a long value (a bulk edit's list, never broken mid-token) scrolls in its own box
      // rather than widening the log past its container.
      <div className="min-w-56 max-w-md">
        <DiffView changes={c.getValue()} caption={`Changes of entry ${c.row.original.id}`} />
      </div>
    ),
  }),
]);

export function AuditTable(props: { rows: AuditEntryRow[]; total: number | null; query: TableQuery; sortable: readonly string[] }) {
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
