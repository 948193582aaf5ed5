import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { commitEdit, previewEdit, GuardError } from '@/lib/guard';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { signalBackend } from '@/lib/edits/signal-backend';
import { asRole, OWNER } from '@/test/roles';

async function alive(f: GuardFixture, pid: number) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where pid = ${pid}`.execute(f.db);
  return rows[0].n === 1;
}

describe('cancel or terminate a session (guarded)', () => {
  let f: GuardFixture;
  before(async () => { f = await guardFixture(); });
  after(() => f.close());

  // The victims are not superusers: the runtime role's pg_signal_backend cannot signal a superuser's session.
  test('the preview sends nothing; the commit terminates and is audited', async () => {
    const victim = new pg.Client({ connectionString: asRole(f.tdb.url, OWNER), application_name: 'victim' });
    await victim.connect();
    victim.on('error', () => undefined);
    const pid = (await victim.query('select pg_backend_pid() as p')).rows[0].p as number;
    const input = { pid, mode: 'terminate' };
    const { preview, token } = await previewEdit(signalBackend, f.staff.engineer, input, f.opts);
    assert.deepEqual(preview.target, { type: 'database session', id: String(pid) });
    assert.ok(preview.changes.some((c) => c.after === 'terminated'));
    assert.equal(await alive(f, pid), true, 'the preview must not signal');
    const r = await commitEdit(signalBackend, f.staff.engineer, { ...input, reason: 'runaway report query' }, token, crypto.randomUUID(), f.opts);
    assert.equal(r.status, 'applied');
    for (let i = 0; i < 50 && (await alive(f, pid)); i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(await alive(f, pid), false);
    const audit = await sql<{ action: string; reason: string }>`select action, reason from kontor.audit_log where target_id = ${String(pid)}`.execute(f.db);
    assert.deepEqual(audit.rows.map((a) => [a.action, a.reason]), [['database.signalBackend', 'runaway report query']]);
    await victim.end().catch(() => undefined);
  });

  test('cancel stops the query, keeps the session', async () => {
    const victim = new pg.Client({ connectionString: asRole(f.tdb.url, OWNER) });
    await victim.connect();
    const pid = (await victim.query('select pg_backend_pid() as p')).rows[0].p as number;
    const sleeping = victim.query('select pg_sleep(30)').then(() => 'finished', (e: Error) => e.message);
    await new Promise((res) => setTimeout(res, 200));
    const input = { pid, mode: 'cancel' };
    const { token } = await previewEdit(signalBackend, f.staff.admin, input, f.opts);
    await commitEdit(signalBackend, f.staff.admin, { ...input, reason: 'blocking a migration' }, token, crypto.randomUUID(), f.opts);
    assert.match(await sleeping, /canceling statement due to user request/);
    assert.equal(await alive(f, pid), true);
    await victim.end();
  });

  test('only database.terminate may; an unknown pid is refused', async () => {
    await assert.rejects(previewEdit(signalBackend, f.staff.support, { pid: 1, mode: 'cancel' }, f.opts), (e: GuardError) => e.kind === 'forbidden');
    await assert.rejects(previewEdit(signalBackend, f.staff.engineer, { pid: 999999, mode: 'cancel' }, f.opts), (e: GuardError) => e.kind === 'invalid');
    await assert.rejects(previewEdit(signalBackend, f.staff.engineer, { pid: 5, mode: 'kill -9' }, f.opts), (e: GuardError) => e.kind === 'invalid');
  });
});
