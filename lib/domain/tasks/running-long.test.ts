/**
 * task_running_too_long reads its types' histories one statement per type, or, past RUN_BATCH_TYPES
 * types, in one statement: on the demo (its orphans found as running too long where the product has no
 * workers table, and with workers, a planted long runner of a second type) both give the same findings.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { demoDatabase, TEST_ANCHOR, type TestDatabase } from '@/test/db';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { parseMapping } from '@/lib/mapping';
import { at, queueModel, taskKey } from '@/lib/domain/tasks/model';
import { findRunningTooLong } from '@/lib/domain/tasks/running-long';
import { createDb } from '@/db/connect';

let t: TestDatabase;
let db: Kysely<KontorDatabase>;
const now = TEST_ANCHOR;

before(async () => {
  t = await demoDatabase();
  db = createDb(t.url, { max: 2 });
  // A second type running far too long, on a live worker, and one of a type with no history.
  await sql`insert into public.task_cost_configs (task_type, base_cost_per_second, billable) values ('batch_fixture_unknown', 0.001, true)`.execute(db);
  await sql`
    insert into public.tasks (user_id, task_type, status, attempts, worker_id, created_at, updated_at, generation_started_at, cost)
    select (select id from public.users order by id limit 1), x.type, 'In Progress', 1,
           (select id from public.workers where status = 'active' and last_heartbeat > ${now.toISOString()}::timestamptz - interval '1 minute' order by id limit 1),
           ${now.toISOString()}::timestamptz - x.ago, ${now.toISOString()}::timestamptz - interval '1 minute', ${now.toISOString()}::timestamptz - x.ago, 0.01
      from (values ((select task_type from public.tasks where status = 'Complete' group by 1 order by count(*) desc limit 1), interval '20 hours'),
                   ('batch_fixture_unknown', interval '5 hours')) x(type, ago)`.execute(db);
});
after(async () => {
  await db?.destroy();
  await t?.drop();
});

test('one statement for many types finds what one statement per type finds', async () => {
  const { workers: _workers, ...rest } = demoPreset;
  const { workerId: _workerId, ...columns } = demoPreset.tasks.columns;
  const noWorkers = parseMapping({ ...rest, tasks: { ...demoPreset.tasks, columns }, absent: { ...rest.absent, workers: 'no workers table' } });
  for (const mapping of [parseMapping(demoPreset), noWorkers]) {
    const m = queueModel(mapping);
    const run = (batchTypes: number) => findRunningTooLong<{ id: string }>(db, m, {
      now: at(now), staleMinutes: 5, limit: 200, columns: sql`${taskKey(m)}::text as id`, batchTypes,
    });
    const each = await run(Infinity);
    const batched = await run(0);
    assert.ok(each.length >= 2, `${each.length} found`);
    assert.deepEqual(batched, each);
  }
});
