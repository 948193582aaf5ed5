/**
 * Secrets in statement text: the Queries page (pg_stat_statements) and the Activity page
 * (pg_stat_activity) show statements that set passwords or keys with their literals masked, and the
 * Queries filter cannot find a password by its letters.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { read } from '@/db/index';
import type { KontorDatabase } from '@/db/types';
import { listBusySessions } from '@/lib/inspect/activity';
import { maskedQuery } from '@/lib/inspect/mask';
import { getStatementsSource, listTopQueries } from '@/lib/inspect/queries';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { createDb } from '@/db/connect';

let tdb: TestDatabase;
let db: Kysely<KontorDatabase>;
const role = `kontor_mask_${crypto.randomBytes(4).toString('hex')}`;
const SECRET = 'hunter2-Sekr1t';

before(async () => {
  tdb = await emptyDatabase();
  db = createDb(tdb.url, { max: 3 });
  await sql`create extension if not exists pg_stat_statements`.execute(db);
});
after(async () => {
  await sql`drop role if exists ${sql.id(role)}`.execute(db).catch(() => undefined);
  await db?.destroy();
  await tdb?.drop();
});

async function mask(text: string) {
  const { rows: [r] } = await sql<{ m: string }>`select ${maskedQuery(sql`${text}::text`)} as m`.execute(db);
  return r.m;
}

test('literals of statements that set passwords or keys are masked; other statements are left alone', async () => {
  const cases: [string, string][] = [
    [`alter role app password '${SECRET}'`, `alter role app password '***'`],
    [`CREATE USER app WITH ENCRYPTED PASSWORD '${SECRET}' VALID UNTIL 'infinity'`, `CREATE USER app WITH ENCRYPTED PASSWORD '***' VALID UNTIL '***'`],
    [`select pgp_sym_encrypt(card, '${SECRET}') from cards`, `select pgp_sym_encrypt(card, '***') from cards`],
    [`select dblink_connect('host=db user=u password=${SECRET}')`, `select dblink_connect('***')`],
    [`alter role app password E'it\\'s ${SECRET}'`, `alter role app password E'***'`],
    [`alter role app password 'it''s ${SECRET}'`, `alter role app password '***'`],
    [`select vault.create_secret($$${SECRET}$$, 'stripe')`, `select vault.create_secret('***', '***')`],
    [`select vault.create_secret($k$it's ${SECRET}$k$, $$a$$)`, `select vault.create_secret('***', '***')`],
    [`select vault.create_secret($$it's ${SECRET}`, `select vault.create_secret('***'`],
    [`alter role app password '${SECRET}`, `alter role app password '***'`],
    [`select * from users where email = 'ada@example.com'`, `select * from users where email = 'ada@example.com'`],
  ];
  for (const [text, expected] of cases) assert.equal(await mask(text), expected, text);
});

test('the Queries page shows the statement masked, and its filter does not find the password', async () => {
  await sql.raw(`create role ${role} login password '${SECRET}'`).execute(db);
  await sql.raw(`alter role ${role} password '${SECRET}'`).execute(db);
  const source = await read((trx) => getStatementsSource(trx), {}, db);
  assert.ok(source.available);
  if (!source.available) return;
  const byRole = await read((trx) => listTopQueries(trx, source, { q: role, limit: 10 }), {}, db);
  assert.ok(byRole.rows.length >= 2, JSON.stringify(byRole.rows.map((r) => r.query)));
  for (const r of byRole.rows) {
    assert.doesNotMatch(r.query, new RegExp(SECRET), r.query);
    assert.match(r.query, /password '\*\*\*'/);
  }
  const bySecret = await read((trx) => listTopQueries(trx, source, { q: 'Sekr1t', limit: 10 }), {}, db);
  assert.deepEqual(bySecret.rows.map((r) => r.query), [], 'no match by the secret\'s letters');
});

test('the Activity page shows a running statement with a key masked', async () => {
  const other = new pg.Client(tdb.url);
  await other.connect();
  try {
    const running = other.query(`select pg_sleep(1.5), md5('${SECRET}') as api_key`);
    await new Promise((r) => setTimeout(r, 300));
    const sessions = await read((trx) => listBusySessions(trx), {}, db);
    const mine = sessions.find((s) => /pg_sleep\(1\.5\)/.test(s.query));
    assert.ok(mine, JSON.stringify(sessions.map((s) => s.query)));
    assert.doesNotMatch(mine.query, new RegExp(SECRET));
    assert.match(mine.query, /md5\('\*\*\*'\)/);
    await running;
  } finally {
    await other.end();
  }
});
