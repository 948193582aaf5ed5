import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { LATEST_MIGRATION, MIGRATIONS, migrateToLatest, schemaStatus } from '@/db/migrate';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { createDb } from '@/db/connect';

let tdb: TestDatabase;
let db: Kysely<unknown>;
before(async () => {
  tdb = await emptyDatabase();
  db = createDb(tdb.url, { max: 2 });
});
after(async () => {
  await db.destroy();
  await tdb.drop();
});

test('a database without the kontor schema reads as missing, and migrate creates it', async () => {
  assert.deepEqual(await schemaStatus(db), { state: 'missing' });
  const { error, results } = await migrateToLatest(db);
  assert.equal(error, undefined);
  assert.deepEqual(results?.map((r) => r.migrationName), Object.keys(MIGRATIONS));
  assert.equal((await schemaStatus(db)).state, 'current');
  const again = await migrateToLatest(db);
  assert.deepEqual(again.results, []);
});

test('a migration missing from the database reads as behind', async () => {
  await sql`delete from kontor.kysely_migration where name = ${LATEST_MIGRATION}`.execute(db);
  const status = await schemaStatus(db);
  assert.equal(status.state, 'behind');
  assert.deepEqual('pending' in status && status.pending, [LATEST_MIGRATION]);
  await sql`insert into kontor.kysely_migration (name, timestamp) values (${LATEST_MIGRATION}, now()::text)`.execute(db);
});

test('a migration this build does not know reads as ahead', async () => {
  await sql`insert into kontor.kysely_migration (name, timestamp) values ('9999_future', now()::text)`.execute(db);
  const status = await schemaStatus(db);
  assert.equal(status.state, 'ahead');
  await sql`delete from kontor.kysely_migration where name = '9999_future'`.execute(db);
});
