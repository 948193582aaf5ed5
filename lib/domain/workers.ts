/**
 * Workers: status, heartbeat age (stale ones flagged), tasks in flight against their concurrency,
 * version, and the last hour's throughput and failure rate. Version and concurrency come from the
 * worker's metadata json when it has them (Reigh's workers do).
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { at, hasHeartbeats, queueModel, statusIn, taskTable, tcol, workerCol, workerMeta } from '@/lib/domain/tasks/model';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';

/**
 * `attention` (the page's default): active workers first, the most silent at the top, then the others
 * most recently seen first. A product keeps its terminated workers (Reigh: 101 of 111), which sorted by
 * heartbeat alone filled the first pages and hid the live ones and the silent ones.
 */
export const WORKER_SORTS = ['attention', 'heartbeat', 'id', 'status', 'inFlight', 'failures'] as const;
export type WorkerSort = (typeof WORKER_SORTS)[number];

export interface WorkerRow {
  id: string;
  status: string;
  lastHeartbeat: string | null;
  heartbeatAgeSeconds: number | null;
  /** Active, and silent past the threshold. */
  stale: boolean;
  inFlight: number;
  concurrency: number | null;
  version: string | null;
  /** Null: the last hour is not known yet (the caller had no stored answer). */
  completedLastHour: number | null;
  failedLastHour: number | null;
  failureRate: number | null;
}

const ORDER: Record<Exclude<WorkerSort, 'attention'>, string> = {
  // By the moment, as the column reads: descending is the most recent heartbeat first.
  heartbeat: 'heartbeat', id: 'id', status: 'status', inFlight: 'in_flight', failures: 'failed_hour',
};

/** Completed and failed tasks per worker in the hour before `now` (by when they finished). */
export type WorkerHours = Record<string, { done: number; failed: number }>;

/**
 * Each worker's last hour, in one grouped pass over the tasks that finished in it. Without an index led
 * by the finish time that pass reads the whole task table (seconds on millions of tasks), so the
 * console keeps its answer in the operations snapshot.
 */
export async function workerHours(db: QueryExecutorProvider, mapping: Mapping, nowDate: Date): Promise<WorkerHours> {
  const m = queueModel(mapping);
  if (!m.workers || !hasColumn(m.tasks, 'workerId')) return {};
  const now = at(nowDate);
  const processed = tcol(m, 'processedAt', 't', tcol(m, 'updatedAt'));
  const { rows } = await sql<{ id: string; done: string; failed: string }>`
    select ${tcol(m, 'workerId')}::text as id,
           count(*) filter (where ${statusIn(m, ['complete'])})::text as done,
           count(*) filter (where ${statusIn(m, ['failed'])})::text as failed
      from ${taskTable(m)} t
     where ${tcol(m, 'workerId')} is not null and ${statusIn(m, ['complete', 'failed'])}
       and ${processed} > ${now} - interval '1 hour' and ${processed} <= ${now}
     group by 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.id, { done: Number(r.done), failed: Number(r.failed) }]));
}

/**
 * One page of workers. Tasks in flight are counted live (the In Progress tasks, which a status index
 * finds, grouped once: never a count per worker over its whole history); the last hour comes from
 * `hours` (workerHours, computed live when not given; null: not known, and the row says so).
 */
export async function listWorkers(
  db: QueryExecutorProvider,
  mapping: Mapping,
  q: { now: Date; staleMinutes: number; sort: WorkerSort; desc: boolean; limit: number; offset: number; filter: string; hours?: WorkerHours | null },
): Promise<{ rows: WorkerRow[]; total: number }> {
  const m = queueModel(mapping);
  const w = m.workers;
  if (!w) return { rows: [], total: 0 };
  const now = at(q.now);
  const active = w.statuses.active ?? null;
  const hours = q.hours === undefined ? await workerHours(db, mapping, q.now) : q.hours;
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const inFlight = hasColumn(m.tasks, 'workerId')
    ? sql`select ${tcol(m, 'workerId')}::text as id, count(*) as n from ${taskTable(m)} t where ${statusIn(m, ['inProgress'])} group by 1`
    : sql`select null::text as id, 0::bigint as n where false`;
  // Joined once, each grouped once (one row per worker id): a sub-query per worker re-read them for each
  // of 33k workers (Reigh at 1M users). The metadata (concurrency, version) is read for the page's rows
  // only, and the total counted apart: a window count over every wide row spilled to disk (0.6 s).
  // Sort keys come from the whitelist above (ORDER), never from the URL as text.
  const order = q.sort === 'attention'
    ? sql`order by kontor_live desc, case when kontor_live then heartbeat_age else -heartbeat_age end desc nulls first, id`
    : sql`order by ${sql.raw(ORDER[q.sort])} ${sql.raw(q.desc ? 'desc nulls last' : 'asc nulls first')}, id`;
  const { rows } = await sql<{
    id: string; status: string; heartbeat: Date | null; heartbeat_age: number | null; in_flight: string; concurrency: string | null;
    version: string | null; done_hour: string; failed_hour: string; total: string;
  }>`
    with in_flight as materialized (${inFlight}),
         hours as materialized (select key as id, (value->>'done')::bigint as done, (value->>'failed')::bigint as failed from jsonb_each(${JSON.stringify(hours ?? {})}::jsonb)),
         listed as (
           select ${keyOf(w, 'w')} as key, ${keyOf(w, 'w')}::text as id, ${columnOf(w, 'status', 'w')}::text as status, ${workerCol(m, 'lastHeartbeat')} as heartbeat,
                  extract(epoch from (${now} - ${workerCol(m, 'lastHeartbeat')}))::float8 as heartbeat_age,
                  coalesce(${columnOf(w, 'status', 'w')}::text = ${active}, false) as kontor_live,
                  coalesce(f.n, 0) as in_flight, coalesce(h.done, 0) as done_hour, coalesce(h.failed, 0) as failed_hour
             from ${tableOf(w)} w
             left join in_flight f on f.id = ${keyOf(w, 'w')}::text
             left join hours h on h.id = ${keyOf(w, 'w')}::text
            where ${q.filter}::text = '' or ${keyOf(w, 'w')}::text ilike ${like} or ${columnOf(w, 'status', 'w')}::text = ${q.filter}
         )
    select x.id, x.status, x.heartbeat, x.heartbeat_age, x.kontor_live, x.in_flight::text, x.done_hour::text, x.failed_hour::text,
           ${workerMeta(m, 'concurrency')} as concurrency, ${workerMeta(m, 'version')} as version,
           (select count(*) from listed)::text as total
      from (select * from listed ${order} limit ${q.limit} offset ${q.offset}) x
      join ${tableOf(w)} w on ${keyOf(w, 'w')} = x.key
     ${order}`.execute(db);
  const staleAfter = q.staleMinutes * 60;
  const known = hours !== null;
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map((r) => {
      const done = Number(r.done_hour);
      const failed = Number(r.failed_hour);
      const age = r.heartbeat_age === null ? null : Math.round(r.heartbeat_age);
      return {
        id: r.id, status: r.status, lastHeartbeat: r.heartbeat ? new Date(r.heartbeat).toISOString() : null, heartbeatAgeSeconds: age,
        stale: hasHeartbeats(m) && r.status === active && (age === null || age > staleAfter),
        inFlight: Number(r.in_flight), concurrency: r.concurrency === null || r.concurrency === '' ? null : Number(r.concurrency),
        version: r.version, completedLastHour: known ? done : null, failedLastHour: known ? failed : null,
        failureRate: known && done + failed ? failed / (done + failed) : null,
      };
    }),
  };
}
