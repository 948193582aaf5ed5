/**
 * task_running_too_long: In Progress far longer than its type usually runs, judged by the product's
 * own history, so it works without heartbeats (products with no workers table) as well as with them.
 *
 * "Usually" is the p95 run time of the type's last RUN_SAMPLE completed tasks (RUN_HISTORY_DAYS at
 * most), read per type with ORDER BY created_at DESC LIMIT: a (status, created_at) index walked back
 * for a common type, a task-type index for a rare one; no statement sorts the table. A run is
 * processedAt (else updatedAt) minus startedAt (else createdAt), whichever the mapping has; a running
 * task is timed from its startedAt, else its createdAt.
 * - RUN_MIN_SAMPLE completed runs or more: flagged past RUN_P95_FACTOR x p95, and at least
 *   RUN_FLOOR_MINUTES (a 45 s type at 15 min on a live worker is slow, not yet abandoned);
 * - fewer: past RUN_DEFAULT_MINUTES (or RUN_P95_FACTOR x the longest of those few runs, if longer);
 * - none, and the task has no start time either (its age would include an unknown wait): not flagged.
 * A task on a dead worker is task_on_dead_worker, never this as well.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { joinWorker, rawStatus, taskTable, tcol, workerDead, type QueueModel } from '@/lib/domain/tasks/model';
import { columnOf, hasColumn } from '@/lib/mapping';
import { displayColumn } from '@/lib/mapping/sql';

export const RUN_P95_FACTOR = 3;
export const RUN_FLOOR_MINUTES = 30;
export const RUN_DEFAULT_MINUTES = 120;
export const RUN_MIN_SAMPLE = 20;
export const RUN_SAMPLE = 2000;
export const RUN_HISTORY_DAYS = 90;
/**
 * Past this many types among the long runners, their histories are read in one statement (a lateral
 * read per type) rather than one statement each: where each user's workflow is its own type
 * (AetherCrown98: 1,455 long runners of 1,455 types at 1M users), a round trip per type took 3-4 s.
 */
export const RUN_BATCH_TYPES = 20;

/**
 * `status = value`, the value a parameter of the column's own type (an enum too), so that a (status,
 * created_at) index serves it and returns rows in created_at order; statusIn's `::text = any(...)`
 * does neither.
 */
function statusIs(m: QueueModel, state: 'complete' | 'inProgress'): RawBuilder<unknown> {
  const raw = rawStatus(m, state);
  return raw === null ? sql`false` : sql`${columnOf(m.tasks, 'status', 't')} = ${raw}`;
}

interface History {
  /** Completed runs read (at most RUN_SAMPLE), their p95 and the longest. */
  n: number;
  p95: number | null;
  longest: number | null;
}

/** The run figures of a task found: its run time, the type's history and the limit it passed (seconds). */
export interface RunRow extends History {
  run_age: number;
  has_start: boolean;
  threshold: number;
}

/** Which columns time a run here, as a person reads them ("generation_processed_at - generation_started_at"). */
function runMeasure(m: QueueModel) {
  const startCol = hasColumn(m.tasks, 'startedAt') ? 'startedAt' : 'createdAt';
  const endCol = hasColumn(m.tasks, 'processedAt') ? 'processedAt' : hasColumn(m.tasks, 'updatedAt') ? 'updatedAt' : null;
  const name = (c: 'startedAt' | 'createdAt' | 'processedAt' | 'updatedAt') => displayColumn(m.tasks.columns[c]!);
  return {
    start: tcol(m, startCol),
    end: endCol ? tcol(m, endCol) : null,
    label: endCol ? `${name(endCol)} - ${name(startCol)}` : null,
  };
}

/** The type's last RUN_SAMPLE completed runs; `type` undefined: all tasks (the product has no type column). */
async function usualRun(db: QueryExecutorProvider, m: QueueModel, now: RawBuilder<unknown>, type: string | undefined): Promise<History> {
  const { start, end } = runMeasure(m);
  if (!end || !rawStatus(m, 'complete')) return { n: 0, p95: null, longest: null };
  const created = tcol(m, 'createdAt');
  // A parameter, not a join: planned with its value, the type's share of the table picks the index.
  const ofType = type === undefined ? sql`` : sql`and ${tcol(m, 'taskType')} = ${type}`;
  const { rows } = await sql<History>`
    select count(*)::int as n, (percentile_cont(0.95) within group (order by s.d))::float8 as p95, max(s.d)::float8 as longest
      from (select date_part('epoch', ${end} - ${start}) as d
              from ${taskTable(m)} t
             where ${statusIs(m, 'complete')} ${ofType} and ${end} >= ${start}
               and ${created} > ${now} - make_interval(days => ${RUN_HISTORY_DAYS}) and ${created} <= ${now}
             order by ${created} desc limit ${RUN_SAMPLE}) s`.execute(db);
  return rows[0];
}

/**
 * usualRun for every type of the long runners at once: the types as the running tasks have them (their
 * column's own type, so the type's index serves each lateral read), each type's last RUN_SAMPLE runs.
 */
async function usualRuns(
  db: QueryExecutorProvider, m: QueueModel, now: RawBuilder<unknown>, staleMinutes: number, runAge: RawBuilder<unknown>,
): Promise<Map<string, History>> {
  const { start, end } = runMeasure(m);
  if (!end || !rawStatus(m, 'complete')) return new Map();
  const created = tcol(m, 'createdAt');
  const { rows } = await sql<History & { type_key: string }>`
    with ty as (
      select distinct ${tcol(m, 'taskType')} as v from ${taskTable(m)} t ${joinWorker(m)}
       where ${statusIs(m, 'inProgress')} and not ${workerDead(m, now, staleMinutes)} and ${runAge} > ${RUN_FLOOR_MINUTES * 60}
         and ${tcol(m, 'taskType')} is not null
    )
    select ty.v::text as type_key, h.n, h.p95, h.longest
      from ty cross join lateral (
        select count(*)::int as n, (percentile_cont(0.95) within group (order by s.d))::float8 as p95, max(s.d)::float8 as longest
          from (select date_part('epoch', ${end} - ${start}) as d
                  from ${taskTable(m)} t
                 where ${statusIs(m, 'complete')} and ${tcol(m, 'taskType')} = ty.v and ${end} >= ${start}
                   and ${created} > ${now} - make_interval(days => ${RUN_HISTORY_DAYS}) and ${created} <= ${now}
                 order by ${created} desc limit ${RUN_SAMPLE}) s) h`.execute(db);
  return new Map(rows.map(({ type_key, ...h }) => [type_key, h]));
}

function thresholdOf(h: History, hasStart: boolean): number | null {
  if (h.n >= RUN_MIN_SAMPLE) return Math.max(RUN_FLOOR_MINUTES * 60, RUN_P95_FACTOR * h.p95!);
  if (h.n > 0 || hasStart) return Math.max(RUN_DEFAULT_MINUTES * 60, RUN_P95_FACTOR * (h.longest ?? 0));
  return null;
}

/**
 * The In Progress tasks past their threshold, longest first, with `columns` (stuck.ts's select list).
 * Every threshold is RUN_FLOOR_MINUTES or more, so only tasks running longer are read, and the history
 * of their types only: on a healthy queue, one statement.
 */
export async function findRunningTooLong<R extends object>(
  db: QueryExecutorProvider, m: QueueModel,
  o: { now: RawBuilder<unknown>; staleMinutes: number; limit: number; columns: RawBuilder<unknown>; batchTypes?: number },
): Promise<(R & RunRow)[]> {
  const created = tcol(m, 'createdAt');
  const started = tcol(m, 'startedAt');
  const typed = hasColumn(m.tasks, 'taskType');
  const runAge = sql`greatest(0, date_part('epoch', ${o.now} - coalesce(${started}, ${created})))`;
  const { rows } = await sql<R & { type_key: string | null; has_start: boolean; run_age: number }>`
    select ${o.columns}, ${typed ? sql`${tcol(m, 'taskType')}::text` : sql`null::text`} as type_key,
           ${started} is not null as has_start, ${runAge}::float8 as run_age
      from ${taskTable(m)} t ${joinWorker(m)}
     where ${statusIs(m, 'inProgress')} and not ${workerDead(m, o.now, o.staleMinutes)}
       and ${runAge} > ${RUN_FLOOR_MINUTES * 60}`.execute(db);
  const usual = new Map<string | null, History>();
  const types = new Set(rows.map((r) => r.type_key));
  if (typed && types.size > (o.batchTypes ?? RUN_BATCH_TYPES)) {
    for (const [type, h] of await usualRuns(db, m, o.now, o.staleMinutes, runAge)) usual.set(type, h);
  }
  for (const type of types) {
    if (usual.has(type)) continue;
    // A task of no type, where types exist, has no history to go by.
    usual.set(type, typed && type === null ? { n: 0, p95: null, longest: null } : await usualRun(db, m, o.now, type ?? undefined));
  }
  const judged: (R & RunRow)[] = [];
  for (const { type_key, has_start, run_age, ...task } of rows) {
    const h = usual.get(type_key)!;
    const threshold = thresholdOf(h, has_start);
    if (threshold !== null && run_age > threshold) judged.push({ ...(task as unknown as R), has_start, run_age, ...h, threshold });
  }
  return judged.sort((a, b) => b.run_age - a.run_age).slice(0, o.limit);
}

const trim = (x: number) => x.toFixed(1).replace(/\.0$/, '');
const span = (s: number) =>
  s < 120 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${trim(s / 3600)} h` : `${trim(s / 86400)} days`;

/** Why it is listed: for how long, against what limit, and which columns timed the type's runs. */
export function runningTooLongWhy(m: QueueModel, r: RunRow): string {
  const { label } = runMeasure(m);
  const head = `In progress for ${span(r.run_age)}${r.has_start ? '' : ' (since created: it has no start time)'}`;
  const typed = hasColumn(m.tasks, 'taskType');
  const n = r.n;
  if (n >= RUN_MIN_SAMPLE) {
    return `${head}; ${typed ? 'its type usually runs' : 'tasks here usually run'} ${span(r.p95!)} (p95 of the last ${n} completed, ${label}), ` +
      `and ${span(r.threshold)} (${RUN_P95_FACTOR} x p95, at least ${RUN_FLOOR_MINUTES} min) is the limit.`;
  }
  const history = n
    ? `only ${n} completed run${n === 1 ? '' : 's'} in ${RUN_HISTORY_DAYS} days (${label}, the longest ${span(r.longest!)}), too few to go by`
    : `no completed run in ${RUN_HISTORY_DAYS} days`;
  const limit = r.threshold > RUN_DEFAULT_MINUTES * 60
    ? `${RUN_P95_FACTOR} x its longest run, ${span(r.threshold)}, is the limit`
    : `the default limit of ${span(r.threshold)} applies`;
  return `${head}; ${typed ? 'its type has' : 'tasks here have'} ${history}: ${limit}.`;
}
