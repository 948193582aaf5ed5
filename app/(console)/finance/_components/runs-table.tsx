'use client';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { RunView } from '@/lib/domain/reconcile/read';
import { When } from '@/components/ui/when';
import { formatCount } from '@/lib/format';

const col = dataTableColumns<RunView>();

const columns = col.columns([
  col.accessor('id', {
    id: 'id',
    header: 'Run',
    cell: (c) => <Link href={`/finance/reconciliation?run=${c.getValue()}`} className="text-accent underline-offset-2 hover:underline">#{c.getValue()}</Link>,
  }),
  col.accessor('startedAt', { id: 'when', header: 'When', cell: (c) => <When at={c.getValue()} /> }),
  col.accessor('startedBy', { id: 'by', header: 'By' }),
  col.accessor('mode', { id: 'mode', header: 'Mode' }),
  col.accessor('entriesRead', { id: 'read', header: 'Entries read', cell: (c) => (c.getValue() === null ? '–' : formatCount(c.getValue()!)), meta: { align: 'end' } }),
  col.accessor('found', { id: 'found', header: 'Found', cell: (c) => c.getValue() ?? 'running', meta: { align: 'end' } }),
]);

const ONE_PAGE: TableQuery = { page: 1, pageSize: 25, sort: { id: 'id', desc: true }, q: '', offset: 0 };

export function RunsTable({ rows }: { rows: RunView[] }) {
  return (
    <DataTable columns={columns} rows={rows} rowCount={rows.length} query={{ ...ONE_PAGE, pageSize: Math.max(25, rows.length) }} sortable={[]}
      caption="Recent reconciliation runs" captionHidden getRowId={(r) => r.id} prefix="runs_" pageSizes={[Math.max(25, rows.length)]}
      empty="No run yet." />
  );
}
