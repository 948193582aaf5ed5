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
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error?.message ?? (r.signal ? `killed by ${r.signal}` : undefined) };
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
  assert.equal(list.code, 0, `staff list: ${list.stderr}${list.error ?? ''}`);
  assert.deepEqual(JSON.parse(list.stdout).map((r: { email: string; role: string }) => [r.email, r.role]), [['Boss@Example.com', 'admin']]);

  // Audited in the same transaction, with the OS account as the actor, and the chain still verifies.
  const again = kontor(['staff', 'add', 'boss@example.com', '--role', 'viewer', '--reason', 'Stepping down after the handover'], { DATABASE_URL: tdb.url });
  assert.equal(again.code, 0, again.stderr);
  const check = new pg.Client(tdb.url);
  await check.connect();
  const audit = await check.query(`select action, reason, staff_email, after ->> 'role' as role from kontor.audit_log order by id`);
  await check.end();
  assert.deepEqual(audit.rows.map((r) => [r.action, r.role]), [['staff.add', 'admin'], ['staff.changeRole', 'viewer']]);
  assert.match(audit.rows[0].reason, /kontor staff add/);
  assert.equal(audit.rows[1].reason, 'Stepping down after the handover');
  assert.match(audit.rows[0].staff_email, /^cli:/);
  const verify = kontor(['audit', 'verify', '--json'], { DATABASE_URL: tdb.url });
  assert.equal(verify.code, 0, verify.stderr);
});
