/**
 * The reconciliation's "one at a time" behind a transaction-mode pooler (the guard fixture's `db` goes
 * through pgbouncer with round-robin server connections): a lock taken by one statement and released
 * by another would land on different server connections, leak, and hang the next run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

async function heldLocks() {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_catalog.pg_locks l join pg_catalog.pg_database d on d.oid = l.database
     where l.locktype = 'advisory' and d.datname = current_database()`.execute(f.admin);
  return rows[0].n;
}

test('runs through pgbouncer in transaction mode leave no lock behind, and the next ones do not wait', { timeout: 90_000 }, async () => {
  for (let i = 0; i < 3; i++) {
    const r = await runReconciliation(f.db, { mode: 'full', startedBy: 'test' });
    assert.ok(Number(r.runId) > 0);
    assert.equal(await heldLocks(), 0, `no advisory lock held after run ${i + 1}`);
  }
});

test('two runs at once through the pooler: one runs, the other is told at once; neither leaves a lock', { timeout: 90_000 }, async () => {
  const results = await Promise.allSettled([
    runReconciliation(f.db, { mode: 'incremental', startedBy: 'test' }),
    runReconciliation(f.db, { mode: 'incremental', startedBy: 'test' }),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.match(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason), /running already/);
  assert.equal(await heldLocks(), 0);
  const next = await runReconciliation(f.db, { mode: 'incremental', startedBy: 'test' });
  assert.equal(next.mode, 'incremental');
});
