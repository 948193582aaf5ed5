/**
 * The statement's per-user lines of a day or a custom period, computed once in the background and
 * stored (migration 0018), when summing them on the page would read too many entries.
 *
 * The rollup keeps per-user lines per whole month. For any other period a line's opening balance is its
 * month's opening plus every entry of that month before the period, and the page sorts every account by
 * it: at the benchmark size a day late in a month sums five million entries for a million accounts (5 s).
 * Past STORED_LINES_FROM entries the page asks this module instead: the lines as of `upto` (the rollup's
 * horizon, or the period's end when that is earlier) are summed once by a job and stored; the page reads
 * a page of them by an index and adds the entries created since `upto`, read live, so the figures are
 * the same as the whole-ledger query's (statement-rollup.test.ts compares them). A stored period belongs
 * to the rollup build it started from: a rebuild makes it stale.
 */
import 'server-only';
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Mapping } from '@/lib/mapping';
import { ACTIVITY_COLUMNS, type Period } from '@/lib/domain/statement-figures';
import { isoDay, readRollup, type RollupState } from '@/lib/domain/finance-rollups';
import { statementSignature } from '@/lib/domain/statement-rollup-refresh';
import { accountEntries, planUsers, type StoredPeriod } from '@/lib/domain/statement-rollup';

/** Past this many entries to sum, a period's per-user lines are computed in the background and stored. */
export const STORED_LINES_FROM = 500_000;
/** How many computed periods are kept (the newest): each is a line per account, about 440 MB at a million accounts. */
export const KEEP_PERIODS = 3;
/** A stored period whose end is after its `upto` is computed again when older than this (the page adds the entries since meanwhile). */
export const STORED_PERIOD_STALE_MS = 5 * 60_000;

export type PeriodLines =
  /** Summed on the page: a whole month, a period after the rollup, or few entries. */
  | { kind: 'live' }
  | { kind: 'stored'; stored: StoredPeriod; stale: boolean }
  /** Not stored yet: `entries` would be summed. */
  | { kind: 'missing'; entries: number };

/** The job kind that computes `period`'s lines: one at a time per period, across console instances. */
export const periodJobKind = (period: Period) => `statement-lines:${period.from.toISOString()}/${period.to.toISOString()}`;

/** Where the per-user lines of `period` come from, under the rollup `st`. */
export async function periodLines(
  db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState, opts: { storedFrom?: number; now?: Date } = {},
): Promise<PeriodLines> {
  const plan = planUsers(period, st);
  if (plan.mode !== 'opening') return { kind: 'live' };
  const { rows: [r] } = await sql<{ entries: string; id: string | null; upto: Date | null; lines: string | null; stored_entries: string | null; computed_at: Date | null; ms: number | null }>`
    select (select coalesce(sum(entries), 0) from kontor.statement_days where day >= ${isoDay(plan.readFrom)}::date and day < ${isoDay(period.to)}::date)::text as entries,
           p.id::text, p.upto, p.lines::text, p.entries::text as stored_entries, p.computed_at, p.ms
      from (select 1) one
      left join kontor.statement_periods p
        on p.period_from = ${period.from} and p.period_to = ${period.to} and p.signature = ${statementSignature(mapping)} and p.rollup_built_at = ${st.builtAt}`.execute(db);
  if (r.id && r.upto && r.computed_at) {
    const stored: StoredPeriod = { id: r.id, upto: r.upto, lines: Number(r.lines), entries: Number(r.stored_entries), computedAt: r.computed_at, ms: r.ms ?? 0 };
    const now = opts.now ?? new Date();
    const stale = period.to > stored.upto && now.getTime() - stored.computedAt.getTime() > STORED_PERIOD_STALE_MS;
    return { kind: 'stored', stored, stale };
  }
  const entries = Number(r.entries);
  return entries < (opts.storedFrom ?? STORED_LINES_FROM) ? { kind: 'live' } : { kind: 'missing', entries };
}

/**
 * Computes `period`'s per-user lines as of the rollup's horizon (or the period's end) and stores them in
 * place of any computed before, in one transaction (a page reads the old ones until it commits); keeps
 * the newest KEEP_PERIODS periods. Null when the rollup serves the period without (a whole month, a
 * period after it) or is missing. `db` is a pool with a connection to spare for minutes.
 */
export async function computeStatementPeriod(
  db: Kysely<KontorDatabase>, mapping: Mapping, period: Period, opts: { timeoutMs?: number } = {},
): Promise<{ id: string; lines: number; entries: number; upto: string; ms: number } | null> {
  const t0 = performance.now();
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    await sql`select set_config('statement_timeout', ${String(opts.timeoutMs ?? 600_000)}, true),
                     set_config('application_name', 'kontor statement period', true)`.execute(trx);
    const signature = statementSignature(mapping);
    const st = await readRollup(trx, 'statement', signature);
    if (!st) return null;
    const plan = planUsers(period, st);
    if (plan.mode !== 'opening' || !plan.month) return null;
    const upto = period.to < st.horizon ? period.to : st.horizon;
    await sql`delete from kontor.statement_periods where period_from = ${period.from} and period_to = ${period.to}`.execute(trx);
    const { rows: [p] } = await sql<{ id: string }>`
      insert into kontor.statement_periods (period_from, period_to, signature, rollup_built_at, upto, lines, entries, ms)
      values (${period.from}, ${period.to}, ${signature}, ${st.builtAt}, ${upto}, 0, 0, 0) returning id::text`.execute(trx);
    const act = (c: string) => sql`coalesce(${sql.ref(`r.${c}`)}, 0)`;
    const { rows: [n] } = await sql<{ lines: string; entries: string }>`
      with r as (${accountEntries(mapping, period, plan.readFrom, upto)}), t as (
        select coalesce(r.account, b.account) as account, coalesce(b.opening, 0) + coalesce(r.pre, 0) as opening,
               ${sql.join(ACTIVITY_COLUMNS.map((c) => sql`${act(c)} as ${sql.id(c)}`))},
               coalesce(b.opening, 0) + coalesce(r.upto, 0) as closing
          from (select b.account, b.opening from kontor.statement_lines b where b.month = ${plan.month}::date and b.opening <> 0) b
          full join r on r.account = b.account
      ), ins as (
        insert into kontor.statement_period_lines (period_id, account, opening, ${sql.join(ACTIVITY_COLUMNS.map((c) => sql.id(c)))}, closing)
        select ${p.id}::bigint, t.* from t
         where not (${sql.join(['opening', ...ACTIVITY_COLUMNS, 'closing'].map((c) => sql`${sql.ref(`t.${c}`)} = 0`), sql` and `)})
        returning 1
      )
      select (select count(*) from ins)::text as lines, (select coalesce(sum(n), 0) from r)::text as entries`.execute(trx);
    const ms = Math.round(performance.now() - t0);
    await sql`update kontor.statement_periods set lines = ${n.lines}::bigint, entries = ${n.entries}::bigint, ms = ${ms} where id = ${p.id}::bigint`.execute(trx);
    await sql`delete from kontor.statement_periods where id not in (select id from kontor.statement_periods order by computed_at desc, id desc limit ${KEEP_PERIODS})`.execute(trx);
    // Before anyone reads them: without it the planner takes the new period for an empty one (an 8 s
    // plan at the benchmark size, until autovacuum's analyze). It samples this transaction's own rows;
    // a role without MAINTAIN (before PostgreSQL 17) gets a warning, and autovacuum's analyze follows.
    await sql`analyze kontor.statement_period_lines`.execute(trx);
    return { id: p.id, lines: Number(n.lines), entries: Number(n.entries), upto: upto.toISOString(), ms };
  });
}
