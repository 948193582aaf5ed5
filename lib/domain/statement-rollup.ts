/**
 * The statement read from its rollup (statement-rollup-refresh.ts) plus the ledger entries created
 * since the rollup's horizon (the tail: an index range on the created-at column). Every figure equals
 * what the whole-ledger queries (statement-ledger.ts) give for the same entries: sums of the same
 * numerics, split at the horizon.
 *
 * Per user, for a whole month the rollup holds: that month's lines, the tail's accounts merged in.
 * For any other period: the balances at the start of its first month (or at the horizon, after the
 * rollup's last month) and the ledger entries from there to the period's end, which for a period
 * starting late in a long month is most of that month's entries.
 *
 * Each statement checks, in its own snapshot, that the rollup's horizon is still the one it read the
 * tail from; when a refresh moved it in between, the caller reads again ('moved').
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { parseColumn } from '@/lib/mapping/sql';
import { addDecimals, rescale } from '@/lib/money';
import {
  ACTIVITY_COLUMNS, activitySums, asText, ledgerOf, STATEMENT_COLUMNS, toStatementUserRow,
  type Period, type StatementColumn, type StatementDay, type StatementFigures, type StatementUserRow, type StatementUserSort, type StatementUserSqlRow,
} from '@/lib/domain/statement-figures';
import { isoDay, isWholeMonth, laterOf, monthStart, parseIsoDay, type RollupState } from '@/lib/domain/finance-rollups';
import { accountSql } from '@/lib/domain/statement-rollup-refresh';

export const MOVED = 'moved' as const;

const current = (st: RollupState) => sql`exists (select from kontor.finance_rollups where name = 'statement' and horizon = ${st.horizon})`;
const FIGS = sql.join(ACTIVITY_COLUMNS.map((c) => sql.id(c)));

/** Totals and days from statement_days and the tail; the totals are the days added up (exact decimals). */
export async function rollupStatement(
  db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState, scale: number,
): Promise<{ total: StatementFigures; days: StatementDay[]; tail: number } | typeof MOVED> {
  const ledger = ledgerOf(mapping);
  const at = columnOf(ledger, 'createdAt', 'l');
  const [fromDay, toDay] = [isoDay(period.from), isoDay(period.to)];
  const { rows } = await sql<Record<StatementColumn, string> & { day: string; ok: boolean; tail: string }>`
    with tail as (
      select (${at} at time zone 'UTC')::date as day, ${activitySums(mapping, sql`true`)},
             coalesce(sum(${columnOf(ledger, 'amount', 'l')}), 0) as net, count(*) as n
        from ${tableOf(ledger)} l where ${at} >= ${st.horizon} and ${at} < ${period.to} group by 1
    ), d as (
      select day, ${FIGS}, net from kontor.statement_days where day < ${toDay}::date
      union all select day, ${FIGS}, net from tail
    ), pre as (
      select coalesce(sum(net), 0) as opening from d where day < ${fromDay}::date
    ), act as (
      select day, ${sql.join(ACTIVITY_COLUMNS.map((c) => sql`sum(${sql.id(c)}) as ${sql.id(c)}`))}, sum(net) as net
        from d where day >= ${fromDay}::date group by day
    ), days as (
      select g::date as day from generate_series(${fromDay}::date, ${toDay}::date - 1, interval '1 day') g
    )
    select days.day::text as day,
           pre.opening + coalesce(sum(act.net) over (order by days.day rows between unbounded preceding and 1 preceding), 0) as opening,
           ${sql.join(ACTIVITY_COLUMNS.map((c) => sql`coalesce(${sql.ref(`act.${c}`)}, 0) as ${sql.id(c)}`))},
           pre.opening + coalesce(sum(act.net) over (order by days.day rows between unbounded preceding and current row), 0) as closing,
           ${current(st)} as ok, (select coalesce(sum(n), 0) from tail)::text as tail
      from days left join act using (day) cross join pre order by days.day`.execute(db);
  if (!rows.length || !rows[0].ok) return MOVED;
  const days = rows.map((r) => ({ day: r.day, ...asText(r, scale) }));
  const total = {
    opening: days[0].opening,
    ...Object.fromEntries(ACTIVITY_COLUMNS.map((c) => [c, rescale(addDecimals('0', ...days.map((d) => d[c])), scale)])),
    closing: days.at(-1)!.closing,
  } as StatementFigures;
  return { total, days, tail: Number(rows[0].tail) };
}

/**
 * Per account, the ledger entries created in [from, to): `pre` the sum of those before the period,
 * the period's figures, `upto` the sum of them all, `n` how many. What a line adds to the stored
 * balance it starts from (a month's, a stored period's).
 */
export function accountEntries(mapping: Mapping, period: Period, from: Date | RawBuilder<unknown>, to: Date): RawBuilder<unknown> {
  const ledger = ledgerOf(mapping);
  const at = columnOf(ledger, 'createdAt', 'l');
  const amount = columnOf(ledger, 'amount', 'l');
  return sql`
    select ${accountSql(mapping)} as account, coalesce(sum(${amount}) filter (where ${at} < ${period.from}), 0) as pre,
           ${activitySums(mapping, sql`${at} >= ${period.from}`)}, coalesce(sum(${amount}), 0) as upto, count(*) as n
      from ${tableOf(ledger)} l where ${at} >= ${from} and ${at} < ${to} group by 1`;
}

type Mode = 'all' | 'opening' | 'closing';

/** A period's per-user lines computed once and stored (statement-periods.ts): every account as of `upto`. */
export interface StoredPeriod { id: string; upto: Date; lines: number; entries: number; computedAt: Date; ms: number }

/**
 * Where a period's per-user figures come from: stored lines (`lines` b where `where`; all their figures,
 * or only the balance they open or close with) and the ledger entries from `readFrom` to the period's
 * end. `counted` is how many lines `shown` keeps, as stored.
 */
export interface UsersPlan { mode: Mode; lines: RawBuilder<unknown>; where: RawBuilder<unknown>; counted: RawBuilder<unknown>; readFrom: Date; month: string | null }

/**
 * The lines of `month` (all of them for a whole month the rollup holds, else only the balance they open
 * or close with), or a stored period's lines (all of them, as of its `upto`).
 */
export function planUsers(period: Period, st: RollupState, stored?: StoredPeriod | null): UsersPlan {
  if (stored) {
    return {
      mode: 'all', lines: sql`kontor.statement_period_lines`, where: sql`b.period_id = ${stored.id}::bigint`,
      counted: sql`${stored.lines}::bigint`, readFrom: stored.upto, month: null,
    };
  }
  const first = monthStart(period.from);
  const last = st.lastMonth ? parseIsoDay(st.lastMonth) : null;
  const ofMonth = (month: string | null, mode: Mode, readFrom: Date): UsersPlan => ({
    mode, readFrom, month, lines: sql`kontor.statement_lines`,
    where: month ? sql`b.month = ${month}::date` : sql`false`,
    counted: month
      ? sql`coalesce((select ${sql.id(mode === 'all' ? 'lines' : `${mode}_nonzero`)} from kontor.statement_months where month = ${month}::date), 0)`
      : sql`0`,
  });
  if (last && first <= last && isWholeMonth(period)) return ofMonth(isoDay(first), 'all', laterOf(st.horizon, period.from));
  if (last && first <= last) return ofMonth(isoDay(first), 'opening', first);
  return ofMonth(last ? isoDay(last) : null, 'closing', st.horizon);
}

/** Whether a per-user page of this period reads only the tail (fast) or a month of entries or more. */
export const readsTailOnly = (period: Period, st: RollupState, stored?: StoredPeriod | null) => planUsers(period, st, stored).mode === 'all';

/** A line's figure `c` as the plan reads it (b: the line). */
function baseColumn(mode: Mode, c: StatementColumn): RawBuilder<unknown> | null {
  if (mode === 'all') return sql.ref(`b.${c}`);
  if (c === 'opening' || c === 'closing') return sql.ref(`b.${mode}`);
  return null;
}

export async function rollupStatementUsers(
  db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState, scale: number,
  q: { sort: StatementUserSort; desc: boolean; limit: number; offset: number; filter: string }, stored?: StoredPeriod | null,
): Promise<{ rows: StatementUserRow[]; total: number } | typeof MOVED> {
  const plan = planUsers(period, st, stored);
  const col = (c: StatementColumn) => baseColumn(plan.mode, c) ?? sql`0`;
  const shown = plan.mode === 'all' ? sql`true` : sql`${sql.ref(`b.${plan.mode}`)} <> 0`;
  const baseCols = sql.join(STATEMENT_COLUMNS.map((c) => sql`${col(c)} as ${sql.id(c)}`));
  const inMonth = plan.where;
  // In a whole month the tail's accounts are few: a list the index scan of the lines checks row by row.
  const untouched = plan.mode === 'all'
    ? sql`b.account <> all ((select coalesce(array_agg(account), '{}') from r)::text[])`
    : sql`not exists (select from r where r.account = b.account)`;
  const nonZero = (a: string) => sql`not (${sql.join(STATEMENT_COLUMNS.map((c) => sql`${sql.ref(`${a}.${c}`)} = 0`), sql` and `)})`;
  const dir = sql.raw(q.desc ? 'desc' : 'asc');
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { users } = mapping;
  const email = users ? sql`u.${columnOf(users, 'email')}::text` : sql`null::text`;
  const join = users ? sql`left join ${tableOf(users)} u on ${await usersMatch(db, mapping)}` : sql``;
  const ctes = sql`
    r as (${accountEntries(mapping, period, plan.readFrom, period.to)}), t as (
      select r.account, coalesce(${col('opening')}, 0) + r.pre as opening,
             ${sql.join(ACTIVITY_COLUMNS.map((c) => sql`coalesce(${col(c)}, 0) + ${sql.ref(`r.${c}`)} as ${sql.id(c)}`))},
             coalesce(${col('closing')}, 0) + r.upto as closing
        from r left join ${plan.lines} b on ${inMonth} and b.account = r.account
    ), shown_t as (select * from t where ${nonZero('t')})`;
  // The month's lines as counted by the refresh, less those the tail changes, plus the tail's shown rows.
  const counted = plan.counted;
  const count = sql`${counted} - (select count(*) from ${plan.lines} b where ${inMonth} and ${shown} and b.account in (select account from r))
                    + (select count(*) from shown_t)`;
  const select = (rows: RawBuilder<unknown>, total: RawBuilder<unknown>, order: RawBuilder<unknown>) => sql<StatementUserSqlRow & { total: string; ok: boolean }>`
    with ${ctes}, x as (${rows})
    select nullif(x.account, '') as user_id, ${email} as email, ${sql.join(STATEMENT_COLUMNS.map((c) => sql.ref(`x.${c}`)))},
           (${total})::text as total, ${current(st)} as ok
      from x ${join}
     order by ${order}, nullif(x.account, '') limit ${q.limit} offset ${q.offset}`;

  let query;
  if (q.filter) {
    // The users whose email matches, and the key typed in: their lines and tail rows only.
    const cand = users
      ? sql`select u.${keyOf(users)}::text from ${tableOf(users)} u where u.${columnOf(users, 'email')}::text ilike ${like} union select ${q.filter}::text`
      : sql`select ${q.filter}::text`;
    const rows = sql`
      select b.account, ${baseCols} from ${plan.lines} b
       where ${inMonth} and ${shown} and b.account in (${cand}) and not exists (select from r where r.account = b.account)
      union all select * from shown_t where account in (${cand})`;
    query = select(sql`select *, count(*) over () as n from (${rows}) y`, sql`x.n`, order(q.sort, dir, email));
  } else if (q.sort === 'user') {
    if (users) {
      // Users in email order (an index on the email column), each with the month's line if it has one: a
      // page stops after offset + limit of them. Lines without a user's email sort last: when the page
      // reaches them, the query below reads every line.
      const uEmail = sql`u.${columnOf(users, 'email')}::text`;
      const rows = sql`
        (select b.account, ${baseCols} from ${tableOf(users)} u
           join ${plan.lines} b on ${inMonth} and b.account = u.${keyOf(users)}::text
          where ${uEmail} is not null and ${shown} and ${untouched}
          order by ${uEmail} ${dir}, b.account limit ${q.offset + q.limit})
        union all select * from shown_t`;
      const { rows: fast } = await sql<StatementUserSqlRow & { total: string; ok: boolean; named: number }>`
        with ${ctes}, x as (${rows}), y as (
          select x.*, ${email} as email, count(*) filter (where ${email} is not null) over ()::int as named from x ${join}
        )
        select nullif(y.account, '') as user_id, y.email, ${sql.join(STATEMENT_COLUMNS.map((c) => sql.ref(`y.${c}`)))},
               (${count})::text as total, ${current(st)} as ok, y.named
          from y order by y.email ${dir} nulls last, nullif(y.account, '') limit ${q.limit} offset ${q.offset}`.execute(db);
      if (fast.length && !fast[0].ok) return MOVED;
      if (fast.length && fast[0].named >= q.offset + q.limit) {
        return { rows: fast.map((r) => toStatementUserRow(r, scale)), total: Number(fast[0].total) };
      }
    }
    const rows = sql`select b.account, ${baseCols} from ${plan.lines} b where ${inMonth} and ${shown} and ${untouched}
                     union all select * from shown_t`;
    query = select(rows, count, order(q.sort, dir, email));
  } else {
    // The first offset + limit lines in the sort's order (an index on (month, figure)), and the tail's accounts.
    const by = baseColumn(plan.mode, q.sort);
    const rows = sql`
      (select b.account, ${baseCols} from ${plan.lines} b where ${inMonth} and ${shown} and ${untouched}
        order by ${by ? sql`${by} ${dir}, ` : sql``}nullif(b.account, '') limit ${q.offset + q.limit})
      union all select * from shown_t`;
    query = select(rows, count, order(q.sort, dir, email));
  }
  const { rows } = await query.execute(db);
  if (rows.length && !rows[0].ok) return MOVED;
  return { rows: rows.map((r) => toStatementUserRow(r, scale)), total: Number(rows[0]?.total ?? 0) };
}

function order(sort: StatementUserSort, dir: RawBuilder<unknown>, email: RawBuilder<unknown>): RawBuilder<unknown> {
  return sort === 'user' ? sql`${email} ${dir} nulls last` : sql`${sql.ref(`x.${sort}`)} ${dir}`;
}

/**
 * How an account (text) finds its user: by the key itself when the ledger's user column has the key's
 * type (the key's index serves it), else as text, as the whole-ledger query compares them.
 */
async function usersMatch(db: QueryExecutorProvider, mapping: Mapping): Promise<RawBuilder<unknown>> {
  const users = mapping.users!;
  const ledger = ledgerOf(mapping);
  const uKey = users.key ? parseColumn(users.key) : null;
  const lUser = parseColumn(ledger.columns.userId);
  if (uKey?.kind === 'column' && lUser.kind === 'column') {
    const { rows } = await sql<{ same: boolean; t: string }>`
      select a.atttypid = b.atttypid as same, format_type(a.atttypid, null) as t
        from pg_catalog.pg_attribute a, pg_catalog.pg_attribute b
       where a.attrelid = format('%I.%I', ${users.table.schema}::text, ${users.table.name}::text)::regclass and a.attname = ${uKey.column}
         and b.attrelid = format('%I.%I', ${ledger.table.schema}::text, ${ledger.table.name}::text)::regclass and b.attname = ${lUser.column}`.execute(db);
    if (rows[0]?.same && /^[a-z][a-z0-9 _]*$/.test(rows[0].t)) return sql`u.${keyOf(users)} = nullif(x.account, '')::${sql.raw(rows[0].t)}`;
  }
  return sql`u.${keyOf(users)}::text = x.account`;
}

/**
 * Every per-user line of a period the rollup holds whole (a month, or a period whose lines are stored),
 * in the page's order, as one statement (the CSV streams it): the lines of the accounts untouched since,
 * and the others from their line plus their entries since. The horizon is read in the statement itself,
 * so a refresh between cannot count an entry twice. Null when the rollup does not hold the period whole:
 * the whole-ledger query serves it.
 */
export async function statementUsersCsvQuery(
  db: QueryExecutorProvider, mapping: Mapping, period: Period, st: RollupState,
  q: { sort: StatementUserSort; desc: boolean; filter: string }, stored?: StoredPeriod | null,
): Promise<RawBuilder<StatementUserSqlRow> | null> {
  const plan = planUsers(period, st, stored);
  if (plan.mode !== 'all') return null;
  const readFrom = stored
    ? sql`${stored.upto}::timestamptz`
    : sql`greatest((select horizon from kontor.finance_rollups where name = 'statement'), ${period.from}::timestamptz)`;
  const cols = (a: string) => sql.join(STATEMENT_COLUMNS.map((c) => sql.ref(`${a}.${c}`)));
  const nonZero = sql`not (${sql.join(STATEMENT_COLUMNS.map((c) => sql`${sql.ref(`t.${c}`)} = 0`), sql` and `)})`;
  const { users } = mapping;
  const email = users ? sql`u.${columnOf(users, 'email')}::text` : sql`null::text`;
  const join = users ? sql`left join ${tableOf(users)} u on ${await usersMatch(db, mapping)}` : sql``;
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<StatementUserSqlRow>`
    with r as (${accountEntries(mapping, period, readFrom, period.to)}), t as (
      select r.account, coalesce(b.opening, 0) + r.pre as opening,
             ${sql.join(ACTIVITY_COLUMNS.map((c) => sql`coalesce(${sql.ref(`b.${c}`)}, 0) + ${sql.ref(`r.${c}`)} as ${sql.id(c)}`))},
             coalesce(b.closing, 0) + r.upto as closing
        from r left join ${plan.lines} b on ${plan.where} and b.account = r.account
    ), x as (
      select b.account, ${cols('b')} from ${plan.lines} b where ${plan.where} and not exists (select from r where r.account = b.account)
      union all select t.account, ${cols('t')} from t where ${nonZero}
    )
    select nullif(x.account, '') as user_id, ${email} as email, ${cols('x')}
      from x ${join}
     where ${q.filter}::text = '' or ${email} ilike ${like} or x.account = ${q.filter}
     order by ${q.sort === 'user' ? email : sql.ref(`x.${q.sort}`)} ${sql.raw(q.desc ? 'desc' : 'asc')} nulls last, nullif(x.account, '')`;
}
