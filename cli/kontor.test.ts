import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { freePort } from '@/db/embedded';

function kontor(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tdb: TestDatabase;
before(async () => {
  tdb = await emptyDatabase();
});
after(() => tdb.drop());

test('migrate --json creates the schema; status then says current', () => {
  const before = kontor(['status', '--json'], { DATABASE_URL: tdb.url });
  assert.equal(before.code, 1);
  assert.equal(JSON.parse(before.stdout).state, 'missing');

  const run = kontor(['migrate', '--json'], { DATABASE_URL: tdb.url });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).ok, true);
  assert.ok(JSON.parse(run.stdout).applied.includes('0001_staff'));

  const status = kontor(['status'], { DATABASE_URL: tdb.url });
  assert.equal(status.code, 0);
  assert.match(status.stdout, /current/);
});

test('an unknown command exits 2 with usage on stderr', () => {
  const r = kontor(['frobnicate'], { DATABASE_URL: tdb.url });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
});

test('a database that is down exits 1 with a clear message', async () => {
  const port = await freePort();
  const r = kontor(['migrate'], { DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${port}/x` });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ECONNREFUSED|cannot be reached/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test('staff add gives an existing auth user a role; an unknown email or role is refused', async () => {
  const pg = (await import('pg')).default;
  const client = new pg.Client(tdb.url);
  await client.connect();
  await client.query(`create schema if not exists auth;
    create table if not exists auth.users (id uuid primary key, email text, deleted_at timestamptz);
    insert into auth.users values ('00000000-0000-4000-8000-000000000001', 'Boss@Example.com', null)`);
  await client.end();

  const bad = kontor(['staff', 'add', 'boss@example.com', '--role', 'king'], { DATABASE_URL: tdb.url });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--role must be one of/);
  const unknown = kontor(['staff', 'add', 'nobody@example.com', '--role', 'admin'], { DATABASE_URL: tdb.url });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no auth user with the email nobody@example.com/);

  const ok = kontor(['staff', 'add', 'boss@example.com', '--role', 'admin', '--json'], { DATABASE_URL: tdb.url });
  assert.equal(ok.code, 0, ok.stderr);
  const list = kontor(['staff', 'list', '--json'], { DATABASE_URL: tdb.url });
  assert.deepEqual(JSON.parse(list.stdout).map((r: { email: string; role: string }) => [r.email, r.role]), [['Boss@Example.com', 'admin']]);
});
