/**
 * readLanes opens as many read-only transactions as asked while the pool has connections to spare,
 * and fewer (never waiting for one while holding others) when it has not.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { kyselyOver } from '@/db/index';
import type { KontorDatabase } from '@/db/types';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { readLanes } from '@/app/(console)/database/_lib/lanes';

let tdb: TestDatabase;
let pool: pg.Pool;
before(async () => {
  tdb = await emptyDatabase();
  pool = new pg.Pool({ connectionString: tdb.url, max: 3, connectionTimeoutMillis: 2000 });
});
after(async () => {
  await pool?.end();
  await tdb?.drop();
});

/** Each lane's backend and whether it is a read-only transaction. */
const lanesOf = (db: Kysely<KontorDatabase>, most: number) => readLanes(most, (lanes) => Promise.all(lanes.map(async (trx) => {
  const { rows: [r] } = await sql<{ pid: number; ro: string }>`select pg_backend_pid() as pid, current_setting('transaction_read_only') as ro`.execute(trx);
  return r;
})), db);

test('as many lanes as asked, each its own read-only transaction, while the pool has room', async () => {
  const lanes = await lanesOf(kyselyOver(pool), 3);
  assert.equal(lanes.length, 3);
  assert.equal(new Set(lanes.map((l) => l.pid)).size, 3);
  assert.ok(lanes.every((l) => l.ro === 'on'));
  assert.equal((await lanesOf(kyselyOver(pool), 2)).length, 2);
});

test('fewer lanes, without waiting, when the pool has no connection to spare', async () => {
  const db = kyselyOver(pool);
  const held = [await pool.connect(), await pool.connect()];
  try {
    // Asking the full pool for a second connection would wait out its timeout and fail the read.
    const lanes = await lanesOf(db, 3);
    assert.equal(lanes.length, 1);
  } finally {
    for (const c of held) c.release();
  }
  assert.equal((await lanesOf(db, 3)).length, 3);
});

test('a Kysely whose pool is not known here reads on one lane', async () => {
  const { Kysely, PostgresDialect } = await import('kysely');
  const db = new Kysely<never>({ dialect: new PostgresDialect({ pool }) });
  assert.equal((await lanesOf(db as unknown as Kysely<KontorDatabase>, 3)).length, 1);
});
