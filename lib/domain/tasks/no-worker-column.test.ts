/**
 * A product with a workers table whose tasks do not name their worker (a later Reigh schema): the
 * stuck-task checks and the task edits must not reach for the worker of a task (they once joined a
 * workers alias that was never in the query: "missing FROM-clause entry for table w").
 * The mapping is a file (KONTOR_MAPPING): the demo's preset without tasks.workerId.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';

const file = path.join(os.tmpdir(), `kontor-no-worker-${process.pid}.json`);
process.env.KONTOR_MAPPING = file;

const { demoPreset } = await import('@/lib/mapping/presets/demo');
const { activeMapping } = await import('@/lib/mapping');
const { guardFixture } = await import('@/test/guard');
const { commitEdit, previewEdit } = await import('@/lib/guard/kernel');
const { TEST_ANCHOR } = await import('@/test/db');
const { findSilentWorkers, findStuckTasks } = await import('@/lib/domain/tasks/stuck');
const { requeueTask } = await import('@/lib/edits/tasks');

const preset = structuredClone(demoPreset) as { tasks: { columns: Record<string, unknown> } };
delete preset.tasks.columns.workerId;
fs.writeFileSync(file, JSON.stringify(preset));

let f: Awaited<ReturnType<typeof guardFixture>>;
before(async () => {
  f = await guardFixture();
  await sql`comment on database ${sql.id(f.tdb.name)} is ${sql.lit(`kontor demo 1 built ${TEST_ANCHOR.toISOString()}`)}`.execute(f.admin);
});
after(async () => {
  await f?.close();
  fs.rmSync(file, { force: true });
});

test('the mapping in use has workers but no worker column on tasks', () => {
  const m = activeMapping();
  assert.ok(m.workers);
  assert.equal(m.tasks?.columns.workerId, undefined);
});

test('stuck tasks: no task is blamed on a dead worker it cannot name; the queued ones are still found', async () => {
  const stuck = await findStuckTasks(f.db, activeMapping(), { now: TEST_ANCHOR });
  assert.equal(stuck.filter((s) => s.kind === 'task_on_dead_worker').length, 0);
  assert.ok(stuck.some((s) => s.kind === 'task_queued_for_hours'));
  for (const s of stuck) assert.equal(s.workerId, null);
  // Workers are still read on their own.
  assert.ok((await findSilentWorkers(f.db, activeMapping(), { now: TEST_ANCHOR })).length > 0);
});

test('requeue a failed task: preview and commit work without a worker column', async () => {
  const { rows } = await sql<{ id: string }>`select id::text from public.tasks where status = 'Failed' order by id limit 1`.execute(f.db);
  const input = { taskId: rows[0].id };
  const { preview, token } = await previewEdit(requeueTask, f.staff.engineer, input, f.opts);
  assert.deepEqual(preview.changes.find((c) => c.path === 'status'), { path: 'status', before: 'Failed', after: 'Queued' });
  await commitEdit(requeueTask, f.staff.engineer, { ...input, reason: 'Failed on a worker that is gone; try again' }, token, crypto.randomUUID(), f.opts);
  const after = await sql<{ status: string }>`select status from public.tasks where id = ${rows[0].id}`.execute(f.db);
  assert.equal(after.rows[0].status, 'Queued');
});
