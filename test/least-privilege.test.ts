/**
 * The README's least-privilege setup, end to end: the `kontor` schema migrated by kontor_owner (not a
 * superuser), `kontor staff add` and a guarded edit as kontor_app, and everything kontor_app would
 * need to rewrite the audit log refused by Postgres.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { DEMO_CUSTOMER } from '@/db/demo/accounts';
import type { KontorDatabase } from '@/db/types';
import { loadStaff } from '@/lib/auth/staff';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { verifyAuditChain } from '@/lib/guard/audit';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { TEST_SECRET, userIdOf } from '@/test/guard';
import { demoDatabase, type TestDatabase } from '@/test/db';
import { APP, asRole, deployAsReadme } from '@/test/roles';
import { createDb } from '@/db/connect';

let tdb: TestDatabase;
let app: Kysely<KontorDatabase>;
const ADMIN_EMAIL = 'admin@kontor.dev';

function kontor(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', ...args], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const kysely = (url: string, max = 4) => createDb(url, { max });

before(async () => {
  tdb = await demoDatabase();
  // The demo's kontor schema was made by the superuser: start over, as a deployment would.
  await deployAsReadme(tdb.url);
  app = kysely(asRole(tdb.url, APP));
});
after(async () => {
  await app?.destroy();
  await tdb?.drop();
});

test('kontor staff add and a guarded edit work as the runtime role; the chain and its head verify', async () => {
  const added = kontor(['staff', 'add', ADMIN_EMAIL, '--role', 'admin', '--json'], asRole(tdb.url, APP));
  assert.equal(added.code, 0, added.stderr);
  const finance = kontor(['staff', 'add', 'finance@kontor.dev', '--role', 'finance'], asRole(tdb.url, APP));
  assert.equal(finance.code, 0, finance.stderr);

  const row = await app.selectFrom('kontor.staff').select(['user_id', 'email']).where('email', '=', 'finance@kontor.dev').executeTakeFirstOrThrow();
  const staff = await loadStaff(app, { userId: row.user_id, email: row.email });
  assert.ok(staff);
  const ada = await userIdOf(app, DEMO_CUSTOMER.email);
  const input = { userId: ada, amount: 7, reason: 'Least-privilege test: a goodwill credit' };
  const opts = { db: app, secret: TEST_SECRET };
  const { token } = await previewEdit(adjustCredits, staff, input, opts);
  const r = await commitEdit(adjustCredits, staff, input, token, crypto.randomUUID(), opts);
  assert.equal(r.status, 'applied');

  const report = await verifyAuditChain(app);
  assert.ok(report.ok && report.rows === 3, JSON.stringify(report));
  const { rows: [head] } = await sql<{ last_id: string }>`select last_id::text from kontor.audit_head`.execute(app);
  assert.equal(head.last_id, '3', 'the head moved with every row');
  const cli = kontor(['audit', 'verify', '--json'], asRole(tdb.url, APP));
  assert.equal(cli.code, 0, cli.stderr);
});

test('the runtime role cannot rewrite the audit log, move its head, or switch their triggers off', async () => {
  const refused = [
    sql`update kontor.audit_log set reason = 'rewritten' where id = 1`,
    sql`delete from kontor.audit_log where id = 1`,
    sql`truncate kontor.audit_log`,
    sql`update kontor.audit_head set last_id = 1`,
    sql`delete from kontor.audit_head`,
    sql`insert into kontor.audit_head (last_id, last_hash) values (1, 'x') on conflict (singleton) do update set last_id = 1`,
    sql`truncate kontor.audit_head`,
    sql`alter table kontor.audit_log disable trigger audit_log_append_only`,
    sql`alter table kontor.audit_log disable trigger all`,
    sql`alter table kontor.audit_head disable trigger audit_head_guard`,
    sql`drop trigger audit_log_append_only on kontor.audit_log`,
    sql`alter function kontor.audit_log_chain() security invoker`,
    sql`create or replace function kontor.audit_log_refuse() returns trigger language plpgsql as $$ begin return null; end $$`,
    sql`set session_replication_role = replica`,
    sql`update kontor.user_notes set body = 'rewritten'`,
    sql`delete from kontor.kysely_migration`,
  ];
  for (const statement of refused) {
    await assert.rejects(
      app.transaction().execute((trx) => statement.execute(trx)),
      (err: Error & { code?: string }) => ['42501'].includes(err.code ?? '') || /must be owner|permission denied/.test(err.message),
      statement.compile(app).sql,
    );
  }
  const report = await verifyAuditChain(app);
  assert.ok(report.ok, JSON.stringify(report));
});
