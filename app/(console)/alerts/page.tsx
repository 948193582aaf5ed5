import type { Metadata } from 'next';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { listAlerts, listRules } from '@/lib/alerts/read';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { attempt } from '@/app/(console)/_lib/attempt';
import { AlertsTable } from '@/app/(console)/alerts/_components/alerts-table';
import { RulesTable } from '@/app/(console)/alerts/_components/rules-table';

export const metadata: Metadata = { title: 'Alerts' };

const OPEN: TableSpec<'opened'> = { sortable: ['opened'], defaultSort: { id: 'opened', desc: false }, pageSizes: [100], prefix: 'o_' };
const HISTORY: TableSpec<'resolved'> = { sortable: ['resolved'], defaultSort: { id: 'resolved', desc: true }, pageSizes: [25], prefix: 'h_' };

export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('alerts.read');
  const params = await searchParams;
  const oq = parseTableQuery(params, OPEN);
  const hq = parseTableQuery(params, HISTORY);
  const r = await attempt(() => read(async (trx) => ({
    open: await listAlerts(trx, ctx, { state: 'open', limit: oq.pageSize, offset: oq.offset }),
    history: await listAlerts(trx, ctx, { state: 'resolved', limit: hq.pageSize, offset: hq.offset }),
    rules: await listRules(trx, ctx),
  })));
  const heading = (
    <div className="space-y-1">
      <h1 className="text-2xl font-semibold tracking-tight">Alerts</h1>
      <p className="text-sm text-ink-muted">
        Kontor checks these rules by itself. An incident opens once, is told again while it stays open, and resolves by
        itself when its condition clears. Deliveries to webhooks read the same events.
      </p>
    </div>
  );
  if (!r.ok) {
    return (
      <>
        {heading}
        <ReadProblem title="Alerts unavailable" problem={r} />
      </>
    );
  }
  const { open, history, rules } = r.value;
  return (
    <>
      {heading}
      <Section id="open" title={`Open (${open.total})`}>
        <AlertsTable rows={open.rows} total={open.total} query={oq} prefix="o_" mode="open" />
      </Section>
      <Section id="history" title="Resolved">
        <AlertsTable rows={history.rows} total={history.total} query={hq} prefix="h_" mode="resolved" />
      </Section>
      <Section id="rules" title="Rules" description="Changing a rule is a guarded edit: previewed, with a reason, in the audit log. The next check applies it.">
        <RulesTable rules={rules} />
      </Section>
    </>
  );
}
