import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { read, readTransactionStart, write } from '@/db/index';
import { KontorDbError } from '@/db/errors';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { freePort } from '@/db/embedded';
import { createDb } from '@/db/connect';

function kysely(url: string, max = 1) {
  return createDb<never>(url, { max });
}

describe('the read path', () => {
  let tdb: TestDatabase;
  let db: Kysely<never>;
  before(async () => {
    tdb = await emptyDatabase();
    db = kysely(tdb.url);
    await sql`create table t (id int primary key, v text)`.execute(db);
    await sql`insert into t values (1, 'a')`.execute(db);
  });
  after(async () => {
    await db.destroy();
    await tdb.drop();
  });

  test('reads inside a read-only transaction named kontor', async () => {
    const row = await read(async (trx) => {
      const r = await sql<{ ro: string; app: string; v: string }>`
        select current_setting('transaction_read_only') as ro, current_setting('application_name') as app,
               (select v from t where id = 1) as v`.execute(trx);
      return r.rows[0];
    }, {}, db as never);
    assert.deepEqual(row, { ro: 'on', app: 'kontor', v: 'a' });
  });

  test('refuses a write made through it, and nothing is written', async () => {
    await assert.rejects(
      read((trx) => sql`insert into t values (2, 'b')`.execute(trx), {}, db as never),
      (err: unknown) => err instanceof KontorDbError && err.kind === 'read-only',
    );
    await assert.rejects(
      read((trx) => sql`update t set v = 'x'`.execute(trx), {}, db as never),
      (err: unknown) => err instanceof KontorDbError && err.kind === 'read-only',
    );
    const r = await sql<{ n: number; v: string }>`select count(*)::int as n, max(v) as v from t`.execute(db);
    assert.deepEqual(r.rows[0], { n: 1, v: 'a' });
  });

  test('cuts a slow query off at the statement timeout with a clear message', async () => {
    const started = Date.now();
    await assert.rejects(
      read((trx) => sql`select pg_sleep(5)`.execute(trx), { statementTimeoutMs: 200 }, db as never),
      (err: unknown) =>
        err instanceof KontorDbError && err.kind === 'timeout' && /statement timeout/.test(err.message),
    );
    assert.ok(Date.now() - started < 4000, 'the query was not cut off');
  });

  test('gives up on a lock held by someone else at the lock timeout', async () => {
    const holder = new pg.Client(tdb.url);
    await holder.connect();
    try {
      await holder.query('begin; lock table t in access exclusive mode');
      await assert.rejects(
        read((trx) => sql`select * from t`.execute(trx), { lockTimeoutMs: 200 }, db as never),
        (err: unknown) => err instanceof KontorDbError && err.kind === 'timeout' && /lock/.test(err.message),
      );
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });

  test('its settings are local to the transaction (pooler-safe)', async () => {
    await read(async () => undefined, { statementTimeoutMs: 1234 }, db as never);
    // The pool has one connection: the next plain query runs on the same session.
    const r = await sql<{ t: string; app: string }>`select current_setting('statement_timeout') as t, current_setting('application_name') as app`.execute(db);
    assert.notEqual(r.rows[0].t, '1234ms');
  });

  test('a failed statement caught inside the read still fails the read, and the connection comes back clean', async () => {
    await assert.rejects(
      read(async (trx) => {
        await sql`select 1 / 0`.execute(trx).catch(() => undefined);
        return 'swallowed';
      }, {}, db as never),
      /rolled back/,
    );
    await assert.rejects(read((trx) => sql`select 1 / 0`.execute(trx), {}, db as never));
    // One connection in the pool: it is out of any transaction and reads again.
    const r = await sql<{ open: boolean }>`select now() <> statement_timestamp() as open`.execute(db);
    assert.equal(r.rows[0].open, false);
    assert.deepEqual(await read(async (trx) => (await sql<{ v: string }>`select v from t where id = 1`.execute(trx)).rows, {}, db as never), [{ v: 'a' }]);
  });

  test('its settings reach SQL only as checked integers', () => {
    assert.match(readTransactionStart({ statementTimeoutMs: 1500, lockTimeoutMs: 100 }), /^start transaction read only; select set_config\('statement_timeout', '1500', true\), set_config\('lock_timeout', '100', true\)/);
    assert.throws(() => readTransactionStart({ statementTimeoutMs: "1'; drop table t; --" as unknown as number }));
    assert.throws(() => readTransactionStart({ lockTimeoutMs: 1.5 }));
  });

  test('write commits and is rolled back on error', async () => {
    await write((trx) => sql`insert into t values (3, 'c')`.execute(trx), {}, db as never);
    await assert.rejects(
      write(async (trx) => {
        await sql`insert into t values (4, 'd')`.execute(trx);
        throw new Error('boom');
      }, {}, db as never),
    );
    const r = await sql<{ ids: number[] }>`select array_agg(id order by id) as ids from t`.execute(db);
    assert.deepEqual(r.rows[0].ids, [1, 3]);
  });
});

describe('database problems are named', () => {
  test('nothing listening: unreachable', async () => {
    const port = await freePort();
    const db = kysely(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
    try {
      await assert.rejects(read((trx) => sql`select 1`.execute(trx), {}, db as never), (err: unknown) =>
        err instanceof KontorDbError && err.kind === 'unreachable' && /cannot be reached/.test(err.message),
      );
    } finally {
      await db.destroy();
    }
  });

  test('a refused password: auth', async () => {
    const tdb = await emptyDatabase();
    const url = new URL(tdb.url);
    url.password = 'wrong';
    const db = kysely(url.toString());
    try {
      await assert.rejects(read((trx) => sql`select 1`.execute(trx), {}, db as never), (err: unknown) =>
        err instanceof KontorDbError && err.kind === 'auth' && /refused/.test(err.message),
      );
    } finally {
      await db.destroy();
      await tdb.drop();
    }
  });
});
