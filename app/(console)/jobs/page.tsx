import type { Metadata } from 'next';
import { read } from '@/db/index';
import { env } from '@/lib/env';
import { roleCan } from '@/lib/auth/permissions';
import { pageContext } from '@/app/(console)/_lib/context';
import { attempt } from '@/app/(console)/_lib/attempt';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { Notice } from '@/components/ui/notice';
import { RefreshWhile } from '@/components/refresh-while';
import { SCHEDULED_JOBS } from '@/lib/schedule/jobs';
import { listScheduledJobs } from '@/lib/schedule/read';
import { scheduleOverrides } from '@/lib/schedule/start';
import { JobCard } from '@/app/(console)/jobs/_components/job-card';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  const ctx = await pageContext('jobs.read');
  const canRun = roleCan(ctx.staff.role, 'jobs.run');
  const r = await attempt(() => read((trx) => listScheduledJobs(trx, SCHEDULED_JOBS, scheduleOverrides())));
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Jobs</h1>
        <p className="text-sm text-ink-muted">
          What Kontor does by itself, on a schedule, in its own server processes: each run is taken by one console instance,
          and a run cut short by a restart runs again. Intervals are set with KONTOR_SCHEDULE_JOBS (README, “The schedule”).
        </p>
      </div>
      {env.KONTOR_SCHEDULE === 'off' ? (
        <Notice tone="warn" title="This console instance runs no job">
          KONTOR_SCHEDULE is off here: runs wait for an instance where it is on.
        </Notice>
      ) : null}
      <Section id="jobs" title="Scheduled jobs" description="Times are in your time zone; crons are in UTC.">
        {r.ok ? (
          <div className="grid gap-4">
            {r.value.map((job) => <JobCard key={job.name} job={job} canRun={canRun} />)}
            {r.value.some((j) => j.waiting || j.running) ? <RefreshWhile ms={2000} /> : null}
          </div>
        ) : (
          <ReadProblem title="Jobs unavailable" problem={r} />
        )}
      </Section>
    </>
  );
}
