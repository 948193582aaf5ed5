/**
 * Billing checks that need no credit ledger, for products that bill by subscription, per purchase or
 * by usage (the story app, AetherCrown98, Seydam) as well as those that keep one:
 * - payment_duplicate_period: two completed payments for one invoice, billing period or checkout
 *   (payments.columns.periodKey); the later ones are the duplicates;
 * - paid_subscription_free_tier: a subscription in a paying status (active, trialing) whose user is on
 *   a free tier (tiers.free, or subscriptions.freeTierValues when there is no tiers table);
 * - usage_counter_drift: a usage counter that disagrees with the events it counts, per match (the
 *   user, or another column) and period.
 * Each check says whether it ran and, when it did not, why: a check that could not run is never
 * reported as "nothing found".
 */
import 'server-only';
import crypto from 'node:crypto';
import { sql, type QueryExecutorProvider } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { pathSql, whereSql } from '@/lib/mapping/sql';
import { startJob, type JobView } from '@/lib/jobs';

export const BILLING_KINDS = ['payment_duplicate_period', 'paid_subscription_free_tier', 'usage_counter_drift'] as const;
export type BillingKind = (typeof BILLING_KINDS)[number];

export const BILLING_LABELS: Record<BillingKind, string> = {
  payment_duplicate_period: 'Two completed payments for one invoice or period',
  paid_subscription_free_tier: 'Paid subscription, user still on a free tier',
  usage_counter_drift: 'Usage counter differs from the events it counts',
};

export interface BillingFinding {
  kind: BillingKind;
  /** The row the finding is about: the duplicate payment, the user, the counter row. */
  id: string;
  userId: string | null;
  expected: string | null;
  actual: string | null;
  detail: string;
}

export interface BillingCheck {
  kind: BillingKind;
  ran: boolean;
  /** Why it did not run, in the product's terms. */
  why?: string;
  found: number;
}

export interface BillingReport {
  checks: BillingCheck[];
  findings: BillingFinding[];
}

/** At most this many findings per check: a product-wide bug is one look, not a million rows. */
export const BILLING_LIMIT = 500;

/** A check: why it cannot run on this mapping (null: it can), the tables it reads, and the check itself. */
interface Check {
  kind: BillingKind;
  whyNot(m: Mapping): string | null;
  tables(m: Mapping): { schema: string; name: string }[];
  run(db: QueryExecutorProvider, m: Mapping, limit: number): Promise<BillingFinding[]>;
}

export async function runBillingChecks(db: QueryExecutorProvider, m: Mapping, opts: { limit?: number } = {}): Promise<BillingReport> {
  const limit = opts.limit ?? BILLING_LIMIT;
  const checks: BillingCheck[] = [];
  const findings: BillingFinding[] = [];
  for (const check of CHECKS) {
    const why = check.whyNot(m);
    if (why) {
      checks.push({ kind: check.kind, ran: false, why, found: 0 });
      continue;
    }
    const found = await check.run(db, m, limit);
    checks.push({ kind: check.kind, ran: true, found: found.length });
    findings.push(...found);
  }
  return { checks, findings };
}

/** Completed payments grouped by what they pay for: every one after the first is a duplicate. */
const duplicatePeriods: Check = {
  kind: 'payment_duplicate_period',
  whyNot(m) {
    const p = m.payments;
    if (!p) return m.absent.payments ?? 'the product keeps no payments';
    if (!hasColumn(p, 'periodKey')) return `the mapping names no invoice or period for ${p.table.name} (payments.columns.periodKey)`;
    if (!p.statuses.completed) return 'the mapping names no completed status for payments';
    return null;
  },
  tables: (m) => [m.payments!.table],
  run: duplicatePeriodsRun,
};

async function duplicatePeriodsRun(db: QueryExecutorProvider, m: Mapping, limit: number): Promise<BillingFinding[]> {
  const p = m.payments!;
  const paid = p.statuses.completed!;
  const created = hasColumn(p, 'createdAt') ? sql`x.${columnOf(p, 'createdAt')}` : sql`null`;
  const { rows } = await sql<{ id: string; user_id: string | null; period: string; n: number; first: string }>`
    select id, user_id, period, n, first from (
      select x.${keyOf(p)}::text as id, x.${columnOf(p, 'userId')}::text as user_id, x.${columnOf(p, 'periodKey')}::text as period,
             count(*) over w::int as n, first_value(x.${keyOf(p)}::text) over w as first,
             row_number() over w as rn
        from ${tableOf(p)} x
       where x.${columnOf(p, 'status')}::text = ${paid} and x.${columnOf(p, 'periodKey')} is not null
      window w as (partition by x.${columnOf(p, 'periodKey')} order by ${created}, x.${keyOf(p)}
                   rows between unbounded preceding and unbounded following)
    ) d where n > 1 and rn > 1
    order by period, id limit ${limit}`.execute(db);
  return rows.map((r) => ({
    kind: 'payment_duplicate_period', id: r.id, userId: r.user_id, expected: '1', actual: String(r.n),
    detail: `${r.n} completed payments for ${r.period}; the first is ${r.first}, this one is a duplicate.`,
  }));
}

const payingStatuses = (s: NonNullable<Mapping['subscriptions']>) => [s.statuses.active, s.statuses.trialing].filter((x): x is string => Boolean(x));

/** Paying subscriptions whose user's tier is free. */
const paidOnFreeTier: Check = {
  kind: 'paid_subscription_free_tier',
  whyNot(m) {
    const s = m.subscriptions;
    const u = m.users;
    if (!s) return m.absent.subscriptions ?? 'the product keeps no subscriptions';
    if (!u || !hasColumn(u, 'tierId')) return 'the users table has no tier column to compare with';
    if (!payingStatuses(s).length) return 'the mapping names no paying status (active, trialing) for subscriptions';
    if (!(m.tiers && m.tiers.free.length) && !s.freeTierValues.length) return 'the mapping names no free tier (tiers.free or subscriptions.freeTierValues)';
    return null;
  },
  tables: (m) => [m.subscriptions!.table, m.users!.table, ...(m.tiers && m.tiers.free.length ? [m.tiers.table] : [])],
  run: paidOnFreeTierRun,
};

async function paidOnFreeTierRun(db: QueryExecutorProvider, m: Mapping, limit: number): Promise<BillingFinding[]> {
  const s = m.subscriptions!;
  const u = m.users!;
  const paying = payingStatuses(s);
  const t = m.tiers;
  const free = t && t.free.length
    ? sql`exists (select 1 from ${tableOf(t)} t where t.${keyOf(t)}::text = u.${columnOf(u, 'tierId')}::text
                    and t.${columnOf(t, 'name')}::text = any(${t.free}::text[]))`
    : sql`u.${columnOf(u, 'tierId')}::text = any(${s.freeTierValues}::text[])`;
  // Materialized: the whole join first (a hash or merge join over the paying subscriptions). With the
  // LIMIT beside it the planner walked every user in key order against the subscriptions, a nested
  // loop through the text comparison (over 10 min at 1M users, the story app).
  const { rows } = await sql<{ id: string; status: string; tier: string | null; sub: string }>`
    with f as materialized (
      select u.${keyOf(u)} as k, u.${keyOf(u)}::text as id, s.${columnOf(s, 'status')}::text as status,
             u.${columnOf(u, 'tierId')}::text as tier, s.${keyOf(s)}::text as sub
        from ${tableOf(s)} s join ${tableOf(u)} u on u.${keyOf(u)}::text = s.${columnOf(s, 'userId')}::text
       where s.${columnOf(s, 'status')}::text = any(${paying}::text[]) and ${free}
    )
    select distinct on (k) id, status, tier, sub from f order by k limit ${limit}`.execute(db);
  return rows.map((r) => ({
    kind: 'paid_subscription_free_tier', id: r.id, userId: r.id, expected: 'a paid tier', actual: r.tier,
    detail: `Subscription ${r.sub} is ${r.status}, yet the user's tier is ${r.tier ?? 'none'} (free).`,
  }));
}

/** Counters summed per match (and period) against their events summed the same way. */
const counterDrift: Check = {
  kind: 'usage_counter_drift',
  whyNot(m) {
    const c = m.usageCounters;
    if (!c) return m.absent.usageCounters ?? 'the product keeps no usage counters beside their events';
    if (!(c.match?.counter ?? c.columns.userId) || !(c.match?.events ?? c.columns.userId)) return 'the mapping says nothing ties a counter to its events (usageCounters.match)';
    return null;
  },
  tables: (m) => [m.usageCounters!.table, m.usageCounters!.events.table],
  run: counterDriftRun,
};

async function counterDriftRun(db: QueryExecutorProvider, m: Mapping, limit: number): Promise<BillingFinding[]> {
  const c = m.usageCounters!;
  const cm = (c.match?.counter ?? c.columns.userId)!;
  const em = (c.match?.events ?? c.columns.userId)!;
  const ev = c.events;
  const period = c.periodFormat && hasColumn(c, 'period') && ev.createdAt;
  const evWhere = ev.where && Object.keys(ev.where).length ? sql`where ${whereSql(ev.where, 'e')}` : sql``;
  const evPeriod = period ? sql`to_char(${pathSql(ev.createdAt!, 'e')} at time zone 'UTC', 'YYYY-MM')` : sql`''`;
  const cPeriod = period ? sql`x.${columnOf(c, 'period')}::text` : sql`''`;
  const amount = ev.amount ? sql`coalesce(sum((${pathSql(ev.amount, 'e')})::numeric), 0)` : sql`count(*)::numeric`;
  const userId = hasColumn(c, 'userId') ? sql`min(x.${columnOf(c, 'userId')}::text)` : sql`null::text`;
  // Where several counter rows add up to one total (a tally per report), the finding names the newest.
  const firstBy = hasColumn(c, 'createdAt') ? sql`x.${columnOf(c, 'createdAt')} desc, x.${keyOf(c)}` : sql`x.${keyOf(c)}`;
  const { rows } = await sql<{ id: string; user_id: string | null; counted: string; events: string; period: string }>`
    with k as (
      select ${pathSql(cm, 'x')}::text as m, ${cPeriod} as period, sum((x.${columnOf(c, 'value')})::numeric) as counted,
             (array_agg(x.${keyOf(c)}::text order by ${firstBy}))[1] as id, ${userId} as user_id
        from ${tableOf(c)} x group by 1, 2
    ), e as (
      select ${pathSql(em, 'e')}::text as m, ${evPeriod} as period, ${amount} as n
        from ${sql.id(ev.table.schema, ev.table.name)} e ${evWhere} group by 1, 2
    )
    select k.id, k.user_id, k.counted::text as counted, coalesce(e.n, 0)::text as events, k.period
      from k left join e on e.m = k.m and e.period = k.period
     where k.counted <> coalesce(e.n, 0)
     order by k.id limit ${limit}`.execute(db);
  return rows.map((r) => ({
    kind: 'usage_counter_drift', id: r.id, userId: r.user_id, expected: r.events, actual: r.counted,
    detail: `The counter says ${r.counted}${r.period ? ` for ${r.period}` : ''}; its events add up to ${r.events}.`,
  }));
}

const CHECKS: Check[] = [duplicatePeriods, paidOnFreeTier, counterDrift];

/**
 * On a large product the checks compare every counter with its events and every payment with the
 * others of its period: seconds to minutes at a million users (a full comparison, no index spares it).
 * There the page reads the last full run, stored in kontor.ops_snapshots by a background job (kind
 * BILLING_JOB), and says how old it is; a run older than BILLING_MAX_AGE_MS starts a new one. Below
 * BILLING_LIVE_BELOW_ROWS rows (the planner's estimate, over the tables of the checks that can run)
 * the checks run in the request, as they always did. `kontor reconcile` runs them in full, on demand.
 */
export const BILLING_JOB = 'billing-checks';
export const BILLING_SNAPSHOT = 'billing-checks';
export const BILLING_MAX_AGE_MS = 15 * 60_000;
export const BILLING_LIVE_BELOW_ROWS = 200_000;

/** What the stored report was computed for: a report of another mapping (a preset switch) is not shown. */
export function billingSignature(m: Mapping): string {
  const used = { payments: m.payments, subscriptions: m.subscriptions, users: m.users, tiers: m.tiers, usageCounters: m.usageCounters };
  return crypto.createHash('sha256').update(JSON.stringify(used)).digest('hex').slice(0, 16);
}

/** The planner's row estimate over the tables the runnable checks read. */
export async function billingRows(db: QueryExecutorProvider, m: Mapping): Promise<number> {
  const tables = CHECKS.filter((c) => !c.whyNot(m)).flatMap((c) => c.tables(m));
  if (!tables.length) return 0;
  const { rows } = await sql<{ n: number }>`
    select coalesce(sum(greatest(c.reltuples, 0)), 0)::float8 as n
      from pg_catalog.pg_class c join pg_catalog.pg_namespace s on s.oid = c.relnamespace
     where (s.nspname, c.relname) in (${sql.join(tables.map((t) => sql`(${t.schema}, ${t.name})`))})`.execute(db);
  return rows[0]?.n ?? 0;
}

export interface StoredBillingReport {
  report: BillingReport;
  computedAt: string;
  ageSeconds: number;
  /** How long the full run took. */
  ms: number;
}

export async function readStoredBilling(db: QueryExecutorProvider, m: Mapping): Promise<StoredBillingReport | null> {
  const { rows } = await sql<{ computed_at: Date; age: number; ms: number; value: { signature: string; report: BillingReport } }>`
    select computed_at, extract(epoch from clock_timestamp() - computed_at)::float8 as age, ms, value
      from kontor.ops_snapshots where name = ${BILLING_SNAPSHOT}`.execute(db);
  const r = rows[0];
  if (!r || r.value.signature !== billingSignature(m)) return null;
  return { report: r.value.report, computedAt: r.computed_at.toISOString(), ageSeconds: Math.max(0, Math.round(r.age)), ms: r.ms };
}

/**
 * Runs every check in full and stores the report. `readWith` runs the read (a read-only transaction
 * with a long statement timeout); `db` writes the row.
 */
export async function refreshBillingChecks(
  db: QueryExecutorProvider,
  readWith: <T>(fn: (trx: QueryExecutorProvider) => Promise<T>) => Promise<T>,
  m: Mapping,
): Promise<{ ms: number; found: number }> {
  const started = new Date();
  const t0 = performance.now();
  const report = await readWith((trx) => runBillingChecks(trx, m));
  const ms = Math.round(performance.now() - t0);
  await sql`
    insert into kontor.ops_snapshots (name, as_of, computed_at, ms, value)
    values (${BILLING_SNAPSHOT}, ${started.toISOString()}::timestamptz, clock_timestamp(), ${ms},
            ${JSON.stringify({ signature: billingSignature(m), report })}::jsonb)
    on conflict (name) do update set as_of = excluded.as_of, computed_at = excluded.computed_at, ms = excluded.ms, value = excluded.value`.execute(db);
  return { ms, found: report.findings.length };
}

/** Starts a full run in the background unless one is running; `done` settles when it ends. */
export function startBillingChecks(
  db: QueryExecutorProvider,
  readWith: <T>(fn: (trx: QueryExecutorProvider) => Promise<T>) => Promise<T>,
  m: Mapping,
  startedBy: string,
): Promise<{ started: boolean; job: JobView; done: Promise<unknown> }> {
  return startJob(db, BILLING_JOB, { startedBy }, async (ctx) => {
    await ctx.progress('Billing checks', 0, 1);
    return refreshBillingChecks(db, readWith, m);
  });
}
