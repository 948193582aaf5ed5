/**
 * Queue health per task type: what waits now (depth, oldest), what went through in a window
 * (throughput, failure rate, retries) and how long it took (wait created -> started, run started ->
 * finished, at p50/p95/p99). One statement per figure set, bounded by the (status, created_at) range
 * a task-queue table is always indexed on.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { at, hasHeartbeats, queueModel, rawStatus, statusIn, tcol, taskTable, workerCol, type QueueModel } from '@/lib/domain/tasks/model';
import { columnOf, tableOf, type Mapping } from '@/lib/mapping';
import { withLocalSetting } from '@/db/index';

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface QueueTypeHealth {
  taskType: string;
  queued: number;
  inProgress: number;
  /** Seconds the oldest queued task has waited; null when none waits. */
  oldestQueuedSeconds: number | null;
  /** Finished (complete) in the last hour, and per minute over that hour. */
  completedLastHour: number;
  perMinute: number;
  /** In the window: finished, failed, cancelled, retries (attempts beyond the first). */
  completed: number;
  failed: number;
  cancelled: number;
  failureRate: number | null;
  retries: number;
  perHour: number;
  /** Seconds. */
  wait: Percentiles;
  run: Percentiles;
}

export interface QueueHealth {
  now: string;
  windowHours: number;
  types: QueueTypeHealth[];
  /** Workers that sent a heartbeat within staleMinutes; null when the mapping has no heartbeats. */
  liveWorkers: number | null;
  /** Types with queued work and no live worker to take it. */
  alerts: { taskType: string; queued: number; message: string }[];
}

export interface HealthOptions {
  now: Date;
  windowHours?: number;
  staleMinutes?: number;
  /**
   * The window's figures per type as windowFigures computes them, when the caller has them (the console
   * keeps the longer windows in the operations snapshot: a day of finished tasks is ~240k rows at the
   * benchmark size); computed here when not given.
   */
  window?: WindowRow[];
}

/** One type's figures over the window (the raw row: counts as text, percentiles as arrays). */
export interface WindowRow {
  task_type: string; done_hour: string | null; completed: string | null; failed: string | null; cancelled: string | null;
  retries: string | null; wait: number[] | null; run: number[] | null;
}

export const DEFAULT_WINDOW_HOURS = 24;
export const DEFAULT_STALE_MINUTES = 5;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const pct = (v: unknown): Percentiles => {
  const a = (v as (number | null)[] | null) ?? [];
  return { p50: num(a[0]), p95: num(a[1]), p99: num(a[2]) };
};

// date_part is float8 arithmetic; extract() computes a numeric per row, which doubled the aggregate's time.
// Both sides are cast: a column the product lacks is a bare null, and null - null is "operator is not unique".
const epoch = (a: ReturnType<typeof tcol>, b: ReturnType<typeof tcol>) => sql`date_part('epoch', (${a})::timestamptz - (${b})::timestamptz)`;

export async function countLiveWorkers(db: QueryExecutorProvider, m: QueueModel, now: Date, staleMinutes: number): Promise<number | null> {
  if (!hasHeartbeats(m)) return null;
  const active = m.workers!.statuses.active;
  const { rows } = await sql<{ n: string }>`
    select count(*)::text as n from ${tableOf(m.workers!)} w
     where ${workerCol(m, 'lastHeartbeat')} >= ${at(now)} - make_interval(mins => ${staleMinutes})
       and ${active ? sql`${columnOf(m.workers!, 'status', 'w')}::text = ${active}` : sql`true`}`.execute(db);
  return Number(rows[0].n);
}

/**
 * Runs `fn` with sequential scans priced out, for the statements that read a time window of the task
 * table through its (status, created_at) index. The planner prices a bitmap scan of a 10 % window as
 * if the rows were scattered over every page, so it reads the whole table instead; a queue table is
 * written in time order, and the window's rows sit in a tenth of its pages. Where they are scattered
 * the bitmap scan reads the same pages a sequential scan would, in the same order; where no index
 * fits, the planner still scans. The setting is put back before anything else runs.
 */
function preferIndexRange<T>(db: QueryExecutorProvider, fn: () => Promise<T>): Promise<T> {
  return withLocalSetting(db, 'enable_seqscan', 'off', fn);
}

export async function getQueueHealth(db: QueryExecutorProvider, mapping: Mapping, opts: HealthOptions): Promise<QueueHealth> {
  const m = queueModel(mapping);
  const windowHours = opts.windowHours ?? DEFAULT_WINDOW_HOURS;
  const staleMinutes = opts.staleMinutes ?? DEFAULT_STALE_MINUTES;
  const now = at(opts.now);
  const type = sql`coalesce(${tcol(m, 'taskType')}::text, '(untyped)')`;
  const created = tcol(m, 'createdAt');
  const since = sql`coalesce(${tcol(m, 'updatedAt', 't', created)}, ${created})`;

  const window = opts.window ?? (await windowFigures(db, mapping, { now: opts.now, windowHours }));
  const { rows } = await preferIndexRange(db, () => sql<{
    task_type: string; queued: string | null; in_progress: string | null; oldest: number | null;
    done_hour: string | null; completed: string | null; failed: string | null; cancelled: string | null;
    retries: string | null; wait: number[] | null; run: number[] | null;
  }>`
    with live as (
      select ${type} as task_type,
             count(*) filter (where ${statusIn(m, ['queued'])}) as queued,
             count(*) filter (where ${statusIn(m, ['inProgress'])}) as in_progress,
             max(greatest(0, extract(epoch from (${now} - ${since})))) filter (where ${statusIn(m, ['queued'])})::float8 as oldest
        from ${taskTable(m)} t
       where ${statusIn(m, ['queued', 'inProgress'])}
       group by 1
    ), recent as (
      select * from jsonb_to_recordset(${JSON.stringify(window)}::jsonb) as r(
        task_type text, done_hour bigint, completed bigint, failed bigint, cancelled bigint, retries numeric, wait float8[], run float8[])
    )
    select coalesce(l.task_type, r.task_type) as task_type, l.queued::text, l.in_progress::text, l.oldest,
           r.done_hour::text, r.completed::text, r.failed::text, r.cancelled::text, r.retries::text, r.wait, r.run
      from live l full join recent r on r.task_type = l.task_type
     order by 1`.execute(db));

  const liveWorkers = await countLiveWorkers(db, m, opts.now, staleMinutes);
  const types = rows.map((r): QueueTypeHealth => {
    const completed = Number(r.completed ?? 0);
    const failedN = Number(r.failed ?? 0);
    const doneHour = Number(r.done_hour ?? 0);
    return {
      taskType: r.task_type,
      queued: Number(r.queued ?? 0),
      inProgress: Number(r.in_progress ?? 0),
      oldestQueuedSeconds: r.oldest === null ? null : Math.round(r.oldest),
      completedLastHour: doneHour,
      perMinute: doneHour / 60,
      completed,
      failed: failedN,
      cancelled: Number(r.cancelled ?? 0),
      failureRate: completed + failedN ? failedN / (completed + failedN) : null,
      retries: Number(r.retries ?? 0),
      perHour: completed / windowHours,
      wait: pct(r.wait),
      run: pct(r.run),
    };
  });
  const alerts = liveWorkers === 0
    ? types.filter((t) => t.queued > 0).map((t) => ({
        taskType: t.taskType,
        queued: t.queued,
        message: `${t.queued} ${t.taskType} task${t.queued === 1 ? '' : 's'} queued and no live worker (no heartbeat in the last ${staleMinutes} min).`,
      }))
    : [];
  return { now: opts.now.toISOString(), windowHours, types, liveWorkers, alerts };
}

/** Each type's throughput, failures, retries and wait/run percentiles over the window before `now`. */
export async function windowFigures(db: QueryExecutorProvider, mapping: Mapping, opts: { now: Date; windowHours: number }): Promise<WindowRow[]> {
  const m = queueModel(mapping);
  const windowHours = opts.windowHours;
  const now = at(opts.now);
  const type = sql`coalesce(${tcol(m, 'taskType')}::text, '(untyped)')`;
  const created = tcol(m, 'createdAt');
  const started = tcol(m, 'startedAt');
  const processed = tcol(m, 'processedAt');
  const complete = rawStatus(m, 'complete');
  const failed = rawStatus(m, 'failed');
  const cancelled = rawStatus(m, 'cancelled');
  const status = sql`${columnOf(m.tasks, 'status', 't')}::text`;
  const { rows } = await preferIndexRange(db, () => sql<WindowRow>`
      select ${type} as task_type,
             count(*) filter (where ${status} = ${complete} and ${processed} > ${now} - interval '1 hour' and ${processed} <= ${now}) as done_hour,
             count(*) filter (where ${status} = ${complete}) as completed,
             count(*) filter (where ${status} = ${failed}) as failed,
             count(*) filter (where ${status} = ${cancelled}) as cancelled,
             coalesce(sum(greatest(coalesce(${tcol(m, 'attempts')}, 1) - 1, 0)), 0) as retries,
             percentile_cont(array[0.5, 0.95, 0.99]) within group (order by ${epoch(started, created)})
               filter (where ${started} is not null) as wait,
             percentile_cont(array[0.5, 0.95, 0.99]) within group (order by ${epoch(processed, started)})
               filter (where ${status} = ${complete} and ${processed} is not null and ${started} is not null) as run
        from ${taskTable(m)} t
       where ${statusIn(m, ['complete', 'failed', 'cancelled'])}
         and ${created} > ${now} - make_interval(hours => ${windowHours}) and ${created} <= ${now}
       group by 1`.execute(db));
  return rows;
}

export interface ThroughputPoint {
  /** Start of the bucket (ISO). */
  at: string;
  completed: number;
  failed: number;
}

/** Finished tasks per hour (last `span` hours) or per day (last `span` days), by when they finished. */
export async function getThroughput(
  db: QueryExecutorProvider,
  mapping: Mapping,
  opts: { now: Date; bucket: 'hour' | 'day'; span: number },
): Promise<ThroughputPoint[]> {
  const m = queueModel(mapping);
  const now = at(opts.now);
  const unit = opts.bucket === 'hour' ? sql`'hour'` : sql`'day'`;
  const step = opts.bucket === 'hour' ? sql`interval '1 hour'` : sql`interval '1 day'`;
  const processed = tcol(m, 'processedAt', 't', tcol(m, 'updatedAt'));
  const created = tcol(m, 'createdAt');
  const { rows } = await sql<{ at: Date; completed: string; failed: string }>`
    with buckets as (
      select generate_series(date_trunc(${unit}, ${now}) - (${opts.span - 1}) * ${step}, date_trunc(${unit}, ${now}), ${step}) as at
    ), counted as (
      select date_trunc(${unit}, ${processed}) as at,
             count(*) filter (where ${statusIn(m, ['complete'])}) as completed,
             count(*) filter (where ${statusIn(m, ['failed'])}) as failed
        from ${taskTable(m)} t
       where ${statusIn(m, ['complete', 'failed'])}
         -- created before it finished: the (status, created_at) index bounds the scan
         and ${created} > ${now} - (${opts.span} + 1) * ${step} and ${created} <= ${now}
         and ${processed} >= date_trunc(${unit}, ${now}) - (${opts.span - 1}) * ${step} and ${processed} <= ${now}
       group by 1
    )
    select b.at, coalesce(c.completed, 0)::text as completed, coalesce(c.failed, 0)::text as failed
      from buckets b left join counted c on c.at = b.at order by b.at`.execute(db);
  return rows.map((r) => ({ at: new Date(r.at).toISOString(), completed: Number(r.completed), failed: Number(r.failed) }));
}
