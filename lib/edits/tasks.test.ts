/**
 * The queue's guarded edits on a copy of the demo (its clock pinned to the anchor through the
 * database comment, as the real demo has it).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { TEST_ANCHOR } from '@/test/db';
import { STAFF_ROLES } from '@/db/types';
import { activeMapping } from '@/lib/mapping';
import { getTask } from '@/lib/domain/tasks/list';
import { findStuckTasks } from '@/lib/domain/tasks/stuck';
import { BULK_MAX, bulkCancelTasks, bulkRequeueTasks, cancelTask, markWorkerOffline, requeueTask } from '@/lib/edits/tasks';

const manifest = JSON.parse(readFileSync('db/demo/manifest.json', 'utf8')) as { kind: string; ids?: string[] }[];
const idsOf = (kind: string) => manifest.find((d) => d.kind === kind)!.ids!;
const REASON = 'Worker gpu-us-east-24 died mid-job; the customer is waiting for this';
const key = () => crypto.randomUUID();

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
  await sql`comment on database ${sql.id(f.tdb.name)} is ${sql.lit(`kontor demo 1 built ${TEST_ANCHOR.toISOString()}`)}`.execute(f.admin);
});
after(() => f?.close());

/** Every task and worker row, and Kontor's audit and idempotency tables, as one value. */
async function snapshot() {
  const { rows } = await sql<{ f: string }>`
    select md5(concat_ws('|',
      (select string_agg(md5(t::text), ',' order by id) from public.tasks t),
      (select string_agg(w::text, ',' order by id) from public.workers w),
      (select count(*) from kontor.audit_log), (select count(*) from kontor.idempotency))) as f`.execute(f.db);
  return rows[0].f;
}

async function liveWorker() {
  const { rows } = await sql<{ id: string }>`select id from public.workers where status = 'active' order by last_heartbeat desc, id limit 1`.execute(f.db);
  return rows[0].id;
}

async function statusOf(id: string) {
  const { rows } = await sql<{ status: string; worker_id: string | null }>`select status, worker_id from public.tasks where id = ${id}`.execute(f.db);
  return rows[0];
}

async function refused(p: Promise<unknown>, kind: GuardError['kind']): Promise<GuardError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GuardError, `expected a GuardError, got ${err}`);
    assert.equal(err.kind, kind, err.message);
    return err;
  }
  assert.fail(`expected a ${kind} refusal`);
}

async function oneWith(where: ReturnType<typeof sql>) {
  const { rows } = await sql<{ id: string }>`select id::text from public.tasks where ${where} order by id limit 1`.execute(f.db);
  return rows[0].id;
}

test('the pages offer what the edits allow: getTask and the stuck list return the actions a preview accepts', async () => {
  const mapping = activeMapping();
  const { rows } = await sql<{ id: string }>`
    (select id::text from public.tasks where status = 'Failed' order by id limit 3)
    union all (select id::text from public.tasks where status = 'Queued' order by id limit 3)
    union all (select id::text from public.tasks where status = 'Complete' order by id limit 2)
    union all (select id::text from public.tasks where status = 'Cancelled' order by id limit 2)
    union all (select id::text from public.tasks where status = 'In Progress' and worker_id <> 'gpu-us-east-24' order by id limit 3)
    union all (select id::text from public.tasks where id::text = any(${idsOf('task_on_dead_worker')}::text[]) order by id limit 3)
    union all (select id::text from public.tasks where id::text = any(${idsOf('task_queued_for_hours')}::text[]) order by id limit 2)`.execute(f.db);
  const stuck = await findStuckTasks(f.db, mapping, { now: TEST_ANCHOR, staleMinutes: 1 });
  const fp = await snapshot();
  const seen = { requeue: 0, cancel: 0, neither: 0, stuckChecked: 0 };
  for (const { id } of rows) {
    const task = await getTask(f.db, mapping, id);
    assert.ok(task, id);
    for (const [action, edit] of [['requeue', requeueTask], ['cancel', cancelTask]] as const) {
      const allowed = await previewEdit(edit, f.staff.admin, { taskId: id }, f.opts).then(() => true, (err: GuardError) => {
        assert.equal(err.kind, 'conflict', err.message);
        return false;
      });
      assert.equal(task.actions[action], allowed, `${action} of ${task.status} task ${id}: the page offers ${task.actions[action]}, the edit says ${allowed}`);
      if (allowed) seen[action] += 1;
      // The stuck list, read with a stricter threshold of its own, offers the same (the edits' threshold decides).
      const listed = stuck.find((t) => t.id === id);
      if (listed) {
        assert.equal(listed.actions[action], allowed, `stuck list, ${action} of ${id}`);
        seen.stuckChecked += 1;
      }
    }
    if (!task.actions.requeue && !task.actions.cancel) seen.neither += 1;
  }
  assert.ok(seen.requeue >= 4 && seen.cancel >= 4 && seen.neither >= 6 && seen.stuckChecked >= 2, JSON.stringify(seen));
  assert.equal(await snapshot(), fp, 'previews write nothing');
});

test('requeue a failed task: queued again, its run cleared, one audit row', async () => {
  const id = await oneWith(sql`status = 'Failed' and task_type = 'image_upscale'`);
  const input = { taskId: id };
  const { preview, token } = await previewEdit(requeueTask, f.staff.engineer, input, f.opts);
  assert.deepEqual(preview.changes.find((c) => c.path === 'status'), { path: 'status', before: 'Failed', after: 'Queued' });
  const r = await commitEdit(requeueTask, f.staff.engineer, { ...input, reason: REASON }, token, key(), f.opts);
  assert.equal(r.status, 'applied');
  assert.deepEqual(await statusOf(id), { status: 'Queued', worker_id: null });
  const { rows } = await sql<{ action: string; target_type: string }>`select action, target_type from kontor.audit_log where target_id = ${id}`.execute(f.db);
  assert.deepEqual(rows, [{ action: 'tasks.requeue', target_type: 'task' }]);
});

test('no requeue of a Complete task, nor of one running on a live worker; no cancel of a failed one', async () => {
  const complete = await oneWith(sql`status = 'Complete'`);
  const running = await oneWith(sql`status = 'In Progress' and worker_id <> 'gpu-us-east-24'`);
  const failed = await oneWith(sql`status = 'Failed'`);
  const fp = await snapshot();
  const e1 = await refused(previewEdit(requeueTask, f.staff.admin, { taskId: complete }, f.opts), 'conflict');
  assert.match(e1.message, /is Complete now.*Nothing was changed/);
  const e2 = await refused(previewEdit(requeueTask, f.staff.admin, { taskId: running }, f.opts), 'conflict');
  assert.match(e2.message, /alive.*run it twice/);
  await refused(previewEdit(cancelTask, f.staff.admin, { taskId: failed }, f.opts), 'conflict');
  assert.equal(await snapshot(), fp);
});

test('a worker finishes the task between preview and commit: the requeue is refused and nothing changes', async () => {
  const [orphan] = idsOf('task_on_dead_worker');
  const input = { taskId: orphan };
  const { token } = await previewEdit(requeueTask, f.staff.engineer, input, f.opts);
  // The worker was not dead after all: it reports the task Complete.
  await sql`update public.tasks set status = 'Complete', generation_processed_at = now(), cost = 0.42 where id = ${orphan}`.execute(f.db);
  const fp = await snapshot();
  const err = await refused(commitEdit(requeueTask, f.staff.engineer, { ...input, reason: REASON }, token, key(), f.opts), 'conflict');
  assert.match(err.message, /cannot be requeued: it is Complete now\. A worker may have finished/);
  assert.equal(await snapshot(), fp);
  assert.equal((await statusOf(orphan)).status, 'Complete');
});

test('a worker takes a stuck queued task between preview and commit: the cancel is refused', async () => {
  const [queued] = idsOf('task_queued_for_hours');
  const { token } = await previewEdit(cancelTask, f.staff.admin, { taskId: queued }, f.opts);
  await sql`update public.tasks set status = 'In Progress', worker_id = ${await liveWorker()}, generation_started_at = now() where id = ${queued}`.execute(f.db);
  const fp = await snapshot();
  await refused(commitEdit(cancelTask, f.staff.admin, { taskId: queued, reason: REASON }, token, key(), f.opts), 'conflict');
  assert.equal(await snapshot(), fp);
});

test('cancel the other orphan: Cancelled, the worker kept for the record', async () => {
  const orphan = idsOf('task_on_dead_worker')[1];
  const { token } = await previewEdit(cancelTask, f.staff.engineer, { taskId: orphan }, f.opts);
  await commitEdit(cancelTask, f.staff.engineer, { taskId: orphan, reason: REASON }, token, key(), f.opts);
  assert.deepEqual(await statusOf(orphan), { status: 'Cancelled', worker_id: 'gpu-us-east-24' });
});

test('bulk requeue: the preview count equals the rows changed, the audit row lists every id', async () => {
  const input = { status: 'failed', taskType: 'travel_orchestrator' };
  const { rows: expected } = await sql<{ id: string; cost: string }>`
    select id::text, cost::text from public.tasks where status = 'Failed' and task_type = 'travel_orchestrator' order by id`.execute(f.db);
  assert.ok(expected.length > 1 && expected.length <= BULK_MAX, `fixture size ${expected.length}`);
  const { preview, token } = await previewEdit(bulkRequeueTasks, f.staff.engineer, input, f.opts);
  const changed = Object.fromEntries(preview.changes.map((c) => [c.path, c.after]));
  assert.equal(changed.tasksChanged, expected.length);
  assert.equal(changed.rerunCredits, '0.00', 'travel_orchestrator is not billable');
  const r = await commitEdit(bulkRequeueTasks, f.staff.engineer, { ...input, reason: REASON }, token, key(), f.opts);
  assert.equal(r.status, 'applied');
  const { rows: now } = await sql<{ n: string }>`
    select count(*)::text as n from public.tasks where id = any(${expected.map((e) => e.id)}::uuid[]) and status = 'Queued'`.execute(f.db);
  assert.equal(Number(now[0].n), expected.length);
  const { rows: audit } = await sql<{ after: { taskIds: string[]; tasksChanged: number } }>`
    select after from kontor.audit_log where action = 'tasks.bulkRequeue' order by id desc limit 1`.execute(f.db);
  assert.deepEqual(audit[0].after.taskIds, expected.map((e) => e.id));
  assert.equal(audit[0].after.tasksChanged, expected.length);
});

test('bulk requeue of a billable set shows the credits rerunning them costs', async () => {
  const input = { status: 'failed', taskType: 'lora_training' };
  const { rows } = await sql<{ n: string; cost: string }>`
    select count(*)::text as n, sum(cost)::text as cost from public.tasks where status = 'Failed' and task_type = 'lora_training'`.execute(f.db);
  const { preview } = await previewEdit(bulkRequeueTasks, f.staff.admin, input, f.opts);
  const changed = Object.fromEntries(preview.changes.map((c) => [c.path, c.after]));
  assert.equal(changed.tasksChanged, Number(rows[0].n));
  assert.equal(changed.rerunCredits, rows[0].cost);
});

test('bulk over the cap is refused with the count, and writes nothing', async () => {
  const fp = await snapshot();
  const err = await refused(previewEdit(bulkRequeueTasks, f.staff.admin, { status: 'failed' }, f.opts), 'limit');
  assert.match(err.message, new RegExp(`matches [\\d,]+ tasks; at most ${BULK_MAX} per edit`));
  assert.equal(await snapshot(), fp);
});

test('bulk: a row changing between preview and commit refuses the whole edit', async () => {
  const input = { status: 'queued', taskType: 'image_generation' };
  const { token } = await previewEdit(bulkCancelTasks, f.staff.admin, input, f.opts);
  await sql`update public.tasks set status = 'In Progress', worker_id = ${await liveWorker()}
             where id = (select id from public.tasks where status = 'Queued' and task_type = 'image_generation' order by id limit 1)`.execute(f.db);
  const fp = await snapshot();
  await assert.rejects(commitEdit(bulkCancelTasks, f.staff.admin, { ...input, reason: REASON }, token, key(), f.opts), (e: unknown) =>
    e instanceof GuardError && (e.kind === 'stale' || e.kind === 'conflict'));
  assert.equal(await snapshot(), fp);
});

test('bad input gets a clear message and writes nothing', async () => {
  const fp = await snapshot();
  const e1 = await refused(previewEdit(requeueTask, f.staff.admin, { taskId: "1; drop table tasks" }, f.opts), 'invalid');
  assert.deepEqual(e1.fieldErrors?.taskId, ['The task is not a valid id.']);
  const e2 = await refused(previewEdit(bulkRequeueTasks, f.staff.admin, { status: 'complete' }, f.opts), 'invalid');
  assert.match(e2.fieldErrors!.status![0], /Choose which tasks to requeue: failed or inProgress/);
  await refused(previewEdit(bulkCancelTasks, f.staff.admin, { status: 'queued', createdAfter: 'yesterday' }, f.opts), 'invalid');
  const e3 = await refused(previewEdit(requeueTask, f.staff.admin, { taskId: crypto.randomUUID() }, f.opts), 'invalid');
  assert.equal(e3.message, 'No task has this id.');
  await refused(previewEdit(requeueTask, f.staff.admin, { taskId: crypto.randomUUID(), extra: 1 }, f.opts), 'invalid');
  const [orphanLeft] = idsOf('task_on_dead_worker');
  await refused(commitEdit(requeueTask, f.staff.admin, { taskId: orphanLeft, reason: 'x' }, 'not-a-token', key(), f.opts), 'invalid');
  assert.equal(await snapshot(), fp);
});

test('roles without the capability are refused server-side, whatever the input', async () => {
  const [queued] = idsOf('task_queued_for_hours').slice(1);
  const fp = await snapshot();
  for (const edit of [requeueTask, cancelTask, bulkRequeueTasks, bulkCancelTasks, markWorkerOffline]) {
    for (const role of STAFF_ROLES) {
      const staff = f.staff[role];
      if (staff.can(edit.capability)) {
        assert.ok(role === 'engineer' || role === 'admin', `${role} may ${edit.name}`);
        continue;
      }
      const input = edit === markWorkerOffline ? { workerId: 'gpu-eu-west-23' } : edit.name.startsWith('tasks.bulk') ? { status: 'queued' } : { taskId: queued };
      await refused(previewEdit(edit, staff, input, f.opts), 'forbidden');
      await refused(commitEdit(edit, staff, { ...input, reason: REASON }, 'forged', key(), f.opts), 'forbidden');
    }
  }
  assert.ok(!f.staff.support.can('tasks.requeue') && f.staff.support.can('tasks.read'), 'support reads the queue and may not change it');
  assert.equal(await snapshot(), fp);
});

test('mark the silent worker offline; a live one is refused', async () => {
  const [silent] = idsOf('silent_worker');
  await refused(previewEdit(markWorkerOffline, f.staff.engineer, { workerId: await liveWorker() }, f.opts), 'conflict');
  const { preview, token } = await previewEdit(markWorkerOffline, f.staff.engineer, { workerId: silent }, f.opts);
  assert.deepEqual(preview.changes, [{ path: 'status', before: 'active', after: 'inactive' }]);
  await commitEdit(markWorkerOffline, f.staff.engineer, { workerId: silent, reason: REASON }, token, key(), f.opts);
  const { rows } = await sql<{ status: string }>`select status from public.workers where id = ${silent}`.execute(f.db);
  assert.equal(rows[0].status, 'inactive');
});
