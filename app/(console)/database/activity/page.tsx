import type { Metadata } from 'next';
import { catalogContext } from '@/app/(console)/_lib/context';
import type { BlockingNode } from '@/lib/inspect/activity';
import { parseTableQuery } from '@/lib/table-query';
import { formatCount, formatRatio, formatSeconds } from '@/lib/format';
import { Notice } from '@/components/ui/notice';
import { AutoRefresh } from '@/components/auto-refresh';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section } from '@/app/(console)/_components/section';
import { StatCard } from '@/app/(console)/_components/stat-card';
import { loadActivityPage } from '@/app/(console)/database/_lib/loaders';
import { SessionsTable } from '@/app/(console)/database/activity/_components/sessions-table';
import { TerminateBlocker } from '@/app/(console)/database/activity/_components/signal-backend';
import { StructureTable } from '@/app/(console)/database/tables/_components/structure-table';

export const metadata: Metadata = { title: 'Activity' };

/** Who blocks whom; the root of each tree (blocking, waiting for no one) can be terminated from here. */
function LockTree({ nodes, canTerminate }: { nodes: BlockingNode[]; canTerminate?: boolean }) {
  return (
    <ul className="space-y-2 border-s border-line ps-4">
      {nodes.map((n) => (
        <li key={n.session.pid} className="text-sm">
          {canTerminate ? (
            <div className="float-end ms-3">
              <TerminateBlocker pid={n.session.pid} blocks={n.waiting.length} />
            </div>
          ) : null}
          <p className="min-w-0">
            <span className="font-semibold">pid {n.session.pid}</span> {n.session.role} ({n.session.application}), {n.session.state}
            {n.session.transactionSeconds !== null ? `, transaction open ${formatSeconds(n.session.transactionSeconds)}` : ''}
            <code className="block truncate font-mono text-xs text-ink-muted">{n.session.query}</code>
          </p>
          {n.waiting.length ? (
            <div className="mt-2">
              <p className="text-xs font-medium text-ink-muted">blocks {n.waiting.length}:</p>
              <LockTree nodes={n.waiting} />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export default async function ActivityPage() {
  const ctx = await catalogContext('database.read');
  const { staff } = ctx;
  const result = await attempt(() => loadActivityPage());
  if (!result.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Activity</h1>
        <Notice tone="warn" title="Activity unavailable">{result.message}</Notice>
      </>
    );
  }
  const { groups, sessions, lockTrees, sequences, wraparound, vitals } = result.value;
  const byState = new Map<string, number>();
  for (const g of groups) byState.set(g.state, (byState.get(g.state) ?? 0) + g.count);
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Activity</h1>
        <AutoRefresh />
        <p className="text-sm text-ink-muted">What the server is doing now, read on each visit. Kontor&apos;s own reading session is left out.</p>
      </div>
      <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <StatCard label="Connections" value={`${formatCount(vitals.connections.used)} of ${formatCount(vitals.connections.max)}`}
          hint={[...byState].map(([s, n]) => `${n} ${s}`).join(', ') || 'none besides Kontor'} />
        <StatCard label="Transaction ID age" value={formatRatio(wraparound.xidUsed)}
          hint={`${formatCount(wraparound.xidAge)} of ~2.1 billion; autovacuum freezes at ${formatCount(wraparound.freezeMaxAge)}`} />
        <StatCard label="Cache hit, tables" value={formatRatio(vitals.cacheHit.heap)} hint={`indexes ${formatRatio(vitals.cacheHit.index)}`} />
        <StatCard label="Lock waits" value={formatCount(sessions.filter((s) => s.blockedBy.length).length)} hint="sessions waiting for another" />
      </dl>

      <Section id="locks" title="Lock waits" description="Who blocks whom: each session, and under it the sessions waiting for it.">
        {lockTrees.length ? <LockTree nodes={lockTrees} canTerminate={staff.can('database.terminate')} /> : <Notice>No session is waiting for a lock.</Notice>}
      </Section>

      <Section id="sessions" title="Busy sessions" description="Running a query or holding a transaction open, longest first. Long queries and idle-in-transaction sessions are marked.">
        <SessionsTable canSignal={staff.can('database.terminate')} rows={sessions} query={parseTableQuery({}, { sortable: ['pid'], defaultSort: { id: 'pid', desc: false }, pageSizes: [1000], prefix: 's_' })} />
      </Section>

      <Section id="connections" title="Connections" description="By state, role, application and client.">
        <StructureTable caption="Connections by state, role, application and client" captionHidden header={['State', 'Role', 'Application', 'Client', 'Count']}
          rows={groups.map((g) => [g.state, g.role ?? '', g.application, g.client ?? '', formatCount(g.count)])} empty="No other connection." />
      </Section>

      <Section id="sequences" title="Sequences nearest their maximum" description="A sequence that reaches the maximum of its type makes every insert fail.">
        {sequences.rows ? (
          <StructureTable caption="Sequences by share of their range used" captionHidden header={['Sequence', 'Type', 'Last value', 'Maximum', 'Used']}
            rows={sequences.rows.map((s) => [`${s.schema}.${s.name}`, s.type, formatCount(s.lastValue), formatCount(s.maxValue), `${formatRatio(s.used)}${s.used >= 0.75 ? ' — act now' : ''}`])}
            empty="No sequence has been used yet." />
        ) : (
          <Notice tone="warn" title="Sequences not read">{sequences.problem}</Notice>
        )}
      </Section>

      <Section id="wraparound" title="Wraparound headroom" description="The tables holding the database's oldest transaction ID: vacuuming them moves the horizon.">
        <StructureTable caption="Tables with the oldest transaction IDs" captionHidden header={['Table', 'Transaction ID age']}
          rows={wraparound.oldestTables.map((t) => [`${t.schema}.${t.name}`, formatCount(t.xidAge)])} />
      </Section>
    </>
  );
}
