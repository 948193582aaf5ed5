'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { FindingRow } from '@/lib/inspect/advisors/page';
import { Tag } from '@/components/ui/tag';
import { CopySql } from '@/components/ui/copy-sql';
import { EndSuppression, SuppressControls } from '@/app/(console)/database/advisors/_components/suppress-controls';

type Row = FindingRow & { expiry: { defaultExpiry: string; minExpiry: string; maxExpiry: string } };

const LEVEL_TONE = { error: 'danger', warning: 'warn', info: 'muted' } as const;
const col = dataTableColumns<Row>();

function Objects({ f }: { f: Row }) {
  if (!f.objectCount) return <p className="text-ink-muted">All suppressed.</p>;
  return (
    <div className="space-y-2">
      <ul className="space-y-2">
        {f.objects.map((o) => (
          <li key={o.object} className="space-y-1">
            <p>
              <span className="font-mono text-xs font-medium">{o.object}</span>
              <span className="text-xs text-ink-muted"> — {o.detail}</span>
            </p>
            <CopySql sql={o.sql} label={o.object} wrap />
          </li>
        ))}
      </ul>
      {f.objectCount > f.objects.length ? (
        <p className="text-xs text-ink-muted">… and {f.objectCount - f.objects.length} more (<code>npm run kontor -- lint --json</code> lists them all).</p>
      ) : null}
    </div>
  );
}

function Suppressed({ f }: { f: Row }) {
  if (!f.suppressedCount) return null;
  const byId = new Map<string, Row['suppressed']>();
  for (const s of f.suppressed) byId.set(s.suppressionId, [...(byId.get(s.suppressionId) ?? []), s]);
  return (
    <div className="space-y-1 border-t border-line pt-2">
      <p className="text-xs font-semibold">Suppressed ({f.suppressedCount})</p>
      <ul className="space-y-1">
        {[...byId.entries()].map(([id, list]) => {
          const what = list[0].wholeAdvisor ? `every object of ${f.id}` : list.map((s) => s.object).join(', ');
          return (
            <li key={id} className="flex flex-wrap items-center gap-2 text-xs">
              <span className="font-mono">{what}</span>
              <span className="text-ink-muted">until {list[0].expiresAt.slice(0, 10)}: {list[0].reason}</span>
              <EndSuppression id={id} what={what} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const columns = col.columns([
  col.accessor('level', {
    id: 'level',
    header: 'Level',
    cell: (c) => <Tag tone={LEVEL_TONE[c.getValue()]}>{c.getValue()}</Tag>,
  }),
  col.accessor('category', { id: 'category', header: 'Category', cell: (c) => c.getValue() }),
  col.display({
    id: 'finding',
    header: 'Finding',
    cell: (c) => {
      const f = c.row.original;
      return (
        <div className="max-w-sm space-y-1">
          <p className="font-medium">{f.name}</p>
          <p className="font-mono text-xs text-ink-muted">{f.id}</p>
          <p className="text-xs">{f.why}</p>
          <p className="text-xs"><span className="font-semibold">Fix:</span> {f.fix}</p>
        </div>
      );
    },
  }),
  col.accessor((r) => r.objectCount, {
    id: 'objects',
    header: 'Objects',
    cell: (c) => {
      const f = c.row.original;
      return (
        <div className="min-w-[20rem] space-y-3">
          <p className="text-xs font-semibold">{f.objectCount} open</p>
          <Objects f={f} />
          <Suppressed f={f} />
          {f.objectCount ? (
            <SuppressControls advisorId={f.id} name={f.name} objects={f.objects.map((o) => o.object)} {...f.expiry} />
          ) : null}
        </div>
      );
    },
  }),
]);

export function FindingsTable(props: {
  rows: FindingRow[];
  total: number;
  query: TableQuery;
  sortable: readonly string[];
  defaultExpiry: string;
  minExpiry: string;
  maxExpiry: string;
}) {
  const expiry = { defaultExpiry: props.defaultExpiry, minExpiry: props.minExpiry, maxExpiry: props.maxExpiry };
  return (
    <DataTable
      columns={columns}
      rows={props.rows.map((r) => ({ ...r, expiry }))}
      rowCount={props.total}
      query={props.query}
      sortable={props.sortable}
      caption="Advisor findings"
      captionHidden
      getRowId={(r) => r.id}
      filterLabel="Filter by check or object"
      empty="No finding matches."
    />
  );
}
