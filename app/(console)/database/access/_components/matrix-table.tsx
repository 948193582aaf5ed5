'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import { COMMANDS } from '@/lib/inspect/policies/commands';
import type { MatrixCell, MatrixRow } from '@/lib/inspect/policies/views';
import { Tag } from '@/components/ui/tag';

const KIND = {
  all: { label: 'all rows', tone: 'ok' },
  conditional: { label: 'conditional', tone: 'warn' },
  denied: { label: 'denied', tone: 'muted' },
} as const;

const col = dataTableColumns<MatrixRow>();

function Cells({ cells }: { cells: MatrixCell[] }) {
  return (
    <ul className="space-y-2">
      {cells.map((c) => (
        <li key={c.role} className="space-y-0.5">
          <p className="flex flex-wrap items-center gap-1.5">
            <span className="font-mono text-xs">{c.role}</span>
            <Tag tone={KIND[c.kind].tone}>{KIND[c.kind].label}</Tag>
          </p>
          <p className="text-xs text-ink-muted">{c.reason}</p>
        </li>
      ))}
    </ul>
  );
}

const columns = col.columns([
  col.accessor('table', {
    id: 'table',
    header: 'Table',
    cell: (c) => (
      <div className="space-y-1">
        <p className="font-mono font-medium">{c.getValue()}</p>
        {c.row.original.rls ? null : <Tag tone="danger">RLS off</Tag>}
      </div>
    ),
  }),
  ...COMMANDS.map((command) =>
    col.display({ id: command, header: command, cell: (c) => <Cells cells={c.row.original.cells[command]} /> }),
  ),
]);

export function MatrixTable(props: { rows: MatrixRow[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable.filter((s) => s === 'table')}
      caption="Access of each API role, per table and command"
      captionHidden
      getRowId={(r) => r.table}
      filterLabel="Filter by table (schema.name)"
      empty="No table matches."
    />
  );
}
