/**
 * Demo sign-in's "this machine only": decided from where the driver really connects (its own parsing
 * of the URL, where `?host=` wins) and from the address the server says the connection reached.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kysely } from 'kysely';
import pg from 'pg';
import { DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import type { KontorDatabase } from '@/db/types';
import { assertLocalServer, isLocalAddress, NOT_LOCAL_MESSAGE } from '@/lib/auth/demo';
import { signIn } from '@/lib/auth/session';
import { driverHost, isLocalDatabase } from '@/lib/env';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { MemoryCookieJar } from '@/test/auth-standin';
import { createDb } from '@/db/connect';

const DECOYS = [
  'postgres://u:p@localhost/db?host=db.internal.example',
  'postgres://u:p@127.0.0.1:5432/db?host=10.0.0.7&port=6543',
  'postgres://u:p@localhost/db?host=db.abcdefgh.supabase.co&sslmode=require',
];

test('the host is the one node-postgres connects to: a ?host= parameter wins over the URL\'s', () => {
  for (const url of [...DECOYS, 'postgres://u@localhost:5/db', 'postgres://u@[::1]:5432/db', 'postgres://u@%2Ftmp%2Fpg/db', 'socket:/tmp/pg?db=x', 'postgres:///db?host=/var/run/pg', 'postgres://u:p@/db', 'postgres://u@db.example.com/x?host=localhost']) {
    assert.equal(driverHost(url), new pg.Client(url).host, url);
  }
  for (const url of DECOYS) assert.equal(isLocalDatabase(url), false, url);
  assert.equal(isLocalDatabase('postgres://u@localhost:5/db'), true);
  assert.equal(isLocalDatabase('postgres://u@127.0.0.1:5/db'), true);
  assert.equal(isLocalDatabase('postgres://u@[::1]:5/db'), true);
  assert.equal(isLocalDatabase('postgres://u@%2Ftmp%2Fpg/db'), true, 'a Unix socket');
});

test('demo sign-in refuses a URL whose ?host= points elsewhere, before checking any password', async () => {
  const jar = new MemoryCookieJar();
  const config = { mode: 'demo' as const, secret: 'a-test-secret-that-is-long-enough-0123456789', databaseUrl: DECOYS[0], secure: false };
  // The database handle is never used: the refusal comes first.
  const r = await signIn(config, undefined as unknown as Kysely<KontorDatabase>, jar, { email: DEMO_STAFF[0].email, password: DEMO_PASSWORD }, { log: () => undefined });
  assert.deepEqual(r, { ok: false, reason: 'not-local', message: NOT_LOCAL_MESSAGE });
  assert.equal(jar.writes.length, 0);
});

test('the server\'s own address: loopback, a Unix socket or this machine\'s interface is local; anything else is not', () => {
  const interfaces = { eth0: [{ address: '172.17.0.5', netmask: '255.255.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '172.17.0.5/16' }] } as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;
  assert.equal(isLocalAddress(null, interfaces), true);
  assert.equal(isLocalAddress('127.0.0.1', interfaces), true);
  assert.equal(isLocalAddress('::1', interfaces), true);
  assert.equal(isLocalAddress('::ffff:127.0.0.1', interfaces), true);
  assert.equal(isLocalAddress('172.17.0.5', interfaces), true);
  assert.equal(isLocalAddress('172.17.0.6', interfaces), false);
  assert.equal(isLocalAddress('10.0.0.7', interfaces), false);
});

let tdb: TestDatabase;
let db: Kysely<KontorDatabase>;
before(async () => {
  tdb = await emptyDatabase();
  db = createDb(tdb.url, { max: 1 });
});
after(async () => {
  await db?.destroy();
  await tdb?.drop();
});

test('the test cluster, reached on 127.0.0.1, says so itself', async () => {
  await assertLocalServer(db);
});
