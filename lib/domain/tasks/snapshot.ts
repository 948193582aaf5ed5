/**
 * The operations figures no index gives quickly, kept in kontor.ops_snapshots and refreshed by a
 * background job (lib/jobs.ts, kind 'ops-snapshot'): money on the queue reads every task of the last
 * 90 days and their ledger entries (seconds to tens of seconds on millions of tasks). The pages read the
 * stored answer, say how fresh it is, and start a refresh when it is older than SNAPSHOT_MAX_AGE_MS; the
 * job slot makes one refresh at a time across every console instance.
 *
 * The figures are computed by the very functions the pages used to call live (findMoneyIssues), as of
 * the queue clock at the refresh: exact then, and as stale as the page says.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Mapping } from '@/lib/mapping';
import { startJob, type JobView } from '@/lib/jobs';
import { findMoneyIssues, moneyIndexHints, MONEY_DEFAULT_DAYS, type MoneyIssue } from '@/lib/domain/tasks/money';
import type { ScanHint } from '@/lib/domain/reconcile/hints';

export const OPS_SNAPSHOT_JOB = 'ops-snapshot';
export const SNAPSHOT_MAX_AGE_MS = 5 * 60_000;

export interface Snapshot<T> {
  /** The queue clock the figures are as of (ISO). */
  asOf: string;
  computedAt: string;
  ageSeconds: number;
  /** How long the computation took. */
  ms: number;
  value: T;
}

export interface MoneySnapshot {
  issues: MoneyIssue[];
  hints: ScanHint[];
  days: number;
}

export const SNAPSHOTS = { money: 'queue-money' } as const;

export async function readSnapshot<T>(db: QueryExecutorProvider, name: string): Promise<Snapshot<T> | null> {
  const { rows } = await sql<{ as_of: Date; computed_at: Date; age: number; ms: number; value: T }>`
    select as_of, computed_at, extract(epoch from clock_timestamp() - computed_at)::float8 as age, ms, value
      from kontor.ops_snapshots where name = ${name}`.execute(db);
  const r = rows[0];
  return r ? { asOf: r.as_of.toISOString(), computedAt: r.computed_at.toISOString(), ageSeconds: Math.max(0, Math.round(r.age)), ms: r.ms, value: r.value } : null;
}

export function isStale(s: Snapshot<unknown> | null, now: Date): boolean {
  // A snapshot of another clock (the demo's anchor moved, a restore) is stale whatever its age; on a
  // live clock the queue moves on with the wall clock, so the same bound applies to both.
  return !s || s.ageSeconds * 1000 > SNAPSHOT_MAX_AGE_MS || Math.abs(now.getTime() - Date.parse(s.asOf)) > SNAPSHOT_MAX_AGE_MS;
}

async function store(db: QueryExecutorProvider, name: string, asOf: Date, ms: number, value: unknown) {
  await sql`
    insert into kontor.ops_snapshots (name, as_of, computed_at, ms, value)
    values (${name}, ${asOf.toISOString()}::timestamptz, clock_timestamp(), ${Math.round(ms)}, ${JSON.stringify(value)}::jsonb)
    on conflict (name) do update set as_of = excluded.as_of, computed_at = excluded.computed_at, ms = excluded.ms, value = excluded.value`.execute(db);
}

/** Money on the queue as the section shows it: the last MONEY_DEFAULT_DAYS days, and the index hint. */
export async function computeMoney(db: QueryExecutorProvider, mapping: Mapping, now: Date): Promise<MoneySnapshot> {
  return { issues: await findMoneyIssues(db, mapping, { now }), hints: await moneyIndexHints(db, mapping), days: MONEY_DEFAULT_DAYS };
}

/**
 * Computes every snapshot and stores it. `readWith` runs a read (a read-only transaction with a long
 * statement timeout, on the long-read pool in the console); `db` writes the rows.
 */
export async function refreshOpsSnapshots(
  db: QueryExecutorProvider,
  readWith: <T>(fn: (trx: QueryExecutorProvider) => Promise<T>) => Promise<T>,
  mapping: Mapping,
  now: Date,
  progress?: (step: string, done: number, total: number) => Promise<void>,
): Promise<{ ms: Record<string, number> }> {
  const ms: Record<string, number> = {};
  if (mapping.tasks && mapping.ledger) {
    await progress?.('Money on the queue', 0, 1);
    const t0 = performance.now();
    const money = await readWith((trx) => computeMoney(trx, mapping, now));
    ms[SNAPSHOTS.money] = performance.now() - t0;
    await store(db, SNAPSHOTS.money, now, ms[SNAPSHOTS.money], money);
  }
  return { ms };
}

/** Starts a refresh in the background unless one is running; `done` settles when it ends. */
export function startOpsSnapshot(
  db: QueryExecutorProvider,
  readWith: <T>(fn: (trx: QueryExecutorProvider) => Promise<T>) => Promise<T>,
  mapping: Mapping,
  now: Date,
  startedBy: string,
): Promise<{ started: boolean; job: JobView; done: Promise<unknown> }> {
  return startJob(db, OPS_SNAPSHOT_JOB, { startedBy, params: { asOf: now.toISOString() } }, (ctx) => refreshOpsSnapshots(db, readWith, mapping, now, ctx.progress));
}
