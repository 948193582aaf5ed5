/**
 * Moves the statement's rollup forward (migration 0013): per UTC day the figures of every entry
 * before the horizon (statement_days), and per UTC month and account the statement line
 * (statement_lines: opening, figures, closing) of every account with a balance or activity that
 * month, and how many lines each month has (statement_months), from the first month of the ledger to the month of its latest entry before the horizon.
 *
 * A refresh reads only the entries created between the previous horizon and the new one (an index
 * range on the ledger's created-at column): their days are added to, their accounts' lines of the
 * current month are upserted, and a month the refresh reaches for the first time starts from the
 * month before's closing balances (every account with one), so that its lines are complete. A line
 * that comes to all zeros is deleted: the per-user table shows none, and the month's count is then
 * the number of its lines. The first refresh (or one after the mapping changed) builds it all, month
 * by month. An entry inserted later with a created-at before the horizon (back-dated) is not seen;
 * the statement says so, and a rebuild (`kontor rollup --rebuild`) counts it.
 */
import 'server-only';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Trx } from '@/db/types';
import { columnOf, tableOf, type Mapping } from '@/lib/mapping';
import { ACTIVITY_COLUMNS, activitySums, ledgerOf } from '@/lib/domain/statement-figures';
import {
  addMonths, isoDay, laterOf, monthStart, nextHorizon, parseIsoDay, readRollup, saveRollup, withRollupLock,
} from '@/lib/domain/finance-rollups';

/** What the statement's rollup depends on in the mapping: another value rebuilds it. */
export function statementSignature(mapping: Mapping): string {
  const l = ledgerOf(mapping);
  const c = l.columns;
  return JSON.stringify({
    v: 1, table: l.table, where: l.where ?? null, oneRowPerKey: l.oneRowPerKey ?? false, key: l.key,
    columns: [c.userId, c.amount, c.type ?? null, c.createdAt], types: l.types,
  });
}

/** The account of entry `l`: its user key as text, '' for an entry without a user. */
export const accountSql = (mapping: Mapping) => sql`coalesce(${columnOf(ledgerOf(mapping), 'userId', 'l')}::text, '')`;

/** Per account, the figures and the net sum of the entries created in [from, to). */
function activity(mapping: Mapping, from: Date | null, to: Date): RawBuilder<unknown> {
  const ledger = ledgerOf(mapping);
  const at = columnOf(ledger, 'createdAt', 'l');
  return sql`
    select ${accountSql(mapping)} as account, ${activitySums(mapping, sql`true`)}, coalesce(sum(${columnOf(ledger, 'amount', 'l')}), 0) as net
      from ${tableOf(ledger)} l where ${from ? sql`${at} >= ${from} and ` : sql``}${at} < ${to} group by 1`;
}

const FIGS = sql.join(ACTIVITY_COLUMNS.map((c) => sql.id(c)));
const allZero = (alias: string) =>
  sql.join(['opening', ...ACTIVITY_COLUMNS, 'closing'].map((c) => sql`${sql.ref(`${alias}.${c}`)} = 0`), sql` and `);

export interface StatementRefresh { full: boolean; horizon: Date; entries: number; months: string[]; ms: number }

/**
 * Refreshes (or first builds) the statement's rollup on `db`, a pool with a connection to spare;
 * null when another refresh was running (it writes the same).
 */
export async function refreshStatementRollup(
  db: Kysely<KontorDatabase>, mapping: Mapping, opts: { rebuild?: boolean; timeoutMs?: number } = {},
): Promise<StatementRefresh | null> {
  const t0 = performance.now();
  const signature = statementSignature(mapping);
  return withRollupLock(db, 'statement', opts.timeoutMs ?? 600_000, async (trx) => {
    const state = opts.rebuild ? null : await readRollup(trx, 'statement', signature);
    const full = !state;
    if (full) {
      await sql`delete from kontor.statement_lines`.execute(trx);
      await sql`delete from kontor.statement_months`.execute(trx);
      await sql`delete from kontor.statement_days`.execute(trx);
      // Periods computed from the old build (migration 0018) are stale with it.
      await sql`delete from kontor.statement_periods`.execute(trx);
    }
    const since = state?.horizon ?? null;
    let horizon = await nextHorizon(trx);
    // An older transaction still open holds the horizon where it was.
    if (since && horizon <= since) horizon = since;
    const ledger = ledgerOf(mapping);
    const at = columnOf(ledger, 'createdAt', 'l');
    const range = sql`${since ? sql`${at} >= ${since} and ` : sql``}${at} < ${horizon}`;
    const { rows: [span] } = await sql<{ first: Date | null; last: Date | null }>`
      select (select ${at} from ${tableOf(ledger)} l where ${range} order by ${at} limit 1) as first,
             (select ${at} from ${tableOf(ledger)} l where ${range} order by ${at} desc limit 1) as last`.execute(trx);
    let lastMonth = state?.lastMonth ?? null;
    const months: string[] = [];
    let entries = 0;
    if (span.first && span.last) {
      const known = lastMonth ? parseIsoDay(lastMonth) : null;
      const firstMonth = monthStart(span.first);
      // The month the previous refresh ended in is updated in place; later ones are new.
      let m = known && firstMonth.getTime() > known.getTime() ? addMonths(known, 1) : known ?? firstMonth;
      for (const last = monthStart(span.last); m <= last; m = addMonths(m, 1)) {
        const from = since ? laterOf(since, m) : m;
        const to = addMonths(m, 1) < horizon ? addMonths(m, 1) : horizon;
        if (known && m.getTime() === known.getTime()) await upsertMonth(trx, mapping, m, from, to);
        else await insertMonth(trx, mapping, m, from, to);
        months.push(isoDay(m));
      }
      await countMonths(trx, months);
      lastMonth = isoDay(monthStart(span.last));
      entries = await addDays(trx, mapping, range);
    }
    const ms = Math.round(performance.now() - t0);
    await saveRollup(trx, 'statement', signature, { horizon, lastMonth, entries, full, ms });
    return { full, horizon, entries, months, ms };
  });
}

/** A month's lines for the first time: the month before's closing balances, plus the month's entries. */
async function insertMonth(trx: Trx, mapping: Mapping, m: Date, from: Date, to: Date) {
  await sql`
    insert into kontor.statement_lines (month, account, opening, ${FIGS}, closing)
    select ${isoDay(m)}::date, coalesce(a.account, c.account), coalesce(c.closing, 0),
           ${sql.join(ACTIVITY_COLUMNS.map((k) => sql`coalesce(${sql.ref(`a.${k}`)}, 0)`))},
           coalesce(c.closing, 0) + coalesce(a.net, 0)
      from (select account, closing from kontor.statement_lines where month = ${isoDay(addMonths(m, -1))}::date and closing <> 0) c
      full join (${activity(mapping, from, to)}) a on a.account = c.account
     where not (coalesce(c.closing, 0) = 0 and coalesce(a.net, 0) = 0
                and ${sql.join(ACTIVITY_COLUMNS.map((k) => sql`coalesce(${sql.ref(`a.${k}`)}, 0) = 0`), sql` and `)})`.execute(trx);
}

/** Adds the entries of [from, to) to the lines of month `m`, which exist already. */
async function upsertMonth(trx: Trx, mapping: Mapping, m: Date, from: Date, to: Date) {
  // An account new to the month had no balance before it (else the month would have carried it in).
  await sql`
    insert into kontor.statement_lines as s (month, account, opening, ${FIGS}, closing)
    select ${isoDay(m)}::date, a.account, 0, ${sql.join(ACTIVITY_COLUMNS.map((k) => sql.ref(`a.${k}`)))}, a.net
      from (${activity(mapping, from, to)}) a
    on conflict (month, account) do update set
      ${sql.join(ACTIVITY_COLUMNS.map((k) => sql`${sql.id(k)} = ${sql.ref(`s.${k}`)} + ${sql.ref(`excluded.${k}`)}`))},
      closing = s.closing + excluded.closing`.execute(trx);
  // Only a line the entries touched can have come to zero: not a read of the month's million lines.
  await sql`
    delete from kontor.statement_lines s
     where s.month = ${isoDay(m)}::date and ${allZero('s')}
       and s.account in (select a.account from (${activity(mapping, from, to)}) a)`.execute(trx);
}

/** Adds the entries in `range` to their days; returns how many there were. */
async function addDays(trx: Trx, mapping: Mapping, range: RawBuilder<unknown>): Promise<number> {
  const ledger = ledgerOf(mapping);
  const at = columnOf(ledger, 'createdAt', 'l');
  const { rows: [r] } = await sql<{ n: string | null }>`
    with src as (
      select (${at} at time zone 'UTC')::date as day, ${activitySums(mapping, sql`true`)},
             coalesce(sum(${columnOf(ledger, 'amount', 'l')}), 0) as net, count(*) as entries
        from ${tableOf(ledger)} l where ${range} group by 1
    ), up as (
      insert into kontor.statement_days as d (day, ${FIGS}, net, entries)
      select day, ${FIGS}, net, entries from src
      on conflict (day) do update set
        ${sql.join(ACTIVITY_COLUMNS.map((k) => sql`${sql.id(k)} = ${sql.ref(`d.${k}`)} + ${sql.ref(`excluded.${k}`)}`))},
        net = d.net + excluded.net, entries = d.entries + excluded.entries)
    select sum(entries)::text as n from src`.execute(trx);
  return Number(r.n ?? 0);
}

/** Counts the lines of the months a refresh wrote (a few hundred milliseconds per million lines). */
async function countMonths(trx: Trx, months: string[]) {
  if (!months.length) return;
  await sql`
    insert into kontor.statement_months as s (month, lines, opening_nonzero, closing_nonzero)
    select m.month, count(l.account), count(l.account) filter (where l.opening <> 0), count(l.account) filter (where l.closing <> 0)
      from unnest(${months}::date[]) m(month) left join kontor.statement_lines l on l.month = m.month group by m.month
    on conflict (month) do update set
      lines = excluded.lines, opening_nonzero = excluded.opening_nonzero, closing_nonzero = excluded.closing_nonzero`.execute(trx);
}
