/**
 * The operations figures no index gives quickly, kept in kontor.ops_snapshots and refreshed by a
 * background job (lib/jobs.ts, kind 'ops-snapshot'). At the benchmark size (2M tasks, 10M ledger rows):
 * - each type's usual wait, for "queued far longer than usual" (a week of started tasks, ~850k rows);
 * - each worker's last hour (no index on the finish time: the whole task table);
 * - throughput per hour and per day (two weeks of finished tasks, ~1.2M rows);
 * - money on the queue (every task of the last 90 days and their ledger entries: tens of seconds).
 * The pages read the stored answer, say how fresh it is, and start a refresh when it is older than
 * SNAPSHOT_MAX_AGE_MS; the job slot makes one refresh at a time across every console instance.
 *
 * The figures are computed by the very functions the pages used to call live (usualWaits, workerHours,
 * getThroughput, findMoneyIssues), as of the queue clock at the refresh: exact then, and as stale as the
 * page says. Each is stored as soon as it is computed, the quick ones first.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Mapping } from '@/lib/mapping';
import { startJob, type JobView } from '@/lib/jobs';
import { findMoneyIssues, moneyIndexHints, MONEY_DEFAULT_DAYS, type MoneyIssue } from '@/lib/domain/tasks/money';
import type { ScanHint } from '@/lib/domain/reconcile/hints';
import { getThroughput, windowFigures, type ThroughputPoint } from '@/lib/domain/tasks/health';
import { usualWaits } from '@/lib/domain/tasks/stuck';
import { workerHours } from '@/lib/domain/workers';
import { queueModel } from '@/lib/domain/tasks/model';

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

export interface ThroughputSnapshot {
  hours: ThroughputPoint[];
  days: ThroughputPoint[];
}

export const SNAPSHOTS = { waits: 'queue-usual-waits', workers: 'worker-hours', throughput: 'queue-throughput', money: 'queue-money' } as const;
/** Queue health's window figures for the windows of a day or more (an hour or six read few rows: live). */
export const STORED_WINDOWS = [24, 72, 168] as const;
export type WindowSnapshotName = `queue-window-${(typeof STORED_WINDOWS)[number]}h`;
export const windowSnapshot = (hours: number): WindowSnapshotName | null =>
  (STORED_WINDOWS as readonly number[]).includes(hours) ? (`queue-window-${hours}h` as WindowSnapshotName) : null;
export type SnapshotName = (typeof SNAPSHOTS)[keyof typeof SNAPSHOTS] | WindowSnapshotName;

export async function computeThroughput(db: QueryExecutorProvider, mapping: Mapping, now: Date): Promise<ThroughputSnapshot> {
  return {
    hours: await getThroughput(db, mapping, { now, bucket: 'hour', span: 24 }),
    days: await getThroughput(db, mapping, { now, bucket: 'day', span: 14 }),
  };
}

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

/** The figures this mapping has, the quick ones first. */
export function figureNames(mapping: Mapping): SnapshotName[] {
  return [
    ...STORED_WINDOWS.map((h) => windowSnapshot(h)!),
    SNAPSHOTS.waits,
    ...(queueModel(mapping).workers ? [SNAPSHOTS.workers] : []),
    SNAPSHOTS.throughput,
    ...(mapping.ledger ? [SNAPSHOTS.money] : []),
  ];
}

/** One figure, computed now (the job stores it; a small queue's page reads it live). */
export function computeFigure(db: QueryExecutorProvider, name: SnapshotName, mapping: Mapping, now: Date): Promise<unknown> {
  switch (name) {
    case SNAPSHOTS.waits: return usualWaits(db, mapping, now);
    case SNAPSHOTS.workers: return workerHours(db, mapping, now);
    case SNAPSHOTS.throughput: return computeThroughput(db, mapping, now);
    case SNAPSHOTS.money: return computeMoney(db, mapping, now);
    default: return windowFigures(db, mapping, { now, windowHours: Number(name.match(/^queue-window-(\d+)h$/)![1]) });
  }
}

/**
 * Below this many tasks (the planner's estimate) every figure takes milliseconds: the pages compute it
 * in the request, as they always did, and store nothing.
 */
export const LIVE_BELOW_TASKS = 200_000;

export async function queueIsSmall(db: QueryExecutorProvider, mapping: Mapping): Promise<boolean> {
  const t = queueModel(mapping).tasks.table;
  const { rows } = await sql<{ n: number }>`
    select greatest(c.reltuples, 0)::float8 as n from pg_catalog.pg_class c join pg_catalog.pg_namespace s on s.oid = c.relnamespace
     where s.nspname = ${t.schema} and c.relname = ${t.name}`.execute(db);
  return (rows[0]?.n ?? 0) < LIVE_BELOW_TASKS;
}

const STEP_NAMES: Record<SnapshotName, string> = {
  'queue-window-24h': 'Queue health, last 24 h', 'queue-window-72h': 'Queue health, last 3 days', 'queue-window-168h': 'Queue health, last 7 days',
  [SNAPSHOTS.waits]: 'Usual waits per task type', [SNAPSHOTS.workers]: 'Workers\' last hour',
  [SNAPSHOTS.throughput]: 'Throughput', [SNAPSHOTS.money]: 'Money on the queue',
};

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
  const figures = figureNames(mapping).map((name) => [name, (trx: QueryExecutorProvider) => computeFigure(trx, name, mapping, now)] as const);
  for (const [i, [name, compute]] of figures.entries()) {
    await progress?.(STEP_NAMES[name], i, figures.length);
    const t0 = performance.now();
    const value = await readWith(compute);
    ms[name] = performance.now() - t0;
    await store(db, name, now, ms[name], value);
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
