import type { Metadata } from 'next';
import Link from 'next/link';
import { read } from '@/db/index';
import { requireStaff } from '@/lib/auth';
import { negativeParam, USAGE_USERS_SPEC } from '@/lib/domain/reconcile/export';
import { parsePeriod } from '@/lib/domain/statement';
import { getUsageByDay, getUsageByModel, listUsageByUser } from '@/lib/domain/usage-costs';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/components/data-table/query';
import { Notice } from '@/components/ui/notice';
import { sharedRead } from '@/lib/shared-read';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { attempt } from '@/app/(console)/_lib/attempt';
import { missingIndexes, oneDayOf, slowHints } from '@/app/(console)/_lib/speed-hints';
import { StatCard } from '@/app/(console)/_components/stat-card';
import { financeMapping, financeToday, queryString, periodProblem } from '@/app/(console)/finance/_lib/context';
import { MissingConcepts } from '@/app/(console)/finance/_components/missing';
import { PeriodForm, periodLabel } from '@/app/(console)/finance/_components/period-form';
import { CsvLink } from '@/app/(console)/finance/_components/csv-link';
import { UsageDaysTable, UsageModelsTable, UsageUsersTable } from '@/app/(console)/finance/_components/usage-tables';
import { formatCredits, formatUsd } from '@/lib/money';

export const metadata: Metadata = { title: 'Usage costs' };

const DAYS_SPEC: TableSpec<'day'> = { sortable: ['day'], defaultSort: { id: 'day', desc: false }, pageSizes: [31, 100, 400], prefix: 'd_' };

export default async function UsageCostsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff('credits.read');
  const params = await searchParams;
  const { mapping, missing, check } = await financeMapping();
  const lacking = [...missing, ...(check.available.includes('apiCosts') ? [] : (['apiCosts'] as const))];
  if (lacking.length) return <MissingConcepts title="Usage costs" missing={lacking} />;
  const period = parsePeriod(params, await financeToday());
  const dq = parseTableQuery(params, DAYS_SPEC);
  const uq = parseTableQuery(params, USAGE_USERS_SPEC);
  const negative = negativeParam(params);
  const key = `usage:${JSON.stringify([period.from, period.to, uq.sort, uq.pageSize, uq.offset, uq.q, negative])}`;
  const result = await attempt(() => sharedRead(key, () => read(async (trx) => ({
    byDay: await getUsageByDay(trx, staff, mapping, period),
    models: await getUsageByModel(trx, staff, mapping, period),
    users: await listUsageByUser(trx, staff, mapping, period, {
      sort: uq.sort.id, desc: uq.sort.desc, limit: uq.pageSize, offset: uq.offset, filter: uq.q, negativeOnly: negative,
    }),
  }))), {
    whenSlow: slowHints(oneDayOf('/finance/usage-costs', period), missingIndexes([
      { table: mapping.apiCosts?.table, column: mapping.apiCosts?.columns.createdAt, why: "it finds the period's provider costs by their time" },
      { table: mapping.ledger?.table, column: mapping.ledger?.columns.createdAt, why: "it finds the period's spends by their time" },
    ])),
  });
  // A timeout or a busy pool is said as such, beside the period form (an error page would only show a digest).
  if (!result.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Usage costs</h1>
        <PeriodForm period={period} />
        <ReadProblem title="Usage costs could not be read" problem={result} />
      </>
    );
  }
  const { byDay, models, users } = result.value;
  const days = dq.sort.desc ? [...byDay.days].reverse() : byDay.days;
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
      {periodProblem(params) ? <Notice tone="warn">{periodProblem(params)}</Notice> : null}
      <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <StatCard label="Provider cost" value={formatUsd(byDay.total.cost)} />
        <StatCard label="Credits consumed" value={formatCredits(byDay.total.credits)} />
        <StatCard label="Revenue behind them" value={formatUsd(byDay.total.revenue)} />
        <StatCard label="Margin" value={<span className={Number(byDay.total.margin) < 0 ? 'text-danger' : undefined}>{formatUsd(byDay.total.margin)}</span>} />
      </dl>
      <Section id="models" title="Per provider and model" description="Worst margin first. A user's revenue is shared among the models in proportion to what each cost for them.">
        <CsvLink table="usage-models" params={params} label="Download CSV (models)" />
        {models.some((m) => Number(m.margin) < 0) ? (
          <Notice tone="warn">{models.filter((m) => Number(m.margin) < 0).length} of {models.length} models lose money in this period.</Notice>
        ) : null}
        <UsageModelsTable rows={models} />
      </Section>
      <Section id="users" title="Per user" description="Sorted by margin, lowest first: the users who cost more than they pay for.">
        <div className="flex flex-wrap items-center gap-3">
          <CsvLink table="usage-users" params={params} label="Download CSV (users, all rows)" />
          <Link href={`/finance/usage-costs${queryString(withoutNegative, negative ? {} : { negative: '1' })}`} className="text-sm text-accent underline-offset-2 hover:underline">
            {negative ? 'Show every user' : 'Only users with a negative margin'}
          </Link>
        </div>
        <UsageUsersTable rows={users.rows} total={users.total} query={uq} sortable={USAGE_USERS_SPEC.sortable} />
      </Section>
      <Section id="days" title="Per day">
        <CsvLink table="usage-days" params={params} label="Download CSV (days)" />
        <UsageDaysTable rows={days.slice(dq.offset, dq.offset + dq.pageSize)} total={days.length} query={dq} />
      </Section>
    </>
  );
}
