/**
 * The task queue as the mapping describes it: which tables and columns, which raw status values, and
 * "now". Every tasks module builds its SQL from these helpers, so no product table or status string
 * is named in lib/domain/tasks.
 *
 * The clock: the demo database is a snapshot whose heartbeats and queue ages are fresh only at its
 * anchor (lib/domain/clock.ts); a real database uses now().
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf, type Concept, type Mapping } from '@/lib/mapping';
import { databaseClock } from '@/lib/domain/clock';

export type TasksConcept = Concept<'tasks'>;
export type WorkersConcept = Concept<'workers'>;
export type TaskColumn = Extract<keyof TasksConcept['columns'], string>;
export type TaskState = keyof TasksConcept['statuses'];

export interface QueueModel {
  tasks: TasksConcept;
  workers?: WorkersConcept;
  ledger?: Concept<'ledger'>;
  costs?: Concept<'taskCostConfigs'>;
  users?: Concept<'users'>;
}

export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

/** The concepts the operations pages read; throws when the mapping has no task queue. */
export function queueModel(mapping: Mapping): QueueModel {
  if (!mapping.tasks) throw new QueueUnavailableError('This database has no task queue in its table mapping.');
  return { tasks: mapping.tasks, workers: mapping.workers, ledger: mapping.ledger, costs: mapping.taskCostConfigs, users: mapping.users };
}

/** A task column (qualified by `alias`), or NULL when the product's table has no such column. */
export function tcol(m: QueueModel, column: TaskColumn, alias = 't', fallback: RawBuilder<unknown> = sql`null`): RawBuilder<unknown> {
  return hasColumn(m.tasks, column) ? columnOf(m.tasks, column, alias) : fallback;
}

export function taskTable(m: QueueModel) {
  return tableOf(m.tasks);
}

export function taskKey(m: QueueModel, alias = 't') {
  return keyOf(m.tasks, alias);
}

/** The raw value of a status, or null when the mapping does not know it. */
export function rawStatus(m: QueueModel, state: TaskState): string | null {
  return m.tasks.statuses[state] ?? null;
}

/**
 * `status in (values)` for the given states; false when none is mapped. Untyped literals, as the
 * mapping's own `where` (lib/mapping/sql.ts): an enum column (Reigh's task_status) then compares as its
 * enum and its indexes serve; cast to text, every read of the in-progress or queued tasks scanned the
 * whole table (2.5M tasks at 1M users: seconds).
 */
export function statusIn(m: QueueModel, states: readonly TaskState[], alias = 't'): RawBuilder<unknown> {
  const values = states.map((s) => rawStatus(m, s)).filter((v): v is string => v !== null);
  if (!values.length) return sql`false`;
  return sql`${columnOf(m.tasks, 'status', alias)} in (${sql.join([...new Set(values)].map((v) => sql.lit(v)))})`;
}

/** The meaning of a raw status value, or the value itself. */
export function stateOf(m: QueueModel, raw: string): TaskState | null {
  const found = Object.entries(m.tasks.statuses).find(([, v]) => v === raw);
  return (found?.[0] as TaskState | undefined) ?? null;
}

export function workerCol(m: QueueModel, column: Extract<keyof WorkersConcept['columns'], string>, alias = 'w'): RawBuilder<unknown> {
  return m.workers && hasColumn(m.workers, column) ? columnOf(m.workers, column, alias) : sql`null`;
}

/** A key inside the workers' metadata json (version, concurrency), as text. */
export function workerMeta(m: QueueModel, key: string, alias = 'w'): RawBuilder<unknown> {
  return m.workers && hasColumn(m.workers, 'metadata')
    ? sql`(to_jsonb(${columnOf(m.workers, 'metadata', alias)}) ->> ${key})`
    : sql`null::text`;
}

/**
 * A column of the worker joined to task `t` by joinWorker: null when there is no such join (the
 * product has workers, but its tasks do not name theirs), so a task query never names an absent `w`.
 */
export function heldByCol(m: QueueModel, column: Extract<keyof WorkersConcept['columns'], string>): RawBuilder<unknown> {
  return hasColumn(m.tasks, 'workerId') ? workerCol(m, column) : sql`null`;
}

/** A key of the joined worker's metadata (see heldByCol). */
export function heldByMeta(m: QueueModel, key: string): RawBuilder<unknown> {
  return hasColumn(m.tasks, 'workerId') ? workerMeta(m, key) : sql`null::text`;
}

/** LEFT JOIN of the worker that holds task `t`, when the mapping has workers and tasks name them. */
export function joinWorker(m: QueueModel, alias = 'w'): RawBuilder<unknown> {
  if (!m.workers || !hasColumn(m.tasks, 'workerId')) return sql``;
  return sql`left join ${tableOf(m.workers)} ${sql.id(alias)} on ${keyOf(m.workers, alias)}::text = ${columnOf(m.tasks, 'workerId', 't')}::text`;
}

/** True when the workers concept can say which worker is alive. */
export function hasHeartbeats(m: QueueModel): boolean {
  return Boolean(m.workers && hasColumn(m.workers, 'lastHeartbeat') && hasColumn(m.tasks, 'workerId'));
}

/**
 * "Dead" for the worker joined as `w` relative to `now`: gone, not active, or its heartbeat older
 * than `staleMinutes`. Without heartbeats Kontor cannot tell, and says false.
 */
export function workerDead(m: QueueModel, now: RawBuilder<unknown>, staleMinutes: number, alias = 'w'): RawBuilder<unknown> {
  if (!hasHeartbeats(m)) return sql`false`;
  const active = m.workers!.statuses.active;
  const notActive = active ? sql`${columnOf(m.workers!, 'status', alias)}::text <> ${active}` : sql`false`;
  return sql`(${keyOf(m.workers!, alias)} is null or ${notActive}
    or ${columnOf(m.workers!, 'lastHeartbeat', alias)} is null
    or ${columnOf(m.workers!, 'lastHeartbeat', alias)} < ${now} - make_interval(mins => ${staleMinutes}))`;
}

/** The queue's "now": the demo's anchor when this is the demo snapshot, else the database's clock. */
export async function queueClock(db: QueryExecutorProvider): Promise<{ now: Date; snapshot: boolean }> {
  const { now, anchor } = await databaseClock(db);
  return anchor ? { now: anchor, snapshot: true } : { now, snapshot: false };
}

export async function queueNow(db: QueryExecutorProvider): Promise<Date> {
  return (await queueClock(db)).now;
}

/** A timestamptz parameter. */
export function at(date: Date): RawBuilder<unknown> {
  return sql`${date.toISOString()}::timestamptz`;
}
