/**
 * The queue's guarded edits: requeue or cancel one task, the same over a filter (bulk, capped), and
 * mark a silent worker offline. Each change is allowed only from the states where it makes sense
 * (lib/domain/tasks/actions.ts, the rule the pages render too), checked in the transaction that writes it: load locks the rows (FOR UPDATE) and refuses a state that
 * no longer allows the edit, and the UPDATE repeats the condition and checks its row count. A worker
 * that finishes the task a moment before the commit therefore wins, and the edit says so.
 *
 * Capabilities: requeue needs tasks.requeue (it can cost the user credits again), cancel and marking a
 * worker offline need tasks.cancel (they stop work).
 */
import 'server-only';
import crypto from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { BULK_MAX } from '@/lib/edits/catalog';
import { GuardError, invalid } from '@/lib/guard/errors';
import { activeMapping, columnOf, hasColumn, keyOf, tableOf } from '@/lib/mapping';
import { writeTableOf } from '@/lib/mapping/sql';
import {
  at, hasHeartbeats, joinWorker, queueModel, queueNow, rawStatus, statusIn, taskKey, taskTable, tcol, heldByCol, workerCol, type QueueModel, type TaskState,
} from '@/lib/domain/tasks/model';
import { ALLOWED_TEXT, allowedSql, DIRECT_FROM, ORPHAN_AFTER_MINUTES, orphanedSql, taskActions, type TaskAction as Action } from '@/lib/domain/tasks/actions';
import { rowKeySchema } from '@/lib/mapping/keys';
import { creditScale } from '@/lib/domain/money-sql';
import { rescale } from '@/lib/money';

export { BULK_MAX };

const TO: Record<Action, TaskState> = { requeue: 'queued', cancel: 'cancelled' };
/** The states a bulk edit may select; In Progress ones only when their worker is dead (allowedSql). */
const BULK_FROM: Record<Action, readonly TaskState[]> = { requeue: [...DIRECT_FROM.requeue, 'inProgress'], cancel: [...DIRECT_FROM.cancel, 'inProgress'] };
const VERB: Record<Action, string> = { requeue: 'requeued', cancel: 'cancelled' };

function model(): QueueModel {
  try {
    return queueModel(activeMapping());
  } catch (err) {
    throw new GuardError('misconfigured', (err as Error).message);
  }
}

function requireStatus(m: QueueModel, state: TaskState): string {
  const raw = rawStatus(m, state);
  if (!raw) throw new GuardError('misconfigured', `The table mapping names no "${state}" task status.`);
  return raw;
}

interface TaskSnapshot {
  id: string;
  status: string;
  taskType: string | null;
  workerId: string | null;
  attempts: number | null;
  cost: string | null;
}

async function lockTask(trx: Trx, m: QueueModel, id: string) {
  const now = at(await queueNow(trx));
  const { rows } = await sql<{
    id: string; status: string; task_type: string | null; worker_id: string | null; attempts: number | null; cost: string | null;
    version: string; orphaned: boolean; heartbeat: Date | null; worker_status: string | null;
  }>`
    select ${taskKey(m)}::text as id, ${columnOf(m.tasks, 'status', 't')}::text as status, ${tcol(m, 'taskType')}::text as task_type,
           ${tcol(m, 'workerId')}::text as worker_id, ${tcol(m, 'attempts')}::int as attempts, ${tcol(m, 'cost')}::text as cost,
           md5(t::text) as version, ${orphanedSql(m, now)} as orphaned,
           ${heldByCol(m, 'lastHeartbeat')} as heartbeat, ${heldByCol(m, 'status')}::text as worker_status
      from ${taskTable(m)} t ${joinWorker(m)}
     where ${taskKey(m)} = ${id}
       for update of t`.execute(trx);
  return rows[0];
}

function refuseState(m: QueueModel, action: Action, row: NonNullable<Awaited<ReturnType<typeof lockTask>>>): never {
  let why: string;
  if (row.status === rawStatus(m, 'inProgress')) {
    why = hasHeartbeats(m)
      ? `it is In Progress on ${row.worker_id ?? 'a worker'}, which is alive (last heartbeat ${row.heartbeat ? new Date(row.heartbeat).toISOString() : 'unknown'}): ${action === 'requeue' ? 'requeueing would run it twice' : 'the worker is still on it'}`
      : 'it is In Progress, and without worker heartbeats Kontor cannot tell that its worker is gone';
  } else {
    why = `it is ${row.status} now`;
  }
  throw new GuardError(
    'conflict',
    `Task ${row.id} cannot be ${VERB[action]}: ${why}. A worker may have finished or taken it since you looked; ${ALLOWED_TEXT[action]}. Nothing was changed.`,
  );
}

/** SET list of a state change: requeue clears the run (worker, times, error); cancel only moves the status. */
function setList(m: QueueModel, action: Action): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`${columnOf(m.tasks, 'status')} = ${requireStatus(m, TO[action])}`];
  if (action === 'requeue') {
    for (const c of ['workerId', 'startedAt', 'processedAt', 'errorMessage'] as const) {
      if (hasColumn(m.tasks, c)) parts.push(sql`${columnOf(m.tasks, c)} = null`);
    }
  }
  if (hasColumn(m.tasks, 'updatedAt')) parts.push(sql`${columnOf(m.tasks, 'updatedAt')} = now()`);
  return sql.join(parts);
}

/** The UPDATE repeats the allowed-state check; fewer rows than expected means someone else won. */
async function transition(trx: Trx, m: QueueModel, action: Action, ids: string[]): Promise<void> {
  const now = at(await queueNow(trx));
  const { rows } = await sql<{ id: string }>`
    update ${writeTableOf(m.tasks)} t set ${setList(m, action)}
      from (select ${taskKey(m)} as kid from ${taskTable(m)} t ${joinWorker(m)}
             where ${taskKey(m)}::text = any(${ids}::text[]) and ${allowedSql(m, action, now)}) ok
     where ${taskKey(m)} = ok.kid
    returning ${taskKey(m)}::text as id`.execute(trx);
  if (rows.length !== ids.length) {
    throw new GuardError('conflict', `${ids.length - rows.length} of ${ids.length} task(s) changed state meanwhile (a worker finished or took them): nothing was ${VERB[action]}. Preview again.`);
  }
}

const taskId = rowKeySchema('task');

function singleEdit(action: Action) {
  return catalogEdit(`tasks.${action}`, {
    input: z.strictObject({ taskId }),
    async load(trx, input) {
      const m = model();
      const row = await lockTask(trx, m, input.taskId);
      if (!row) throw invalid('taskId', 'No task has this id.');
      if (!taskActions(m, row.status, row.orphaned)[action]) refuseState(m, action, row);
      const before: TaskSnapshot = { id: row.id, status: row.status, taskType: row.task_type, workerId: row.worker_id, attempts: row.attempts, cost: row.cost };
      return { target: { type: 'task', id: row.id }, rows: [{ key: `task:${row.id}`, version: row.version }], before };
    },
    async apply(trx, _input, loaded) {
      const m = model();
      const before = loaded.before as TaskSnapshot;
      await transition(trx, m, action, [before.id]);
      const after: TaskSnapshot = {
        ...before,
        status: requireStatus(m, TO[action]),
        workerId: action === 'requeue' && hasColumn(m.tasks, 'workerId') ? null : before.workerId,
      };
      return { after, result: { taskId: before.id, status: after.status } };
    },
  });
}

export const requeueTask = singleEdit('requeue');
export const cancelTask = singleEdit('cancel');

const optionalText = (label: string) =>
  z.string({ error: `${label} must be text.` }).trim().max(200, { error: `${label} is too long.` }).optional()
    .transform((s) => (s ? s : undefined));
const isoTime = (label: string) =>
  z.union([z.iso.datetime({ offset: true, error: `${label} must be a date and time (ISO 8601).` }), z.literal('')]).optional()
    .transform((s) => (s ? s : undefined));

function bulkInput(action: Action) {
  const states = BULK_FROM[action] as readonly [TaskState, ...TaskState[]];
  return z.strictObject({
    status: z.enum(states, { error: `Choose which tasks to ${action}: ${states.join(' or ')}.` }),
    taskType: optionalText('The task type'),
    workerId: optionalText('The worker'),
    userId: z.union([rowKeySchema('user'), z.literal('')]).optional().transform((s) => (s ? s : undefined)),
    createdAfter: isoTime('"Created after"'),
    createdBefore: isoTime('"Created before"'),
  });
}
export type BulkInput = z.infer<ReturnType<typeof bulkInput>>;

function bulkWhere(m: QueueModel, input: BulkInput, action: Action, now: RawBuilder<unknown>): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [statusIn(m, [input.status]), allowedSql(m, action, now)];
  if (input.taskType) parts.push(sql`${tcol(m, 'taskType')}::text = ${input.taskType}`);
  if (input.workerId) parts.push(sql`${tcol(m, 'workerId')}::text = ${input.workerId}`);
  if (input.userId) parts.push(sql`${tcol(m, 'userId')}::text = ${input.userId}`);
  if (input.createdAfter) parts.push(sql`${tcol(m, 'createdAt')} >= ${input.createdAfter}::timestamptz`);
  if (input.createdBefore) parts.push(sql`${tcol(m, 'createdAt')} < ${input.createdBefore}::timestamptz`);
  return sql.join(parts, sql` and `);
}

/** Before and after differ in status, tasksChanged (0 -> n) and rerunCredits, which the preview shows. */
interface BulkState {
  filter: BulkInput;
  status: string;
  tasksChanged: number;
  /** Credits the set would cost again when rerun (billable types; requeue only). */
  rerunCredits: string | null;
  taskIds: string[];
}

/** The rerun cost of tasks `t`: their stored cost, where their type is billable (exact; shown at the credits scale). */
function rerunCost(m: QueueModel): RawBuilder<unknown> {
  const costs = m.costs;
  const billable = costs && hasColumn(costs, 'billable') && hasColumn(m.tasks, 'taskType')
    ? sql`coalesce((select c.${sql.id(costs.columns.billable!)} from ${tableOf(costs)} c where c.${sql.id(costs.columns.taskType)}::text = ${tcol(m, 'taskType')}::text limit 1), true)`
    : sql`true`;
  return sql`coalesce(sum(case when ${billable} then coalesce(${tcol(m, 'cost')}, 0) else 0 end), 0)::text`;
}

function bulkEdit(action: Action) {
  return catalogEdit(action === 'requeue' ? 'tasks.bulkRequeue' : 'tasks.bulkCancel', {
    input: bulkInput(action),
    async load(trx, input) {
      const m = model();
      const now = at(await queueNow(trx));
      const where = bulkWhere(m, input, action, now);
      const { rows: counted } = await sql<{ n: string }>`
        select count(*)::text as n from ${taskTable(m)} t ${joinWorker(m)} where ${where}`.execute(trx);
      const n = Number(counted[0].n);
      if (n === 0) throw invalid('status', `No ${input.status} task matches this filter that could be ${VERB[action]}.`);
      if (n > BULK_MAX) {
        throw new GuardError('limit', `This filter matches ${n.toLocaleString('en')} tasks; at most ${BULK_MAX} per edit. Narrow it (type, worker, user, time) and repeat.`);
      }
      const { rows } = await sql<{ id: string; version: string }>`
        select ${taskKey(m)}::text as id, md5(t::text) as version from ${taskTable(m)} t ${joinWorker(m)}
         where ${where} order by ${taskKey(m)} limit ${BULK_MAX + 1} for update of t`.execute(trx);
      const before: BulkState = {
        filter: input,
        status: requireStatus(m, input.status),
        tasksChanged: 0,
        rerunCredits: null,
        taskIds: rows.map((r) => r.id),
      };
      // One version for the whole set (md5 of the rows' versions in id order): the preview token carries
      // every version it checks and is capped at 8 KB, which one entry per task would exceed past ~80 tasks.
      const setVersion = crypto.createHash('md5').update(rows.map((r) => `${r.id}:${r.version}`).join(',')).digest('hex');
      return {
        target: { type: 'tasks', id: `${action}:${rows.length}:${rows[0].id}` },
        rows: [{ key: `tasks:${action}:${rows.length}`, version: setVersion }],
        before,
      };
    },
    async apply(trx, _input, loaded) {
      const m = model();
      const before = loaded.before as BulkState;
      const { rows: cost } = await sql<{ cost: string }>`
        select ${rerunCost(m)} as cost from ${taskTable(m)} t where ${taskKey(m)}::text = any(${before.taskIds}::text[])`.execute(trx);
      await transition(trx, m, action, before.taskIds);
      const after: BulkState = {
        ...before,
        status: requireStatus(m, TO[action]),
        tasksChanged: before.taskIds.length,
        rerunCredits: action === 'requeue' ? rescale(cost[0].cost, await creditScale(trx, activeMapping())) : null,
      };
      return { after, result: { count: before.taskIds.length, taskIds: before.taskIds } };
    },
  });
}

export const bulkRequeueTasks = bulkEdit('requeue');
export const bulkCancelTasks = bulkEdit('cancel');

/**
 * The tasks ticked on the task list, requeued or cancelled in one edit: one preview listing each task
 * (its status before and after), one reason, and one audit row for the whole set (its before/after name
 * every task). Ticked tasks the action does not apply to (a finished one, one In Progress on a live
 * worker, one deleted since) are listed under `skipped`: their status before, why they are left alone after. Like the single
 * edit it repeats, it needs no second approver; the set is capped at BULK_MAX.
 */
interface SelectedState {
  /** Task id -> status: raw before, the target status after. */
  status: Record<string, string>;
  /** Ticked task id -> its status before (NO_TASK when there is none), why it is left as it is after. */
  skipped?: Record<string, string>;
  tasksChanged: number;
}

const NO_TASK = 'no such task';

function whySkipped(m: QueueModel, action: Action, status: string): string {
  if (status === NO_TASK) return 'left alone: no task has this id (deleted since?)';
  if (status === rawStatus(m, 'inProgress')) return `left alone: In Progress on a worker that is alive, not ${VERB[action]}`;
  return `left alone: it is ${status}, not ${VERB[action]}`;
}

function selectedEdit(action: Action) {
  return catalogEdit(action === 'requeue' ? 'tasks.requeueSelected' : 'tasks.cancelSelected', {
    input: z.strictObject({
      taskIds: z.array(taskId, { error: 'Tick the tasks to change.' }).min(1, { error: 'Tick at least one task.' })
        .max(BULK_MAX, { error: `At most ${BULK_MAX} tasks per edit.` })
        .transform((ids) => [...new Set(ids)].sort()),
    }),
    limits: { maxRows: BULK_MAX },
    async load(trx, input) {
      const m = model();
      const now = at(await queueNow(trx));
      const { rows } = await sql<{ id: string; status: string; orphaned: boolean; version: string }>`
        select ${taskKey(m)}::text as id, ${columnOf(m.tasks, 'status', 't')}::text as status,
               ${orphanedSql(m, now)} as orphaned, md5(t::text) as version
          from ${taskTable(m)} t ${joinWorker(m)}
         where ${taskKey(m)}::text = any(${input.taskIds}::text[])
         order by ${taskKey(m)}::text for update of t`.execute(trx);
      const found = new Map(rows.map((r) => [r.id, r]));
      const status: Record<string, string> = {};
      const skipped: Record<string, string> = {};
      for (const id of input.taskIds) {
        const r = found.get(id);
        if (!r) skipped[id] = NO_TASK;
        else if (taskActions(m, r.status, r.orphaned)[action]) status[id] = r.status;
        else skipped[id] = r.status;
      }
      const ids = Object.keys(status);
      if (ids.length === 0) {
        throw new GuardError('conflict', `None of the ${input.taskIds.length} ticked task(s) can be ${VERB[action]}: ${ALLOWED_TEXT[action]}. Nothing was changed.`);
      }
      // One version for the whole set, skipped tasks included: one that became eligible since the preview changes the outcome.
      const setVersion = crypto.createHash('md5').update(rows.map((r) => `${r.id}:${r.version}`).join(',')).digest('hex');
      const before: SelectedState = { status, tasksChanged: 0, ...(Object.keys(skipped).length ? { skipped } : {}) };
      return {
        target: { type: 'tasks', id: `${action}:${ids.length}:${ids[0]}` },
        rows: [{ key: `tasks:${action}:selected:${input.taskIds.length}`, version: setVersion }],
        before,
      };
    },
    async apply(trx, _input, loaded) {
      const m = model();
      const before = loaded.before as SelectedState;
      const ids = Object.keys(before.status);
      await transition(trx, m, action, ids);
      const to = requireStatus(m, TO[action]);
      const skipped = before.skipped && Object.fromEntries(Object.entries(before.skipped).map(([id, was]) => [id, whySkipped(m, action, was)]));
      const after: SelectedState = { status: Object.fromEntries(ids.map((id) => [id, to])), tasksChanged: ids.length, ...(skipped ? { skipped } : {}) };
      return { after, result: { count: ids.length, taskIds: ids, skipped: Object.keys(before.skipped ?? {}) } };
    },
  });
}

export const requeueSelectedTasks = selectedEdit('requeue');
export const cancelSelectedTasks = selectedEdit('cancel');

export const markWorkerOffline = catalogEdit('workers.markOffline', {
  input: z.strictObject({ workerId: z.string({ error: 'The worker must be named.' }).trim().min(1, { error: 'The worker must be named.' }).max(200) }),
  async load(trx, input) {
    const m = model();
    const w = m.workers;
    const active = w?.statuses.active;
    const inactive = w?.statuses.inactive;
    if (!w || !active || !inactive || !hasHeartbeats(m)) {
      throw new GuardError('misconfigured', 'Marking a worker offline needs workers with a heartbeat and active/inactive statuses in the table mapping.');
    }
    const now = at(await queueNow(trx));
    const { rows } = await sql<{ id: string; status: string; heartbeat: Date | null; silent: boolean; version: string }>`
      select ${keyOf(w, 'w')}::text as id, ${columnOf(w, 'status', 'w')}::text as status, ${workerCol(m, 'lastHeartbeat')} as heartbeat,
             coalesce(${workerCol(m, 'lastHeartbeat')} < ${now} - make_interval(mins => ${ORPHAN_AFTER_MINUTES}), true) as silent,
             md5(w::text) as version
        from ${tableOf(w)} w where ${keyOf(w, 'w')}::text = ${input.workerId} for update`.execute(trx);
    const row = rows[0];
    if (!row) throw invalid('workerId', 'No worker has this id.');
    if (row.status !== active) throw new GuardError('conflict', `Worker ${row.id} is ${row.status}, not ${active}: nothing to mark. Nothing was changed.`);
    if (!row.silent) {
      throw new GuardError('conflict', `Worker ${row.id} is alive (last heartbeat ${row.heartbeat ? new Date(row.heartbeat).toISOString() : 'unknown'}): only a silent worker can be marked offline. Nothing was changed.`);
    }
    return {
      target: { type: 'worker', id: row.id },
      rows: [{ key: `worker:${row.id}`, version: row.version }],
      before: { status: row.status, lastHeartbeat: row.heartbeat ? new Date(row.heartbeat).toISOString() : null },
    };
  },
  async apply(trx, input, loaded) {
    const m = model();
    const w = m.workers!;
    const before = loaded.before as { status: string; lastHeartbeat: string | null };
    const { rows } = await sql<{ id: string }>`
      update ${writeTableOf(w)} set ${columnOf(w, 'status')} = ${w.statuses.inactive!}
       where ${keyOf(w)}::text = ${input.workerId} and ${columnOf(w, 'status')}::text = ${w.statuses.active!}
      returning ${keyOf(w)}::text as id`.execute(trx);
    if (rows.length !== 1) throw new GuardError('conflict', `Worker ${input.workerId} changed meanwhile; nothing was changed.`);
    return { after: { ...before, status: w.statuses.inactive! }, result: { workerId: input.workerId } };
  },
});

