/**
 * Every scheduled job's real work on the demo, run as `kontor jobs run` runs it: each ends succeeded,
 * recorded in kontor.jobs with an outcome; the advisors' findings stay queryable for the alert rules.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createDb } from '@/db/connect';
import type { KontorDatabase } from '@/db/types';
import { activeMapping, validateMapping, type Mapping } from '@/lib/mapping';
import { queueClock } from '@/lib/domain/tasks/model';
import { runHere } from '@/lib/schedule/engine';
import { SCHEDULED_JOBS } from '@/lib/schedule/jobs';
import { latestAdvisorSummaries } from '@/lib/schedule/advisors';
import { demoDatabase, type TestDatabase } from '@/test/db';

let tdb: TestDatabase;
let db: Kysely<KontorDatabase>;
let mapping: Mapping;
before(async () => {
  tdb = await demoDatabase();
  db = createDb(tdb.url, { max: 6 });
  mapping = (await validateMapping(db, activeMapping())).mapping;
});
after(async () => {
  await db?.destroy();
  await tdb?.drop();
});

for (const job of SCHEDULED_JOBS) {
  test(`${job.name}: runs on the demo and records its outcome`, { timeout: 120_000 }, async () => {
    const r = await runHere(db, job, 'test', { db, longReads: db, mapping });
    assert.ok(r.ran);
    assert.equal(r.job.state, 'succeeded', r.job.error ?? '');
    assert.ok(r.job.outcome, 'an outcome is kept');
  });
}

test('the snapshot job feeds the history; the ops snapshot is as of the queue clock; the advisors summary is queryable', async () => {
  const { rows: [s] } = await sql<{ n: number }>`select count(*)::int as n from kontor.snapshots`.execute(db);
  assert.ok(s.n >= 1);
  const { rows: ops } = await sql<{ as_of: Date }>`select as_of from kontor.ops_snapshots where name = 'queue-usual-waits'`.execute(db);
  const clock = await queueClock(db);
  assert.equal(ops.length, 1);
  // The demo's pinned clock when it has one; else the database's, which moved on since the run.
  if (clock.snapshot) assert.equal(ops[0].as_of.toISOString(), clock.now.toISOString());
  else assert.ok(Math.abs(ops[0].as_of.getTime() - clock.now.getTime()) < 10 * 60_000);
  const [latest] = await latestAdvisorSummaries(db, 1);
  assert.ok(latest.outcome, 'the latest advisors run');
  assert.ok(latest.outcome!.findings.length > 0, 'the demo has findings');
  const levels = latest.outcome!.findings.map((f) => f.level);
  assert.equal(latest.outcome!.counts.error, levels.filter((l) => l === 'error').length);
});
