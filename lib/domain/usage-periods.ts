/**
 * Usage costs of a custom period (several days, not a whole month or one day), computed once in the
 * background and stored (migration 0019) when summing its days on the page would read too many rows.
 *
 * The rollup keeps usage per account per month and per day; a custom week adds up a million user-day and
 * model-day rows per view (30-40 s at the benchmark size). Past STORED_USAGE_FROM rows the page asks this
 * module: a job sums the rollup's rows of the period once, as of the rollup's horizon then (per account
 * its line, per account and model its share, and the model totals); a page reads them as it reads a
 * month's, with the accounts changed since that horizon read live from the product's tables, so every
 * figure is the old query's (usage-rollup.test.ts compares them). A period belongs to the rollup build it
 * started from, and is computed again when the rollup has moved on and it is older than five minutes
 * (the page reads it plus the changed accounts meanwhile).
 */
import 'server-only';
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Mapping } from '@/lib/mapping';
import type { Period } from '@/lib/domain/statement-figures';
import { isoDay, isWholeMonth, readRollup, type RollupState } from '@/lib/domain/finance-rollups';
import { servesPeriod, type UsagePeriod } from '@/lib/domain/usage-rollup';
import { accountLines, usageSignature } from '@/lib/domain/usage-rollup-sql';

/** Past about this many user-day rows to sum, a custom period is computed in the background and stored. */
export const STORED_USAGE_FROM = 300_000;
/** How many computed periods are kept (the newest): about 480 MB each at a million accounts. */
export const KEEP_USAGE_PERIODS = 3;
/** A stored period is computed again when the rollup has moved past it and it is older than this. */
export const STORED_USAGE_STALE_MS = 5 * 60_000;

export type UsagePeriodLines =
  | { kind: 'live' }
  | { kind: 'stored'; stored: UsagePeriod; stale: boolean }
  /** Not stored yet: at least `rows` user-day rows would be summed. */
  | { kind: 'missing'; rows: number };

export const usagePeriodJobKind = (period: Period) => `usage-period:${period.from.toISOString()}/${period.to.toISOString()}`;

/** Whether the page reads the period whole (a month, a day) or would sum its days. */
const summed = (period: Period) => servesPeriod(period) && !isWholeMonth(period) && period.to.getTime() - period.from.getTime() > 86_400_000;

/** Where a period's per-user and per-model figures come from, under the rollup `st`. */
export async function usagePeriodLines(
  db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState | null, opts: { storedFrom?: number; now?: Date } = {},
): Promise<UsagePeriodLines> {
  if (!st || !summed(period)) return { kind: 'live' };
  const threshold = opts.storedFrom ?? STORED_USAGE_FROM;
  const { rows: [r] } = await sql<{ id: string; horizon: Date; marks: Record<string, string> | null; lines: string; computed_at: Date; ms: number }>`
    select p.id::text, p.horizon, p.marks, p.lines::text, p.computed_at, p.ms from kontor.usage_periods p
     where p.period_from = ${period.from} and p.period_to = ${period.to} and p.signature = ${usageSignature(mapping)} and p.rollup_built_at = ${st.builtAt}`.execute(db);
  if (r) {
    const stored: UsagePeriod = { id: r.id, horizon: r.horizon, marks: r.marks ?? {}, lines: Number(r.lines), computedAt: r.computed_at, ms: r.ms ?? 0 };
    const now = opts.now ?? new Date();
    const stale = st.horizon > stored.horizon && now.getTime() - stored.computedAt.getTime() > STORED_USAGE_STALE_MS;
    return { kind: 'stored', stored, stale };
  }
  // Counted up to the threshold only: an index range on (day, account).
  const { rows: [c] } = await sql<{ rows: string }>`
    select count(*)::text as rows from (select from kontor.usage_user_days
                                         where day >= ${isoDay(period.from)}::date and day < ${isoDay(period.to)}::date limit ${threshold}) x`.execute(db);
  const rows = Number(c.rows);
  return rows < threshold ? { kind: 'live' } : { kind: 'missing', rows };
}

/**
 * Sums `period`'s usage from the rollup as it stands and stores it in place of any computed before, in
 * one transaction; keeps the newest KEEP_USAGE_PERIODS. Null when the page would not read it (a month, a
 * day, a partial day) or there is no rollup. `db` is a pool with a connection to spare for minutes.
 */
export async function computeUsagePeriod(
  db: Kysely<KontorDatabase>, mapping: Mapping, period: Period, opts: { timeoutMs?: number } = {},
): Promise<{ id: string; lines: number; models: number; horizon: string; ms: number } | null> {
  if (!summed(period)) return null;
  const t0 = performance.now();
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    await sql`select set_config('statement_timeout', ${String(opts.timeoutMs ?? 600_000)}, true), set_config('work_mem', '128MB', true),
                     set_config('application_name', 'kontor usage period', true)`.execute(trx);
    const signature = usageSignature(mapping);
    const st = await readRollup(trx, 'usage', signature);
    if (!st) return null;
    await sql`delete from kontor.usage_periods where period_from = ${period.from} and period_to = ${period.to}`.execute(trx);
    const { rows: [p] } = await sql<{ id: string }>`
      insert into kontor.usage_periods (period_from, period_to, signature, rollup_built_at, horizon, marks, lines, ms)
      values (${period.from}, ${period.to}, ${signature}, ${st.builtAt}, ${st.horizon}, ${JSON.stringify(st.marks)}::jsonb, 0, 0) returning id::text`.execute(trx);
    const id = sql`${p.id}::bigint`;
    const days = sql`day >= ${isoDay(period.from)}::date and day < ${isoDay(period.to)}::date`;
    const lines = await sql`
      insert into kontor.usage_period_lines (period_id, account, cost, calls, credits, revenue, margin)
      select ${id}, l.* from (${accountLines(
        sql`select day, account, cost, calls, tokens, credits from kontor.usage_user_days where ${days}`,
        sql`select account, amount, credits from kontor.usage_prices`,
      )}) l`.execute(trx);
    // Each account's share per model, as modelTotals shares its credits and revenue by what each model cost it.
    const models = await sql`
      insert into kontor.usage_period_models (period_id, account, provider, model, cost, calls, tokens, credits, revenue)
      select ${id}, m.account, m.provider, m.model, m.cost, m.calls, m.tokens,
             coalesce(ln.credits * m.cost / nullif(ln.cost, 0), 0), coalesce(ln.revenue * m.cost / nullif(ln.cost, 0), 0)
        from (select account, provider, model, sum(cost) as cost, sum(calls) as calls, sum(tokens) as tokens
                from kontor.usage_model_days where ${days} group by 1, 2, 3) m
        left join kontor.usage_period_lines ln on ln.period_id = ${id} and ln.account = m.account`.execute(trx);
    await sql`
      insert into kontor.usage_period_model_totals (period_id, provider, model, cost, calls, tokens, credits, revenue)
      select ${id}, provider, model, sum(cost), sum(calls), sum(tokens), coalesce(sum(credits), 0), coalesce(sum(revenue), 0)
        from kontor.usage_period_models where period_id = ${id} group by provider, model`.execute(trx);
    const ms = Math.round(performance.now() - t0);
    const n = Number(lines.numAffectedRows ?? 0);
    await sql`update kontor.usage_periods set lines = ${n}, ms = ${ms} where id = ${id}`.execute(trx);
    await sql`delete from kontor.usage_periods where id not in (select id from kontor.usage_periods order by computed_at desc, id desc limit ${KEEP_USAGE_PERIODS})`.execute(trx);
    // Before anyone reads them (see statement-periods.ts): a role without MAINTAIN gets a warning only.
    await sql`analyze kontor.usage_period_lines`.execute(trx);
    await sql`analyze kontor.usage_period_models`.execute(trx);
    return { id: p.id, lines: n, models: Number(models.numAffectedRows ?? 0), horizon: st.horizon.toISOString(), ms };
  });
}
