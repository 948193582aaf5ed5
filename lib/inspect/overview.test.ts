import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, sql } from 'kysely';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { getDatabaseIdentity, getDatabaseVitals, listLargestTables } from '@/lib/inspect/overview';
import { createDb } from '@/db/connect';

// The catalog queries must hold on both majors Kontor supports.
for (const major of [17, 15] as const) {
  describe(`overview catalog queries on PostgreSQL ${major}`, () => {
    let t: TestDatabase;
    let db: Kysely<unknown>;
    before(async () => {
      t = await emptyDatabase(major);
      db = createDb(t.url, { max: 2 });
      await sql.raw(`
        create schema "App Data";
        create table "App Data"."big.one" (id int primary key, body text);
        insert into "App Data"."big.one" select g, repeat('x', 500) from generate_series(1, 5000) g;
        create table public.small (id int primary key);
        create table public.wide_index (id int primary key, a text, b text);
        insert into public.wide_index select g, md5(g::text), md5((g * 7)::text) from generate_series(1, 3000) g;
        create index on public.wide_index (a, b);
        create index on public.wide_index (b, a);
        analyze;
        select count(*) from "App Data"."big.one";
      `).execute(db);
    });
    after(async () => {
      await db.destroy();
      await t.drop();
    });

    test('identity names the database and server', async () => {
      const id = await getDatabaseIdentity(db);
      assert.equal(id.name, t.name);
      assert.match(id.serverVersion, new RegExp(`^${major}\\.`));
    });

    test('vitals: size, cache ratios, connections', async () => {
      const v = await getDatabaseVitals(db);
      assert.ok(v.sizeBytes > 1_000_000, `size ${v.sizeBytes}`);
      for (const r of [v.cacheHit.heap, v.cacheHit.database]) assert.ok(r === null || (r >= 0 && r <= 1));
      assert.ok(v.connections.used >= 1);
      assert.equal(v.connections.max, 60);
    });

    test('largest tables are schema-qualified and ordered by the chosen size', async () => {
      const byTotal = await listLargestTables(db);
      assert.deepEqual([byTotal[0].schema, byTotal[0].name], ['App Data', 'big.one']);
      assert.ok(byTotal.every((r) => r.totalBytes >= r.tableBytes));
      assert.equal(byTotal[0].estimatedRows, 5000);
      assert.ok(!byTotal.some((r) => r.schema === 'pg_catalog' || r.schema === 'information_schema'));

      const byIndex = await listLargestTables(db, { sort: 'index', limit: 2 });
      assert.equal(byIndex.length, 2);
      assert.equal(byIndex[0].name, 'wide_index');
    });

    test('an unknown sort key falls back to total size', async () => {
      const rows = await listLargestTables(db, { sort: 'x; drop table small' as never, limit: 1 });
      assert.equal(rows[0].name, 'big.one');
    });
  });
}
