import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sql } from 'kysely';
import { read } from '@/db/index';
import { INDEX_SORTS, listIndexes, listUnindexedForeignKeys } from '@/lib/inspect/indexes';
import { warmDemo, type DemoCopy } from '@/lib/inspect/testing';

interface Planted { kind: string; objects: string[] }
const manifest: Planted[] = JSON.parse(fs.readFileSync('db/demo/manifest.json', 'utf8'));
const planted = (kind: string) => manifest.find((m) => m.kind === kind)!.objects;

for (const major of [17, 15] as const) {
  describe(`index verdicts on PostgreSQL ${major}`, () => {
    let d: DemoCopy;
    before(async () => { d = await warmDemo(major); });
    after(() => d.close());
    const r = <T,>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, d.db);

    test('each planted index gets its verdict, and no clean index gets one', async () => {
      const { rows, total } = await r((trx) => listIndexes(trx, { verdict: 'any', limit: 1000 }));
      const found = rows.map((x) => `${x.verdict!.kind} ${x.schema}.${x.name}`).sort();
      // The duplicate pair: exactly one of the two is the one to drop.
      const [a, b] = planted('duplicate_index');
      const dup = rows.find((x) => x.verdict!.kind === 'duplicate')!;
      assert.ok([a, b].includes(`${dup.schema}.${dup.name}`));
      assert.match(dup.verdict!.reason, new RegExp(([a, b].find((n) => n !== `${dup.schema}.${dup.name}`)!).replace('.', '\\.')));
      assert.deepEqual(found, [
        `duplicate ${dup.schema}.${dup.name}`,
        `redundant ${planted('redundant_index')[0]}`,
        `unused ${planted('unused_index')[0]}`,
      ].sort());
      assert.equal(total, 3);
      const unused = rows.find((x) => x.verdict!.kind === 'unused')!;
      assert.equal(unused.verdict!.fix.split('\n').at(-1), 'DROP INDEX CONCURRENTLY public.idx_payments_amount;');
      assert.equal(unused.scans, 0);
    });

    test('the unindexed foreign key is the planted one, with the SQL to index it', async () => {
      const fks = await r((trx) => listUnindexedForeignKeys(trx));
      assert.deepEqual(fks.map((f) => `${f.schema}.${f.table}`), planted('unindexed_foreign_key'));
      assert.equal(fks[0].constraint, 'generations_task_id_fkey');
      assert.equal(fks[0].fix, 'CREATE INDEX CONCURRENTLY ON public.generations (task_id);');
    });

    test('Supabase-managed and Kontor schemas are listed but never judged', async () => {
      const auth = await r((trx) => listIndexes(trx, { schema: 'auth', limit: 100 }));
      assert.ok(auth.rows.some((x) => x.name === 'users_instance_id_idx'), 'the GoTrue prefix index is listed');
      assert.ok(auth.rows.every((x) => x.verdict === null));
      const kontor = await r((trx) => listIndexes(trx, { schema: 'kontor', limit: 100 }));
      assert.ok(kontor.total > 0 && kontor.rows.every((x) => x.verdict === null));
    });

    test('an invalid index left by a failed concurrent build, with quoted identifiers in the fix', async () => {
      await d.run('create schema "Odd Schema"', 'create table "Odd Schema"."t" (x int)', 'insert into "Odd Schema"."t" values (1), (1)');
      await assert.rejects(d.run('create unique index concurrently "bad ""idx""" on "Odd Schema"."t" (x)'));
      const { rows } = await r((trx) => listIndexes(trx, { verdict: 'invalid' }));
      assert.equal(rows.length, 1);
      assert.equal(rows[0].valid, false);
      assert.match(rows[0].verdict!.fix, /^REINDEX INDEX CONCURRENTLY "Odd Schema"\."bad ""idx""";/);
      await d.run('drop schema "Odd Schema" cascade');
    });

    test('scan counters move by exactly the scans a session performs', async () => {
      const get = async () => (await r((trx) => listIndexes(trx, { q: 'idx_projects_user_id' }))).rows[0];
      const before = await get();
      await d.run('set enable_seqscan = off', 'set enable_bitmapscan = off',
        `select id from public.projects where user_id = '00000000-0000-4000-8000-000000000000'`,
        `select id from public.projects where user_id = '00000000-0000-4000-8000-000000000001'`);
      const after = await get();
      assert.equal(after.scans - before.scans, 2);
    });

    test('every sort key runs, and sizes equal pg_relation_size', async () => {
      for (const sort of INDEX_SORTS) await r((trx) => listIndexes(trx, { sort, limit: 3 }));
      const { rows } = await r((trx) => listIndexes(trx, { sort: 'size', limit: 3 }));
      const truth = await sql<{ n: string }>`select pg_relation_size(${`${rows[0].schema}.${rows[0].name}`}::regclass)::text as n`.execute(d.db);
      assert.equal(rows[0].sizeBytes, Number(truth.rows[0].n));
      assert.ok(rows[0].sizeBytes >= rows[1].sizeBytes);
      const tableOnly = await r((trx) => listIndexes(trx, { table: { schema: 'public', name: 'tasks' }, limit: 100 }));
      assert.ok(tableOnly.rows.length >= 8 && tableOnly.rows.every((x) => x.table === 'tasks'));
    });
  });
}
