'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { DiffView } from '@/components/confirm/diff-view';
import type { ApprovalView } from '@/lib/guard/approvals';
import { auditHistoryHref } from '@/lib/guard/history';
import { When } from '@/components/ui/when';
import { TargetLabel } from '@/components/confirm/target-label';
import type { TargetName } from '@/lib/edits/target-key';
import { DecisionForm } from '@/app/(console)/approvals/_components/decision-form';

/** A request with its target's name (the page names them: lib/edits/target-names.ts). */
export type ApprovalRow = ApprovalView & { targetName?: TargetName };

const col = dataTableColumns<ApprovalRow>();

const base = [
  col.accessor('createdAt', {
    id: 'created',
    header: 'Requested',
    cell: (c) => (
      <span className="whitespace-nowrap tabular-nums">
        <When at={c.getValue()} />
        <span className="block text-xs text-ink-muted">by {c.row.original.requestedBy.email}</span>
      </span>
    ),
  }),
  col.accessor('label', {
    id: 'edit',
    header: 'Edit',
    cell: (c) => {
      const r = c.row.original;
      return (
        <span className="block space-y-0.5">
          <span className="block">
            {c.getValue()} <span className="whitespace-nowrap text-xs text-ink-muted">request #{r.id}</span>
          </span>
          <span className="block text-xs"><TargetLabel target={r.target} name={r.targetName} /></span>
          <Link href={auditHistoryHref(r.target)} className="block text-xs text-accent underline underline-offset-4">History</Link>
        </span>
      );
    },
  }),
  col.accessor('reason', { id: 'reason', header: 'Reason', cell: (c) => <p className="max-w-xs whitespace-pre-wrap">{c.getValue()}</p> }),
  col.accessor((r) => r.preview.changes, {
    id: 'preview',
    header: 'Preview',
    cell: (c) => <div className="min-w-56"><DiffView changes={c.getValue()} caption={`Preview of request ${c.row.original.id}`} /></div>,
  }),
];

const pendingColumns = col.columns([
  ...base,
  col.display({
    id: 'decide',
    header: 'Decision',
    cell: (c) => {
      const r = c.row.original;
      if (r.status === 'expired') return <span className="text-ink-muted">Expired</span>;
      if (!r.canDecide) {
        return <span className="text-sm text-ink-muted">Another staff member with the approving role decides this.</span>;
      }
      return <DecisionForm id={r.id} label={r.label} />;
    },
  }),
]);

const decidedColumns = col.columns([
  ...base,
  col.display({
    id: 'decided',
    header: 'Decision',
    cell: (c) => (
      <span>
        <span className="font-medium capitalize">{c.row.original.status}</span>
        <span className="block text-xs text-ink-muted">by {c.row.original.decidedEmail}: {c.row.original.decisionReason}</span>
      </span>
    ),
  }),
]);

export function ApprovalsTable(props: { rows: ApprovalRow[]; total: number; query: TableQuery; prefix: string; mode: 'pending' | 'decided' }) {
  return (
    <DataTable
      columns={props.mode === 'pending' ? pendingColumns : decidedColumns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={[]}
      prefix={props.prefix}
      caption={props.mode === 'pending' ? 'Requests waiting for a decision' : 'Decided requests'}
      captionHidden
      getRowId={(r) => r.id}
      empty={props.mode === 'pending' ? 'Nothing is waiting for approval.' : 'No request has been decided yet.'}
    />
  );
}
