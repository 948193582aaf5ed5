import type { Metadata } from 'next';
import { z } from 'zod';
import { isCalendarDay } from '@/lib/filters';
import { getLongReadPool, read } from '@/db/index';
import { missingConcepts, pageContext } from '@/app/(console)/_lib/context';
import { STATEMENT_USERS_SPEC } from '@/lib/domain/finance-csv';
import {
  asOfBalance, getStatement, keepStatementRollupFresh, listStatementUsers, parsePeriod, readsTailOnly, statementRollupState, type StatementFigures, type StatementSource,
} from '@/lib/domain/statement';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { missingIndexes, oneDayOf, slowHints } from '@/app/(console)/_lib/speed-hints';
import { FINANCE_CONCEPTS, financeToday, periodProblem } from '@/app/(console)/finance/_lib/context';
import { MissingConcepts } from '@/app/(console)/finance/_components/missing';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { sharedRead } from '@/lib/shared-read';
import { PeriodForm, periodLabel } from '@/app/(console)/finance/_components/period-form';
import { CsvLink } from '@/app/(console)/finance/_components/csv-link';
import { IssuedConsumedChart } from '@/app/(console)/finance/_components/issued-consumed-chart';
import { StatementDaysTable, StatementUsersTable } from '@/app/(console)/finance/_components/statement-tables';
import { formatCredits } from '@/lib/money';
import { first, formatCount } from '@/lib/format';
import { keepStoredPeriod, type PeriodJob } from '@/app/(console)/finance/_lib/stored-period';
import { ComputingNote, RecomputeProblem } from '@/app/(console)/finance/_components/period-job-note';
import { computeStatementPeriod, periodJobKind, type PeriodLines, type Period } from '@/lib/domain/statement';
import type { Attempt } from '@/app/(console)/_lib/attempt';
import { When } from '@/components/ui/when';
import { keyWords, pickUser } from '@/lib/domain/user-pick';
import { AsOfAnswer } from '@/app/(console)/finance/_components/as-of-answer';

export const metadata: Metadata = { title: 'Statement' };

const DAYS_SPEC: TableSpec<'day'> = { sortable: ['day'], defaultSort: { id: 'day', desc: false }, pageSizes: [31, 100, 400], prefix: 'd_' };

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

/** Where the figures come from and how fresh that is. */
function SourceNote({ source, refreshing }: { source: StatementSource; refreshing: boolean }) {
  if (source.kind === 'ledger') {
    return (
      <p className="text-sm text-ink-muted" role="note">
        Read from the whole ledger: Kontor has no rollup of it for this mapping yet{refreshing ? ' and is building one now' : ''}
        (<code>npm run kontor -- rollup</code> builds it). With one, this page reads it plus the newest entries only.
      </p>
    );
  }
  const { state, tail } = source;
  return (
    <p className="text-sm text-ink-muted" role="note">
      Exact and current: Kontor&apos;s rollup of the ledger up to <When at={state.horizon} /> (refreshed{' '}
      <When at={state.refreshedAt} />{state.refreshMs !== null ? ` in ${formatCount(state.refreshMs)} ms` : ''}),
      plus the {formatCount(tail)} {tail === 1 ? 'entry' : 'entries'} created since, read live from the ledger
      {refreshing ? '; a refresh is taking them in now' : ''}. An entry inserted with a creation time before that moment is counted
      at the next rebuild (<code>npm run kontor -- rollup --rebuild</code>).
    </p>
  );
}

/** Where the per-user lines of a day or a custom period come from, and the job that computes them. */
function PeriodLinesNote({ lines, job, period }: { lines: PeriodLines; job: Attempt<PeriodJob> | null; period: Period }) {
  if (lines.kind === 'live') return null;
  if (lines.kind === 'missing') {
    return (
      <ComputingNote job={job}>
        The per-user lines of {periodLabel(period)} sum {formatCount(lines.entries)} ledger entries (each account&apos;s opening
        balance adds every entry of its month before the period): Kontor computes them once in the background and keeps them. They
        appear here when done; the totals and days above are complete already.
      </ComputingNote>
    );
  }
  const { stored } = lines;
  return (
    <>
      <RecomputeProblem job={job} />
      <p className="text-sm text-ink-muted" role="note">
        Per-user lines computed <When at={stored.computedAt} /> in {formatCount(stored.ms)} ms from{' '}
        {formatCount(stored.entries)} entries created before <When at={stored.upto} />, plus the entries since, read live
        {job?.ok && job.value.computing ? '; being computed again now' : ''}.
      </p>
    </>
  );
}

export default async function StatementPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('credits.read');
  const { staff, mapping } = ctx;
  const params = await searchParams;
  const missing = missingConcepts(ctx, FINANCE_CONCEPTS);
  if (missing.length) return <MissingConcepts title="Statement" missing={missing} />;
  const today = await financeToday(mapping);
  const period = parsePeriod(params, today);
  const dq = parseTableQuery(params, DAYS_SPEC);
  const uq = parseTableQuery(params, STATEMENT_USERS_SPEC);
  // What was typed (an id, its start, an email); the balance is replayed for the one user it means.
  const asOfText = z.string().trim().min(1).max(200).optional().catch(undefined).parse(first(params.asof_user));
  const asOfAt = z.iso.datetime({ local: true }).refine((t) => isCalendarDay(t.slice(0, 10))).optional().catch(undefined).parse(first(params.asof_at));
  const asOfAsked = asOfAt ? new Date(`${asOfAt.length === 16 ? `${asOfAt}:00` : asOfAt}Z`) : null; // none: the database's now
  const base = `statement:${JSON.stringify([period.from, period.to])}`;
  const userQuery = { sort: uq.sort.id, desc: uq.sort.desc, limit: uq.pageSize, offset: uq.offset, filter: uq.q };
  // Three reads, so a timeout in one (the per-user lines of a partial month) leaves the others standing.
  const [result, users, asOf] = await Promise.all([
    attempt(() => sharedRead(base, () => read((trx) => getStatement(trx, ctx, period))), {
      whenSlow: slowHints(oneDayOf('/finance/statement', period), missingIndexes([
        { table: mapping.ledger?.table, column: mapping.ledger?.columns.createdAt, why: "it finds the period's entries by their time" },
      ])),
    }),
    attempt(() => sharedRead(`${base}:users:${JSON.stringify([uq.sort, uq.pageSize, uq.offset, uq.q])}`,
      () => read((trx) => listStatementUsers(trx, ctx, period, userQuery)))),
    asOfText ? attempt(() => read(async (trx) => {
      const pick = await pickUser(trx, ctx, asOfText);
      return { pick, balance: pick.kind === 'one' ? await asOfBalance(trx, ctx, pick.user.id, asOfAsked, 1) : null };
    })) : null,
  ]);
  const asOfMoment = asOf?.ok && asOf.value.balance ? asOf.value.balance.at : asOfAsked ?? today;
  // Both reads failing say nothing of the rollup: its state row then says whether there is one.
  const known = result.ok ? result.value.source : users.ok ? users.value.source : null;
  const state = known ? null : await attempt(() => read((trx) => statementRollupState(trx, mapping)));
  const rollup: StatementSource = known ?? (state?.ok && state.value ? { kind: 'rollup', state: state.value, tail: 0 } : { kind: 'ledger' });
  const refreshing = keepStatementRollupFresh(getLongReadPool().db, mapping, rollup);
  const lines = users.ok ? users.value.lines : null;
  const linesJob = lines && lines.kind !== 'live' ? await attempt(() => keepStoredPeriod(
    staff, periodJobKind(period), period, lines.kind === 'missing' || lines.stale,
    () => computeStatementPeriod(getLongReadPool().db, mapping, period, { timeoutMs: 600_000 }),
  )) : null;
  // A timeout or a busy pool is said as such (an error page would only show a digest).
  if (!result.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Statement</h1>
        <PeriodForm period={period} />
        <ReadProblem title="The statement could not be read" problem={result} />
        {rollup.kind === 'ledger' ? (
          <Notice tone="info" title="No rollup yet">
            Kontor has no rollup of the ledger yet, so this read every entry three times; {refreshing ? 'it is building one now (minutes at millions of entries), or ' : ''}run <code>npm run kontor -- rollup</code> once, and the statement reads it plus the entries since.
          </Notice>
        ) : null}
      </>
    );
  }
  const statement = result.value;
  const asOfHint = `${keyWords(mapping.users?.keyType).replace(/^./, (c) => c.toUpperCase())}.`;
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
      <SourceNote source={statement.source} refreshing={refreshing} />
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
        {users.ok ? <PeriodLinesNote lines={users.value.lines} job={linesJob} period={period} /> : null}
        {users.ok && users.value.lines.kind === 'missing' ? null : users.ok
          ? <StatementUsersTable rows={users.value.rows} total={users.value.total} query={uq} sortable={STATEMENT_USERS_SPEC.sortable} />
          : (
            <Notice tone="warn" title="The per-user lines could not be read">
              {users.message}{' '}
              {statement.source.kind === 'rollup' && !readsTailOnly(period, statement.source.state)
                ? 'The rollup keeps per-user lines per whole month: for a day or a custom period they are summed from the start of its first month, every entry from there. A whole month reads only the entries since the rollup.'
                : null}
            </Notice>
          )}
      </Section>
      <Section id="as-of" title="Balance of a user at any moment" description="Replayed from the ledger: the sum of the user's entries created up to that moment.">
        <form method="get" className="flex flex-wrap items-end gap-2">
          <div className="flex min-w-0 flex-col gap-1">
            <label htmlFor="asof_user" className="text-sm font-medium">User</label>
            <input id="asof_user" name="asof_user" defaultValue={asOfText ?? ''} required maxLength={200} aria-describedby="asof_user_hint"
              className="w-80 max-w-full rounded-md border border-line bg-surface px-2 py-1.5 font-mono text-sm" />
            <span id="asof_user_hint" className="text-xs text-ink-muted">{asOfHint}</span>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="asof_at" className="text-sm font-medium">Moment (UTC)</label>
            <input id="asof_at" name="asof_at" type="datetime-local" step="1" defaultValue={asOfMoment.toISOString().slice(0, 19)}
              className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm" />
          </div>
          <button type="submit" className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus">Replay</button>
        </form>
        {asOf && !asOf.ok ? <Notice tone="warn" title="The balance could not be replayed">{asOf.message}</Notice> : null}
        {asOf?.ok ? <AsOfAnswer pick={asOf.value.pick} balance={asOf.value.balance} moment={asOfMoment} params={params} /> : null}
      </Section>
    </>
  );
}
