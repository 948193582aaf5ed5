/**
 * The schedule on real Postgres, as a deployment runs it: the `kontor` schema (pg-boss's tables with it)
 * migrated by kontor_owner, the schedule running as kontor_app through pgbouncer in transaction mode.
 * Two instances on one database run each cron tick once; a run whose process is killed runs again.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createDb } from '@/db/connect';
import type { KontorDatabase } from '@/db/types';
import { demoDatabase, throughPooler, type TestDatabase } from '@/test/db';
import { APP, asRole, deployAsReadme } from '@/test/roles';
import { SLOW_JOB, testMapping } from '@/test/schedule-runner';
import { parseOverrides, pruneRuns, requestRun, runScheduled, startSchedule, type Schedule } from '@/lib/schedule/engine';
import type { ScheduledJob } from '@/lib/schedule/types';

let tdb: TestDatabase;
let appUrl: string;
let app: Kysely<KontorDatabase>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  tdb = await demoDatabase();
  await deployAsReadme(tdb.url);
  appUrl = await throughPooler(asRole(tdb.url, APP));
  app = createDb(appUrl, { max: 4 });
});
after(async () => {
  await app?.destroy();
  await tdb?.drop();
});

const runsOf = (name: string) => sql<{ state: string; started_by: string; runner: string; ms: number; outcome: { instance: string } | null }>`
  select state, started_by, runner, extract(epoch from finished_at - started_at)::float8 * 1000 as ms, outcome
    from kontor.jobs where params->>'job' = ${name} order by id`.execute(app).then((r) => r.rows);

test('two instances on one database, through pgbouncer as kontor_app: each cron tick runs each job once', { timeout: 120_000 }, async () => {
  // Start early in a minute, so that the wait below sees one minute boundary, i.e. one tick.
  const second = new Date().getUTCSeconds();
  if (second < 2 || second > 35) await sleep(((62 - second) % 60) * 1000);
  const counting = (name: string): ScheduledJob => ({
    name, title: name, kind: `test-${name}`, every: '* * * * *', expireSeconds: 60,
    run: async () => {
      await sleep(1500);
      return { instance: 'x' };
    },
  });
  const jobs = [counting('snapshot'), counting('ops-snapshot')];
  const context = { db: app, longReads: app, mapping: testMapping() };
  const instances: Schedule[] = [];
  try {
    for (let i = 0; i < 2; i++) instances.push(await startSchedule({ url: appUrl, jobs, context, pollSeconds: 0.5, cronCheckSeconds: 2 }));
    const until = Date.now() + 80_000;
    while (Date.now() < until) {
      const done = await Promise.all(jobs.map(async (j) => (await runsOf(j.name)).filter((r) => r.state === 'succeeded').length));
      if (done.every((n) => n >= 1)) break;
      await sleep(500);
    }
    // Give a second tick's worth of instances time to misbehave: a duplicate would start within seconds.
    await sleep(4000);
  } finally {
    await Promise.all(instances.map((s) => s.stop()));
  }
  for (const j of jobs) {
    const runs = await runsOf(j.name);
    assert.equal(runs.length, 1, `${j.name} ran ${runs.length} times: ${JSON.stringify(runs)}`);
    assert.equal(runs[0].state, 'succeeded');
    assert.equal(runs[0].started_by, 'schedule');
    assert.ok(runs[0].ms >= 1400, `the run's duration is recorded (${runs[0].ms} ms)`);
  }
});

test('a run whose process is killed mid-run runs again on another instance', { timeout: 240_000 }, async () => {
  let child: ChildProcess | null = spawn(process.execPath, ['--import', 'tsx', 'test/schedule-runner.ts', appUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  let schedule: Schedule | null = null;
  try {
    // The runner is a fresh tsx process: on a loaded machine it takes a while to compile and start.
    const until = Date.now() + 150_000;
    let first: { id: string; bossId: string } | undefined;
    while (!first && Date.now() < until) {
      first = (await sql<{ id: string; bossId: string }>`
        select id::text, params->>'bossId' as "bossId" from kontor.jobs where kind = 'test-slow' and state = 'running'`.execute(app)).rows[0];
      if (!first) await sleep(300);
    }
    assert.ok(first, 'the runner process started its run');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = null;

    const quick: ScheduledJob = { ...SLOW_JOB, run: async () => ({ again: true }) };
    schedule = await startSchedule({ url: appUrl, jobs: [quick], context: { db: app, longReads: app, mapping: testMapping() }, pollSeconds: 0.5, maintenanceSeconds: 1 });
    let rows: { id: string; state: string; error: string | null; outcome: unknown }[] = [];
    const again = Date.now() + 45_000;
    while (Date.now() < again) {
      rows = (await sql<{ id: string; state: string; error: string | null; outcome: unknown }>`
        select id::text, state, error, outcome from kontor.jobs where params->>'bossId' = ${first.bossId} order by id`.execute(app)).rows;
      if (rows.some((r) => r.state === 'succeeded')) break;
      await sleep(500);
    }
    assert.equal(rows.length, 2, JSON.stringify(rows));
    assert.equal(rows[0].id, first.id);
    assert.equal(rows[0].state, 'abandoned');
    assert.match(rows[0].error ?? '', /ran again/);
    assert.equal(rows[1].state, 'succeeded');
    assert.deepEqual(rows[1].outcome, { again: true });
  } finally {
    child?.kill('SIGKILL');
    await schedule?.stop();
  }
});

test('two deliveries of one job at once: one runs, the other finds its slot taken', async () => {
  let runs = 0;
  const job: ScheduledJob = { name: 'advisors', title: 'x', kind: 'test-once', every: '0 0 1 1 *', expireSeconds: 60, run: async () => { runs++; await sleep(300); return {}; } };
  const context = { db: app, longReads: app, mapping: testMapping() };
  const results = await Promise.all([
    runScheduled(app, job, '00000000-0000-0000-0000-000000000001', {}, context),
    runScheduled(app, job, '00000000-0000-0000-0000-000000000002', {}, context),
  ]);
  assert.equal(runs, 1);
  assert.equal(results.filter((r) => 'skipped' in r).length, 1);
});

test('KONTOR_SCHEDULE_JOBS: name=cron pairs; an unknown name or a bad cron is refused by name', () => {
  const jobs = [SLOW_JOB];
  assert.deepEqual(parseOverrides('snapshot=*/10 * * * *', jobs), { snapshot: '*/10 * * * *' });
  assert.deepEqual(parseOverrides(' snapshot = off ; ', jobs), { snapshot: 'off' });
  assert.throws(() => parseOverrides('snapshots=off', jobs), /snapshots=off/);
  assert.throws(() => parseOverrides('snapshot=every minute', jobs), /every minute/);
});

test('finished runs older than KEEP_RUNS_DAYS are pruned; newer ones and other jobs stay', async () => {
  const job: ScheduledJob = { name: 'snapshot', title: 'x', kind: 'test-prune', every: '0 0 1 1 *', expireSeconds: 60, run: async () => ({}) };
  await sql`
    insert into kontor.jobs (kind, started_by, runner, params, state, started_at, finished_at)
    values ('test-prune', 'schedule', 'r', '{"job":"snapshot"}', 'succeeded', now() - interval '20 days', now() - interval '20 days'),
           ('test-prune', 'schedule', 'r', '{"job":"snapshot"}', 'succeeded', now() - interval '2 days', now() - interval '2 days'),
           ('test-prune', 'schedule', 'r', '{"job":"other"}', 'succeeded', now() - interval '20 days', now() - interval '20 days')`.execute(app);
  assert.equal(await pruneRuns(app, job), 1);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from kontor.jobs where kind = 'test-prune'`.execute(app);
  assert.equal(rows[0].n, 2);
});

test('at start, a catch-up job runs at once when it has not run since it was last due, and not again when it has', { timeout: 60_000 }, async () => {
  const job: ScheduledJob = { name: 'reconcile-full', title: 'x', kind: 'test-catchup', every: '0 0 1 1 *', expireSeconds: 60, catchUp: true, run: async () => ({ caught: 'up' }) };
  const context = { db: app, longReads: app, mapping: testMapping() };
  const count = () => sql<{ n: number }>`select count(*)::int as n from kontor.jobs where kind = 'test-catchup' and state = 'succeeded'`.execute(app).then((r) => r.rows[0].n);
  // Last due on 1 January: a run since then (the first start's) means no catch-up at the second start.
  for (const expected of [1, 1]) {
    const s = await startSchedule({ url: appUrl, jobs: [job], context, pollSeconds: 0.5 });
    try {
      for (let i = 0; i < 40 && (await count()) < expected; i++) await sleep(250);
      await sleep(1500);
      assert.equal(await count(), expected);
    } finally {
      await s.stop();
    }
  }
});

test('requestRun queues one run for whichever instance is free; a second request while it waits adds nothing', async () => {
  const job: ScheduledJob = { name: 'deliver-webhooks', title: 'x', kind: 'test-request', every: 'off', expireSeconds: 60, run: async () => ({}) };
  assert.ok(await requestRun(app, job));
  assert.equal(await requestRun(app, job), null);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from kontor.job where name = 'deliver-webhooks' and state = 'created'`.execute(app);
  assert.equal(rows[0].n, 1);
});
