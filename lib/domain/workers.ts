/**
 * Workers: status, heartbeat age (stale ones flagged), tasks in flight against their concurrency,
 * version, and the last hour's throughput and failure rate. Version and concurrency come from the
 * worker's metadata json when it has them (Reigh's workers do).
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import { at, hasHeartbeats, queueModel, statusIn, taskTable, tcol, workerCol, workerMeta } from '@/lib/domain/tasks/model';
import { columnOf, keyOf, tableOf, type Mapping } from '@/lib/mapping';

export const WORKER_SORTS = ['heartbeat', 'id', 'status', 'inFlight', 'failures'] as const;
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
  completedLastHour: number;
  failedLastHour: number;
  failureRate: number | null;
}

const ORDER: Record<WorkerSort, string> = {
  heartbeat: 'heartbeat_age', id: 'id', status: 'status', inFlight: 'in_flight', failures: 'failed_hour',
};

export async function listWorkers(
  db: QueryExecutorProvider,
  mapping: Mapping,
  q: { now: Date; staleMinutes: number; sort: WorkerSort; desc: boolean; limit: number; offset: number; filter: string },
): Promise<{ rows: WorkerRow[]; total: number }> {
  const m = queueModel(mapping);
  const w = m.workers;
  if (!w) return { rows: [], total: 0 };
  const now = at(q.now);
  const active = w.statuses.active ?? null;
  const processed = tcol(m, 'processedAt', 't', tcol(m, 'updatedAt'));
  const owns = sql`${tcol(m, 'workerId')} = ${keyOf(w, 'w')}`;
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // Sort keys come from the whitelist above (ORDER), never from the URL as text.
  const { rows } = await sql<{
    id: string; status: string; heartbeat: Date | null; heartbeat_age: number | null; in_flight: string; concurrency: string | null;
    version: string | null; done_hour: string; failed_hour: string; total: string;
  }>`
    select * from (
      select ${keyOf(w, 'w')}::text as id, ${columnOf(w, 'status', 'w')}::text as status, ${workerCol(m, 'lastHeartbeat')} as heartbeat,
             extract(epoch from (${now} - ${workerCol(m, 'lastHeartbeat')}))::float8 as heartbeat_age,
             ${workerMeta(m, 'concurrency')} as concurrency, ${workerMeta(m, 'version')} as version,
             (select count(*) from ${taskTable(m)} t where ${owns} and ${statusIn(m, ['inProgress'])})::text as in_flight,
             (select count(*) from ${taskTable(m)} t where ${owns} and ${statusIn(m, ['complete'])}
                 and ${processed} > ${now} - interval '1 hour' and ${processed} <= ${now})::text as done_hour,
             (select count(*) from ${taskTable(m)} t where ${owns} and ${statusIn(m, ['failed'])}
                 and ${processed} > ${now} - interval '1 hour' and ${processed} <= ${now})::text as failed_hour,
             count(*) over ()::text as total
        from ${tableOf(w)} w
       where ${q.filter}::text = '' or ${keyOf(w, 'w')}::text ilike ${like} or ${columnOf(w, 'status', 'w')}::text = ${q.filter}
    ) x
    order by ${sql.raw(ORDER[q.sort])} ${sql.raw(q.desc ? 'desc nulls last' : 'asc nulls first')}, id
    limit ${q.limit} offset ${q.offset}`.execute(db);
  const staleAfter = q.staleMinutes * 60;
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
        version: r.version, completedLastHour: done, failedLastHour: failed, failureRate: done + failed ? failed / (done + failed) : null,
      };
    }),
  };
}
