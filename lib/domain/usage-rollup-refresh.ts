/**
 * Moves usage costs' rollup forward (migration 0017). It holds, for every account, the sums of all its
 * rows the refresh could see: API calls per day, provider and model; spends per day; its paid price;
 * its line per month; and the per-day and per-model-and-month totals of every account.
 *
 * What changes an account's figures is tracked by the columns an index finds cheaply: the API cost
 * log's rows by their key when it is an increasing integer (the demo's identity: no index leads with
 * its created-at), else by created-at; spends by the ledger's created-at; payments by their created-at,
 * and at a refresh also by their updated-at (a status change moves a price; a page does not look).
 * A refresh finds the accounts with such rows since the last one, takes their stored contributions
 * out of the totals, computes their rows again from the product's tables (through the user-column
 * indexes) and adds the new contributions: the totals stay the sums over all accounts. The first
 * refresh (or one after the mapping changed) builds it all.
 */
import 'server-only';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Trx } from '@/db/types';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { parseColumn } from '@/lib/mapping/sql';
import { nextHorizon, readRollup, saveRollup, withRollupLock, type RollupState } from '@/lib/domain/finance-rollups';
import {
  accountLines, apiRows, dayTotals, modelTotals, perCredit, priceRows, spendRows, usageSignature, usageSources, userColumnTypes, userDays,
  type Accounts, type UserColumnTypes,
} from '@/lib/domain/usage-rollup-sql';

export interface UsageRefresh { full: boolean; horizon: Date; accounts: number; ms: number }

/** The API cost log's key when rows can be tracked by it (an integer column), else null. */
export async function integerKey(db: Trx | Kysely<KontorDatabase>, mapping: Mapping): Promise<string | null> {
  const { a } = usageSources(mapping);
  const k = a.key ? parseColumn(a.key) : null;
  if (k?.kind !== 'column' || a.where) return null;
  const { rows } = await sql<{ ok: boolean }>`
    select a.atttypid in ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) as ok from pg_catalog.pg_attribute a
     where a.attrelid = to_regclass(quote_ident(${a.table.schema}) || '.' || quote_ident(${a.table.name})) and a.attname = ${k.column} and not a.attisdropped`.execute(db);
  return rows[0]?.ok ? k.column : null;
}

/** The API rows after the rollup (alias a): past its key mark, or created at or after its horizon. */
export function apiTail(mapping: Mapping, st: Pick<RollupState, 'horizon' | 'marks'>): RawBuilder<unknown> {
  const { a } = usageSources(mapping);
  return st.marks.apiKey !== undefined
    ? sql`${keyOf(a, 'a')} > ${st.marks.apiKey}::bigint`
    : sql`${columnOf(a, 'createdAt', 'a')} >= ${st.horizon}`;
}

/** The accounts whose rows changed since the rollup (text[]); `updates`: payments' status changes too. */
export function changedAccounts(mapping: Mapping, st: Pick<RollupState, 'horizon' | 'marks'>, updates: boolean): RawBuilder<unknown> {
  const { a, l, p } = usageSources(mapping);
  const paid = p
    ? sql`union select ${columnOf(p, 'userId', 'p')}::text from ${tableOf(p)} p
           where ${hasColumn(p, 'createdAt') ? sql`${columnOf(p, 'createdAt', 'p')} >= ${st.horizon}` : sql`false`}
              ${updates && hasColumn(p, 'updatedAt') ? sql`or ${columnOf(p, 'updatedAt', 'p')} >= ${st.horizon}` : sql``}`
    : sql``;
  return sql`(select coalesce(array_agg(distinct account), '{}') from (
      select coalesce(${columnOf(a, 'userId', 'a')}::text, '') as account from ${tableOf(a)} a where ${apiTail(mapping, st)}
      union select coalesce(${columnOf(l, 'userId', 'l')}::text, '') from ${tableOf(l)} l where ${columnOf(l, 'createdAt', 'l')} >= ${st.horizon}
      ${paid}) c where account is not null)`;
}

const monthOf = (day: RawBuilder<unknown>) => sql`date_trunc('month', ${day})::date`;
const ofAccounts = (accounts: Accounts) => (accounts ? sql`account = any(${accounts})` : sql`true`);

/** The stored rows of `accounts` (all: null), as the builders take them. */
export const stored = {
  modelDays: (accounts: Accounts) => sql`select day, account, provider, model, cost, calls, tokens from kontor.usage_model_days where ${ofAccounts(accounts)}`,
  userDays: (accounts: Accounts) => sql`select day, account, cost, calls, tokens, credits from kontor.usage_user_days where ${ofAccounts(accounts)}`,
  /** A month's or a day's account lines (cost, credits, revenue) of `accounts`. */
  lines: (grain: Grain, at: RawBuilder<unknown>, accounts: Accounts) => grain === 'month'
    ? sql`select account, cost, credits, revenue from kontor.usage_months where month = ${at} and ${ofAccounts(accounts)}`
    : sql`select account, cost, credits, revenue from kontor.usage_user_days where day = ${at} and account <> '' and ${ofAccounts(accounts)}`,
  prices: (accounts: Accounts) => sql`select account, amount, credits from kontor.usage_prices where ${ofAccounts(accounts)}`,
};

/** The two grains a page reads whole: a UTC month, a UTC day. */
export type Grain = 'month' | 'day';

/** Per-month or per-day totals per model of `accounts`' stored rows (their share of each period's model rows). */
const modelPeriods = (grain: Grain, accounts: Accounts) => sql`
  select g.at, t.* from (select distinct ${grain === 'month' ? monthOf(sql`day`) : sql`day`} as at from kontor.usage_model_days where ${ofAccounts(accounts)}) g,
  lateral (${modelTotals(
    sql`select * from kontor.usage_model_days where ${ofAccounts(accounts)} and day >= g.at and day < (g.at + ${grain === 'month' ? sql`interval '1 month'` : sql`1`})`,
    stored.lines(grain, sql`g.at`, accounts),
  )}) t`;

/** Writes `accounts`' rows (all: null) from the product's tables; the month and total tables are the caller's. */
async function writeAccounts(trx: Trx, mapping: Mapping, types: UserColumnTypes, accounts: Accounts) {
  await sql`insert into kontor.usage_model_days (day, account, provider, model, cost, calls, tokens)
            ${apiRows(mapping, types, accounts, sql`true`)}`.execute(trx);
  await sql`insert into kontor.usage_prices (account, amount, credits) ${priceRows(mapping, types, accounts)}`.execute(trx);
  // Each day's line at the account's price, as accountLines prices a period's ('' has none).
  await sql`insert into kontor.usage_user_days (day, account, cost, calls, tokens, credits, revenue, margin)
            select d.*, r.revenue, r.revenue - d.cost from (${userDays(stored.modelDays(accounts), spendRows(mapping, types, accounts, sql`true`))}) d
            left join kontor.usage_prices pr on pr.account = d.account and d.account <> '',
            lateral (select d.credits * coalesce(${perCredit('pr')}, 0) as revenue) r`.execute(trx);
  await sql`
    insert into kontor.usage_months (month, account, cost, calls, credits, revenue, margin)
    select mm.month, t.* from (select distinct ${monthOf(sql`day`)} as month from kontor.usage_user_days where ${ofAccounts(accounts)}) mm,
    lateral (${accountLines(
      sql`select * from kontor.usage_user_days where ${ofAccounts(accounts)} and day >= mm.month and day < (mm.month + interval '1 month')`,
      stored.prices(accounts),
    )}) t`.execute(trx);
}

/** Adds (sign 1) or takes out (-1) `accounts`' stored contributions to the per-day and per-model totals. */
async function addContributions(trx: Trx, accounts: Accounts, sign: 1 | -1) {
  const s = sql.lit(sign);
  await sql`
    insert into kontor.usage_days as d (day, cost, credits, revenue)
    select day, ${s} * cost, ${s} * credits, ${s} * revenue from (${dayTotals(stored.userDays(accounts), stored.prices(accounts))}) t
    on conflict (day) do update set cost = d.cost + excluded.cost, credits = d.credits + excluded.credits, revenue = d.revenue + excluded.revenue`.execute(trx);
  for (const [grain, table, col] of [['month', 'usage_model_months', 'month'], ['day', 'usage_model_day_totals', 'day']] as const) {
    await sql`
      insert into ${sql.id('kontor', table)} as m (${sql.id(col)}, provider, model, cost, calls, tokens, credits, revenue)
      select at, provider, model, ${s} * cost, ${s} * calls, ${s} * tokens, ${s} * credits, ${s} * revenue from (${modelPeriods(grain, accounts)}) t
      on conflict (${sql.id(col)}, provider, model) do update set
        cost = m.cost + excluded.cost, calls = m.calls + excluded.calls, tokens = m.tokens + excluded.tokens,
        credits = m.credits + excluded.credits, revenue = m.revenue + excluded.revenue`.execute(trx);
  }
}

async function deleteAccounts(trx: Trx, accounts: RawBuilder<unknown>) {
  for (const t of ['usage_model_days', 'usage_user_days', 'usage_prices', 'usage_months']) {
    await sql`delete from ${sql.id('kontor', t)} where account = any(${accounts})`.execute(trx);
  }
}

/**
 * Refreshes (or first builds) usage costs' rollup on `db`, a pool with a connection to spare; null when
 * another refresh was running (it writes the same).
 */
export async function refreshUsageRollup(
  db: Kysely<KontorDatabase>, mapping: Mapping, opts: { rebuild?: boolean; timeoutMs?: number } = {},
): Promise<UsageRefresh | null> {
  const t0 = performance.now();
  const signature = usageSignature(mapping);
  // The first build reads every call, spend and payment: up to an hour on a loaded machine at ten million rows.
  return withRollupLock(db, 'usage', opts.timeoutMs ?? 3_600_000, async (trx) => {
    await sql`select set_config('work_mem', '256MB', true)`.execute(trx);
    const state = opts.rebuild ? null : await readRollup(trx, 'usage', signature);
    const types = await userColumnTypes(trx, mapping);
    let horizon = await nextHorizon(trx);
    if (state && horizon <= state.horizon) horizon = state.horizon;
    const key = await integerKey(trx, mapping);
    const { a } = usageSources(mapping);
    // The last key of a row created before the horizon: a row still uncommitted was created after it.
    const mark = key
      ? (await sql<{ k: string | null }>`
          select (select ${keyOf(a, 'a')} from ${tableOf(a)} a where ${columnOf(a, 'createdAt', 'a')} < ${horizon}
                   order by ${keyOf(a, 'a')} desc limit 1)::text as k`.execute(trx)).rows[0].k ?? '0'
      : null;
    const marks: Record<string, string> = mark !== null ? { apiKey: mark } : {};
    let accounts = 0;
    if (!state) {
      for (const t of ['usage_model_days', 'usage_user_days', 'usage_prices', 'usage_months', 'usage_model_months', 'usage_model_day_totals', 'usage_days']) {
        await sql`delete from ${sql.id('kontor', t)}`.execute(trx);
      }
      await writeAccounts(trx, mapping, types, null);
      await addContributions(trx, null, 1);
      accounts = Number((await sql<{ n: string }>`select count(*)::text as n from kontor.usage_prices`.execute(trx)).rows[0].n);
    } else {
      const { rows: [c] } = await sql<{ accounts: string[] }>`select ${changedAccounts(mapping, state, true)} as accounts`.execute(trx);
      accounts = c.accounts.length;
      if (accounts) {
        const list = sql`${c.accounts}::text[]`;
        await addContributions(trx, list, -1);
        await deleteAccounts(trx, list);
        await writeAccounts(trx, mapping, types, list);
        await addContributions(trx, list, 1);
        // A model no account calls in a month any more is no row of it (the old query shows none).
        await sql`delete from kontor.usage_model_months where calls = 0`.execute(trx);
        await sql`delete from kontor.usage_model_day_totals where calls = 0`.execute(trx);
      }
    }
    const ms = Math.round(performance.now() - t0);
    await saveRollup(trx, 'usage', signature, { horizon, lastMonth: null, entries: accounts, full: !state, ms, marks });
    return { full: !state, horizon, accounts, ms };
  });
}
