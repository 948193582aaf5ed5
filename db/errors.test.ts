/**
 * Errors classified for people: a pool whose every connection is taken for the whole wait is "busy";
 * a database that does not answer in time is "unreachable"; both with a sentence, never a bare failure.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { classifyDbError, KontorDbError } from '@/db/errors';
import { freePort } from '@/db/embedded';
import { kyselyOver, read } from '@/db/index';
import { emptyDatabase, type TestDatabase } from '@/test/db';

let tdb: TestDatabase;
before(async () => {
  tdb = await emptyDatabase();
});
after(() => tdb?.drop());

test('a read that waits out the pool\'s connection timeout while every connection is taken is "busy"', async () => {
  const pool = new pg.Pool({ connectionString: tdb.url, max: 1, connectionTimeoutMillis: 200 });
  const db = kyselyOver(pool);
  try {
    const holding = read((trx) => sql`select pg_sleep(1)`.execute(trx), {}, db);
    await new Promise((r) => setTimeout(r, 100));
    const err = await read((trx) => sql`select 1`.execute(trx), {}, db).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof KontorDbError, String(err));
    assert.equal(err.kind, 'busy');
    assert.match(err.message, /busy/);
    await holding;
  } finally {
    await db.destroy();
  }
});

test('a pool wait that ends because nothing answers is "unreachable", not "busy"', async () => {
  const port = await freePort();
  const db = kyselyOver(new pg.Pool({ connectionString: `postgres://x:y@127.0.0.1:${port}/x`, max: 2, connectionTimeoutMillis: 200 }));
  try {
    const err = await read((trx) => sql`select 1`.execute(trx), {}, db).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof KontorDbError && err.kind === 'unreachable', String(err));
  } finally {
    await db.destroy();
  }
  const timedOut = classifyDbError(new Error('timeout exceeded when trying to connect'));
  assert.ok(timedOut instanceof KontorDbError && timedOut.kind === 'unreachable');
  const busy = classifyDbError(new Error('timeout exceeded when trying to connect'), { full: true });
  assert.ok(busy instanceof KontorDbError && busy.kind === 'busy');
});
