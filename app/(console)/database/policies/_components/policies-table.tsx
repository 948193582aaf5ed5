'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { PolicyTableView } from '@/lib/inspect/policies/views';
import { Tag } from '@/components/ui/tag';

const col = dataTableColumns<PolicyTableView>();

const columns = col.columns([
  col.accessor('table', {
    id: 'table',
    header: 'Table',
    cell: (c) => (
      <div className="space-y-1">
        <p className="font-mono font-medium">{c.getValue()}</p>
        <p className="text-xs text-ink-muted">owner {c.row.original.owner}</p>
      </div>
    ),
  }),
  col.display({
    id: 'rls',
    header: 'Row-level security',
    cell: (c) => {
      const t = c.row.original;
      if (!t.rls) {
        return t.exposedTo.length ? (
          <div className="space-y-1">
            <Tag tone="danger">RLS off</Tag>
            <p className="text-xs">Reachable by {t.exposedTo.join(', ')}: every row, as far as the GRANTs go.</p>
          </div>
        ) : (
          <div className="space-y-1">
            <Tag tone="muted">RLS off</Tag>
            <p className="text-xs text-ink-muted">No API role has a GRANT on it.</p>
          </div>
        );
      }
      return (
        <div className="flex flex-wrap gap-1">
          <Tag tone="ok">RLS on</Tag>
          {t.forced ? <Tag tone="ok">forced</Tag> : <Tag tone="muted">not forced</Tag>}
          {t.policies.length === 0 ? <p className="w-full text-xs">No policy: API roles see no row.</p> : null}
        </div>
      );
    },
  }),
  col.accessor((r) => r.policies.length, {
    id: 'policies',
    header: 'Policies',
    cell: (c) => {
      const policies = c.row.original.policies;
      if (!policies.length) return <span className="text-ink-muted">none</span>;
      return (
        <ul className="space-y-3">
          {policies.map((p) => (
            <li key={p.name} className="space-y-1">
              <p className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{p.name}</span>
                <Tag tone="muted">{p.command === 'ALL' ? 'FOR ALL' : p.command}</Tag>
                <Tag tone={p.permissive ? 'muted' : 'warn'}>{p.permissive ? 'permissive' : 'restrictive'}</Tag>
                <span className="text-xs text-ink-muted">to {p.roles.join(', ')}</span>
              </p>
              {p.using !== null ? <Expression label="USING" text={p.using} /> : null}
              {p.check !== null ? <Expression label="WITH CHECK" text={p.check} /> : null}
            </li>
          ))}
        </ul>
      );
    },
  }),
]);

function Expression({ label, text }: { label: string; text: string }) {
  return (
    <div className="flex items-start gap-2 text-xs">
      <span className="w-20 shrink-0 pt-1 font-semibold text-ink-muted">{label}</span>
      <pre className="min-w-0 flex-1 overflow-x-auto whitespace-pre-wrap break-words rounded border border-line bg-surface-muted px-2 py-1 font-mono">
        {text}
      </pre>
    </div>
  );
}

export function PoliciesTable(props: { rows: PolicyTableView[]; total: number; query: TableQuery; sortable: readonly string[] }) {
  return (
    <DataTable
      columns={columns}
      rows={props.rows}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption="Tables and their row-level security policies"
      captionHidden
      getRowId={(r) => r.table}
      filterLabel="Filter by table (schema.name)"
      empty="No table matches."
    />
  );
}
