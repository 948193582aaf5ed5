'use client';
import { DataTable } from '@/components/data-table/data-table';
import { dataTableColumns } from '@/components/data-table/features';
import type { TableQuery } from '@/lib/table-query';
import type { SessionRow } from '@/lib/inspect/activity';
import { formatSeconds } from '@/lib/format';
import { SignalBackend } from '@/app/(console)/database/activity/_components/signal-backend';

const col = dataTableColumns<SessionRow>();
// Past these, a query or an open transaction is worth an engineer's look.
const LONG_QUERY_S = 60;
const LONG_IDLE_TX_S = 30;

const baseColumns = col.columns([
  col.accessor('pid', { id: 'pid', header: 'PID', meta: { align: 'end' } }),
  col.accessor('state', {
    id: 'state',
    header: 'State',
    cell: (c) => {
      const s = c.row.original;
      const long = (s.state === 'active' && (s.querySeconds ?? 0) > LONG_QUERY_S) ||
        (s.state.startsWith('idle in transaction') && (s.transactionSeconds ?? 0) > LONG_IDLE_TX_S);
      return <span className={long ? 'font-semibold text-danger' : undefined}>{s.state}{s.waitEvent ? <span className="block text-xs text-ink-muted">{s.waitEvent}</span> : null}</span>;
    },
  }),
  col.accessor((r) => `${r.role ?? ''} ${r.application}`, {
    id: 'who',
    header: 'Role / application',
    cell: (c) => <span>{c.row.original.role}<span className="block text-xs text-ink-muted">{c.row.original.application}{c.row.original.client ? ` @ ${c.row.original.client}` : ''}</span></span>,
  }),
  col.accessor('querySeconds', { id: 'query_s', header: 'Query for', cell: (c) => formatSeconds(c.getValue()), meta: { align: 'end' } }),
  col.accessor('transactionSeconds', { id: 'xact_s', header: 'Transaction for', cell: (c) => formatSeconds(c.getValue()), meta: { align: 'end' } }),
  col.accessor('query', {
    id: 'query',
    header: 'Query',
    cell: (c) => <code className="block max-w-md truncate font-mono text-xs" title={c.getValue()}>{c.getValue()}</code>,
  }),
]);

const withActions = col.columns([
  ...baseColumns,
  col.display({
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: (c) => <SignalBackend pid={c.row.original.pid} state={c.row.original.state} />,
  }),
]);

export function SessionsTable({ rows, query, canSignal }: { rows: SessionRow[]; query: TableQuery; canSignal: boolean }) {
  return (
    <DataTable
      columns={canSignal ? withActions : baseColumns}
      rows={rows}
      rowCount={rows.length}
      query={query}
      sortable={[]}
      caption="Sessions running a query or holding a transaction open, longest first"
      captionHidden
      getRowId={(r) => String(r.pid)}
      prefix="s_"
      empty="No session is running a query or holding a transaction open."
    />
  );
}
