import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { parseMapping } from '@/lib/mapping';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { incrementalScanHints } from '@/lib/domain/reconcile/hints';
import { guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const mapping = parseMapping(demoPreset);
const tables = async () => (await incrementalScanHints(f.db, mapping, 0)).map((h) => h.table).sort();

test('names the tables an incremental run reads whole, until an index led by updated_at exists', async () => {
  // The demo's tables are small: no note at the default threshold, where a whole read costs milliseconds.
  assert.deepEqual(await incrementalScanHints(f.db, mapping), []);
  const hints = await incrementalScanHints(f.db, mapping, 0);
  assert.deepEqual(hints.map((h) => h.table).sort(), ['public.payments', 'public.tasks']);
  const tasks = hints.find((h) => h.table === 'public.tasks')!;
  assert.equal(tasks.column, 'updated_at');
  assert.equal(tasks.sql, 'create index concurrently on public.tasks (updated_at);');
  assert.ok(tasks.rows > 0);

  // A partial index, or one where updated_at is not the first column, does not serve the range.
  await sql`create index hint_partial on public.tasks (updated_at) where status = 'Complete'`.execute(f.admin);
  await sql`create index hint_second on public.tasks (status, updated_at)`.execute(f.admin);
  assert.deepEqual(await tables(), ['public.payments', 'public.tasks']);

  await sql`create index hint_tasks on public.tasks (updated_at)`.execute(f.admin);
  assert.deepEqual(await tables(), ['public.payments']);
  await sql`create index hint_payments on public.payments (updated_at desc, id)`.execute(f.admin);
  assert.deepEqual(await tables(), []);
});
