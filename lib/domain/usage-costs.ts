/**
 * Usage costs: what the AI providers cost (the API cost log, per day, provider, model and user) beside
 * the credits those users consumed (spend entries) and the revenue behind those credits (each user's
 * paid price per credit: paid payments' amount / credits; credits given for free carry no revenue).
 * Margin = revenue - provider cost. Per model, a user's revenue is shared among the models in
 * proportion to what each cost for that user. Payment amounts are summed in major units (a minor-unit
 * column divided by its currency's exponent), whatever their currency; provider costs are in USD.
 * Figures are exact decimal strings: sums at their column's scale (credits at the credits scale, costs
 * with at least 4 decimals), shares and revenue (divisions) rounded half up on their digits.
 *
 * Read through Kontor's rollup (usage-rollup.ts: stored sums plus the accounts changed since, live) once
 * it exists for this mapping; the queries below over the product's tables are the reference it equals,
 * and what is read until then.
 */
import 'server-only';
import { sql, type Kysely, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { StaffContext } from '@/lib/auth';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import type { Period } from '@/lib/domain/statement';
import { daysShown } from '@/lib/domain/statement-figures';
import { creditScale, majorAmountSql } from '@/lib/domain/money-sql';
import { addDecimals, rescale, roundDecimal, subtractDecimals } from '@/lib/money';
import { indexHints, type ScanHint } from '@/lib/domain/reconcile/hints';
import { readRollup, refreshInBackground, type RollupState } from '@/lib/domain/finance-rollups';
import { refreshUsageRollup } from '@/lib/domain/usage-rollup-refresh';
import type { KontorDatabase } from '@/db/types';
import { MOVED, rollupUsageByDay, rollupUsageByModel, rollupUsageUsersQuery, servesPeriod, type UsagePeriod } from '@/lib/domain/usage-rollup';
import { usagePeriodLines } from '@/lib/domain/usage-periods';

export { computeUsagePeriod, usagePeriodJobKind, type UsagePeriodLines } from '@/lib/domain/usage-periods';
import { usageSignature } from '@/lib/domain/usage-rollup-sql';
import type { ReadContext } from '@/lib/context';

export const USAGE_FIGURES = ['cost', 'credits', 'revenue', 'margin'] as const;
export interface UsageFigures { cost: string; credits: string; revenue: string; margin: string }
export interface UsageDay extends UsageFigures { day: string }
export interface UsageUser extends UsageFigures { userId: string; email: string | null; calls: number }
export interface UsageModel extends UsageFigures { provider: string; model: string; calls: number; tokens: number }

export const USAGE_USER_SORTS = ['user', 'calls', ...USAGE_FIGURES] as const;
export type UsageUserSort = (typeof USAGE_USER_SORTS)[number];

function need(mapping: Mapping) {
  const { apiCosts, ledger, payments } = mapping;
  if (!apiCosts || !ledger || !hasColumn(apiCosts, 'userId')) throw new Error('Usage costs need the API cost log (with a user column) and the ledger in the table mapping.');
  return { apiCosts, ledger, payments };
}

export function assertCanReadUsage(staff: StaffContext) {
  if (!staff.can('credits.read')) throw new Error('credits.read is required to read usage costs.');
}

type Grain = 'day' | 'user' | 'model';

/**
 * price(uid, per_credit), consumed(uid[, day], credits), cost(uid[, day][, provider, model], cost, calls, tokens),
 * grouped no finer than the grain needs. Users stay in their native key type until the output.
 */
function base(mapping: Mapping, period: Period, grain: Grain): RawBuilder<unknown> {
  const { apiCosts: a, ledger: l, payments: p } = need(mapping);
  const paid = p ? (['completed', 'refunded', 'disputed'] as const).map((s) => p.statuses[s]).filter((s): s is string => Boolean(s)) : [];
  const price = p && hasColumn(p, 'credits')
    ? sql`select p.${columnOf(p, 'userId')} as uid,
                 sum(${majorAmountSql(p, 'p')}) / nullif(sum(p.${columnOf(p, 'credits')}), 0) as per_credit
            from ${tableOf(p)} p where p.${columnOf(p, 'status')}::text = any(${paid}::text[]) group by 1`
    : sql`select l.${columnOf(l, 'userId')} as uid, null::numeric as per_credit from ${tableOf(l)} l where false`;
  const spend = l.types.spend && hasColumn(l, 'type') ? sql`l.${columnOf(l, 'type')} = ${l.types.spend}` : sql`l.${columnOf(l, 'amount')} < 0`;
  const at = columnOf(l, 'createdAt', 'l');
  const aAt = columnOf(a, 'createdAt', 'a');
  const tokens = hasColumn(a, 'inputTokens') && hasColumn(a, 'outputTokens')
    ? sql`sum(coalesce(a.${columnOf(a, 'inputTokens')}, 0) + coalesce(a.${columnOf(a, 'outputTokens')}, 0))`
    : sql`0`;
  const text = (c: 'provider' | 'model') => (hasColumn(a, c) ? sql`a.${columnOf(a, c)}::text` : sql`'unknown'`);
  const aModel = grain === 'model' ? sql`, ${text('provider')} as provider, ${text('model')} as model` : sql``;
  const aGroup = grain === 'model' ? sql`group by 1, 2, 3` : sql`group by 1`;
  if (grain === 'day') {
    // Per day, the revenue is summed row by row (each spend at its user's price): no per-user groups.
    return sql`
    price as (${price}),
    consumed as (
      select (${at} at time zone 'UTC')::date as day, -sum(l.${columnOf(l, 'amount')}) as credits,
             -sum(l.${columnOf(l, 'amount')} * coalesce(price.per_credit, 0)) as revenue
        from ${tableOf(l)} l left join price on price.uid = l.${columnOf(l, 'userId')}
       where ${spend} and ${at} >= ${period.from} and ${at} < ${period.to} group by 1
    ),
    cost as (
      select (${aAt} at time zone 'UTC')::date as day, sum(a.${columnOf(a, 'costUsd')}) as cost
        from ${tableOf(a)} a where ${aAt} >= ${period.from} and ${aAt} < ${period.to} group by 1
    )`;
  }
  return sql`
    price as (${price}),
    consumed as (
      select l.${columnOf(l, 'userId')} as uid, -sum(l.${columnOf(l, 'amount')}) as credits
        from ${tableOf(l)} l where ${spend} and ${at} >= ${period.from} and ${at} < ${period.to} group by 1
    ),
    cost as (
      select a.${columnOf(a, 'userId')} as uid ${aModel}, sum(a.${columnOf(a, 'costUsd')}) as cost, count(*) as calls, ${tokens} as tokens
        from ${tableOf(a)} a where ${aAt} >= ${period.from} and ${aAt} < ${period.to} ${aGroup}
    )`;
}

/** Aggregations over a month of logs sort and hash more than the default work_mem: for this transaction only. */
async function roomy(db: QueryExecutorProvider) {
  await sql`select set_config('work_mem', '64MB', true)`.execute(db);
}

const USD_DECIMALS = 4;
/** Exact figures: `shared` when credits are a share (a division) and so rounded to the credits scale. */
const figures = (r: { cost: string; credits: string; revenue: string }, scale: number, shared = false): UsageFigures => {
  const cost = rescale(r.cost, USD_DECIMALS);
  const revenue = roundDecimal(r.revenue, USD_DECIMALS);
  return {
    cost, credits: shared ? roundDecimal(r.credits, scale) : rescale(r.credits, scale), revenue,
    margin: rescale(subtractDecimals(revenue, cost), USD_DECIMALS),
  };
};

export type UsageSource = { kind: 'rollup'; state: RollupState } | { kind: 'live' };

/** The rollup's state for this mapping (null: none yet, or built for another mapping). */
export const usageRollupState = (db: QueryExecutorProvider, mapping: Mapping) => readRollup(db, 'usage', usageSignature(mapping));

/** Reads through the rollup when it exists and serves the period (again when a refresh moves it meanwhile), else live. */
async function viaRollup<T>(
  db: QueryExecutorProvider, mapping: Mapping, period: Period,
  fromRollup: (st: RollupState) => Promise<T | typeof MOVED>, reference: () => Promise<T>,
): Promise<{ value: T; source: UsageSource }> {
  for (let i = 0; servesPeriod(period) && i < 3; i++) {
    const state = await usageRollupState(db, mapping);
    if (!state) break;
    const value = await fromRollup(state);
    if (value !== MOVED) return { value, source: { kind: 'rollup', state } };
  }
  return { value: await reference(), source: { kind: 'live' } };
}

/**
 * Where a custom period's per-user and per-model figures come from (usage-periods.ts): summed on the
 * page, stored (pass `stored` to listUsageByUser and getUsageByModel), or missing (a job computes them).
 */
export async function usagePeriodState(db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period, opts: { storedFrom?: number } = {}) {
  assertCanReadUsage(staff);
  return usagePeriodLines(db, mapping, period, await usageRollupState(db, mapping), opts);
}

/** A rollup older than this is refreshed when a page reads it. */
export const USAGE_ROLLUP_STALE_MS = 5 * 60_000;

/**
 * Starts a refresh of the rollup in this process (one at a time; across instances its lock lets one
 * run) when it is missing or stale; never rejects. `db`: a pool with a connection to spare for minutes.
 */
export function keepUsageRollupFresh(db: Kysely<KontorDatabase>, mapping: Mapping, state: RollupState | null, now = new Date()): boolean {
  const stale = !state || now.getTime() - state.refreshedAt.getTime() > USAGE_ROLLUP_STALE_MS;
  if (stale) void refreshInBackground('usage', () => refreshUsageRollup(db, mapping));
  return stale;
}

type DayRow = { day: string; cost: string; credits: string; revenue: string };

/** The reference: per day of the period, from the product's tables. */
export async function referenceUsageDays(db: QueryExecutorProvider, mapping: Mapping, period: Period): Promise<DayRow[]> {
  const { rows } = await sql<DayRow>`
    with ${base(mapping, period, 'day')},
    days as (select d::date as day from generate_series(${period.from}::timestamptz at time zone 'UTC',
                                                        ${period.to}::timestamptz at time zone 'UTC' - interval '1 day', interval '1 day') d)
    select days.day::text as day, coalesce(c.cost, 0)::text as cost, coalesce(r.credits, 0)::text as credits, coalesce(r.revenue, 0)::text as revenue
      from days left join cost c using (day) left join consumed r using (day) order by days.day`.execute(db);
  return rows;
}

/** Per day of the period, and the period's totals (the sum of the days); `source`: rollup or live. */
export async function getUsageByDay(db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period) {
  assertCanReadUsage(staff);
  await roomy(db);
  const { value: rows, source } = await viaRollup(db, mapping, period, (st) => rollupUsageByDay(db, mapping, period, st), () => referenceUsageDays(db, mapping, period));
  const scale = await creditScale(db, mapping);
  const days: UsageDay[] = daysShown(rows, period).map((r) => ({ day: r.day, ...figures(r, scale) }));
  // The totals add the days as shown, so the screen and the CSV add up.
  const sum = (k: 'cost' | 'credits' | 'revenue') => addDecimals('0', ...days.map((d) => d[k]));
  return { days, total: figures({ cost: sum('cost'), credits: sum('credits'), revenue: sum('revenue') }, scale), source };
}

type UsageUserQuery = { sort: UsageUserSort; desc: boolean; filter: string; negativeOnly?: boolean; page?: { limit: number; offset: number } };
type UsageUserSqlRow = { uid: string; email: string | null; cost: string; credits: string; revenue: string; margin: string; calls: string; total: string };

/** The per-user query, ordered; paged when `page` is given (the CSV export streams it whole). */
export function usageUsersQuery(mapping: Mapping, period: Period, q: UsageUserQuery) {
  const { users } = mapping;
  const email = users ? sql`u.${columnOf(users, 'email')}::text` : sql`null::text`;
  const join = users ? sql`left join ${tableOf(users)} u on u.${keyOf(users)} = x.uid` : sql``;
  const order = q.sort === 'user' ? sql`email` : sql.id(q.sort);
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<UsageUserSqlRow>`
    with ${base(mapping, period, 'user')},
    x as (
      select coalesce(c.uid, r.uid) as uid, coalesce(c.cost, 0) as cost, coalesce(c.calls, 0) as calls,
             coalesce(r.credits, 0) as credits, coalesce(r.revenue, 0) as revenue
        from (select uid, cost, calls from cost where uid is not null) c
        full join (select uid, consumed.credits, consumed.credits * coalesce(price.per_credit, 0) as revenue
                     from consumed left join price using (uid)) r on r.uid = c.uid
    ), y as (
      select x.uid::text as uid, x.cost, x.calls, x.credits, x.revenue, x.revenue - x.cost as margin, ${email} as email from x ${join}
    )
    select y.*, count(*) over ()::text as total from y
     where (${q.filter}::text = '' or y.email ilike ${like} or y.uid = ${q.filter})
       and (${q.negativeOnly ?? false}::boolean is false or y.margin < 0)
     order by ${order} ${sql.raw(q.desc ? 'desc' : 'asc')} nulls last, uid
     ${q.page ? sql`limit ${q.page.limit} offset ${q.page.offset}` : sql``}`;
}

/**
 * The per-user query for the CSV: through the rollup when it serves the period (a month or a day whole, a
 * custom period from its stored computation or its days), else over the product's tables.
 */
export async function usageUsersExportQuery(
  db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period, q: Omit<UsageUserQuery, 'page'>,
): Promise<RawBuilder<UsageUserSqlRow>> {
  assertCanReadUsage(staff);
  const st = servesPeriod(period) ? await usageRollupState(db, mapping) : null;
  if (!st) return usageUsersQuery(mapping, period, q);
  const lines = await usagePeriodLines(db, mapping, period, st);
  const { query } = await rollupUsageUsersQuery(db, mapping, period, st, { ...q, allLines: true }, lines.kind === 'stored' ? lines.stored : null);
  return query as unknown as RawBuilder<UsageUserSqlRow>;
}

export const toUsageUser = (r: UsageUserSqlRow, scale: number): UsageUser => ({ userId: r.uid, email: r.email, calls: Number(r.calls), ...figures(r, scale) });

/** Per user: paged, sorted by a whitelisted key; `negativeOnly` keeps the users whose margin is below zero. */
export async function listUsageByUser(
  db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period,
  q: { sort: UsageUserSort; desc: boolean; limit: number; offset: number; filter: string; negativeOnly?: boolean },
  opts: { stored?: UsagePeriod | null } = {},
): Promise<{ rows: UsageUser[]; total: number }> {
  assertCanReadUsage(staff);
  await roomy(db);
  const uq = { ...q, page: { limit: q.limit, offset: q.offset } };
  const { value: rows } = await viaRollup(db, mapping, period, async (st) => {
    const fast = await rollupUsageUsersQuery(db, mapping, period, st, uq, opts.stored);
    let r = await fast.query.execute(db);
    // Sorted by email, the page reached the lines without one: read them all.
    if (fast.named && (r.rows[0]?.named ?? 0) < q.offset + q.limit && Number(r.rows[0]?.total ?? 0) > (r.rows[0]?.named ?? 0)) {
      r = await (await rollupUsageUsersQuery(db, mapping, period, st, { ...uq, allLines: true }, opts.stored)).query.execute(db);
    }
    return r.rows.length && !r.rows[0].ok ? MOVED : r.rows;
  }, async () => (await usageUsersQuery(mapping, period, uq).execute(db)).rows);
  const scale = await creditScale(db, mapping);
  return { rows: rows.map((r) => toUsageUser(r, scale)), total: Number(rows[0]?.total ?? 0) };
}

/** Per provider and model (a few hundred at most), worst margin first. Revenue is shared by each user's cost. */
export async function getUsageByModel(
  db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period, opts: { stored?: UsagePeriod | null } = {},
): Promise<UsageModel[]> {
  assertCanReadUsage(staff);
  await roomy(db);
  const { value: rows } = await viaRollup(db, mapping, period, (st) => rollupUsageByModel(db, mapping, period, st, opts.stored), () => referenceUsageModels(db, mapping, period));
  const scale = await creditScale(db, mapping);
  return rows.map((r) => ({ provider: r.provider, model: r.model, calls: Number(r.calls), tokens: Number(r.tokens), ...figures(r, scale, true) }));
}

type ModelRow = { provider: string; model: string; cost: string; calls: string; tokens: string; credits: string; revenue: string };

/** The reference: per provider and model, from the product's tables. */
export async function referenceUsageModels(db: QueryExecutorProvider, mapping: Mapping, period: Period): Promise<ModelRow[]> {
  const { rows } = await sql<ModelRow>`
    with ${base(mapping, period, 'model')},
    per_user as (select uid, consumed.credits, consumed.credits * coalesce(price.per_credit, 0) as revenue
                   from consumed left join price using (uid)),
    user_cost as (select uid, sum(cost) as cost from cost group by uid),
    m as (select c.provider, c.model, c.uid, c.cost, c.calls, c.tokens from cost c)
    select m.provider, m.model, sum(m.cost)::text as cost, sum(m.calls)::text as calls, sum(m.tokens)::text as tokens,
           coalesce(sum(pu.credits * m.cost / nullif(uc.cost, 0)), 0)::text as credits,
           coalesce(sum(pu.revenue * m.cost / nullif(uc.cost, 0)), 0)::text as revenue
      from m left join user_cost uc using (uid) left join per_user pu using (uid)
     group by 1, 2 order by sum(coalesce(pu.revenue * m.cost / nullif(uc.cost, 0), 0)) - sum(m.cost), 1, 2 limit 500`.execute(db);
  return rows;
}

/**
 * The indexes that would spare usage costs a read of the whole API cost log or ledger to find a
 * period's rows (one led by the created-at column; Kontor runs no DDL on the product's tables). At
 * millions of rows a month the aggregates stay slow even then: they group every call of the period.
 */
export async function usageIndexHints(db: QueryExecutorProvider, mapping: Mapping): Promise<ScanHint[]> {
  const { apiCosts, ledger } = need(mapping);
  return indexHints(db, [
    { table: apiCosts.table, column: apiCosts.columns.createdAt },
    { table: ledger.table, column: ledger.columns.createdAt },
  ]);
}
