/**
 * The SQL both sides of usage costs' rollup share (migration 0017): the product's rows summed per UTC
 * day and account (usage-rollup-refresh.ts stores them; usage-rollup.ts reads them, and the same sums
 * of the accounts changed since, live), and the figures the page shows computed from such rows. Each
 * figure is the old query's (usage-costs.ts) over the same operands: a day's or an account's sums
 * are sums of the same numerics, and each division (price per credit, a model's share of an
 * account's credits) divides the same sums, so the results are the same numbers.
 *
 * Accounts are user keys as text, '' for rows without a user (never priced, never a user line).
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, tableOf, type Mapping } from '@/lib/mapping';
import { parseColumn } from '@/lib/mapping/sql';
import { majorAmountSql } from '@/lib/domain/money-sql';

export type UsageSources = ReturnType<typeof usageSources>;

export function usageSources(mapping: Mapping) {
  const { apiCosts: a, ledger: l, payments: p } = mapping;
  if (!a || !l || !hasColumn(a, 'userId')) throw new Error('Usage costs need the API cost log (with a user column) and the ledger in the table mapping.');
  return { a, l, p: p && hasColumn(p, 'credits') ? p : null };
}

/** What the rollup depends on in the mapping: another value rebuilds it. */
export function usageSignature(mapping: Mapping): string {
  const { a, l, p } = usageSources(mapping);
  return JSON.stringify({
    v: 1, a: [a.table, a.key, a.where ?? null, a.columns], l: [l.table, l.where ?? null, l.columns.userId, l.columns.amount, l.columns.type ?? null, l.columns.createdAt, l.types.spend ?? null],
    p: p ? [p.table, p.where ?? null, p.oneRowPerKey ?? false, p.columns, p.statuses, p.amountUnit ?? null] : null,
  });
}

/** Which accounts a sum covers: every one, or those of a text[] expression. */
export type Accounts = RawBuilder<unknown> | null;

/** `col` (a user column over its alias) belongs to `accounts`: by the column's own type, so its index serves. */
function inAccounts(col: RawBuilder<unknown>, type: string | null, accounts: Accounts): RawBuilder<unknown> {
  if (!accounts) return sql`true`;
  const match = type ? sql`${col} = any(array_remove(${accounts}, '')::${sql.raw(type)}[])` : sql`${col}::text = any(${accounts})`;
  return sql`(${match} or (${col} is null and '' = any(${accounts})))`;
}

/** The catalog type of each source's user column (null: not a plain column, compared as text). */
export async function userColumnTypes(db: QueryExecutorProvider, mapping: Mapping) {
  const { a, l, p } = usageSources(mapping);
  const typeOf = async (table: { schema: string; name: string }, spec: string | undefined): Promise<string | null> => {
    const c = spec ? parseColumn(spec) : null;
    if (c?.kind !== 'column') return null;
    const { rows } = await sql<{ t: string }>`
      select format_type(a.atttypid, null) as t from pg_catalog.pg_attribute a
       where a.attrelid = to_regclass(quote_ident(${table.schema}) || '.' || quote_ident(${table.name})) and a.attname = ${c.column} and not a.attisdropped`.execute(db);
    const t = rows[0]?.t;
    return t && /^[a-z][a-z0-9 _]*$/.test(t) ? t : null;
  };
  return {
    a: a.where ? null : await typeOf(a.table, a.columns.userId),
    l: l.where ? null : await typeOf(l.table, l.columns.userId),
    p: !p || p.where || p.oneRowPerKey ? null : await typeOf(p.table, p.columns.userId),
  };
}
export type UserColumnTypes = Awaited<ReturnType<typeof userColumnTypes>>;

const dayOf = (at: RawBuilder<unknown>) => sql`(${at} at time zone 'UTC')::date`;

/** API calls per (day, account, provider, model): cost, calls, tokens; `where` over alias a. */
export function apiRows(mapping: Mapping, types: UserColumnTypes, accounts: Accounts, where: RawBuilder<unknown>): RawBuilder<unknown> {
  const { a } = usageSources(mapping);
  const at = columnOf(a, 'createdAt', 'a');
  const user = columnOf(a, 'userId', 'a');
  const tokens = hasColumn(a, 'inputTokens') && hasColumn(a, 'outputTokens')
    ? sql`sum(coalesce(a.${columnOf(a, 'inputTokens')}, 0) + coalesce(a.${columnOf(a, 'outputTokens')}, 0))`
    : sql`0`;
  const text = (c: 'provider' | 'model') => (hasColumn(a, c) ? sql`a.${columnOf(a, c)}::text` : sql`'unknown'`);
  return sql`
    select ${dayOf(at)} as day, coalesce(${user}::text, '') as account, ${text('provider')} as provider, ${text('model')} as model,
           coalesce(sum(a.${columnOf(a, 'costUsd')}), 0) as cost, count(*) as calls, coalesce(${tokens}, 0) as tokens
      from ${tableOf(a)} a where ${at} is not null and ${inAccounts(user, types.a, accounts)} and ${where} group by 1, 2, 3, 4`;
}

/** Credits spent per (day, account); `where` over alias l. */
export function spendRows(mapping: Mapping, types: UserColumnTypes, accounts: Accounts, where: RawBuilder<unknown>): RawBuilder<unknown> {
  const { l } = usageSources(mapping);
  const spend = l.types.spend && hasColumn(l, 'type') ? sql`l.${columnOf(l, 'type')} = ${l.types.spend}` : sql`l.${columnOf(l, 'amount')} < 0`;
  const at = columnOf(l, 'createdAt', 'l');
  const user = columnOf(l, 'userId', 'l');
  return sql`
    select ${dayOf(at)} as day, coalesce(${user}::text, '') as account, -sum(l.${columnOf(l, 'amount')}) as credits
      from ${tableOf(l)} l where ${spend} and ${at} is not null and ${inAccounts(user, types.l, accounts)} and ${where} group by 1, 2`;
}

/** Per account with paid payments: their amount in major units and their credits (the price's operands). */
export function priceRows(mapping: Mapping, types: UserColumnTypes, accounts: Accounts): RawBuilder<unknown> {
  const { p } = usageSources(mapping);
  if (!p) return sql`select null::text as account, null::numeric as amount, null::numeric as credits where false`;
  const paid = (['completed', 'refunded', 'disputed'] as const).map((s) => p.statuses[s]).filter((s): s is string => Boolean(s));
  const user = columnOf(p, 'userId', 'p');
  return sql`
    select ${user}::text as account, sum(${majorAmountSql(p, 'p')}) as amount, sum(p.${columnOf(p, 'credits')}) as credits
      from ${tableOf(p)} p where p.${columnOf(p, 'status')}::text = any(${paid}::text[]) and ${user} is not null
       and ${inAccounts(user, types.p, accounts)} group by 1`;
}

/** (day, account, cost, calls, tokens, credits) from API rows `api` and spend rows `spend`. */
export const userDays = (api: RawBuilder<unknown>, spend: RawBuilder<unknown>) => sql`
  select coalesce(c.day, s.day) as day, coalesce(c.account, s.account) as account, coalesce(c.cost, 0) as cost,
         coalesce(c.calls, 0) as calls, coalesce(c.tokens, 0) as tokens, coalesce(s.credits, 0) as credits
    from (select day, account, sum(cost) as cost, sum(calls) as calls, sum(tokens) as tokens from (${api}) x group by 1, 2) c
    full join (${spend}) s on s.day = c.day and s.account = c.account`;

/** The price per credit of price row `pr` (null without one), as the old query divides it. */
export const perCredit = (pr: string) => sql`${sql.ref(`${pr}.amount`)} / nullif(${sql.ref(`${pr}.credits`)}, 0)`;

/**
 * Per account (not ''), from user-day rows `ud` and price rows `price`: cost, calls, credits, revenue
 * (credits at the account's price) and margin.
 */
export const accountLines = (ud: RawBuilder<unknown>, price: RawBuilder<unknown>) => sql`
  select u.account, u.cost, u.calls, u.credits, u.credits * coalesce(${perCredit('pr')}, 0) as revenue,
         u.credits * coalesce(${perCredit('pr')}, 0) - u.cost as margin
    from (select account, sum(cost) as cost, sum(calls) as calls, sum(credits) as credits from (${ud}) d where account <> '' group by 1) u
    left join (${price}) pr on pr.account = u.account`;

/** Per day, from user-day rows `ud` and price rows `price`: cost, credits, revenue (each spend at its account's price). */
export const dayTotals = (ud: RawBuilder<unknown>, price: RawBuilder<unknown>) => sql`
  select d.day, sum(d.cost) as cost, sum(d.credits) as credits, sum(d.credits * coalesce(${perCredit('pr')}, 0)) as revenue
    from (${ud}) d left join (${price}) pr on pr.account = d.account and d.account <> '' group by 1`;

/**
 * Per provider and model, from model-day rows `md` and account lines `lines` of the same period: cost,
 * calls, tokens, and each account's credits and revenue shared by what each model cost it.
 */
export const modelTotals = (md: RawBuilder<unknown>, lines: RawBuilder<unknown>) => sql`
  select m.provider, m.model, sum(m.cost) as cost, sum(m.calls) as calls, sum(m.tokens) as tokens,
         coalesce(sum(ln.credits * m.cost / nullif(ln.cost, 0)), 0) as credits,
         coalesce(sum(ln.revenue * m.cost / nullif(ln.cost, 0)), 0) as revenue
    from (select account, provider, model, sum(cost) as cost, sum(calls) as calls, sum(tokens) as tokens from (${md}) x group by 1, 2, 3) m
    left join (${lines}) ln on ln.account = m.account group by 1, 2`;
