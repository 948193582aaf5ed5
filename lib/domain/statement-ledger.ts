/**
 * The statement read straight from the ledger: the original queries (issue 7), unchanged. Three passes
 * over the whole ledger per view, so at millions of entries they take tens of seconds: the pages read
 * the rollup (statement-rollup.ts) and fall back to these only while it does not exist yet; the CSV
 * export of every user streams the per-user query; the tests keep them as the reference the rollup's
 * figures must equal.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { creditScale } from '@/lib/domain/money-sql';
import {
  asText, ledgerOf, toStatementUserRow, type Period, type StatementColumn, type StatementFigures, type StatementUserRow,
} from '@/lib/domain/statement-figures';
import type { StatementDay, StatementUserSort } from '@/lib/domain/statement-figures';

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

/** Totals for the period and one row per UTC day (every day, with or without activity), read from the whole ledger. */
export async function ledgerStatement(db: QueryExecutorProvider, mapping: Mapping, period: Period): Promise<{ total: StatementFigures; days: StatementDay[] }> {
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


/** One page of the per-user query and the number of rows in all, read from the whole ledger. */
export async function ledgerStatementUsers(
  db: QueryExecutorProvider, mapping: Mapping, period: Period,
  q: { sort: StatementUserSort; desc: boolean; limit: number; offset: number; filter: string },
): Promise<{ rows: StatementUserRow[]; total: number }> {
  const { rows } = await statementUsersQuery(mapping, period, { ...q, page: { limit: q.limit, offset: q.offset } }).execute(db);
  const scale = await creditScale(db, mapping);
  return { rows: rows.map((r) => toStatementUserRow(r, scale)), total: Number(rows[0]?.total ?? 0) };
}
