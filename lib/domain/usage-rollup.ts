/**
 * Usage costs read through their rollup (usage-rollup-refresh.ts): the stored sums of every account
 * but those changed since the rollup's horizon, whose rows are summed live from the product's tables
 * (found through the tail's index ranges, then read through the user-column indexes). Every figure is
 * then the old query's over the same operands (usage-rollup-sql.ts). A whole month reads its stored
 * lines and model totals (a page of lines by an index on the sort's figure); another period sums the
 * days it covers. Each statement checks that the horizon it read is still the rollup's ('moved': the
 * caller reads again).
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import type { Period } from '@/lib/domain/statement-figures';
import { isoDay, isWholeMonth, type RollupState } from '@/lib/domain/finance-rollups';
import { changedAccounts, stored, type Grain } from '@/lib/domain/usage-rollup-refresh';
import {
  accountLines, apiRows, dayTotals, modelTotals, priceRows, spendRows, usageSources, userColumnTypes, userDays, type UserColumnTypes,
} from '@/lib/domain/usage-rollup-sql';

export const MOVED = 'moved' as const;

/** Whether the rollup can serve `period`: whole UTC days (every period the pages make). */
export const servesPeriod = (p: Period) => p.from.getTime() % 86_400_000 === 0 && p.to.getTime() % 86_400_000 === 0;

// Cast, so that `x = any(T)` compares with its elements (not the subquery form of ANY).
const T = sql`(select accounts from t)::text[]`;

/** A custom period's usage computed once and stored (usage-periods.ts), as of the rollup's `horizon` then. */
export interface UsagePeriod { id: string; horizon: Date; marks: Record<string, string>; lines: number; computedAt: Date; ms: number }

/**
 * The CTEs every read starts with: t (the accounts changed since the rollup's horizon, or since a
 * stored period's), and their live rows in the period. As between refreshes, a payment whose status
 * changed (not a new one) counts from the next refresh, or for a stored period from its next computation.
 */
function live(mapping: Mapping, types: UserColumnTypes, period: Period, st: RollupState, since?: UsagePeriod | null) {
  const { a, l } = usageSources(mapping);
  const inA = sql`${columnOf(a, 'createdAt', 'a')} >= ${period.from} and ${columnOf(a, 'createdAt', 'a')} < ${period.to}`;
  const inL = sql`${columnOf(l, 'createdAt', 'l')} >= ${period.from} and ${columnOf(l, 'createdAt', 'l')} < ${period.to}`;
  return sql`
    t as (select ${changedAccounts(mapping, since ?? st, false)} as accounts),
    live_md as (${apiRows(mapping, types, T, inA)}),
    live_ud as (${userDays(sql`select * from live_md`, spendRows(mapping, types, T, inL))}),
    live_price as (${priceRows(mapping, types, T)}),
    ok as (select exists (select from kontor.finance_rollups where name = 'usage' and horizon = ${st.horizon}) as ok)`;
}

interface Whole {
  table: RawBuilder<unknown>;
  where: (alias: string) => RawBuilder<unknown>;
  /** The model totals of every account as stored. */
  models: RawBuilder<unknown>;
  /** The changed accounts' share of them (taken out: their live rows go in instead). */
  changedModels: RawBuilder<unknown>;
}

/**
 * The stored lines a period reads whole: its month's, its day's, or a stored custom period's (else null:
 * its days are summed).
 */
function wholeOf(period: Period, kept?: UsagePeriod | null): Whole | null {
  const at = sql`${isoDay(period.from)}::date`;
  if (kept) {
    const id = sql`${kept.id}::bigint`;
    return {
      table: sql`kontor.usage_period_lines`, where: (b) => sql`${sql.ref(`${b}.period_id`)} = ${id}`,
      models: sql`select provider, model, cost, calls, tokens, credits, revenue from kontor.usage_period_model_totals where period_id = ${id}`,
      changedModels: sql`
        select provider, model, sum(cost) as cost, sum(calls) as calls, sum(tokens) as tokens, sum(credits) as credits, sum(revenue) as revenue
          from kontor.usage_period_models where period_id = ${id} and account = any(${T}) group by 1, 2`,
    };
  }
  const grained = (grain: Grain, table: RawBuilder<unknown>, models: RawBuilder<unknown>, where: Whole['where']): Whole => ({
    table, models, where, changedModels: modelTotals(storedOfChanged.md(period), stored.lines(grain, at, T)),
  });
  if (isWholeMonth(period)) {
    return grained('month', sql`kontor.usage_months`, sql`select * from kontor.usage_model_months where month = ${at}`, (b) => sql`${sql.ref(`${b}.month`)} = ${at}`);
  }
  if (period.to.getTime() - period.from.getTime() === 86_400_000) {
    return grained('day', sql`kontor.usage_user_days`, sql`select * from kontor.usage_model_day_totals where day = ${at}`,
      (b) => sql`${sql.ref(`${b}.day`)} = ${at} and ${sql.ref(`${b}.account`)} <> ''`);
  }
  return null;
}

const days = (period: Period) => sql`day >= ${isoDay(period.from)}::date and day < ${isoDay(period.to)}::date`;
const untouched = sql`account <> all (${T})`;

/** Every account's rows in the period: the stored ones of the unchanged accounts, and the live ones. */
const periodRows = {
  ud: (period: Period) => sql`select day, account, cost, calls, tokens, credits from kontor.usage_user_days where ${days(period)} and ${untouched}
                              union all select * from live_ud`,
  md: (period: Period) => sql`select day, account, provider, model, cost, calls, tokens from kontor.usage_model_days where ${days(period)} and ${untouched}
                              union all select * from live_md`,
  price: sql`select account, amount, credits from kontor.usage_prices where ${untouched} union all select * from live_price`,
};

/** The stored rows of the changed accounts, to take their stored contributions out of the totals. */
const storedOfChanged = {
  ud: (period: Period) => sql`select * from (${stored.userDays(T)}) s where ${days(period)}`,
  md: (period: Period) => sql`select * from (${stored.modelDays(T)}) s where ${days(period)}`,
};

export async function rollupUsageByDay(db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState) {
  const types = await userColumnTypes(db, mapping);
  const { rows } = await sql<{ day: string; cost: string; credits: string; revenue: string; ok: boolean }>`
    with ${live(mapping, types, period, st)},
    d as (
      select day, cost, credits, revenue from kontor.usage_days where ${days(period)}
      union all select day, -cost, -credits, -revenue from (${dayTotals(storedOfChanged.ud(period), stored.prices(T))}) o
      union all select day, cost, credits, revenue from (${dayTotals(sql`select * from live_ud`, sql`select * from live_price`)}) n
    ), g as (select day, sum(cost) as cost, sum(credits) as credits, sum(revenue) as revenue from d group by 1),
    cal as (select x::date as day from generate_series(${isoDay(period.from)}::date, ${isoDay(period.to)}::date - 1, interval '1 day') x)
    select cal.day::text as day, coalesce(g.cost, 0)::text as cost, coalesce(g.credits, 0)::text as credits,
           coalesce(g.revenue, 0)::text as revenue, (select ok from ok) as ok
      from cal left join g using (day) order by cal.day`.execute(db);
  if (!rows.length || !rows[0].ok) return MOVED;
  return rows;
}

export async function rollupUsageByModel(db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState, storedPeriod?: UsagePeriod | null) {
  const types = await userColumnTypes(db, mapping);
  const liveLines = accountLines(sql`select * from live_ud`, sql`select * from live_price`);
  const whole = wholeOf(period, storedPeriod);
  const m = whole
    ? sql`
      select provider, model, cost, calls, tokens, credits, revenue from (${whole.models}) s
      union all select provider, model, -cost, -calls, -tokens, -credits, -revenue from (${whole.changedModels}) o
      union all select provider, model, cost, calls, tokens, credits, revenue from (${modelTotals(sql`select * from live_md`, liveLines)}) n`
    : modelTotals(periodRows.md(period), accountLines(periodRows.ud(period), periodRows.price));
  const { rows } = await sql<{ provider: string; model: string; cost: string; calls: string; tokens: string; credits: string; revenue: string; ok: boolean }>`
    with ${live(mapping, types, period, st, storedPeriod)},
    m as (${m}),
    g as (select provider, model, sum(cost) as cost, sum(calls) as calls, sum(tokens) as tokens, sum(credits) as credits, sum(revenue) as revenue
            from m group by 1, 2 having sum(calls) > 0)
    select provider, model, cost::text, calls::text, tokens::text, credits::text, revenue::text, (select ok from ok) as ok
      from g order by revenue - cost, 1, 2 limit 500`.execute(db);
  if (rows.length && !rows[0].ok) return MOVED;
  return rows;
}

type UsersQuery = { sort: string; desc: boolean; filter: string; negativeOnly?: boolean; page?: { limit: number; offset: number }; allLines?: boolean };
type UsersSqlRow = { uid: string; email: string | null; cost: string; credits: string; revenue: string; margin: string; calls: string; total: string; ok: boolean };

/**
 * The per-user query through the rollup: ordered like the old one (usageUsersQuery), paged when `page`
 * is given. A whole month sorted by a figure, unfiltered, reads a page of its stored lines by index.
 */
export async function rollupUsageUsersQuery(
  db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState, q: UsersQuery, storedPeriod?: UsagePeriod | null,
) {
  const types = await userColumnTypes(db, mapping);
  const { users } = mapping;
  const email = users ? sql`u.${columnOf(users, 'email')}::text` : sql`null::text`;
  const join = users ? sql`left join ${tableOf(users)} u on ${await usersMatch(db, mapping)}` : sql``;
  const dir = sql.raw(q.desc ? 'desc' : 'asc');
  const order = q.sort === 'user' ? sql`email` : sql.id(q.sort);
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const negative = sql`(${q.negativeOnly ?? false}::boolean is false or margin < 0)`;
  const whole = wholeOf(period, storedPeriod);
  const liveLines = sql`select * from (${accountLines(sql`select * from live_ud`, sql`select * from live_price`)}) n where ${negative}`;
  let lines: RawBuilder<unknown>;
  let total: RawBuilder<unknown> | null = null;
  let named = false;
  const count = (w: NonNullable<typeof whole>) => sql`(select count(*) from ${w.table} b where ${w.where('b')} and ${negative})
              - (select count(*) from ${w.table} b where ${w.where('b')} and b.account = any(${T}) and ${negative})
              + (select count(*) from (${liveLines}) n)`;
  if (whole && !q.filter && q.sort !== 'user' && q.page && !q.allLines) {
    // The first offset + limit stored lines in the sort's order (an index on (month or day, figure)), and the live ones.
    lines = sql`
      (select b.account, b.cost, b.calls, b.credits, b.revenue, b.margin from ${whole.table} b
        where ${whole.where('b')} and b.${untouched} and ${negative} order by ${order} ${dir}, b.account limit ${q.page.offset + q.page.limit})
      union all ${liveLines}`;
    total = count(whole);
  } else if (whole && !q.filter && q.page && users && !q.allLines) {
    // Users in email order (an index on the email column), each with the month's line if it has one: a
    // page stops after offset + limit of them. Lines of accounts without an email sort last; when the page
    // reaches them (fewer named lines than the page needs), the caller reads every line (named: false).
    lines = sql`
      (select b.account, b.cost, b.calls, b.credits, b.revenue, b.margin from ${tableOf(users)} u
         join ${whole.table} b on ${whole.where('b')} and b.account = u.${keyOf(users)}::text
        where ${email} is not null and b.${untouched} and ${negative} order by ${email} ${dir}, b.account limit ${q.page.offset + q.page.limit})
      union all ${liveLines}`;
    total = count(whole);
    named = true;
  } else if (whole) {
    lines = sql`select b.account, b.cost, b.calls, b.credits, b.revenue, b.margin from ${whole.table} b where ${whole.where('b')} and b.${untouched} and ${negative}
                union all ${liveLines}`;
  } else {
    lines = sql`select * from (${accountLines(periodRows.ud(period), periodRows.price)}) x where ${negative}`;
  }
  const query = sql<UsersSqlRow & { named: number }>`
    with ${live(mapping, types, period, st, storedPeriod)},
    x as (${lines}),
    y as (select x.account as uid, x.cost, x.calls, x.credits, x.revenue, x.margin, ${email} as email from x ${join}),
    z as (select y.* from y where (${q.filter}::text = '' or y.email ilike ${like} or y.uid = ${q.filter}))
    select z.*, (${total ?? sql`count(*) over ()`})::text as total, (select ok from ok) as ok,
           count(*) filter (where z.email is not null) over ()::int as named from z
     order by ${order} ${dir} nulls last, uid
     ${q.page ? sql`limit ${q.page.limit} offset ${q.page.offset}` : sql``}`;
  return { query, named };
}

/** How an account (text) finds its user: by the key itself when the types agree (its index serves), else as text. */
async function usersMatch(db: QueryExecutorProvider, mapping: Mapping): Promise<RawBuilder<unknown>> {
  const users = mapping.users!;
  const types = await userColumnTypes(db, mapping);
  const { rows } = await sql<{ t: string }>`
    select format_type(a.atttypid, null) as t from pg_catalog.pg_attribute a
     where a.attrelid = to_regclass(quote_ident(${users.table.schema}) || '.' || quote_ident(${users.table.name}))
       and a.attname = ${users.key} and not a.attisdropped`.execute(db);
  const t = rows[0]?.t;
  if (t && t === types.a && /^[a-z][a-z0-9 _]*$/.test(t)) return sql`u.${keyOf(users)} = x.account::${sql.raw(t)}`;
  return sql`u.${keyOf(users)}::text = x.account`;
}
