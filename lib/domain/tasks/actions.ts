/**
 * Which tasks may be requeued or cancelled, decided once: the read models (getTask, findStuckTasks)
 * return it as `actions` for the pages to render, and the task edits (lib/edits/tasks.ts) check the
 * same condition, in SQL, under the row lock and again in their UPDATE.
 *
 * - requeue: a failed task, or one left In Progress on a dead worker;
 * - cancel: a queued task, or one left In Progress on a dead worker.
 * A worker is dead when it is gone, not active, or silent past ORPHAN_AFTER_MINUTES (workerDead).
 * A task In Progress on a live worker is neither: requeueing it would run it twice, and its worker
 * is still on it. Without heartbeats Kontor cannot tell a worker is dead, so In Progress allows neither.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Capability } from '@/lib/auth/permissions';
import { statusIn, stateOf, workerDead, type QueueModel, type TaskState } from '@/lib/domain/tasks/model';

export type TaskAction = 'requeue' | 'cancel';
export interface TaskActions {
  requeue: boolean;
  cancel: boolean;
}

/** A worker silent this long is dead, and the task it holds may be requeued or cancelled (stuck.ts's default too). */
export const ORPHAN_AFTER_MINUTES = 5;

/** The states each action starts from without further condition; In Progress needs a dead worker. */
export const DIRECT_FROM: Record<TaskAction, readonly TaskState[]> = { requeue: ['failed'], cancel: ['queued'] };

export const ALLOWED_TEXT: Record<TaskAction, string> = {
  requeue: 'only failed tasks, and tasks left In Progress on a dead worker, can be requeued',
  cancel: 'only queued tasks, and tasks left In Progress on a dead worker, can be cancelled',
};

/** True (in SQL) for task `t` In Progress on the dead worker `w` (joinWorker). */
export function orphanedSql(m: QueueModel, now: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(${statusIn(m, ['inProgress'])} and ${workerDead(m, now, ORPHAN_AFTER_MINUTES)})`;
}

/** True (in SQL) when `action` may start from task `t`'s state now. */
export function allowedSql(m: QueueModel, action: TaskAction, now: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(${statusIn(m, DIRECT_FROM[action])} or ${orphanedSql(m, now)})`;
}

/** The same rule for a row already read: its raw status and whether it is orphaned (orphanedSql). */
export function taskActions(m: QueueModel, status: string, orphaned: boolean): TaskActions {
  const state = stateOf(m, status);
  const may = (action: TaskAction) => (state !== null && DIRECT_FROM[action].includes(state)) || (state === 'inProgress' && orphaned);
  return { requeue: may('requeue'), cancel: may('cancel') };
}

/** The actions this staff member may take: the rule above, and the capability each edit needs. */
export function actionsFor(staff: { can(capability: Capability): boolean }, actions: TaskActions): TaskActions {
  return { requeue: actions.requeue && staff.can('tasks.requeue'), cancel: actions.cancel && staff.can('tasks.cancel') };
}
