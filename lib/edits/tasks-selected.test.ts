/**
 * Ticked tasks requeued or cancelled in one guarded edit (issue 19): one preview listing each task,
 * the ones the action does not apply to listed as skipped with why, one audit row for the set.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { TEST_ANCHOR } from '@/test/db';
import { cancelSelectedTasks, requeueSelectedTasks } from '@/lib/edits/tasks';

const REASON = 'Provider outage between 10:00 and 10:20; these runs failed for no fault of theirs';
const key = () => crypto.randomUUID();

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
  await sql`comment on database ${sql.id(f.tdb.name)} is ${sql.lit(`kontor demo 1 built ${TEST_ANCHOR.toISOString()}`)}`.execute(f.admin);
});
after(() => f?.close());

async function idsWith(where: ReturnType<typeof sql>, n: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select id::text from public.tasks where ${where} order by id limit ${n}`.execute(f.db);
  assert.equal(rows.length, n);
  return rows.map((r) => r.id);
}
const statusOf = async (id: string) =>
  (await sql<{ status: string }>`select status from public.tasks where id = ${id}`.execute(f.db)).rows[0]?.status;
const auditCount = async () => (await sql<{ n: number }>`select count(*)::int as n from kontor.audit_log`.execute(f.db)).rows[0].n;

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

test('requeue two failed tasks with a finished and an unknown one ticked: two requeued, two listed as skipped, one audit row', async () => {
  const failed = await idsWith(sql`status = 'Failed'`, 2);
  const [complete] = await idsWith(sql`status = 'Complete'`, 1);
  const missing = crypto.randomUUID();
  const input = { taskIds: [failed[1], complete, failed[0], missing, failed[0]] };
  const audits = await auditCount();
  const { preview, token } = await previewEdit(requeueSelectedTasks, f.staff.engineer, input, f.opts);
  for (const id of failed) assert.deepEqual(preview.changes.find((c) => c.path === `status.${id}`), { path: `status.${id}`, before: 'Failed', after: 'Queued' });
  assert.match(String(preview.changes.find((c) => c.path === `skipped.${complete}`)?.after), /left alone: it is Complete, not requeued/);
  assert.match(String(preview.changes.find((c) => c.path === `skipped.${missing}`)?.after), /no task has this id/);
  assert.deepEqual(preview.changes.find((c) => c.path === 'tasksChanged'), { path: 'tasksChanged', before: 0, after: 2 });
  assert.equal(preview.needsApproval, false, 'like the single requeue, no second approver');
  assert.equal(await auditCount(), audits, 'a preview writes nothing');

  const r = await commitEdit(requeueSelectedTasks, f.staff.engineer, { ...input, reason: REASON }, token, key(), f.opts);
  assert.equal(r.status, 'applied');
  for (const id of failed) assert.equal(await statusOf(id), 'Queued');
  assert.equal(await statusOf(complete), 'Complete');
  assert.equal(await auditCount(), audits + 1, 'one audit row for the set');
  const { rows: [row] } = await sql<{ action: string; after: { status: Record<string, string>; skipped: Record<string, string> } }>`
    select action, after from kontor.audit_log order by id desc limit 1`.execute(f.db);
  assert.equal(row.action, 'tasks.requeueSelected');
  assert.deepEqual(Object.keys(row.after.status).sort(), [...failed].sort());
  assert.deepEqual(Object.keys(row.after.skipped).sort(), [complete, missing].sort());
});

test('cancel ticked queued tasks; nothing eligible is refused and writes nothing', async () => {
  const queued = await idsWith(sql`status = 'Queued'`, 2);
  const { token } = await previewEdit(cancelSelectedTasks, f.staff.admin, { taskIds: queued }, f.opts);
  await commitEdit(cancelSelectedTasks, f.staff.admin, { taskIds: queued, reason: REASON }, token, key(), f.opts);
  for (const id of queued) assert.equal(await statusOf(id), 'Cancelled');
  const audits = await auditCount();
  const err = await refused(previewEdit(cancelSelectedTasks, f.staff.admin, { taskIds: queued }, f.opts), 'conflict');
  assert.match(err.message, /None of the 2 ticked/);
  assert.equal(await auditCount(), audits);
});

test('a ticked task changing between preview and commit refuses the whole edit', async () => {
  const failed = await idsWith(sql`status = 'Failed'`, 2);
  const input = { taskIds: failed };
  const { token } = await previewEdit(requeueSelectedTasks, f.staff.admin, input, f.opts);
  await sql`update public.tasks set status = 'Complete' where id = ${failed[1]}`.execute(f.admin);
  await assert.rejects(commitEdit(requeueSelectedTasks, f.staff.admin, { ...input, reason: REASON }, token, key(), f.opts), GuardError);
  assert.equal(await statusOf(failed[0]), 'Failed', 'nothing was requeued');
});

test('a role without tasks.requeue is refused; ids that are no task key are refused as input', async () => {
  const failed = await idsWith(sql`status = 'Failed'`, 1);
  await refused(previewEdit(requeueSelectedTasks, f.staff.support, { taskIds: failed }, f.opts), 'forbidden');
  await refused(previewEdit(requeueSelectedTasks, f.staff.admin, { taskIds: [] }, f.opts), 'invalid');
  await refused(previewEdit(requeueSelectedTasks, f.staff.admin, { taskIds: ['x'.repeat(300)] }, f.opts), 'invalid');
});
