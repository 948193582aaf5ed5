/**
 * The Jobs page's guarded edit: run a scheduled job now. The run is queued on the job's pg-boss queue
 * inside the edit's own transaction (with its audit row, or not at all); whichever console instance
 * polls first runs it, recorded in kontor.jobs like a scheduled run but started by this staff member.
 * A job running or already waiting is refused, saying so: a second "run now" never runs it twice.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { GuardError } from '@/lib/guard/errors';
import { catalogEdit } from '@/lib/edits/define';
import { onTransaction, sender, sendRun } from '@/lib/schedule/engine';
import { SCHEDULED_JOBS } from '@/lib/schedule/jobs';

const input = z.strictObject({
  job: z.string().refine((name) => SCHEDULED_JOBS.some((j) => j.name === name), { error: 'no scheduled job has that name' }),
});

interface JobNowView {
  job: string;
  title: string;
  state: 'idle' | 'waiting' | 'running';
}

export const runJobNow = catalogEdit('jobs.run', {
  input,
  async load(trx, i) {
    const job = SCHEDULED_JOBS.find((j) => j.name === i.job)!;
    const { rows: [running] } = await sql<{ id: string; started_by: string }>`
      select id::text, started_by from kontor.jobs where kind = ${job.kind} and state = 'running' limit 1`.execute(trx);
    const { rows: [queued] } = await sql<{ state: string }>`
      select state::text from kontor.job where name = ${job.name} and state in ('created', 'retry', 'active') order by state desc limit 1`.execute(trx);
    if (running || queued?.state === 'active') {
      throw new GuardError('conflict', `${job.title} is running now${running ? ` (run #${running.id}, started by ${running.started_by})` : ''}: it was not started again. Its outcome shows here when it ends.`);
    }
    if (queued) throw new GuardError('conflict', `${job.title} is waiting to run already: it was not queued twice.`);
    const before: JobNowView = { job: job.name, title: job.title, state: 'idle' };
    return { target: { type: 'scheduled job', id: job.name }, rows: [{ key: `job:${job.name}`, version: 'idle' }], before };
  },
  async apply(trx, i, loaded, staff) {
    const job = SCHEDULED_JOBS.find((j) => j.name === i.job)!;
    const id = await sendRun(sender(), job, { by: staff.email, staffId: staff.userId }, { db: onTransaction(trx) });
    if (!id) throw new GuardError('conflict', `${job.title} is waiting to run already: it was not queued twice.`);
    return { after: { ...(loaded.before as JobNowView), state: 'waiting' }, result: { job: job.name, queued: id } };
  },
});
