import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { demoDatabase, type TestDatabase } from '@/test/db';

function kontor(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', ...args], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tdb: TestDatabase;
before(async () => { tdb = await demoDatabase(); });
after(() => tdb.drop());

test('kontor jobs run snapshot records a run; jobs list shows it; a running job is not started twice', async () => {
  const run = kontor(['jobs', 'run', 'snapshot'], tdb.url);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Database snapshot: run #\d+ succeeded in .* \(id \d+ · .*tables \d+/);

  const list = kontor(['jobs', 'list', '--json'], tdb.url);
  assert.equal(list.code, 0, list.stderr);
  const jobs = JSON.parse(list.stdout) as { name: string; cron: string; lastRun: { state: string; startedBy: string } | null }[];
  assert.deepEqual(jobs.map((j) => j.name), ['snapshot', 'ops-snapshot', 'stored-figures', 'reconcile-incremental', 'reconcile-full', 'advisors', 'check-alerts', 'deliver-webhooks']);
  const snapshot = jobs.find((j) => j.name === 'snapshot')!;
  assert.equal(snapshot.cron, '*/5 * * * *');
  assert.deepEqual([snapshot.lastRun?.state, snapshot.lastRun?.startedBy], ['succeeded', 'cli']);
  assert.match(kontor(['jobs', 'list'], tdb.url).stdout, /snapshot\s+every 5 minutes/);

  const c = new pg.Client(tdb.url);
  await c.connect();
  try {
    await c.query(`insert into kontor.jobs (kind, started_by, runner, params) values ('advisors', 'schedule', 'elsewhere', '{"job":"advisors"}')`);
    const busy = kontor(['jobs', 'run', 'advisors'], tdb.url);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /Advisors is running now \(run #\d+, started by schedule\): not started again/);
  } finally {
    await c.end();
  }
  const unknown = kontor(['jobs', 'run', 'backup'], tdb.url);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no job named "backup"/);
});
