/**
 * The credits statement: for a period [from, to), opening balance + grants - spends +/- adjustments
 * - refunds - expiries (+/- anything of another type) = closing balance, in total, per day and per user,
 * and the as-of balance of a user at any moment, replayed from the ledger. All sums in SQL numeric,
 * returned as exact strings at the credits scale (creditScale: the user page shows the same strings).
 *
 * The totals, days and per-user lines are read through Kontor's rollup (statement-rollup.ts) plus the
 * entries created since its horizon, read live, so they are exact and current; from the whole ledger
 * (statement-ledger.ts, the original queries) only until the rollup exists for this mapping.
 */
import 'server-only';
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import { z } from 'zod';
import { isCalendarDay } from '@/lib/filters';
import { first } from '@/lib/format';
import type { StaffContext } from '@/lib/auth';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { creditScale } from '@/lib/domain/money-sql';
import { rescale, subtractDecimals } from '@/lib/money';
import { databaseClock } from '@/lib/domain/clock';
import { daysShown, ledgerOf, type Period, type StatementUserRow, type StatementUserSort } from '@/lib/domain/statement-figures';
import { ledgerStatement, ledgerStatementUsers, statementUsersQuery } from '@/lib/domain/statement-ledger';
import { MOVED, rollupStatement, rollupStatementUsers, statementUsersCsvQuery } from '@/lib/domain/statement-rollup';
import { refreshStatementRollup, statementSignature } from '@/lib/domain/statement-rollup-refresh';
import { readRollup, refreshInBackground, type RollupState } from '@/lib/domain/finance-rollups';
import { periodLines, type PeriodLines } from '@/lib/domain/statement-periods';
import type { KontorDatabase } from '@/db/types';
import type { ReadContext } from '@/lib/context';

export {
  STATEMENT_COLUMNS, STATEMENT_USER_SORTS, toStatementUserRow,
  type Period, type StatementColumn, type StatementDay, type StatementFigures, type StatementUserRow, type StatementUserSort,
} from '@/lib/domain/statement-figures';
export { statementUsersQuery } from '@/lib/domain/statement-ledger';

/**
 * The per-user lines' query for the CSV: through the rollup when it holds the period whole (a month, or
 * a period whose lines are stored), else over the whole ledger.
 */
export async function statementUsersExportQuery(
  db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period, q: { sort: StatementUserSort; desc: boolean; filter: string },
) {
  assertCan(staff);
  const st = await readRollup(db, 'statement', statementSignature(mapping));
  if (st) {
    const lines = await periodLines(db, mapping, period, st);
    const query = await statementUsersCsvQuery(db, mapping, period, st, q, lines.kind === 'stored' ? lines.stored : null);
    if (query) return query;
  }
  return statementUsersQuery(mapping, period, q);
}
export { readsTailOnly } from '@/lib/domain/statement-rollup';
export { computeStatementPeriod, periodJobKind, type PeriodLines } from '@/lib/domain/statement-periods';

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
    return runningThrough({ kind: 'custom', from, to }, startOfDay(today));
  }
  const [y, m] = p.month ? p.month.split('-').map(Number) : [today.getUTCFullYear(), today.getUTCMonth() + 1];
  return runningThrough({ kind: 'month', from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) }, startOfDay(today));
}

/** A period that runs past today lists its days through today only (its figures still cover it whole). */
function runningThrough<P extends Period>(period: P, today: Date): P {
  return period.from <= today && today.getTime() + DAY < period.to.getTime() ? { ...period, through: today } : period;
}

function assertCan(staff: StaffContext) {
  if (!staff.can('credits.read')) throw new Error('credits.read is required to read the statement.');
}

export type StatementSource =
  | { kind: 'rollup'; state: RollupState; tail: number }
  | { kind: 'ledger' };

const RETRIES = 3;

/**
 * Reads through the rollup when it exists for this mapping (retrying when a refresh moves it during
 * the read), else from the whole ledger.
 */
async function viaRollup<T>(
  db: QueryExecutorProvider, mapping: Mapping,
  fromRollup: (st: RollupState) => Promise<T | typeof MOVED>, fromLedger: () => Promise<T>,
): Promise<T & { source: StatementSource }> {
  for (let i = 0; i < RETRIES; i++) {
    const state = await readRollup(db, 'statement', statementSignature(mapping));
    if (!state) break;
    const r = await fromRollup(state);
    if (r !== MOVED) return { ...r, source: { kind: 'rollup', state, tail: (r as { tail?: number }).tail ?? 0 } };
  }
  return { ...(await fromLedger()), source: { kind: 'ledger' } };
}

/** The statement rollup's state for this mapping (null: none yet, or built for another mapping). */
export const statementRollupState = (db: QueryExecutorProvider, mapping: Mapping) => readRollup(db, 'statement', statementSignature(mapping));

/** A rollup older than this, or with more entries than TAIL_MAX after it, is refreshed when a page reads it. */
export const ROLLUP_STALE_MS = 5 * 60_000;
const TAIL_MAX = 50_000;

/**
 * Starts a refresh of the statement's rollup in this process (one at a time; across instances the
 * rollup's lock lets one run) when it is missing, stale or has a long tail; never rejects. `db` is a
 * pool with a connection to spare for minutes (the first build reads the whole ledger).
 */
export function keepStatementRollupFresh(db: Kysely<KontorDatabase>, mapping: Mapping, source: StatementSource, now = new Date()): boolean {
  const stale = source.kind === 'ledger'
    || now.getTime() - source.state.refreshedAt.getTime() > ROLLUP_STALE_MS || source.tail > TAIL_MAX;
  if (stale) void refreshInBackground('statement', () => refreshStatementRollup(db, mapping));
  return stale;
}

/** Totals for the period and one row per UTC day (every day, with or without activity). */
export async function getStatement(db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period) {
  assertCan(staff);
  const scale = await creditScale(db, mapping);
  const statement = await viaRollup(db, mapping, (st) => rollupStatement(db, mapping, period, st, scale), () => ledgerStatement(db, mapping, period));
  return { ...statement, days: daysShown(statement.days, period) };
}

/**
 * Per user, for users with a balance or activity in the period: paged, sorted by a whitelisted key.
 * `lines` says where they came from; 'missing': a day or custom period whose lines must first be computed
 * in the background (statement-periods.ts; no rows until then).
 */
export async function listStatementUsers(
  db: QueryExecutorProvider, { staff, mapping }: ReadContext, period: Period,
  q: { sort: StatementUserSort; desc: boolean; limit: number; offset: number; filter: string },
  opts: { storedFrom?: number } = {},
): Promise<{ rows: StatementUserRow[]; total: number; source: StatementSource; lines: PeriodLines }> {
  assertCan(staff);
  const scale = await creditScale(db, mapping);
  return viaRollup(db, mapping, async (st) => {
    const lines = await periodLines(db, mapping, period, st, opts);
    if (lines.kind === 'missing') return { rows: [], total: 0, lines };
    const r = await rollupStatementUsers(db, mapping, period, st, scale, q, lines.kind === 'stored' ? lines.stored : null);
    return r === MOVED ? r : { ...r, lines };
  }, async () => ({ ...(await ledgerStatementUsers(db, mapping, period, q)), lines: { kind: 'live' } as const }));
}

export interface ReplayEntry { id: string; at: string; type: string | null; amount: string; balance: string }

const replayEntry = (r: { id: string; at: Date; type: string | null; amount: string; balance: string }, scale: number): ReplayEntry => ({
  id: r.id, at: r.at.toISOString(), type: r.type, amount: rescale(r.amount, scale), balance: rescale(r.balance, scale),
});

/**
 * A user's balance replayed from the ledger up to a moment, with its latest entries. No moment: the
 * database's now(), so that an entry just made is counted (never the demo's anchor, which is in the past).
 */
export async function asOfBalance(db: QueryExecutorProvider, { staff, mapping }: ReadContext, userId: string, asked: Date | null, limit = 50) {
  assertCan(staff);
  const at = asked ?? (await databaseClock(db)).now;
  // now() itself, not its value through a JavaScript Date (milliseconds): an entry of this very moment counts.
  const upto = asked ? sql`${asked}` : sql`now()`;
  const ledger = ledgerOf(mapping);
  const c = (k: 'amount' | 'createdAt' | 'userId') => columnOf(ledger, k, 'l');
  const type = hasColumn(ledger, 'type') ? sql`${columnOf(ledger, 'type', 'l')}::text` : sql`null::text`;
  const { rows } = await sql<{ id: string; at: Date; type: string | null; amount: string; balance: string; n: string }>`
    select * from (
      select ${keyOf(ledger, 'l')}::text as id, ${c('createdAt')} as at, ${type} as type, ${c('amount')}::text as amount,
             sum(${c('amount')}) over (order by ${c('createdAt')}, ${keyOf(ledger, 'l')})::text as balance,
             count(*) over ()::text as n
        from ${tableOf(ledger)} l where ${c('userId')} = ${userId} and ${c('createdAt')} <= ${upto}
    ) r order by at desc, id desc limit ${limit}`.execute(db);
  const scale = await creditScale(db, mapping);
  return {
    at,
    balance: rescale(rows[0]?.balance ?? '0', scale),
    entries: rows.length ? Number(rows[0].n) : 0,
    recent: rows.map((r) => replayEntry(r, scale)),
  };
}

export interface AccountSummary { userId: string; email: string | null; cached: string | null; ledgerSum: string; drift: string | null; entries: number }

/** One account: its cached balance (when the product keeps one), its ledger sum and the drift between them. */
export async function getAccountSummary(db: QueryExecutorProvider, { staff, mapping }: ReadContext, userId: string): Promise<AccountSummary> {
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
export async function getEntries(db: QueryExecutorProvider, { staff, mapping }: ReadContext, userId: string, ids: string[]): Promise<ReplayEntry[]> {
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
