/**
 * The Jobs page's and `kontor jobs list`'s one read: each scheduled job with its cron, next and last
 * run, whether a run waits or runs now, and its recent runs (kontor.jobs rows whose params name it).
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { STALE_MS, type JobState } from '@/lib/jobs';
import { cronOf, cronTimes } from '@/lib/schedule/engine';
import { describeCron, summarizeOutcome } from '@/lib/schedule/describe';
import type { ScheduledJob } from '@/lib/schedule/types';

export interface RunView {
  id: string;
  state: JobState;
  /** Running, and its runner stopped sending heartbeats. */
  lost: boolean;
  startedAt: string;
  startedBy: string;
  durationMs: number | null;
  error: string | null;
  summary: string | null;
}

export interface ScheduledJobView {
  name: string;
  title: string;
  cron: string | null;
  every: string;
  nextAt: string | null;
  /** A run queued (by the cron or "run now") and not yet taken by an instance. */
  waiting: boolean;
  running: RunView | null;
  lastRun: RunView | null;
  runs: RunView[];
}

type Row = {
  name: string; id: string; state: JobState; started_at: Date; started_by: string; ms: number | null; error: string | null;
  outcome: unknown; heartbeat_age: number;
};

export async function listScheduledJobs(
  db: QueryExecutorProvider, jobs: readonly ScheduledJob[], overrides: Record<string, string>, opts: { runs?: number; now?: Date } = {},
): Promise<ScheduledJobView[]> {
  const names = jobs.map((j) => j.name);
  const { rows } = await sql<Row>`
    select j.name, r.id::text, r.state, r.started_at, r.started_by, r.error, r.outcome,
           extract(epoch from r.finished_at - r.started_at)::float8 * 1000 as ms,
           extract(epoch from clock_timestamp() - r.heartbeat_at)::float8 as heartbeat_age
      from unnest(${names}::text[], ${jobs.map((j) => j.kind)}::text[]) as j(name, kind)
      cross join lateral (
        select * from kontor.jobs where kind = j.kind and params->>'job' = j.name order by id desc limit ${opts.runs ?? 10}
      ) r
     order by r.id desc`.execute(db);
  const { rows: queued } = await sql<{ name: string }>`
    select distinct name from kontor.job where name = any(${names}::text[]) and state in ('created', 'retry')`.execute(db);
  const now = opts.now ?? new Date();
  return jobs.map((job) => {
    const runs = rows.filter((r) => r.name === job.name).map(toRun);
    const cron = cronOf(job, overrides);
    return {
      name: job.name, title: job.title, cron, every: describeCron(cron), nextAt: cron ? cronTimes(cron, now).next.toISOString() : null,
      waiting: queued.some((q) => q.name === job.name),
      running: runs.find((r) => r.state === 'running' && !r.lost) ?? null,
      lastRun: runs.find((r) => r.state !== 'running') ?? null,
      runs,
    };
  });
}

function toRun(r: Row): RunView {
  return {
    id: r.id, state: r.state, lost: r.state === 'running' && r.heartbeat_age * 1000 > STALE_MS, startedAt: r.started_at.toISOString(),
    startedBy: r.started_by, durationMs: r.ms === null ? null : Math.round(r.ms), error: r.error, summary: summarizeOutcome(r.outcome),
  };
}
