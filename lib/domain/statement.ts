/**
 * The credits statement: for a period [from, to), opening balance + grants - spends +/- adjustments
 * - refunds - expiries (+/- anything of another type) = closing balance, in total, per day and per user,
 * and the as-of balance of a user at any moment, replayed from the ledger. All sums in SQL numeric,
 * returned as exact strings at the credits scale (creditScale: the user page shows the same strings).
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import { z } from 'zod';
import { isCalendarDay } from '@/lib/filters';
import type { StaffContext } from '@/lib/auth';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { creditScale } from '@/lib/domain/money-sql';
import { rescale, subtractDecimals } from '@/lib/money';

import { STATEMENT_COLUMNS } from '@/lib/domain/statement-columns';

export { STATEMENT_COLUMNS };
export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];
/** Sums as strings (numeric): grants, spends, refunds and expiries are positive amounts; adjustments and other signed. */
export type StatementFigures = Record<StatementColumn, string>;

export interface Period { from: Date; to: Date }

const DAY = 86_400_000;
// A real day (no year 0: Postgres has none) and months from 1900: anything else is dropped, not sent.
const isoDay = z.iso.date({ error: 'Dates are YYYY-MM-DD.' }).refine(isCalendarDay);

export const periodSchema = z
  .object({
    period: z.enum(['day', 'month', 'custom']).catch('month'),
    day: isoDay.optional().catch(undefined),
    month: z.string().regex(/^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])$/).optional().catch(undefined),
    from: isoDay.optional().catch(undefined),
    to: isoDay.optional().catch(undefined),
  });

/** The period a URL asks for; `today` (the demo's anchor, or the database's now) fills what it omits. Bounded to 3 years. */
export function parsePeriod(params: Record<string, string | string[] | undefined>, today: Date): Period & { kind: 'day' | 'month' | 'custom' } {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const p = periodSchema.parse(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, first(v)])));
  const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  if (p.period === 'day') {
    const from = p.day ? new Date(`${p.day}T00:00:00Z`) : startOfDay(today);
    return { kind: 'day', from, to: new Date(from.getTime() + DAY) };
  }
  if (p.period === 'custom' && p.from && p.to) {
    const from = new Date(`${p.from}T00:00:00Z`);
    let to = new Date(new Date(`${p.to}T00:00:00Z`).getTime() + DAY); // inclusive end day
    if (to <= from) to = new Date(from.getTime() + DAY);
    if (to.getTime() - from.getTime() > 3 * 366 * DAY) to = new Date(from.getTime() + 3 * 366 * DAY);
    return { kind: 'custom', from, to };
  }
  const [y, m] = p.month ? p.month.split('-').map(Number) : [today.getUTCFullYear(), today.getUTCMonth() + 1];
  return { kind: 'month', from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}

function ledgerOf(mapping: Mapping) {
  const { ledger } = mapping;
  if (!ledger) throw new Error('The statement needs the ledger concept in the table mapping.');
  return ledger;
}

function assertCan(staff: StaffContext) {
  if (!staff.can('credits.read')) throw new Error('credits.read is required to read the statement.');
}

/** The aggregate expressions over ledger alias `l`, for rows inside the period. */
function figures(mapping: Mapping, period: Period) {
  const ledger = ledgerOf(mapping);
  const amount = columnOf(ledger, 'amount', 'l');
  const at = columnOf(ledger, 'createdAt', 'l');
  const t = ledger.types;
  const typed = hasColumn(ledger, 'type');
  const type = typed ? sql`${columnOf(ledger, 'type', 'l')}::text` : sql`null::text`;
  const inP = sql`${at} >= ${period.from} and ${at} < ${period.to}`;
  const of = (values: (string | undefined)[]) => {
    const v = values.filter((x): x is string => Boolean(x));
    return v.length ? sql`${type} = any(${v}::text[])` : sql`false`;
  };
  const known = [t.purchase, t.grant, t.spend, t.manual, t.refund, t.expiry].filter((x): x is string => Boolean(x));
  return sql`
    coalesce(sum(${amount}) filter (where ${at} < ${period.from}), 0) as opening,
    coalesce(sum(${amount}) filter (where ${inP} and ${of([t.purchase, t.grant])}), 0) as grants,
    coalesce(-sum(${amount}) filter (where ${inP} and ${of([t.spend])}), 0) as spends,
    coalesce(sum(${amount}) filter (where ${inP} and ${of([t.manual])}), 0) as adjustments,
    coalesce(-sum(${amount}) filter (where ${inP} and ${of([t.refund])}), 0) as refunds,
    coalesce(-sum(${amount}) filter (where ${inP} and ${of([t.expiry])}), 0) as expiries,
    coalesce(sum(${amount}) filter (where ${inP} and (${type} is null or not (${type} = any(${known}::text[])))), 0) as other,
    coalesce(sum(${amount}) filter (where ${at} < ${period.to}), 0) as closing`;
}

const asText = (r: Record<string, unknown>, scale: number) =>
  Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, rescale(String(r[c] ?? '0'), scale)])) as StatementFigures;

export interface StatementDay extends StatementFigures { day: string }

/** Totals for the period and one row per UTC day (every day, with or without activity). */
export async function getStatement(db: QueryExecutorProvider, staff: StaffContext, mapping: Mapping, period: Period) {
  assertCan(staff);
  const ledger = ledgerOf(mapping);
  const scale = await creditScale(db, mapping);
  const at = columnOf(ledger, 'createdAt', 'l');
  const { rows: [total] } = await sql<Record<StatementColumn, string>>`
    select ${figures(mapping, period)} from ${tableOf(ledger)} l where ${at} < ${period.to}`.execute(db);
  // Per day: each day's own activity; its opening is the running closing of the days before.
  const { rows } = await sql<Record<StatementColumn, string> & { day: string }>`
    with days as (
      select d::date as day from generate_series(${period.from}::timestamptz at time zone 'UTC',
                                                 ${period.to}::timestamptz at time zone 'UTC' - interval '1 day', interval '1 day') d
    ), act as (
      select (${at} at time zone 'UTC')::date as day, ${figures(mapping, period)}
        from ${tableOf(ledger)} l where ${at} >= ${period.from} and ${at} < ${period.to} group by 1
    )
    select days.day::text as day,
           ${total.opening}::numeric + coalesce(sum(act.closing - act.opening) over (order by days.day rows between unbounded preceding and 1 preceding), 0) as opening,
           coalesce(act.grants, 0) as grants, coalesce(act.spends, 0) as spends, coalesce(act.adjustments, 0) as adjustments,
           coalesce(act.refunds, 0) as refunds, coalesce(act.expiries, 0) as expiries, coalesce(act.other, 0) as other,
           ${total.opening}::numeric + coalesce(sum(act.closing - act.opening) over (order by days.day rows between unbounded preceding and current row), 0) as closing
      from days left join act using (day) order by days.day`.execute(db);
  return { total: asText(total, scale), days: rows.map((r) => ({ day: r.day, ...asText(r, scale) })) };
}

export const STATEMENT_USER_SORTS = ['user', ...STATEMENT_COLUMNS] as const;
export type StatementUserSort = (typeof STATEMENT_USER_SORTS)[number];

export interface StatementUserRow extends StatementFigures { userId: string; email: string | null }

/** The per-user query, ordered; paged when `page` is given (the CSV export streams it whole). */
export function statementUsersQuery(
  mapping: Mapping, period: Period,
  q: { sort: StatementUserSort; desc: boolean; filter: string; page?: { limit: number; offset: number } },
) {
  const ledger = ledgerOf(mapping);
  const { users } = mapping;
  const at = columnOf(ledger, 'createdAt', 'l');
  const email = users ? sql`u.${columnOf(users, 'email')}::text` : sql`null::text`;
  const join = users ? sql`left join ${tableOf(users)} u on u.${keyOf(users)}::text = s.user_id` : sql``;
  const order = q.sort === 'user' ? sql`email` : sql.id(q.sort);
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<Record<StatementColumn, string> & { user_id: string; email: string | null; total: string }>`
    with s as (
      select ${columnOf(ledger, 'userId', 'l')}::text as user_id, ${figures(mapping, period)}
        from ${tableOf(ledger)} l where ${at} < ${period.to} group by 1
    ), e as (
      select s.*, ${email} as email from s ${join}
       where s.opening <> 0 or s.closing <> 0 or s.grants <> 0 or s.spends <> 0 or s.adjustments <> 0
          or s.refunds <> 0 or s.expiries <> 0 or s.other <> 0
    )
    select e.*, count(*) over ()::text as total from e
     where ${q.filter}::text = '' or e.email ilike ${like} or e.user_id = ${q.filter}
     order by ${order} ${sql.raw(q.desc ? 'desc' : 'asc')} nulls last, user_id
     ${q.page ? sql`limit ${q.page.limit} offset ${q.page.offset}` : sql``}`;
}

export function toStatementUserRow(r: Record<StatementColumn, string> & { user_id: string; email: string | null }, scale: number): StatementUserRow {
  return { userId: r.user_id, email: r.email, ...asText(r, scale) };
}

/** Per user, for users with a balance or activity in the period: paged, sorted by a whitelisted key. */
export async function listStatementUsers(
  db: QueryExecutorProvider, staff: StaffContext, mapping: Mapping, period: Period,
  q: { sort: StatementUserSort; desc: boolean; limit: number; offset: number; filter: string },
): Promise<{ rows: StatementUserRow[]; total: number }> {
  assertCan(staff);
  const { rows } = await statementUsersQuery(mapping, period, { ...q, page: { limit: q.limit, offset: q.offset } }).execute(db);
  const scale = await creditScale(db, mapping);
  return { rows: rows.map((r) => toStatementUserRow(r, scale)), total: Number(rows[0]?.total ?? 0) };
}

export interface ReplayEntry { id: string; at: string; type: string | null; amount: string; balance: string }

const replayEntry = (r: { id: string; at: Date; type: string | null; amount: string; balance: string }, scale: number): ReplayEntry => ({
  id: r.id, at: r.at.toISOString(), type: r.type, amount: rescale(r.amount, scale), balance: rescale(r.balance, scale),
});

/** A user's balance at `at` (entries created at or before it) and the last entries that led there. */
export async function asOfBalance(db: QueryExecutorProvider, staff: StaffContext, mapping: Mapping, userId: string, at: Date, limit = 50) {
  assertCan(staff);
  const ledger = ledgerOf(mapping);
  const c = (k: 'amount' | 'createdAt' | 'userId') => columnOf(ledger, k, 'l');
  const type = hasColumn(ledger, 'type') ? sql`${columnOf(ledger, 'type', 'l')}::text` : sql`null::text`;
  const { rows } = await sql<{ id: string; at: Date; type: string | null; amount: string; balance: string; n: string }>`
    select * from (
      select ${keyOf(ledger, 'l')}::text as id, ${c('createdAt')} as at, ${type} as type, ${c('amount')}::text as amount,
             sum(${c('amount')}) over (order by ${c('createdAt')}, ${keyOf(ledger, 'l')})::text as balance,
             count(*) over ()::text as n
        from ${tableOf(ledger)} l where ${c('userId')} = ${userId} and ${c('createdAt')} <= ${at}
    ) r order by at desc, id desc limit ${limit}`.execute(db);
  const scale = await creditScale(db, mapping);
  return {
    balance: rescale(rows[0]?.balance ?? '0', scale),
    entries: rows.length ? Number(rows[0].n) : 0,
    recent: rows.map((r) => replayEntry(r, scale)),
  };
}

export interface AccountSummary { userId: string; email: string | null; cached: string | null; ledgerSum: string; drift: string | null; entries: number }

/** One account: its cached balance (when the product keeps one), its ledger sum and the drift between them. */
export async function getAccountSummary(db: QueryExecutorProvider, staff: StaffContext, mapping: Mapping, userId: string): Promise<AccountSummary> {
  assertCan(staff);
  const ledger = ledgerOf(mapping);
  const { users } = mapping;
  const cachedSql = users && hasColumn(users, 'credits')
    ? sql`(select u.${columnOf(users, 'credits')}::text from ${tableOf(users)} u where u.${keyOf(users)} = ${userId})`
    : sql`null::text`;
  const emailSql = users ? sql`(select u.${columnOf(users, 'email')}::text from ${tableOf(users)} u where u.${keyOf(users)} = ${userId})` : sql`null::text`;
  const { rows: [r] } = await sql<{ cached: string | null; email: string | null; sum: string; n: string }>`
    select ${cachedSql} as cached, ${emailSql} as email, coalesce(sum(l.${columnOf(ledger, 'amount')}), 0)::text as sum, count(*)::text as n
      from ${tableOf(ledger)} l where l.${columnOf(ledger, 'userId')} = ${userId}`.execute(db);
  const scale = await creditScale(db, mapping);
  const drift = r.cached === null ? null : rescale(subtractDecimals(r.cached, r.sum), scale);
  return {
    userId, email: r.email, cached: r.cached === null ? null : rescale(r.cached, scale), ledgerSum: rescale(r.sum, scale),
    drift, entries: Number(r.n),
  };
}

/** Named ledger entries of one user (a finding's), at most 50, oldest first. */
export async function getEntries(db: QueryExecutorProvider, staff: StaffContext, mapping: Mapping, userId: string, ids: string[]): Promise<ReplayEntry[]> {
  assertCan(staff);
  if (!ids.length) return [];
  const ledger = ledgerOf(mapping);
  const type = hasColumn(ledger, 'type') ? sql`l.${columnOf(ledger, 'type')}::text` : sql`null::text`;
  const { rows } = await sql<{ id: string; at: Date; type: string | null; amount: string; balance: string }>`
    select * from (
      select l.${keyOf(ledger)}::text as id, l.${columnOf(ledger, 'createdAt')} as at, ${type} as type, l.${columnOf(ledger, 'amount')}::text as amount,
             sum(l.${columnOf(ledger, 'amount')}) over (order by l.${columnOf(ledger, 'createdAt')}, l.${keyOf(ledger)})::text as balance
        from ${tableOf(ledger)} l where l.${columnOf(ledger, 'userId')} = ${userId}
    ) r where r.id = any(${ids.slice(0, 50)}::text[]) order by at, id`.execute(db);
  const scale = await creditScale(db, mapping);
  return rows.map((r) => replayEntry(r, scale));
}
