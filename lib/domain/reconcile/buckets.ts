/**
 * A full run's payment and task checks, narrowed by signatures before they join anything.
 *
 * Joining every payment and task to its ledger entries costs two hash tables of a million and more
 * rows each (most of a full run's CPU). Instead the keys are cut into about 4,096 ranges (quantiles of a
 * sample), and each range gets a signature from each side: from the ledger, the XOR of a 64-bit hash
 * of every entry (payment, sign of the amount; task, amount) and their count; from the payments and
 * tasks, the same of the one entry each should have (a paid payment: one grant; a complete billable
 * task with a cost: one spend of that cost). Those aggregations have a few thousand groups and stay in
 * the CPU's caches. Only the ranges whose signatures differ are checked, by the very check an
 * incremental run uses (checks.ts), on the keys in them (index ranges).
 *
 * Why nothing is missed: every finding is an entry set that differs from the expected one, which
 * changes its range's multiset of hashes; equal counts and equal XORs of two different multisets
 * need a set of distinct hashes that XOR to zero (a 2^-64 chance), as the users' fingerprint already
 * accepts. A range may differ without a finding (a grant reversed and granted again, a task charged
 * in two parts); the check then finds nothing there. Tables under 200,000 rows, and a check with more
 * than an eighth of its ranges differing (say, a product that charges when a task is queued), are
 * checked whole, as before.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import type { Finding } from '@/lib/domain/reconcile/kinds';
import { billableTask, keyType, paymentFindings, sampleQuantiles, taskFindings, type Concepts } from '@/lib/domain/reconcile/checks';

/** The sorted range boundaries of a key, as text, and its catalog type. */
export interface Bounds {
  bounds: string[];
  type: RawBuilder<unknown>;
}

/** Which checks are narrowed, and by which boundaries (a check without is run whole). */
export interface BucketPlan {
  payments: Bounds | null;
  tasks: Bounds | null;
}

/** A range's signature: XOR of the hashes (as text: a bigint) and how many there are. */
export type Signatures = Map<number, { x: string; n: number }>;

export interface BucketOptions {
  /** Tables under this many rows (the catalog's estimate) are checked whole; default 200,000. */
  above?: number;
  /** Ranges per key; default 4,096. */
  count?: number;
}

/** Ranges that differ beyond this share of all are not worth narrowing: the check then runs whole. */
const MAX_DIFFERING = 1 / 8;

/**
 * Plans the ranges. Tasks are narrowed only where a complete task's expected charge is known (the
 * cost column); payments always can be (a paid payment expects one grant).
 */
export async function planBuckets(trx: Trx, c: Concepts, opts: BucketOptions = {}): Promise<BucketPlan> {
  const above = opts.above ?? 200_000;
  const count = opts.count ?? 4096;
  const distinctTypes = c.ledger.types.purchase !== c.ledger.types.spend;
  return {
    payments: c.payments && distinctTypes ? await keyBounds(trx, c.payments.table, c.payments.key, above, count) : null,
    tasks: c.tasks && distinctTypes && hasColumn(c.tasks, 'cost') ? await keyBounds(trx, c.tasks.table, c.tasks.key, above, count) : null,
  };
}

/** `count` ranges of about equal size (sampleQuantiles), and the key's type. */
async function keyBounds(trx: Trx, table: { schema: string; name: string }, column: string, above: number, count: number): Promise<Bounds | null> {
  const bounds = await sampleQuantiles(trx, table, column, count, above);
  return bounds && { bounds, type: await keyType(trx, table, column) };
}

const boundsOf = (b: Bounds) => sql`${b.bounds}::text[]::${b.type}[]`;

/** Both checks' signatures from the ledger, in one pass over it. */
export async function ledgerSignatures(trx: Trx, c: Concepts, plan: BucketPlan): Promise<{ payments: Signatures; tasks: Signatures }> {
  const { ledger } = c;
  const type = columnOf(ledger, 'type', 'l');
  const amount = columnOf(ledger, 'amount', 'l');
  const parts: { kind: 'p' | 't'; when: RawBuilder<unknown>; bucket: RawBuilder<unknown>; hash: RawBuilder<unknown> }[] = [];
  if (plan.payments) {
    const ref = sql`${columnOf(ledger, 'paymentId', 'l')}::${plan.payments.type}`;
    parts.push({
      kind: 'p', when: sql`${type} = ${ledger.types.purchase!} and ${columnOf(ledger, 'paymentId', 'l')} is not null`,
      bucket: sql`width_bucket(${ref}, ${boundsOf(plan.payments)})`, hash: sql`hash_record_extended(row(${ref}, sign(${amount})::int), 0)`,
    });
  }
  if (plan.tasks) {
    const ref = sql`${columnOf(ledger, 'taskId', 'l')}::${plan.tasks.type}`;
    parts.push({
      kind: 't', when: sql`${type} = ${ledger.types.spend!} and ${columnOf(ledger, 'taskId', 'l')} is not null`,
      bucket: sql`width_bucket(${ref}, ${boundsOf(plan.tasks)})`, hash: sql`hash_record_extended(row(${ref}, ${amount}::numeric), 0)`,
    });
  }
  const out = { payments: new Map() as Signatures, tasks: new Map() as Signatures };
  if (!parts.length) return out;
  const pick = (f: (p: (typeof parts)[number]) => RawBuilder<unknown>) =>
    sql`case ${sql.join(parts.map((p) => sql`when ${p.when} then ${f(p)}`), sql` `)} end`;
  const { rows } = await sql<{ k: 'p' | 't'; b: number; x: string; n: number }>`
    select k, b, bit_xor(h)::text as x, count(*)::int as n
      from (select ${pick((p) => sql`${p.kind}`)} as k, ${pick((p) => p.bucket)} as b, ${pick((p) => p.hash)} as h
              from ${tableOf(ledger)} l where ${sql.join(parts.map((p) => sql`(${p.when})`), sql` or `)}) e
     group by 1, 2`.execute(trx);
  for (const r of rows) (r.k === 'p' ? out.payments : out.tasks).set(r.b, { x: r.x, n: r.n });
  return out;
}

/** What the ledger should hold for the payments: one grant (a positive entry) per paid payment. */
export async function paymentSignatures(trx: Trx, c: Concepts, b: Bounds): Promise<Signatures> {
  const p = c.payments!;
  const key = sql`p.${keyOf(p)}`;
  return signatures(trx, sql`
    select width_bucket(${key}, ${boundsOf(b)}) as b, hash_record_extended(row(${key}, 1), 0) as h
      from ${tableOf(p)} p where p.${columnOf(p, 'status')}::text = any(${c.paid}::text[])`);
}

/** What the ledger should hold for the tasks: one spend of the cost per complete, billable task that has one. */
export async function taskSignatures(trx: Trx, c: Concepts, b: Bounds): Promise<Signatures> {
  const t = c.tasks!;
  const key = sql`t.${keyOf(t)}`;
  const cost = sql`coalesce(t.${columnOf(t, 'cost')}, 0)`;
  return signatures(trx, sql`
    select width_bucket(${key}, ${boundsOf(b)}) as b, hash_record_extended(row(${key}, (-${cost})::numeric), 0) as h
      from ${tableOf(t)} t
     where t.${columnOf(t, 'status')} = ${t.statuses.complete!} and ${await billableTask(trx, c)} and ${cost} > 0`);
}

async function signatures(trx: Trx, rows: RawBuilder<unknown>): Promise<Signatures> {
  const { rows: r } = await sql<{ b: number; x: string; n: number }>`
    select b, bit_xor(h)::text as x, count(*)::int as n from (${rows}) s group by 1`.execute(trx);
  return new Map(r.map((x) => [x.b, { x: x.x, n: x.n }]));
}

/** The ranges whose signatures differ, ascending. */
export function differing(a: Signatures, b: Signatures): number[] {
  const out = new Set<number>();
  for (const [k, v] of a) { const w = b.get(k); if (!w || w.x !== v.x || w.n !== v.n) out.add(k); }
  for (const k of b.keys()) if (!a.has(k)) out.add(k);
  return [...out].sort((x, y) => x - y);
}

/**
 * `column` within the ranges `buckets` (width_bucket numbers: 0 below the first boundary, i from the
 * i-th up to the next, the last from the last boundary up), adjacent ranges merged: plain comparisons,
 * which an index on the column serves.
 */
export function inBuckets(column: RawBuilder<unknown>, b: Bounds, buckets: number[]): RawBuilder<unknown> {
  const runs: [number, number][] = [];
  for (const k of buckets) {
    const last = runs.at(-1);
    if (last && last[1] === k - 1) last[1] = k;
    else runs.push([k, k]);
  }
  if (!runs.length) return sql`false`;
  return sql.join(runs.map(([from, to]) => {
    const sides = [
      ...(from > 0 ? [sql`${column} >= ${b.bounds[from - 1]}::${b.type}`] : []),
      ...(to < b.bounds.length ? [sql`${column} < ${b.bounds[to]}::${b.type}`] : []),
    ];
    return sides.length ? sql`(${sql.join(sides, sql` and `)})` : sql`true`;
  }), sql` or `);
}

/**
 * The payment and task findings of a full run, narrowed by `plan` (planBuckets) where the tables are
 * large enough to be worth it. `paymentSignaturesFrom`, when given, supplies the payments' side of the
 * signatures (computed on another lane, parallel-lanes.ts); otherwise they are computed here.
 */
export async function narrowedFindings(
  trx: Trx, c: Concepts, plan: BucketPlan, paymentSignaturesFrom?: () => Promise<Signatures | null>,
): Promise<Finding[]> {
  const fromLedger = await ledgerSignatures(trx, c, plan);
  const tasks = plan.tasks
    ? await within(differing(fromLedger.tasks, await taskSignatures(trx, c, plan.tasks)), plan.tasks, (inB) => candidates(trx, c, 'tasks', inB))
    : undefined;
  const payments = plan.payments
    ? await within(differing(fromLedger.payments, (await paymentSignaturesFrom?.()) ?? (await paymentSignatures(trx, c, plan.payments))), plan.payments,
      (inB) => candidates(trx, c, 'payments', inB))
    : undefined;
  return [...(await taskFindings(trx, c, tasks)), ...(await paymentFindings(trx, c, payments))];
}

/** The candidate keys in `buckets`, or undefined (every row) when too many ranges differ to narrow. */
async function within(buckets: number[], b: Bounds, keys: (inB: (column: RawBuilder<unknown>) => RawBuilder<unknown>) => Promise<string[]>) {
  if (buckets.length > (b.bounds.length + 1) * MAX_DIFFERING) return undefined;
  return buckets.length ? keys((column) => inBuckets(column, b, buckets)) : [];
}

/**
 * The keys in the ranges (`inB`) of the payments or the tasks, and those their ledger entries (purchases
 * or spends) point at: a check narrowed to them sees every row and entry of those ranges.
 */
async function candidates(trx: Trx, c: Concepts, which: 'payments' | 'tasks', inB: (column: RawBuilder<unknown>) => RawBuilder<unknown>): Promise<string[]> {
  const { ledger } = c;
  const table = c[which]!;
  const [column, type] = which === 'payments' ? (['paymentId', ledger.types.purchase!] as const) : (['taskId', ledger.types.spend!] as const);
  const ref = columnOf(ledger, column, 'l');
  const { rows } = await sql<{ id: string }>`
    select x.${keyOf(table)}::text as id from ${tableOf(table)} x where ${inB(sql`x.${keyOf(table)}`)}
    union
    select ${ref}::text from ${tableOf(ledger)} l
     where l.${columnOf(ledger, 'type')} = ${type} and ${ref} is not null and (${inB(ref)})`.execute(trx);
  return rows.map((r) => r.id);
}
