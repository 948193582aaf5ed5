import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { isCalendarDay } from '@/lib/filters';
import { read } from '@/db/index';
import { requireStaff } from '@/lib/auth';
import { STATEMENT_USERS_SPEC } from '@/lib/domain/reconcile/export';
import { asOfBalance, getStatement, listStatementUsers, parsePeriod, type StatementFigures } from '@/lib/domain/statement';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/components/data-table/query';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { missingIndexes, oneDayOf, slowHints } from '@/app/(console)/_lib/speed-hints';
import { financeMapping, financeToday, periodProblem } from '@/app/(console)/finance/_lib/context';
import { MissingConcepts } from '@/app/(console)/finance/_components/missing';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { sharedRead } from '@/lib/shared-read';
import { PeriodForm, periodLabel } from '@/app/(console)/finance/_components/period-form';
import { CsvLink } from '@/app/(console)/finance/_components/csv-link';
import { IssuedConsumedChart } from '@/app/(console)/finance/_components/issued-consumed-chart';
import { StatementDaysTable, StatementUsersTable } from '@/app/(console)/finance/_components/statement-tables';
import { formatCredits } from '@/lib/money';
import { anyRowKey } from '@/lib/mapping/keys';
import { formatWhen } from '@/components/ui/format';

export const metadata: Metadata = { title: 'Statement' };

const DAYS_SPEC: TableSpec<'day'> = { sortable: ['day'], defaultSort: { id: 'day', desc: false }, pageSizes: [31, 100, 400], prefix: 'd_' };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function Equation({ t }: { t: StatementFigures }) {
  const terms: [string, string, string][] = [
    ['Opening balance', '', t.opening], ['Grants', '+', t.grants], ['Spends', '−', t.spends], ['Adjustments', '±', t.adjustments],
    ['Refunds', '−', t.refunds], ['Expiries', '−', t.expiries], ['Other', '±', t.other],
  ];
  return (
    <dl className="grid gap-2 rounded-lg border border-line bg-surface p-4 text-sm sm:grid-cols-[1fr_auto]" aria-label="Opening plus activity equals closing">
      {terms.map(([label, sign, value]) => (
        <div key={label} className="contents">
          <dt className="text-ink-muted">{sign ? `${sign} ` : ''}{label}</dt>
          <dd className="text-end tabular-nums">{formatCredits(value)}</dd>
        </div>
      ))}
      <div className="contents font-semibold">
        <dt className="border-t border-line pt-2">= Closing balance</dt>
        <dd className="border-t border-line pt-2 text-end tabular-nums">{formatCredits(t.closing)}</dd>
      </div>
    </dl>
  );
}

export default async function StatementPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff('credits.read');
  const params = await searchParams;
  const { mapping, missing } = await financeMapping();
  if (missing.length) return <MissingConcepts title="Statement" missing={missing} />;
  const today = await financeToday();
  const period = parsePeriod(params, today);
  const dq = parseTableQuery(params, DAYS_SPEC);
  const uq = parseTableQuery(params, STATEMENT_USERS_SPEC);
  const asOfUser = anyRowKey.optional().catch(undefined).parse(first(params.asof_user));
  const asOfAt = z.iso.datetime({ local: true }).refine((t) => isCalendarDay(t.slice(0, 10))).optional().catch(undefined).parse(first(params.asof_at));
  const asOfMoment = asOfAt ? new Date(`${asOfAt.length === 16 ? `${asOfAt}:00` : asOfAt}Z`) : today;
  const key = `statement:${JSON.stringify([period.from, period.to, uq.sort, uq.pageSize, uq.offset, uq.q, asOfUser ?? null, asOfMoment])}`;
  const result = await attempt(() => sharedRead(key, () => read(async (trx) => ({
    statement: await getStatement(trx, staff, mapping, period),
    users: await listStatementUsers(trx, staff, mapping, period, { sort: uq.sort.id, desc: uq.sort.desc, limit: uq.pageSize, offset: uq.offset, filter: uq.q }),
    asOf: asOfUser ? await asOfBalance(trx, staff, mapping, asOfUser, asOfMoment, 1) : null,
  }))), {
    whenSlow: slowHints(oneDayOf('/finance/statement', period), missingIndexes([
      { table: mapping.ledger?.table, column: mapping.ledger?.columns.createdAt, why: "it finds the period's entries by their time" },
    ])),
  });
  // A timeout or a busy pool is said as such (an error page would only show a digest).
  if (!result.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Statement</h1>
        <PeriodForm period={period} />
        <ReadProblem title="The statement could not be read" problem={result} />
      </>
    );
  }
  const { statement, users, asOf } = result.value;
  const days = dq.sort.desc ? [...statement.days].reverse() : statement.days;

  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Statement</h1>
        <p className="text-sm text-ink-muted">
          What Kontor&apos;s ledger says the product owed its users, for {periodLabel(period)} (UTC): opening balance plus the
          period&apos;s activity equals the closing balance, in total, per day and per user.
        </p>
      </div>
      <PeriodForm period={period} />
      {periodProblem(params) ? <Notice tone="warn">{periodProblem(params)}</Notice> : null}
      <Section id="total" title="Totals" description="Grants are purchases and free grants; adjustments are manual entries; reversals net within their kind.">
        <div className="grid gap-4 lg:grid-cols-[minmax(0,22rem)_1fr]">
          <Equation t={statement.total} />
          <IssuedConsumedChart title="Credits issued and consumed per day"
            days={statement.days.map((d) => ({ day: d.day, issued: d.grants, consumed: d.spends }))} />
        </div>
      </Section>
      <Section id="days" title="Per day" description="Each day opens where the day before closed.">
        <CsvLink table="statement-days" params={params} label="Download CSV (days)" />
        <StatementDaysTable rows={days.slice(dq.offset, dq.offset + dq.pageSize)} total={days.length} query={dq} sortable={DAYS_SPEC.sortable} />
      </Section>
      <Section id="users" title="Per user" description="Users with a balance or activity in the period; their rows add up to the totals above.">
        <CsvLink table="statement-users" params={params} label="Download CSV (users, all rows)" />
        <StatementUsersTable rows={users.rows} total={users.total} query={uq} sortable={STATEMENT_USERS_SPEC.sortable} />
      </Section>
      <Section id="as-of" title="Balance of a user at any moment" description="Replayed from the ledger: the sum of the user's entries created up to that moment.">
        <form method="get" className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor="asof_user" className="text-sm font-medium">User id</label>
            <input id="asof_user" name="asof_user" defaultValue={asOfUser ?? ''} required pattern="[0-9a-fA-F-]{36}"
              className="w-80 rounded-md border border-line bg-surface px-2 py-1.5 font-mono text-sm" />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="asof_at" className="text-sm font-medium">Moment (UTC)</label>
            <input id="asof_at" name="asof_at" type="datetime-local" step="1" defaultValue={asOfMoment.toISOString().slice(0, 19)}
              className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm" />
          </div>
          <button type="submit" className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus">Replay</button>
        </form>
        {asOf && asOfUser ? (
          <p role="status" className="text-sm">
            Balance at {formatWhen(asOfMoment.toISOString())}: <strong className="tabular-nums">{formatCredits(asOf.balance)}</strong> credits,
            from {asOf.entries.toLocaleString('en')} entries.{' '}
            <Link href={`/finance/accounts/${asOfUser}?at=${asOfMoment.toISOString().slice(0, 19)}`} className="text-accent underline-offset-2 hover:underline">See the entries</Link>
          </p>
        ) : null}
      </Section>
    </>
  );
}
