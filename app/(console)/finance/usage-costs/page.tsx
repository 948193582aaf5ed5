import type { Metadata } from 'next';
import Link from 'next/link';
import { getLongReadPool, read } from '@/db/index';
import { missingConcepts, pageContext } from '@/app/(console)/_lib/context';
import { negativeParam, USAGE_USERS_SPEC } from '@/lib/domain/finance-csv';
import { parsePeriod } from '@/lib/domain/statement';
import {
  computeUsagePeriod, getUsageByDay, getUsageByModel, keepUsageRollupFresh, listUsageByUser, usageIndexHints, usagePeriodJobKind, usagePeriodState,
  usageRollupState, type UsagePeriodLines, type UsageSource,
} from '@/lib/domain/usage-costs';
import type { UsagePeriod } from '@/lib/domain/usage-rollup';
import { keepStoredPeriod, type PeriodJob } from '@/app/(console)/finance/_lib/stored-period';
import { ComputingNote, RecomputeProblem } from '@/app/(console)/finance/_components/period-job-note';
import type { Attempt } from '@/app/(console)/_lib/attempt';
import { formatCount } from '@/lib/format';
import { attempt } from '@/app/(console)/_lib/attempt';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { sharedRead } from '@/lib/shared-read';
import { Section } from '@/app/(console)/_components/section';
import { StatCard } from '@/app/(console)/_components/stat-card';
import { FINANCE_CONCEPTS, financeToday, queryString, periodProblem } from '@/app/(console)/finance/_lib/context';
import { MissingConcepts } from '@/app/(console)/finance/_components/missing';
import { PeriodForm, periodLabel } from '@/app/(console)/finance/_components/period-form';
import { CsvLink } from '@/app/(console)/finance/_components/csv-link';
import { UsageDaysTable, UsageModelsTable, UsageUsersTable } from '@/app/(console)/finance/_components/usage-tables';
import { formatCredits, formatUsd } from '@/lib/money';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Usage costs' };

const DAYS_SPEC: TableSpec<'day'> = { sortable: ['day'], defaultSort: { id: 'day', desc: false }, pageSizes: [31, 100, 400], prefix: 'd_' };

function SourceNote({ source, refreshing }: { source: UsageSource | null; refreshing: boolean }) {
  if (!source) return null;
  if (source.kind === 'live') {
    return (
      <p className="text-sm text-ink-muted" role="note">
        Read from the API cost log, the ledger and the payments themselves: Kontor has no rollup of them for this mapping
        yet{refreshing ? ' and is building one now' : ''} (<code>npm run kontor -- rollup</code> builds it).
      </p>
    );
  }
  const { state } = source;
  return (
    <p className="text-sm text-ink-muted" role="note">
      Exact and current: Kontor&apos;s rollup up to <When at={state.horizon} /> (refreshed{' '}
      <When at={state.refreshedAt} />{state.refreshMs !== null ? ` in ${formatCount(state.refreshMs)} ms` : ''}),
      with the users whose calls, spends or payments are newer read live{refreshing ? '; a refresh is taking them in now' : ''}.
      A payment whose status changed since counts at its price from the next refresh.
    </p>
  );
}

/** Where a stored custom period's figures per model and per user come from. */
function StoredNote({ stored, job }: { stored: UsagePeriod; job: Attempt<PeriodJob> | null }) {
  return (
    <>
      <RecomputeProblem job={job} />
      <p className="text-sm text-ink-muted" role="note">
        Figures per model and per user computed <When at={stored.computedAt} /> in {formatCount(stored.ms)} ms from
        Kontor&apos;s rollup as of <When at={stored.horizon} />, with the users whose calls, spends or payments are newer
        read live{job?.ok && job.value.computing ? '; being computed again now' : ''}. A payment whose status changed since counts at
        its price from the next computation (within minutes of the rollup&apos;s next refresh).
      </p>
    </>
  );
}

export default async function UsageCostsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('credits.read');
  const { staff, mapping, check } = ctx;
  const params = await searchParams;
  const missing = missingConcepts(ctx, FINANCE_CONCEPTS);
  const lacking = [...missing, ...(check.available.includes('apiCosts') ? [] : (['apiCosts'] as const))];
  if (lacking.length) return <MissingConcepts title="Usage costs" missing={lacking} />;
  const period = parsePeriod(params, await financeToday(mapping));
  const dq = parseTableQuery(params, DAYS_SPEC);
  const uq = parseTableQuery(params, USAGE_USERS_SPEC);
  const negative = negativeParam(params);
  const base = `usage:${JSON.stringify([period.from, period.to])}`;
  // A custom period of many rows is computed once in the background (usage-periods.ts): stored, or being computed.
  const lines: UsagePeriodLines = await attempt(() => read((trx) => usagePeriodState(trx, ctx, period)))
    .then((r) => (r.ok ? r.value : { kind: 'live' as const }));
  const stored = lines.kind === 'stored' ? lines.stored : null;
  const pending = lines.kind === 'missing';
  const periodJob = lines.kind === 'live' ? null : await attempt(() => keepStoredPeriod(
    staff, usagePeriodJobKind(period), period, lines.kind === 'missing' || lines.stale,
    () => computeUsagePeriod(getLongReadPool().db, mapping, period, { timeoutMs: 600_000 }),
  ));
  // One read per part, so a timeout in one (a month of millions of calls) leaves the others standing.
  const [byDayRead, modelsRead, usersRead] = await Promise.all([
    attempt(() => sharedRead(base, () => read((trx) => getUsageByDay(trx, ctx, period)))),
    pending ? null : attempt(() => sharedRead(`${base}:models:${stored?.id}`, () => read((trx) => getUsageByModel(trx, ctx, period, { stored })))),
    pending ? null : attempt(() => sharedRead(`${base}:users:${stored?.id}:${JSON.stringify([uq.sort, uq.pageSize, uq.offset, uq.q, negative])}`, () => read((trx) => listUsageByUser(trx, ctx, period, {
      sort: uq.sort.id, desc: uq.sort.desc, limit: uq.pageSize, offset: uq.offset, filter: uq.q, negativeOnly: negative,
    }, { stored })))),
  ]);
  const computing = (
    <ComputingNote job={periodJob}>
      This period&apos;s figures per model and per user add up its days for every user ({lines.kind === 'missing' ? `more than ${formatCount(lines.rows)} user-days` : 'many'}):
      Kontor computes them once in the background and keeps them. They appear here when done; the totals and days are complete already.
    </ComputingNote>
  );
  const source: UsageSource | null = byDayRead.ok ? byDayRead.value.source : null;
  const state = source ? (source.kind === 'rollup' ? source.state : null)
    : await attempt(() => read((trx) => usageRollupState(trx, mapping))).then((r) => (r.ok ? r.value : null));
  const refreshing = keepUsageRollupFresh(getLongReadPool().db, mapping, state);
  const failed = [byDayRead, modelsRead, usersRead].some((r) => r && !r.ok);
  const hints = failed ? await attempt(() => read((trx) => usageIndexHints(trx, mapping))) : null;
  const slow = (r: { ok: false; message: string }, what: string) => (
    <Notice tone="warn" title={`The ${what} could not be read`}>
      <p>
        {r.message} Usage costs group every API call and spend of the period (per user, and per user and model): at millions a
        month that takes longer than the statement timeout. A shorter period reads fewer.
      </p>
      {hints?.ok && hints.value.length ? (
        <p className="mt-1">
          Each read also scans the whole table to find the period&apos;s rows; an index led by the creation time would spare that:{' '}
          {hints.value.map((h) => <code key={h.table} className="block">{h.sql}</code>)}
        </p>
      ) : null}
    </Notice>
  );
  const byDay = byDayRead.ok ? byDayRead.value : null;
  const days = byDay ? (dq.sort.desc ? [...byDay.days].reverse() : byDay.days) : [];
  const withoutNegative = Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'negative'));

  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Usage costs</h1>
        <p className="text-sm text-ink-muted">
          What the AI providers cost for {periodLabel(period)} (UTC), beside the credits users consumed and the revenue behind
          those credits (each user&apos;s paid price per credit; free credits bring none). Payment amounts count at face value.
        </p>
      </div>
      <PeriodForm period={period} />
      <SourceNote source={source} refreshing={refreshing} />
      {periodProblem(params) ? <Notice tone="warn">{periodProblem(params)}</Notice> : null}
      {byDay ? (
        <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          <StatCard label="Provider cost" value={formatUsd(byDay.total.cost)} />
          <StatCard label="Credits consumed" value={formatCredits(byDay.total.credits)} />
          <StatCard label="Revenue behind them" value={formatUsd(byDay.total.revenue)} />
          <StatCard label="Margin" value={<span className={Number(byDay.total.margin) < 0 ? 'text-danger' : undefined}>{formatUsd(byDay.total.margin)}</span>} />
        </dl>
      ) : !byDayRead.ok ? slow(byDayRead, 'totals') : null}
      <Section id="models" title="Per provider and model" description="Worst margin first. A user's revenue is shared among the models in proportion to what each cost for them.">
        <CsvLink table="usage-models" params={params} label="Download CSV (models)" />
        {stored ? <StoredNote stored={stored} job={periodJob} /> : null}
        {!modelsRead ? computing : !modelsRead.ok ? slow(modelsRead, 'figures per model') : (
          <>
            {modelsRead.value.some((m) => Number(m.margin) < 0) ? (
              <Notice tone="warn">{modelsRead.value.filter((m) => Number(m.margin) < 0).length} of {modelsRead.value.length} models lose money in this period.</Notice>
            ) : null}
            <UsageModelsTable rows={modelsRead.value} />
          </>
        )}
      </Section>
      <Section id="users" title="Per user" description="Sorted by margin, lowest first: the users who cost more than they pay for.">
        <div className="flex flex-wrap items-center gap-3">
          <CsvLink table="usage-users" params={params} label="Download CSV (users, all rows)" />
          <Link href={`/finance/usage-costs${queryString(withoutNegative, negative ? {} : { negative: '1' })}`} className="text-sm text-accent underline-offset-2 hover:underline">
            {negative ? 'Show every user' : 'Only users with a negative margin'}
          </Link>
        </div>
        {!usersRead ? <Notice title="Being computed">With the figures per model above: they appear here when done.</Notice> : usersRead.ok
          ? <UsageUsersTable rows={usersRead.value.rows} total={usersRead.value.total} query={uq} sortable={USAGE_USERS_SPEC.sortable} />
          : slow(usersRead, 'figures per user')}
      </Section>
      <Section id="days" title="Per day">
        <CsvLink table="usage-days" params={params} label="Download CSV (days)" />
        {byDayRead.ok
          ? <UsageDaysTable rows={days.slice(dq.offset, dq.offset + dq.pageSize)} total={days.length} query={dq} />
          : slow(byDayRead, 'figures per day')}
      </Section>
    </>
  );
}
