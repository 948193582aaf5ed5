/**
 * The reconciliation as a background job, through pgbouncer in transaction mode as the least-privilege
 * role (the guard fixture), with two pools standing for two console instances: started once when both
 * start it at once, its progress and heartbeat visible while it runs, its outcome recorded, the same
 * findings as a run made directly, and a lost runner's job found and taken over.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { guardFixture, instanceDb, type GuardFixture } from '@/test/guard';
import { APP } from '@/test/roles';
import { runReconciliation, RUNNING_MESSAGE } from '@/lib/domain/reconcile/run';
import { findingKey } from '@/lib/domain/reconcile/kinds';
import { latestReconcileJob, startReconcileJob } from '@/lib/domain/reconcile/job';
import { getJob, latestJob, runJob, claimJob, STALE_MS } from '@/lib/jobs';

let f: GuardFixture;
let other: Kysely<KontorDatabase>;
before(async () => {
  f = await guardFixture();
  // A second console instance: its own pool, through the same pooler, as the same least-privilege role.
  other = await instanceDb(f, { max: 8 });
  const { rows: [r] } = await sql<{ u: string }>`select current_user as u`.execute(other);
  assert.equal(r.u, APP.user);
});
after(async () => {
  await other?.destroy();
  await f?.close();
});

const keys = (fs: { kind: string; userId: string | null; paymentId: string | null; taskId: string | null; entryIds: string[] }[]) =>
  fs.map((x) => findingKey(x as Parameters<typeof findingKey>[0])).sort();

test('two instances start a run at once: one job runs, both follow it, and it finds what a direct run finds', { timeout: 120_000 }, async () => {
  const direct = await runReconciliation(f.db, { mode: 'full', startedBy: 'test' });
  const [a, b] = await Promise.all([
    startReconcileJob(f.db, f.db, { mode: 'full', startedBy: 'finance@kontor.dev', lanes: 3 }),
    startReconcileJob(other, other, { mode: 'full', startedBy: 'admin@kontor.dev', lanes: 3 }),
  ]);
  assert.equal([a, b].filter((s) => s.started).length, 1, 'exactly one started');
  assert.equal(a.job.id, b.job.id, 'the other was handed the running job');
  const ended = (await a.done) ?? (await b.done);
  assert.ok(ended);
  assert.equal(ended.state, 'succeeded');
  assert.equal(ended.outcome!.mode, 'full');
  assert.equal(ended.outcome!.found, direct.findings.length);
  assert.ok(direct.findings.length > 0, 'the demo has planted discrepancies');
  const { rows } = await sql<{ kind: string; user_id: string | null; payment_id: string | null; task_id: string | null; entry_ids: string[] }>`
    select kind, user_id, payment_id, task_id, entry_ids from kontor.reconcile_findings where run_id = ${ended.outcome!.runId}::bigint`.execute(f.db);
  assert.deepEqual(keys(rows.map((r) => ({ kind: r.kind, userId: r.user_id, paymentId: r.payment_id, taskId: r.task_id, entryIds: r.entry_ids }))), keys(direct.findings));
  const latest = await latestReconcileJob(f.db);
  assert.equal(latest!.id, ended.id);
  assert.equal(latest!.finishedAt !== null, true);
  // Only one job row for the two starts.
  const { rows: [n] } = await sql<{ n: number }>`select count(*)::int as n from kontor.jobs where kind = 'reconcile'`.execute(f.db);
  assert.equal(n.n, 1);
});

test('a running job shows its step and a fresh heartbeat; a second claim meanwhile gets it back', { timeout: 60_000 }, async () => {
  const claim = await claimJob(f.db, 'test-progress', { startedBy: 'test' });
  assert.ok(claim.claimed);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const done = runJob(f.db, claim.job, async (ctx) => {
    await ctx.progress('Summing', 1, 3);
    await gate;
    return { ok: 1 };
  });
  let seen = await latestJob(other, 'test-progress');
  for (let i = 0; i < 100 && !seen?.progress; i++) {
    await new Promise((r) => setTimeout(r, 20));
    seen = await latestJob(other, 'test-progress');
  }
  assert.equal(seen!.state, 'running');
  assert.deepEqual(seen!.progress, { step: 'Summing', done: 1, total: 3 });
  assert.equal(seen!.lost, false);
  assert.ok(seen!.heartbeatAgeSeconds < 5);
  const again = await claimJob(other, 'test-progress', { startedBy: 'test' });
  assert.equal(again.claimed, false);
  assert.equal(again.job.id, claim.job.id);
  release();
  const ended = await done;
  assert.equal(ended.state, 'succeeded');
  assert.deepEqual(ended.outcome, { ok: 1 });
});

test('a runner that stopped is found by its heartbeat, and the next start abandons its job and runs', { timeout: 120_000 }, async () => {
  // A job whose runner died: running, its heartbeat older than STALE_MS.
  const { rows: [dead] } = await sql<{ id: string }>`
    insert into kontor.jobs (kind, started_by, runner, heartbeat_at, started_at)
    values ('reconcile', 'gone@kontor.dev', 'elsewhere:1:dead', clock_timestamp() - make_interval(secs => ${(STALE_MS / 1000) * 2}), clock_timestamp() - interval '5 minutes')
    returning id::text`.execute(f.db);
  const lost = await latestReconcileJob(f.db);
  assert.equal(lost!.id, dead.id);
  assert.equal(lost!.lost, true);
  const s = await startReconcileJob(f.db, f.db, { mode: 'incremental', startedBy: 'finance@kontor.dev' });
  assert.equal(s.started, true);
  const abandoned = await getJob(f.db, dead.id);
  assert.equal(abandoned!.state, 'abandoned');
  assert.match(abandoned!.error!, /stopped sending heartbeats/);
  const ended = await s.done;
  assert.equal(ended!.state, 'succeeded');
  assert.equal(ended!.outcome!.mode, 'incremental');
});

test('a run refused by another in progress (kontor reconcile) ends the job as failed, saying why', { timeout: 60_000 }, async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => { locked = resolve; });
  const cli = f.admin.transaction().execute(async (trx) => {
    await sql`lock table kontor.reconcile_runs in share row exclusive mode`.execute(trx);
    locked();
    await held;
  });
  await isLocked;
  const s = await startReconcileJob(f.db, f.db, { mode: 'incremental', startedBy: 'finance@kontor.dev' });
  const ended = await s.done;
  release();
  await cli;
  assert.equal(ended!.state, 'failed');
  assert.equal(ended!.error, RUNNING_MESSAGE);
});
