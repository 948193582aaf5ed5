/**
 * The payments page's totals on a large table: a count and sum per currency of every payment is a
 * pass over all of them (Reigh at 1M users: 1.5M checkouts, each one checked against earlier rows of
 * its session, seconds), so Kontor keeps them per day, currency, status and method in
 * kontor.ops_snapshots ('payment-days'), up to a horizon, and the page adds the payments created since
 * (an index range on the created-at column): exact for the rows stored, current for the new ones.
 * A refresh recounts everything (a correction to an old payment shows after the next one), in the
 * background, when the stored answer is older than PAYMENT_DAYS_MAX_AGE_MS.
 *
 * Only the filters the stored rows hold (dates, currency, status, method) are answered this way; the
 * others (amounts, a user, the credit flags) and small tables are read live, as before.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, tableOf, type Mapping } from '@/lib/mapping';
import { majorAmount, paymentReadConcepts } from '@/lib/domain/payments-common';
import { readSnapshot, type Snapshot } from '@/lib/domain/tasks/snapshot';
import { addDecimals } from '@/lib/money';
import { refreshInBackground } from '@/lib/domain/finance-rollups';
import { assertCan, paymentTotals, whereOf, type PaymentFilters, type PaymentTotals } from '@/lib/domain/payments';
import type { ReadContext } from '@/lib/context';

export const PAYMENT_DAYS = 'payment-days';
export const PAYMENT_DAYS_MAX_AGE_MS = 10 * 60_000;
/** Below this many rows in the payments' table (the planner's estimate) the totals are read live. */
export const STORED_TOTALS_FROM_ROWS = 200_000;

/** One stored group: a UTC day (null: no creation time), the currency (upper case), raw status and method. */
export interface PaymentDay { day: string | null; currency: string | null; status: string | null; method: string | null; n: number; amount: string }
/** `mapping`: the payments concept the groups were counted through (another mapping's are not read). */
export interface PaymentDays { horizon: string; mapping: string; days: PaymentDay[] }

const mappingOf = (mapping: Mapping) => JSON.stringify(paymentReadConcepts(mapping).payments);

const STORED_FILTERS = new Set<keyof PaymentFilters>(['from', 'to', 'currency', 'status', 'method']);

/** Whether the stored days can answer these filters. */
export function storedCanAnswer(filters: PaymentFilters): boolean {
  return (Object.keys(filters) as (keyof PaymentFilters)[]).every((k) => filters[k] === undefined || STORED_FILTERS.has(k));
}

export async function paymentsAreLarge(db: QueryExecutorProvider, mapping: Mapping): Promise<boolean> {
  const t = paymentReadConcepts(mapping).payments.table;
  const { rows } = await sql<{ n: number }>`
    select greatest(c.reltuples, 0)::float8 as n from pg_catalog.pg_class c join pg_catalog.pg_namespace s on s.oid = c.relnamespace
     where s.nspname = ${t.schema} and c.relname = ${t.name}`.execute(db);
  return (rows[0]?.n ?? 0) >= STORED_TOTALS_FROM_ROWS;
}

/** The groups of the payments matching `where` (over the relation aliased p). */
async function groups(db: QueryExecutorProvider, mapping: Mapping, where: RawBuilder<unknown>): Promise<PaymentDay[]> {
  const { payments } = paymentReadConcepts(mapping);
  const opt = (c: 'currency' | 'method') => (hasColumn(payments, c) ? sql`p.${columnOf(payments, c)}::text` : sql`null::text`);
  const { rows } = await sql<{ day: string | null; currency: string | null; status: string | null; method: string | null; n: string; amount: string }>`
    select p.${columnOf(payments, 'createdAt')}::date::text as day, upper(${opt('currency')}) as currency,
           p.${columnOf(payments, 'status')}::text as status, ${opt('method')} as method,
           count(*)::text as n, coalesce(sum(p.${columnOf(payments, 'amount')}), 0)::text as amount
      from ${tableOf(payments)} p where ${where}
     group by 1, 2, 3, 4`.execute(db);
  return rows.map((r) => ({ day: r.day, currency: r.currency, status: r.status, method: r.method, n: Number(r.n), amount: r.amount }));
}

/**
 * Every payment created before the horizon (now, or the start of the oldest transaction still open,
 * whose rows may yet commit behind it), grouped. Run by the refresh, on a read with a long timeout.
 */
export async function computePaymentDays(db: QueryExecutorProvider, mapping: Mapping): Promise<PaymentDays> {
  const { payments } = paymentReadConcepts(mapping);
  const { rows: [h] } = await sql<{ horizon: Date }>`
    select least(now(), coalesce((select min(xact_start) from pg_catalog.pg_stat_activity
                                   where xact_start is not null and pid <> pg_backend_pid() and datname = current_database()), now())) as horizon`.execute(db);
  const created = sql`p.${columnOf(payments, 'createdAt')}`;
  const days = await groups(db, mapping, sql`(${created} < ${h.horizon} or ${created} is null)`);
  return { horizon: h.horizon.toISOString(), mapping: mappingOf(mapping), days };
}

function matches(d: PaymentDay, f: PaymentFilters, mapping: Mapping): boolean {
  const { payments } = paymentReadConcepts(mapping);
  if (f.status && (payments.statuses[f.status] === undefined || d.status !== payments.statuses[f.status])) return false;
  if (f.method && hasColumn(payments, 'method') && d.method !== f.method) return false;
  if (f.currency && hasColumn(payments, 'currency') && d.currency !== f.currency) return false;
  if (f.from && (d.day === null || d.day < f.from)) return false;
  if (f.to && (d.day === null || d.day > f.to)) return false;
  return true;
}

/** The totals: the stored groups that match, plus the payments created since the horizon, read now. */
export async function storedTotals(
  db: QueryExecutorProvider, mapping: Mapping, stored: PaymentDays, filters: PaymentFilters,
): Promise<PaymentTotals & { tail: number }> {
  const { payments } = paymentReadConcepts(mapping);
  const tail = await groups(db, mapping, sql`p.${columnOf(payments, 'createdAt')} >= ${new Date(stored.horizon)} and ${whereOf(filters, mapping)}`);
  const per = new Map<string | null, { n: number; amount: string }>();
  for (const d of [...stored.days.filter((x) => matches(x, filters, mapping)), ...tail]) {
    const c = per.get(d.currency) ?? { n: 0, amount: '0' };
    per.set(d.currency, { n: c.n + d.n, amount: addDecimals(c.amount, d.amount) });
  }
  const byCurrency = [...per].sort((a, b) => b[1].n - a[1].n || (a[0] === null ? 1 : b[0] === null ? -1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, 50)
    .map(([currency, c]) => ({ currency, count: c.n, amount: majorAmount(payments, c.amount, currency) }));
  return { count: byCurrency.reduce((n, c) => n + c.count, 0), byCurrency, tail: tail.reduce((n, d) => n + d.n, 0) };
}

/** The stored groups, or null when none are stored for this mapping. */
export async function readPaymentDays(db: QueryExecutorProvider, mapping: Mapping): Promise<Snapshot<PaymentDays> | null> {
  const s = await readSnapshot<PaymentDays>(db, PAYMENT_DAYS);
  return s && s.value.mapping === mappingOf(mapping) ? s : null;
}

/** Recounts and stores, unless this process is at it already; never rejects (the page keeps the stored answer). */
export function refreshPaymentDays(
  db: QueryExecutorProvider, mapping: Mapping, readLong: <T>(fn: (trx: QueryExecutorProvider) => Promise<T>) => Promise<T>,
): Promise<unknown> {
  return refreshInBackground(PAYMENT_DAYS, async () => {
    const t0 = performance.now();
    const value = await readLong((trx) => computePaymentDays(trx, mapping));
    await storePaymentDays(db, value, performance.now() - t0);
  });
}

export const paymentDaysStale = (s: Snapshot<PaymentDays> | null) => !s || s.ageSeconds * 1000 > PAYMENT_DAYS_MAX_AGE_MS;

/** Stores a computed answer (as_of: its horizon). */
export async function storePaymentDays(db: QueryExecutorProvider, value: PaymentDays, ms: number) {
  await sql`
    insert into kontor.ops_snapshots (name, as_of, computed_at, ms, value)
    values (${PAYMENT_DAYS}, ${value.horizon}::timestamptz, clock_timestamp(), ${Math.round(ms)}, ${JSON.stringify(value)}::jsonb)
    on conflict (name) do update set as_of = excluded.as_of, computed_at = excluded.computed_at, ms = excluded.ms, value = excluded.value`.execute(db);
}

export interface TotalsView {
  /** Null while the first count runs in the background. */
  totals: PaymentTotals | null;
  /** Where the stored count came from; null: read live. */
  stored: { computedAt: string; ageSeconds: number; horizon: string; tail: number } | null;
  /** The stored count is missing or old: the page starts a recount (refreshPaymentDays). */
  stale: boolean;
  /** The filters need a pass over every payment of a large table (an amount or flag, unbounded): not counted. */
  notCounted: boolean;
  /** The methods and currencies the stored days hold (every one: the filter form's choices); null: not stored. */
  facets: { methods: string[]; currencies: string[] } | null;
}

const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))].sort().slice(0, 50);

/**
 * Whether an amount or flag filter (or the amount order) may read the filtered payments live on a large
 * table: only within one user (its index). A period is no bound: Reigh at 1M users takes 500k checkouts
 * a month, and its month's totals with an amount filter took 8.5 s.
 */
export function liveIsBounded(f: PaymentFilters): boolean {
  return Boolean(f.user);
}

/** The totals the page shows: live on a small table or for filters the stored days do not hold, else stored plus the tail. */
export async function paymentTotalsView(db: QueryExecutorProvider, ctx: ReadContext, filters: PaymentFilters): Promise<TotalsView> {
  assertCan(ctx.staff);
  const { mapping } = ctx;
  if (!(await paymentsAreLarge(db, mapping))) return { totals: await paymentTotals(db, ctx, filters), stored: null, stale: false, facets: null, notCounted: false };
  const s = await readPaymentDays(db, mapping);
  const facets = s ? { methods: distinct(s.value.days.map((d) => d.method)), currencies: distinct(s.value.days.map((d) => d.currency)) } : null;
  if (!storedCanAnswer(filters)) {
    // An amount or flag filter is a pass over every payment: counted only within a user.
    if (!liveIsBounded(filters)) return { totals: null, stored: null, stale: paymentDaysStale(s), facets, notCounted: true };
    return { totals: await paymentTotals(db, ctx, filters), stored: null, stale: paymentDaysStale(s), facets, notCounted: false };
  }
  if (!s) return { totals: null, stored: null, stale: true, facets, notCounted: false };
  const { tail, ...totals } = await storedTotals(db, mapping, s.value, filters);
  return { totals, stored: { computedAt: s.computedAt, ageSeconds: s.ageSeconds, horizon: s.value.horizon, tail }, stale: paymentDaysStale(s), facets, notCounted: false };
}
