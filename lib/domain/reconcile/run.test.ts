import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb } from '@/db/connect';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };
import { DISCREPANCY_KINDS, findingKey, type Finding } from '@/lib/domain/reconcile/kinds';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { RUN_STEPS } from '@/lib/domain/reconcile/steps';
import { forgetCheckpoints, runOutcome } from '@/test/reconcile';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { adminUrl } from '@/test/db';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const CREDIT_KINDS = new Set<string>(DISCREPANCY_KINDS);
const idOf = (x: Finding) =>
  x.kind === 'payment_without_grant' || x.kind === 'payment_granted_twice' || x.kind === 'grant_without_payment'
    ? x.paymentId
    : x.kind.includes('task') || x.kind === 'spend_differs_from_cost' ? x.taskId : x.userId;

test('the plain run finds every planted credit defect under its kind, and the fast strategy returns and keeps exactly what it does', async () => {
  await forgetCheckpoints(f.db);
  // Each run tells its steps in order, once each.
  let steps: string[] = [];
  const onProgress = (step: string, done: number) => steps.push(`${done}:${step}`);
  const inOrder = RUN_STEPS.map((step, done) => `${done}:${step}`);
  const r = await runReconciliation(f.db, { mode: 'full', strategy: 'plain', startedBy: 'test', onProgress });
  assert.deepEqual(steps, inOrder);
  const oracle = await runOutcome(f.db, r);
  // The fast strategy in each of its shapes: on one, two and three lanes (the checks, then also the
  // extras, on connections of their own); the accounts summed in halves of the user key, and the
  // payment and task checks narrowed to the key ranges whose signatures differ, as on a large ledger,
  // with ranges of about one key and of hundreds. Each starts without checkpoints, so it writes them all.
  const shapes = ([1, 2, 3] as const).flatMap((lanes) => [
    { lanes }, { lanes, splitAbove: 0 },
    { lanes, splitAbove: 0, bucketAbove: 0, bucketCount: 4096 }, { lanes, splitAbove: 0, bucketAbove: 0, bucketCount: 4 },
  ]);
  for (const shape of shapes) {
    await forgetCheckpoints(f.db);
    steps = [];
    const fast = await runReconciliation(f.db, { mode: 'full', startedBy: 'test', strategy: 'parallel-lanes', onProgress, ...shape });
    assert.deepEqual(await runOutcome(f.db, fast), oracle, JSON.stringify(shape));
    assert.deepEqual(steps, inOrder, JSON.stringify(shape));
  }
  assert.ok(oracle.checkpoints.length > 100, `${oracle.checkpoints.length} checkpoints`);
  assert.equal(r.mode, 'full');
  const expected = manifest.filter((m) => CREDIT_KINDS.has(m.kind)).flatMap((m) => (m.ids ?? []).map((id) => `${m.kind}:${id}`)).sort();
  const found = r.findings.map((x) => `${x.kind}:${idOf(x)}`).sort();
  assert.deepEqual(found, expected);
  // Each finding carries what a person needs to drill down.
  const twice = r.findings.find((x) => x.kind === 'payment_granted_twice')!;
  assert.equal(twice.entryIds.length, 2);
  const deleted = r.findings.filter((x) => x.kind === 'ledger_of_deleted_user');
  assert.ok(deleted.every((d) => d.entryIds.length === 9), 'a grant, two purchases and six spends each');
  const drift = r.findings.find((x) => x.kind === 'balance_drift' && x.userId === manifest[0].ids![0])!;
  assert.equal(Number(drift.actual) - Number(drift.expected), 50);
  // The run is kept: when, by whom, how many.
  const run = await f.db.selectFrom('kontor.reconcile_runs').selectAll().where('id', '=', r.runId).executeTakeFirstOrThrow();
  assert.equal(run.found, r.findings.length);
  assert.equal(run.started_by, 'test');
  const kept = await f.db.selectFrom('kontor.reconcile_findings').select(sql<number>`count(*)::int`.as('n')).where('run_id', '=', r.runId).executeTakeFirstOrThrow();
  assert.equal(kept.n, r.findings.length);
  // Checkpoints: one per account, summing to the whole ledger.
  const { rows: [cp] } = await sql<{ ok: boolean }>`
    select (select sum(settled_sum) from kontor.reconcile_checkpoints) = (select sum(amount) from public.credits_ledger) as ok`.execute(f.db);
  assert.ok(cp.ok);
});

test('an incremental run finds exactly what a full run finds, after new entries, new defects and fixes', async () => {
  await runReconciliation(f.db, { mode: 'full', startedBy: 'test' });
  const { rows: users } = await sql<{ id: string }>`select id::text from public.users where status = 'active' order by id limit 6`.execute(f.db);
  // Ordinary activity: grants through the ledger (the trigger keeps the cache).
  for (const u of users.slice(0, 3)) {
    await sql`insert into public.credits_ledger (user_id, amount, type, description) values (${u.id}, 4.50, 'grant', 'test')`.execute(f.db);
  }
  // New defects: a drifted cache, a failed task charged, a completed payment reversed out of its grant.
  await sql`update public.users set credits = credits + 3 where id = ${users[3].id}`.execute(f.db);
  const { rows: [task] } = await sql<{ id: string; user_id: string }>`
    select id::text, user_id::text from public.tasks where status = 'Failed' and cost > 0 order by id limit 1`.execute(f.db);
  await sql`insert into public.credits_ledger (user_id, amount, type, task_id) values (${task.user_id}, -1.25, 'spend', ${task.id})`.execute(f.db);
  // A fix: user 11's cache brought back to the ledger (its finding must disappear in both runs).
  await sql`update public.users u set credits = (select sum(amount) from public.credits_ledger l where l.user_id = u.id)
             where id = ${manifest[0].ids![0]}`.execute(f.db);
  // And an old payment completed late (no grant).
  await sql`update public.payments set status = 'completed', completed_at = now()
             where id = (select id from public.payments where status = 'failed' order by id limit 1)`.execute(f.db);

  const inc = await runReconciliation(f.db, { mode: 'incremental', startedBy: 'test' });
  assert.equal(inc.mode, 'incremental');
  assert.ok(inc.entriesRead < 100, `read ${inc.entriesRead} entries`);
  const full = await runReconciliation(f.db, { mode: 'full', strategy: 'plain', startedBy: 'test' });
  assert.deepEqual(inc.findings.map(findingKey), full.findings.map(findingKey));
  assert.deepEqual(inc.findings, full.findings);
  // The fast strategy on the changed data, narrowed and on three lanes: what the plain run found and kept.
  const plainOutcome = await runOutcome(f.db, full);
  await forgetCheckpoints(f.db);
  const fast = await runReconciliation(f.db, { mode: 'full', startedBy: 'test', lanes: 3, splitAbove: 0, bucketAbove: 0, bucketCount: 64 });
  assert.deepEqual(await runOutcome(f.db, fast), plainOutcome);
  const kinds = new Set(full.findings.map((x) => `${x.kind}:${idOf(x)}`));
  assert.ok(kinds.has(`balance_drift:${users[3].id}`));
  assert.ok(kinds.has(`failed_task_charged:${task.id}`));
  assert.ok(!kinds.has(`balance_drift:${manifest[0].ids![0]}`));
  assert.equal(full.findings.filter((x) => x.kind === 'payment_without_grant').length, 3);

  // A second incremental on top of the first (checkpoints moved only for the touched accounts).
  await sql`insert into public.credits_ledger (user_id, amount, type) values (${users[4].id}, -2, 'manual')`.execute(f.db);
  const inc2 = await runReconciliation(f.db, { mode: 'incremental', startedBy: 'test' });
  const full2 = await runReconciliation(f.db, { mode: 'full', strategy: 'plain', startedBy: 'test' });
  assert.deepEqual(inc2.findings, full2.findings);
});

// PostgreSQL 17 writes the checkpoints with MERGE ... WHEN NOT MATCHED BY SOURCE; 15 deletes first.
for (const [major, strategy] of [[17, 'parallel-lanes'], [15, 'parallel-lanes'], [17, 'plain']] as const) {
  test(`a full run leaves one checkpoint per account equal to its ledger, and repairs checkpoints that are not (PostgreSQL ${major}, ${strategy})`, async () => {
    const g = major === 17 ? f : await guardFixture(15);
    try {
      const exact = async () => {
        const { rows: [r] } = await sql<{ missing: number; extra: number; wrong: number; n: number }>`
          with truth as (select user_id::text as account, sum(amount) as s, count(*) as n from public.credits_ledger group by 1)
          select (select count(*) from truth t where not exists (select from kontor.reconcile_checkpoints c where c.account = t.account))::int as missing,
                 (select count(*) from kontor.reconcile_checkpoints c where not exists (select from truth t where t.account = c.account))::int as extra,
                 (select count(*) from truth t join kontor.reconcile_checkpoints c using (account) where (c.settled_sum, c.settled_count) <> (t.s, t.n))::int as wrong,
                 (select count(*) from kontor.reconcile_checkpoints)::int as n`.execute(g.db);
        return r;
      };
      await runReconciliation(g.db, { mode: 'full', strategy, startedBy: 'test' });
      const clean = await exact();
      assert.deepEqual({ ...clean, n: 0 }, { missing: 0, extra: 0, wrong: 0, n: 0 });
      // Nothing changed: the next full run finds them equal and writes none.
      const { rows: [before] } = await sql<{ runs: string[] }>`select array_agg(distinct run_id::text) as runs from kontor.reconcile_checkpoints`.execute(g.db);
      await runReconciliation(g.db, { mode: 'full', strategy, startedBy: 'test' });
      const { rows: [same] } = await sql<{ runs: string[] }>`select array_agg(distinct run_id::text) as runs from kontor.reconcile_checkpoints`.execute(g.db);
      assert.deepEqual(same.runs, before.runs);
      // Damaged by hand: a wrong sum, a wrong count, a missing account, an account that does not exist.
      const { rows: two } = await sql<{ account: string }>`select account from kontor.reconcile_checkpoints order by account limit 3`.execute(g.db);
      await sql`update kontor.reconcile_checkpoints set settled_sum = settled_sum + 0.01 where account = ${two[0].account}`.execute(g.db);
      await sql`update kontor.reconcile_checkpoints set settled_count = settled_count + 1 where account = ${two[1].account}`.execute(g.db);
      await sql`delete from kontor.reconcile_checkpoints where account = ${two[2].account}`.execute(g.db);
      await sql`insert into kontor.reconcile_checkpoints (account, settled_sum, settled_count, horizon, run_id)
                values ('00000000-0000-4000-8000-00000000dead', 5, 1, now(), 1)`.execute(g.db);
      const damaged = await exact();
      assert.deepEqual(damaged, { missing: 1, extra: 1, wrong: 2, n: clean.n });
      await runReconciliation(g.db, { mode: 'full', strategy, startedBy: 'test' });
      assert.deepEqual(await exact(), clean);
    } finally {
      if (g !== f) await g.close();
    }
  });
}

test('the horizon waits for transactions open in this database only, not in the cluster\'s others', async () => {
  const other = new pg.Client(await adminUrl());
  const same = new pg.Client(f.tdb.url);
  await other.connect();
  await same.connect();
  try {
    // A transaction open elsewhere in the cluster (another database) since before a new entry.
    await other.query('begin; select 1');
    const { rows: [u] } = await sql<{ id: string }>`select id::text from public.users where status = 'active' order by id limit 1`.execute(f.db);
    await sql`insert into public.credits_ledger (user_id, amount, type, description) values (${u.id}, 1.00, 'grant', 'horizon test')`.execute(f.db);
    const { rows: [e] } = await sql<{ at: Date }>`select max(created_at) as at from public.credits_ledger`.execute(f.db);
    const r = await runReconciliation(f.db, { mode: 'full', startedBy: 'test' });
    assert.ok(new Date(r.horizon) > e.at, 'the entry is settled: the other database\'s transaction does not hold the horizon back');
    // One open in this database since before the run holds it back (its commit could still land behind).
    await same.query('begin');
    const { rows: [s] } = await same.query<{ at: Date }>('select xact_start as at from pg_catalog.pg_stat_activity where pid = pg_backend_pid()');
    const r2 = await runReconciliation(f.db, { mode: 'full', startedBy: 'test' });
    assert.equal(new Date(r2.horizon).getTime(), s.at.getTime());
  } finally {
    await other.query('rollback').catch(() => undefined);
    await same.query('rollback').catch(() => undefined);
    await other.end();
    await same.end();
  }
});

test('a lane that cannot start fails the run, rather than leaving it waiting for what that lane owed', { timeout: 60_000 }, async () => {
  // One connection, held by the run itself: the other lanes time out waiting for theirs.
  const one = createDb(f.tdb.url, { max: 1, connectionTimeoutMillis: 300 });
  try {
    await assert.rejects(runReconciliation(one, { mode: 'full', startedBy: 'test', lanes: 3 }));
    const { rows: [open] } = await sql<{ n: number }>`select count(*)::int as n from kontor.reconcile_runs where finished_at is null`.execute(f.db);
    assert.equal(open.n, 0, 'the failed run left no unfinished run behind');
  } finally {
    await one.destroy();
  }
});

test('an incremental run with no previous run is a full one', async () => {
  await sql`delete from kontor.reconcile_runs`.execute(f.db);
  const r = await runReconciliation(f.db, { mode: 'incremental', startedBy: 'test' });
  assert.equal(r.mode, 'full');
});
