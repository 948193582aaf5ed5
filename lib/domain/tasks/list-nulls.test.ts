/**
 * The task list's newest-first view on a nullable created_at with an index on it (the story app's
 * api_cost_logs, `created_at DESC`, nullable): read as the dated rows through the index then the
 * undated ones, it returns the same pages as the whole table sorted `created_at desc nulls last, id`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { listTasks, parseTaskSearch, type TaskFilter } from '@/lib/domain/tasks/list';
import { createdOrderHint, createdOrderPlan } from '@/lib/domain/tasks/list-order';
import { queueModel } from '@/lib/domain/tasks/model';
import { parseMapping } from '@/lib/mapping/schema';
import { createDb } from '@/db/connect';

let t: TestDatabase;
let db: Kysely<unknown>;

const mapping = parseMapping({
  name: 'nullable-created',
  tasks: {
    table: { schema: 'public', name: 'logs' }, key: 'id',
    columns: { userId: 'user_id', taskType: 'operation', status: 'status', createdAt: 'created_at' },
    statuses: { queued: 'pending', inProgress: 'processing', complete: 'completed', failed: 'failed' },
    billing: 'none',
  },
});

before(async () => {
  t = await emptyDatabase();
  db = createDb(t.url, { max: 2 });
  // 300 rows: every 7th undated, created_at repeating (ties broken by id), four statuses.
  await sql`
    create table logs (id uuid primary key, user_id uuid, operation text not null, status text not null, created_at timestamptz);
    create index logs_created_at on logs (created_at desc);
    insert into logs
    select md5(g::text)::uuid, null, case when g % 3 = 0 then 'story' else 'image' end,
           (array['pending', 'processing', 'completed', 'failed'])[1 + g % 4],
           case when g % 7 = 0 then null else timestamptz '2026-11-01' + make_interval(mins => g % 50) end
      from generate_series(1, 300) g;
    analyze logs;
  `.execute(db);
});
after(async () => {
  await db?.destroy();
  await t?.drop();
});

test('nullable created_at with an index: the same pages as the full sort, and no index to suggest', async () => {
  const m = queueModel(mapping);
  const plan = await createdOrderPlan(db, m);
  assert.deepEqual({ ...plan, rows: 0 }, { notNull: false, createdIndex: true, statusCreatedIndex: false, rows: 0 });
  assert.equal(createdOrderHint(m, { ...plan, rows: 2e6 }), null);
  const none = parseTaskSearch('');
  const cases: [TaskFilter, number, number][] = [[{}, 25, 0], [{}, 50, 250], [{}, 100, 200], [{ status: 'failed' }, 25, 50], [{ type: 'story' }, 25, 80]];
  for (const [filter, limit, offset] of cases) {
    for (const desc of [true, false]) {
      const dir = sql.raw(desc ? 'desc nulls last' : 'asc nulls first');
      const { rows: old } = await sql<{ id: string }>`
        select id::text from logs
         where ${filter.status ? sql`status = ${filter.status}` : sql`true`} and ${filter.type ? sql`operation = ${filter.type}` : sql`true`}
         order by created_at ${dir}, id ${dir} limit ${limit + 1} offset ${offset}`.execute(db);
      const got = await listTasks(db, mapping, { filter, search: none, sort: 'created', desc, limit, offset });
      assert.deepEqual(got.rows.map((r) => r.id), old.slice(0, limit).map((r) => r.id), `${JSON.stringify(filter)} ${limit}+${offset} ${desc}`);
      assert.equal(got.hasMore, old.length > limit);
      assert.ok(old.length > 0);
    }
  }
});
