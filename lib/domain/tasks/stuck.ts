/**
 * Stuck and orphaned work, each under its kind:
 * - task_on_dead_worker: In Progress on a worker that is gone, not active, or silent past the threshold;
 * - task_queued_for_hours: queued far longer than its type usually waits (P95_FACTOR x the type's p95
 *   wait over the last week, and at least `queuedFloorMinutes`);
 * - task_running_too_long: In Progress far longer than its type usually runs (running-long.ts: a
 *   multiple of the type's p95 run time from its own completed tasks, with a floor and a default), and
 *   not on a dead worker (that is task_on_dead_worker);
 * - retry_storm: queued or running again after `retryAttempts` attempts or more;
 * - silent_worker: an active worker whose heartbeat is older than the threshold.
 * Slow is not stuck: a task a few times slower than usual, on a live worker or not, is none of these.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import {
  at, hasHeartbeats, joinWorker, queueModel, statusIn, taskKey, taskTable, tcol, heldByCol, heldByMeta, workerCol, workerDead, workerMeta, type QueueModel,
} from '@/lib/domain/tasks/model';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { findRunningTooLong, runningTooLongWhy } from '@/lib/domain/tasks/running-long';
import { ORPHAN_AFTER_MINUTES, orphanedSql, taskActions, type TaskActions } from '@/lib/domain/tasks/actions';

export const STUCK_KINDS = ['task_on_dead_worker', 'task_queued_for_hours', 'task_running_too_long', 'retry_storm'] as const;
export type StuckKind = (typeof STUCK_KINDS)[number];

export interface StuckOptions {
  now: Date;
  /** A heartbeat older than this many minutes means the worker is gone. */
  staleMinutes?: number;
  /** Queued at least this long before "far longer than usual" can apply. */
  queuedFloorMinutes?: number;
  retryAttempts?: number;
  limit?: number;
  /**
   * Each type's p95 wait (seconds) as usualWaits computes it, when the caller has it already (the
   * console keeps it in the operations snapshot: a week of started tasks is seconds of reading). Null:
   * not known yet, and "queued far longer than usual" is left out; undefined: computed here.
   */
  usualWaits?: UsualWaits | null;
}

/** Task type (coalesced to '(untyped)') -> its p95 wait in seconds over the last P95_DAYS days. */
export type UsualWaits = Record<string, number | null>;

export const STUCK_DEFAULTS = { staleMinutes: ORPHAN_AFTER_MINUTES, queuedFloorMinutes: 30, retryAttempts: 4, limit: 200 } as const;
export const P95_FACTOR = 10;
/** The p95 wait is taken over this many days of started tasks. */
export const P95_DAYS = 7;

export interface StuckTask {
  kind: StuckKind;
  id: string;
  taskType: string | null;
  status: string;
  userId: string | null;
  workerId: string | null;
  workerStatus: string | null;
  workerVersion: string | null;
  /** ISO; null when the worker never sent one or is unknown. */
  lastHeartbeat: string | null;
  /** Seconds since created (queued: since it was last queued; running too long: since it started, else created). */
  ageSeconds: number;
  attempts: number | null;
  lastError: string | null;
  cost: string | null;
  /** Why it is listed, in a sentence. */
  why: string;
  /** What may be done with it now (lib/domain/tasks/actions.ts), whatever the listing's own threshold. */
  actions: TaskActions;
}

export interface SilentWorker {
  id: string;
  status: string;
  lastHeartbeat: string | null;
  silentSeconds: number | null;
  version: string | null;
  /** Null when the product's tasks do not name their worker. */
  inFlight: number | null;
}

function options(o: StuckOptions) {
  return { ...STUCK_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Required<StuckOptions>;
}

const minutes = (s: number) => (s >= 5400 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

function select(m: QueueModel, now: ReturnType<typeof at>) {
  const created = tcol(m, 'createdAt');
  return sql`${taskKey(m)}::text as id, ${tcol(m, 'taskType')}::text as task_type, ${columnOf(m.tasks, 'status', 't')}::text as status,
    ${tcol(m, 'userId')}::text as user_id, ${tcol(m, 'workerId')}::text as worker_id,
    ${heldByCol(m, 'status')}::text as worker_status, ${heldByMeta(m, 'version')} as worker_version,
    ${heldByCol(m, 'lastHeartbeat')} as last_heartbeat,
    greatest(0, extract(epoch from (${now} - coalesce(${tcol(m, 'updatedAt', 't', created)}, ${created}))))::float8 as queued_age,
    greatest(0, extract(epoch from (${now} - ${created})))::float8 as age,
    ${tcol(m, 'attempts')}::int as attempts, ${tcol(m, 'errorMessage')}::text as last_error, ${tcol(m, 'cost')}::text as cost,
    ${orphanedSql(m, now)} as orphaned`;
}

interface Row {
  id: string; task_type: string | null; status: string; user_id: string | null; worker_id: string | null;
  worker_status: string | null; worker_version: string | null; last_heartbeat: Date | null;
  queued_age: number; age: number; attempts: number | null; last_error: string | null; cost: string | null; orphaned: boolean; p95?: number | null;
  run_age?: number;
}

function toStuck(m: QueueModel, kind: StuckKind, r: Row, why: string): StuckTask {
  return {
    kind, id: r.id, taskType: r.task_type, status: r.status, userId: r.user_id, workerId: r.worker_id,
    workerStatus: r.worker_status, workerVersion: r.worker_version,
    lastHeartbeat: r.last_heartbeat ? new Date(r.last_heartbeat).toISOString() : null,
    ageSeconds: Math.round(kind === 'task_queued_for_hours' ? r.queued_age : kind === 'task_running_too_long' ? r.run_age! : r.age),
    attempts: r.attempts, lastError: r.last_error, cost: r.cost, why, actions: taskActions(m, r.status, r.orphaned),
  };
}

export async function findStuckTasks(db: QueryExecutorProvider, mapping: Mapping, opts: StuckOptions): Promise<StuckTask[]> {
  const m = queueModel(mapping);
  const o = options(opts);
  const now = at(o.now);
  const found: StuckTask[] = [];

  if (hasHeartbeats(m)) {
    const { rows } = await sql<Row>`
      select ${select(m, now)} from ${taskTable(m)} t ${joinWorker(m)}
       where ${statusIn(m, ['inProgress'])} and ${workerDead(m, now, o.staleMinutes)}
       order by ${tcol(m, 'createdAt')} limit ${o.limit}`.execute(db);
    for (const r of rows) {
      const hb = r.last_heartbeat ? `last heartbeat ${minutes((o.now.getTime() - new Date(r.last_heartbeat).getTime()) / 1000)} ago` : 'no heartbeat';
      const worker = r.worker_id ? `worker ${r.worker_id} (${r.worker_status ?? 'unknown'}, ${hb})` : 'no worker';
      found.push(toStuck(m, 'task_on_dead_worker', r, `In progress on ${worker}.`));
    }
  }

  const created = tcol(m, 'createdAt');
  const type = sql`coalesce(${tcol(m, 'taskType')}::text, '(untyped)')`;
  const queuedSince = sql`coalesce(${tcol(m, 'updatedAt', 't', created)}, ${created})`;
  const waits = o.usualWaits === undefined ? await usualWaits(db, mapping, o.now) : o.usualWaits;
  const { rows: queued } = waits === null ? { rows: [] as Row[] } : await sql<Row>`
    with usual as (
      select key as task_type, value::float8 as p95 from jsonb_each_text(${JSON.stringify(waits)}::jsonb)
    )
    select ${select(m, now)}, u.p95::float8 as p95
      from ${taskTable(m)} t ${joinWorker(m)} left join usual u on u.task_type = ${type}
     where ${statusIn(m, ['queued'])}
       and ${queuedSince} < ${now} - make_interval(secs => greatest(${o.queuedFloorMinutes * 60}::float8, coalesce(u.p95, 0) * ${P95_FACTOR}))
     order by ${queuedSince} limit ${o.limit}`.execute(db);
  for (const r of queued) {
    const usual = r.p95 !== null && r.p95 !== undefined ? `; its type usually starts within ${Math.round(r.p95)} s (p95)` : '';
    found.push(toStuck(m, 'task_queued_for_hours', r, `Queued for ${minutes(r.queued_age)}${usual}.`));
  }

  const running = await findRunningTooLong<Row>(db, m, { now, staleMinutes: o.staleMinutes, limit: o.limit, columns: select(m, now) });
  for (const r of running) found.push(toStuck(m, 'task_running_too_long', r, runningTooLongWhy(m, r)));

  if (m.tasks.columns.attempts) {
    const { rows } = await sql<Row>`
      select ${select(m, now)} from ${taskTable(m)} t ${joinWorker(m)}
       where ${statusIn(m, ['queued', 'inProgress'])} and ${tcol(m, 'attempts')} >= ${o.retryAttempts}
       order by ${tcol(m, 'attempts')} desc, ${created} limit ${o.limit}`.execute(db);
    for (const r of rows) found.push(toStuck(m, 'retry_storm', r, `Attempt ${r.attempts}: it keeps coming back (${o.retryAttempts}+ attempts).`));
  }
  return found;
}

/** Each type's usual wait (created -> started), the p95 over a week of started tasks. */
export async function usualWaits(db: QueryExecutorProvider, mapping: Mapping, nowDate: Date): Promise<UsualWaits> {
  const m = queueModel(mapping);
  const now = at(nowDate);
  const created = tcol(m, 'createdAt');
  const { rows } = await sql<{ task_type: string; p95: number | null }>`
    select coalesce(${tcol(m, 'taskType')}::text, '(untyped)') as task_type,
           (percentile_cont(0.95) within group (order by date_part('epoch', ${tcol(m, 'startedAt')} - ${created})))::float8 as p95
      from ${taskTable(m)} t
     where ${statusIn(m, ['complete', 'failed', 'inProgress'])} and ${tcol(m, 'startedAt')} is not null
       and ${created} > ${now} - make_interval(days => ${P95_DAYS}) and ${created} <= ${now}
     group by 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.task_type, r.p95]));
}

/** Active workers that stopped sending heartbeats. */
export async function findSilentWorkers(
  db: QueryExecutorProvider,
  mapping: Mapping,
  opts: { now: Date; staleMinutes?: number },
): Promise<SilentWorker[]> {
  const m = queueModel(mapping);
  // Workers are read on their own here: a product whose tasks do not name their worker still has
  // workers that fall silent (only the in-flight count needs the tasks' worker column).
  if (!m.workers || !hasColumn(m.workers, 'lastHeartbeat') || !m.workers.statuses.active) return [];
  const w = m.workers;
  const inFlight = hasColumn(m.tasks, 'workerId')
    ? sql`(select count(*) from ${taskTable(m)} t where ${tcol(m, 'workerId')}::text = ${keyOf(w, 'w')}::text and ${statusIn(m, ['inProgress'])})::text`
    : sql`null::text`;
  const now = at(opts.now);
  const stale = opts.staleMinutes ?? STUCK_DEFAULTS.staleMinutes;
  const { rows } = await sql<{ id: string; status: string; last_heartbeat: Date | null; silent: number | null; version: string | null; in_flight: string | null }>`
    select ${keyOf(w, 'w')}::text as id, ${columnOf(w, 'status', 'w')}::text as status, ${workerCol(m, 'lastHeartbeat')} as last_heartbeat,
           extract(epoch from (${now} - ${workerCol(m, 'lastHeartbeat')}))::float8 as silent, ${workerMeta(m, 'version')} as version,
           ${inFlight} as in_flight
      from ${tableOf(w)} w
     where ${columnOf(w, 'status', 'w')}::text = ${w.statuses.active!}
       and (${workerCol(m, 'lastHeartbeat')} is null or ${workerCol(m, 'lastHeartbeat')} < ${now} - make_interval(mins => ${stale}))
     order by ${workerCol(m, 'lastHeartbeat')} nulls first limit 500`.execute(db);
  return rows.map((r) => ({
    id: r.id, status: r.status, lastHeartbeat: r.last_heartbeat ? new Date(r.last_heartbeat).toISOString() : null,
    silentSeconds: r.silent === null ? null : Math.round(r.silent), version: r.version, inFlight: r.in_flight === null ? null : Number(r.in_flight),
  }));
}
