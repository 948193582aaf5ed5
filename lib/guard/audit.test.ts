import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_CUSTOMER } from '@/db/demo/accounts';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { auditHistoryHref, verifyAuditChain } from '@/lib/guard/audit';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { guardFixture, userIdOf, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
  const ada = await userIdOf(f.db, DEMO_CUSTOMER.email);
  for (const amount of [1, 2, 3, 4, 5]) {
    const { token } = await previewEdit(adjustCredits, f.staff.finance, { userId: ada, amount }, f.opts);
    await commitEdit(adjustCredits, f.staff.finance, { userId: ada, amount, reason: `Adjustment number ${amount} for the chain test` }, token, crypto.randomUUID(), f.opts);
  }
});
after(() => f?.close());

function verify(json = true) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', 'audit', 'verify', ...(json ? ['--json'] : [])], {
    env: { ...process.env, DATABASE_URL: f.tdb.url },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As a superuser could: switch the append-only trigger off, change the log, switch it on again. */
async function tamper(statement: ReturnType<typeof sql>) {
  await f.admin.transaction().execute(async (trx) => {
    await sql`alter table kontor.audit_log disable trigger audit_log_append_only`.execute(trx);
    await statement.execute(trx);
    await sql`alter table kontor.audit_log enable trigger audit_log_append_only`.execute(trx);
  });
}

test('rows are numbered 1..n and chained; the chain verifies (library and CLI)', async () => {
  const rows = await f.db.selectFrom('kontor.audit_log').select(['id', 'prev_hash', 'hash']).orderBy('id').execute();
  assert.deepEqual(rows.map((r) => r.id), ['1', '2', '3', '4', '5']);
  assert.equal(rows[0].prev_hash, null);
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash);
  const report = await verifyAuditChain(f.db);
  assert.deepEqual(report, { ok: true, rows: 5, head: rows[4].hash });
  const cli = verify();
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).rows, 5);
});

test('UPDATE, DELETE and TRUNCATE of the audit log are refused', async () => {
  for (const stmt of [
    sql`update kontor.audit_log set reason = 'rewritten history' where id = 2`,
    sql`delete from kontor.audit_log where id = 2`,
    sql`truncate kontor.audit_log`,
  ]) {
    // The runtime role holds no privilege for it; a superuser (who bypasses privileges) meets the trigger.
    await assert.rejects(stmt.execute(f.db), /permission denied/);
    await assert.rejects(stmt.execute(f.admin), /append-only/);
  }
  const privileges = await sql<{ grantee: string; privilege_type: string }>`
    select grantee, privilege_type from information_schema.role_table_grants
     where table_schema = 'kontor' and table_name = 'audit_log' and privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE')`.execute(f.admin);
  assert.deepEqual(privileges.rows, [], 'nobody holds UPDATE/DELETE/TRUNCATE on it, not even its owner');
});

test('removing the last rows by hand makes audit verify fail: the head remembers where the log ended', async () => {
  const before = await f.db.selectFrom('kontor.audit_log').select(sql<string>`max(id)::text`.as('max')).executeTakeFirstOrThrow();
  const last = BigInt(before.max);
  await tamper(sql`delete from kontor.audit_log where id = ${String(last)}::bigint`);
  const report = await verifyAuditChain(f.db);
  assert.ok(!report.ok && report.problem.kind === 'missing' && report.problem.id === String(last), JSON.stringify(report));
  assert.match(report.problem.message, /missing at the end/);
  const cli = verify(false);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, new RegExp(`row ${last} is missing at the end`));
  // The head is not writable by hand either (only the chaining trigger moves it).
  await assert.rejects(sql`update kontor.audit_head set last_id = last_id - 1`.execute(f.db), /permission denied/);
  await assert.rejects(sql`update kontor.audit_head set last_id = last_id - 1`.execute(f.admin), /moved only by appending/);
});

test('altering a row by hand makes audit verify fail and name it', async () => {
  await tamper(sql`update kontor.audit_log set reason = 'nothing to see here, move along' where id = 3`);
  const report = await verifyAuditChain(f.db);
  assert.ok(!report.ok && report.problem.id === '3' && report.problem.kind === 'altered');
  const cli = verify(false);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /row 3 was altered/);
});

test('deleting a row by hand makes audit verify fail and name the missing row', async () => {
  await tamper(sql`delete from kontor.audit_log where id in (2, 3)`);
  const report = await verifyAuditChain(f.db);
  assert.ok(!report.ok && report.problem.id === '2' && report.problem.kind === 'missing', JSON.stringify(report));
  const cli = verify();
  assert.equal(cli.code, 1);
  assert.equal(JSON.parse(cli.stdout).problem.id, '2');
  assert.match(cli.stderr, /rows 2 to 3 are missing/);
});

test('a target\'s history link', () => {
  assert.equal(auditHistoryHref({ type: 'user', id: 'a b/c' }), '/audit?target=user%3Aa%20b%2Fc');
});

test('on PostgreSQL 15 too: an edit is chained and the chain verifies', async () => {
  const g = await guardFixture(15);
  try {
    const ada = await userIdOf(g.db, DEMO_CUSTOMER.email);
    const { token } = await previewEdit(adjustCredits, g.staff.admin, { userId: ada, amount: 9 }, g.opts);
    const r = await commitEdit(adjustCredits, g.staff.admin, { userId: ada, amount: 9, reason: 'Checking the chain on Postgres 15 works' }, token, crypto.randomUUID(), g.opts);
    assert.equal(r.status, 'applied');
    assert.deepEqual(await verifyAuditChain(g.db).then((x) => x.ok && x.rows), 1);
  } finally {
    await g.close();
  }
});
