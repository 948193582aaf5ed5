import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { commitEdit, previewEdit, GuardError } from '@/lib/guard';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { runJobNow } from '@/lib/edits/jobs-run';
import { startSchedule } from '@/lib/schedule/engine';
import { SCHEDULED_JOBS } from '@/lib/schedule/jobs';
import type { ScheduledJob } from '@/lib/schedule/types';
import { STAFF_ROLES } from '@/lib/auth/permissions';

const waiting = (f: GuardFixture, name: string) =>
  sql<{ n: number }>`select count(*)::int as n from kontor.job where name = ${name} and state in ('created', 'retry', 'active')`.execute(f.db).then((r) => r.rows[0].n);

describe('run a scheduled job now (guarded)', () => {
  let f: GuardFixture;
  before(async () => { f = await guardFixture(); });
  after(() => f.close());

  test('the preview queues nothing; the commit queues one run, audited; a second is refused while it waits', async () => {
    const input = { job: 'advisors' };
    const { preview, token } = await previewEdit(runJobNow, f.staff.admin, input, f.opts);
    assert.deepEqual(preview.target, { type: 'scheduled job', id: 'advisors' });
    assert.equal(await waiting(f, 'advisors'), 0, 'the preview was rolled back');
    const r = await commitEdit(runJobNow, f.staff.admin, { ...input, reason: 'check the new index' }, token, crypto.randomUUID(), f.opts);
    assert.equal(r.status, 'applied');
    assert.equal(await waiting(f, 'advisors'), 1);
    const audit = await sql<{ action: string; reason: string }>`select action, reason from kontor.audit_log where target_id = 'advisors'`.execute(f.db);
    assert.deepEqual(audit.rows.map((a) => [a.action, a.reason]), [['jobs.run', 'check the new index']]);
    await assert.rejects(previewEdit(runJobNow, f.staff.admin, input, f.opts), (e: GuardError) => e.kind === 'conflict' && /waiting to run already/.test(e.message));

    // A console instance works the queue: the run is recorded as started by the admin who asked.
    const stub: ScheduledJob = { ...SCHEDULED_JOBS.find((j) => j.name === 'advisors')!, every: 'off', run: async () => ({ ran: 'now' }) };
    const schedule = await startSchedule({ url: f.tdb.url, jobs: [stub], overrides: { advisors: 'off' }, context: { db: f.db, longReads: f.db, mapping: f.ctx.admin.mapping }, pollSeconds: 0.5 });
    try {
      let row: { state: string; started_by: string; outcome: unknown } | undefined;
      for (let i = 0; i < 60 && row?.state !== 'succeeded'; i++) {
        await new Promise((res) => setTimeout(res, 250));
        row = (await sql<{ state: string; started_by: string; outcome: unknown }>`
          select state, started_by, outcome from kontor.jobs where params->>'job' = 'advisors' order by id desc limit 1`.execute(f.db)).rows[0];
      }
      assert.deepEqual(row, { state: 'succeeded', started_by: f.staff.admin.email, outcome: { ran: 'now' } });
    } finally {
      await schedule.stop();
    }
  });

  test('while a run of its kind is running, "run now" says so and queues nothing', async () => {
    await sql`insert into kontor.jobs (kind, started_by, runner, params) values ('snapshot', 'schedule', 'elsewhere', '{"job":"snapshot"}')`.execute(f.admin);
    await assert.rejects(previewEdit(runJobNow, f.staff.admin, { job: 'snapshot' }, f.opts),
      (e: GuardError) => e.kind === 'conflict' && /is running now \(run #\d+, started by schedule\): it was not started again/.test(e.message));
    assert.equal(await waiting(f, 'snapshot'), 0);
    await sql`update kontor.jobs set state = 'succeeded', finished_at = now() where kind = 'snapshot'`.execute(f.admin);
  });

  test('only jobs.run (admin) may; an unknown job is refused', async () => {
    for (const role of STAFF_ROLES.filter((r) => r !== 'admin')) {
      await assert.rejects(previewEdit(runJobNow, f.staff[role], { job: 'snapshot' }, f.opts), (e: GuardError) => e.kind === 'forbidden', role);
    }
    await assert.rejects(previewEdit(runJobNow, f.staff.admin, { job: 'rm -rf' }, f.opts), (e: GuardError) => e.kind === 'invalid');
  });
});
