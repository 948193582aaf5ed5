'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { StaffRow } from '@/lib/domain/staff';
import { ChangeRole, RemoveStaff } from '@/app/(console)/staff/_components/staff-edit';

const col = dataTableColumns<StaffRow & { self: boolean }>();

const columns = col.columns([
  col.accessor('email', {
    id: 'email',
    header: 'Email',
    cell: (c) => (
      <span>
        {c.getValue()}
        {c.row.original.self ? <span className="ms-2 text-xs text-ink-muted">(you)</span> : null}
      </span>
    ),
  }),
  col.accessor('role', {
    id: 'role',
    header: 'Role',
    cell: (c) => <ChangeRole userId={c.row.original.userId} email={c.row.original.email} role={c.getValue()} />,
  }),
  col.accessor('createdAt', {
    id: 'created',
    header: 'Added',
    cell: (c) => <time dateTime={c.getValue()}>{c.getValue().slice(0, 10)}</time>,
  }),
  col.display({
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: (c) => <RemoveStaff userId={c.row.original.userId} email={c.row.original.email} />,
  }),
]);

export function StaffTable(props: { rows: StaffRow[]; total: number; query: TableQuery; sortable: readonly string[]; selfId: string }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows.map((r) => ({ ...r, self: r.userId === props.selfId }))}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption="Staff members"
      captionHidden
      getRowId={(r) => r.userId}
      filterLabel="Filter by email or role"
      empty="No staff match."
    />
  );
}
