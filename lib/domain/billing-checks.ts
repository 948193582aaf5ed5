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
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { pathSql, whereSql } from '@/lib/mapping/sql';

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

export async function runBillingChecks(db: QueryExecutorProvider, m: Mapping, opts: { limit?: number } = {}): Promise<BillingReport> {
  const limit = opts.limit ?? BILLING_LIMIT;
  const checks: BillingCheck[] = [];
  const findings: BillingFinding[] = [];
  for (const [kind, check] of [
    ['payment_duplicate_period', duplicatePeriods],
    ['paid_subscription_free_tier', paidOnFreeTier],
    ['usage_counter_drift', counterDrift],
  ] as const) {
    const outcome = await check(db, m, limit);
    if (typeof outcome === 'string') checks.push({ kind, ran: false, why: outcome, found: 0 });
    else {
      checks.push({ kind, ran: true, found: outcome.length });
      findings.push(...outcome);
    }
  }
  return { checks, findings };
}

/** Completed payments grouped by what they pay for: every one after the first is a duplicate. */
async function duplicatePeriods(db: QueryExecutorProvider, m: Mapping, limit: number): Promise<BillingFinding[] | string> {
  const p = m.payments;
  if (!p) return m.absent.payments ?? 'the product keeps no payments';
  if (!hasColumn(p, 'periodKey')) return `the mapping names no invoice or period for ${p.table.name} (payments.columns.periodKey)`;
  const paid = p.statuses.completed;
  if (!paid) return 'the mapping names no completed status for payments';
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

/** Paying subscriptions whose user's tier is free. */
async function paidOnFreeTier(db: QueryExecutorProvider, m: Mapping, limit: number): Promise<BillingFinding[] | string> {
  const s = m.subscriptions;
  const u = m.users;
  if (!s) return m.absent.subscriptions ?? 'the product keeps no subscriptions';
  if (!u || !hasColumn(u, 'tierId')) return 'the users table has no tier column to compare with';
  const paying = [s.statuses.active, s.statuses.trialing].filter((x): x is string => Boolean(x));
  if (!paying.length) return 'the mapping names no paying status (active, trialing) for subscriptions';
  const t = m.tiers;
  let free: RawBuilder<unknown>;
  if (t && t.free.length) {
    free = sql`exists (select 1 from ${tableOf(t)} t where t.${keyOf(t)}::text = u.${columnOf(u, 'tierId')}::text
                         and t.${columnOf(t, 'name')}::text = any(${t.free}::text[]))`;
  } else if (s.freeTierValues.length) {
    free = sql`u.${columnOf(u, 'tierId')}::text = any(${s.freeTierValues}::text[])`;
  } else {
    return 'the mapping names no free tier (tiers.free or subscriptions.freeTierValues)';
  }
  const { rows } = await sql<{ id: string; status: string; tier: string | null; sub: string }>`
    select distinct on (u.${keyOf(u)}) u.${keyOf(u)}::text as id, s.${columnOf(s, 'status')}::text as status,
           u.${columnOf(u, 'tierId')}::text as tier, s.${keyOf(s)}::text as sub
      from ${tableOf(s)} s join ${tableOf(u)} u on u.${keyOf(u)}::text = s.${columnOf(s, 'userId')}::text
     where s.${columnOf(s, 'status')}::text = any(${paying}::text[]) and ${free}
     order by u.${keyOf(u)} limit ${limit}`.execute(db);
  return rows.map((r) => ({
    kind: 'paid_subscription_free_tier', id: r.id, userId: r.id, expected: 'a paid tier', actual: r.tier,
    detail: `Subscription ${r.sub} is ${r.status}, yet the user's tier is ${r.tier ?? 'none'} (free).`,
  }));
}

/** Counters summed per match (and period) against their events summed the same way. */
async function counterDrift(db: QueryExecutorProvider, m: Mapping, limit: number): Promise<BillingFinding[] | string> {
  const c = m.usageCounters;
  if (!c) return m.absent.usageCounters ?? 'the product keeps no usage counters beside their events';
  const cm = c.match?.counter ?? c.columns.userId;
  const em = c.match?.events ?? c.columns.userId;
  if (!cm || !em) return 'the mapping says nothing ties a counter to its events (usageCounters.match)';
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
