/**
 * The schedule's engine: pg-boss 10 in the `kontor` schema (installed by migration 0022).
 *
 * Why pg-boss 10.4 rather than graphile-worker: Kontor runs on Node 20 (pg-boss 11+ and graphile-worker
 * 0.18 need 22); it works through a transaction-mode pooler as it is (polling with SELECT ... FOR UPDATE
 * SKIP LOCKED, transaction-scoped advisory locks only, no LISTEN, no named prepared statements), where
 * graphile-worker 0.17 leans on LISTEN/NOTIFY and migrates at every start; it runs with migrate off on a
 * role without CREATE once its queues exist; a job whose runner dies is retried after its own expiry
 * (graphile-worker keeps a crashed worker's lock for 4 hours); and its cron is taken by one instance a
 * minute (a timestamp in its version table), so several console instances send each tick once.
 *
 * Two instances never run one job twice: a tick is sent once (above), each queue is "stately" (at most
 * one waiting and one running), a fetch is SKIP LOCKED, and the run itself claims its kind's slot in
 * kontor.jobs (lib/jobs.ts), which a run started from a page shares. Every run is recorded there, with
 * params { job, bossId }: when pg-boss hands the same job out again (its runner was killed), the earlier
 * attempt's row is marked abandoned and the job runs again.
 */
import 'server-only';
import PgBoss from 'pg-boss';
import { CompiledQuery, sql, type QueryExecutorProvider, type Transaction } from 'kysely';
import parser from 'cron-parser';
import { claimJob, runJob } from '@/lib/jobs';
import type { RunContext, ScheduledJob } from '@/lib/schedule/types';

export interface ScheduleOptions {
  /** The runtime role's connection string (through the pooler when there is one). */
  url: string;
  jobs: readonly ScheduledJob[];
  context: Omit<RunContext, 'progress'>;
  /** Cron per job name, or 'off', over each job's default (KONTOR_SCHEDULE_JOBS). */
  overrides?: Record<string, string>;
  /** How often each queue is polled; default 5 s. */
  pollSeconds?: number;
  /** How often expired runs are looked for (one instance does it per interval); default 60 s. */
  maintenanceSeconds?: number;
  /** How often an instance looks whether a cron is due (one instance does per interval); default 30 s. */
  cronCheckSeconds?: number;
}

export interface Schedule {
  boss: PgBoss;
  stop(): Promise<void>;
}

export type JobData = { by?: string; staffId?: string | null };

/** The cron a job runs on, or null when it is off. */
export function cronOf(job: ScheduledJob, overrides: Record<string, string> = {}): string | null {
  const cron = overrides[job.name] ?? job.every;
  return cron === 'off' ? null : cron;
}

/** `name=cron;name=off` (KONTOR_SCHEDULE_JOBS) as a map; a bad cron or an unknown name throws, naming it. */
export function parseOverrides(text: string, jobs: readonly ScheduledJob[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, cron] = [part.slice(0, part.indexOf('=')).trim(), part.slice(part.indexOf('=') + 1).trim()];
    if (!part.includes('=') || !jobs.some((j) => j.name === name)) {
      throw new Error(`KONTOR_SCHEDULE_JOBS: "${part}" is not name=cron with a job of ${jobs.map((j) => j.name).join(', ')}`);
    }
    if (cron !== 'off') {
      try { parser.parseExpression(cron, { tz: 'UTC' }); } catch { throw new Error(`KONTOR_SCHEDULE_JOBS: "${cron}" (${name}) is not a cron expression`); }
    }
    out[name] = cron;
  }
  return out;
}

/** When a cron fires next after `from` and last fired before it (UTC). */
export function cronTimes(cron: string, from = new Date()): { next: Date; prev: Date } {
  const next = parser.parseExpression(cron, { tz: 'UTC', currentDate: from }).next().toDate();
  const prev = parser.parseExpression(cron, { tz: 'UTC', currentDate: from }).prev().toDate();
  return { next, prev };
}

const bossOptions = (url: string, o: Pick<ScheduleOptions, 'maintenanceSeconds' | 'cronCheckSeconds'>) => ({
  connectionString: url, schema: 'kontor', application_name: 'kontor schedule', max: 3,
  // Installed by migration 0022: the runtime role cannot CREATE, and nothing here tries.
  migrate: false, maintenanceIntervalSeconds: o.maintenanceSeconds ?? 60, cronMonitorIntervalSeconds: o.cronCheckSeconds ?? 30,
  cronWorkerIntervalSeconds: Math.min(5, o.cronCheckSeconds ?? 5),
});

const runOptions = (job: ScheduledJob) => ({
  expireInSeconds: job.expireSeconds, ...(job.retryDelaySeconds === undefined ? {} : { retryDelay: job.retryDelaySeconds }),
});

/** Starts the schedule in this process: writes each job's cron, works its queue, catches up where due. */
export async function startSchedule(o: ScheduleOptions): Promise<Schedule> {
  const boss = new PgBoss(bossOptions(o.url, o));
  boss.on('error', (err) => console.error('[kontor] schedule:', err instanceof Error ? err.message : err));
  await boss.start();
  const { db } = o.context;
  for (const job of o.jobs) {
    const cron = cronOf(job, o.overrides);
    if (cron) await boss.schedule(job.name, cron, { by: 'schedule' } satisfies JobData, { tz: 'UTC', ...runOptions(job) });
    else await boss.unschedule(job.name);
    await boss.work<JobData>(job.name, { pollingIntervalSeconds: o.pollSeconds ?? 5, batchSize: 1 }, async ([bossJob]) => {
      await runScheduled(db, job, bossJob.id, bossJob.data ?? {}, o.context);
    });
  }
  for (const job of o.jobs.filter((j) => j.catchUp)) {
    const cron = cronOf(job, o.overrides);
    if (cron && !(await ranSince(db, job.name, cronTimes(cron).prev))) await sendRun(boss, job, { by: 'schedule' });
  }
  return { boss, stop: () => boss.stop({ graceful: true, timeout: 10_000 }) };
}

/** One delivery of a job: the run's row in kontor.jobs, its work, its outcome. Never rejects for the work. */
export async function runScheduled(db: QueryExecutorProvider, job: ScheduledJob, bossId: string, data: JobData, context: Omit<RunContext, 'progress'>) {
  // Handed out again: the attempt before was expired by pg-boss (its runner stopped). Its row says so.
  await sql`
    update kontor.jobs set state = 'abandoned', finished_at = clock_timestamp(),
           error = 'Its runner stopped (a console instance stopped or restarted); the job ran again.'
     where state = 'running' and params->>'bossId' = ${bossId}`.execute(db);
  const claim = await claimJob(db, job.kind, { startedBy: data.by ?? 'schedule', staffId: data.staffId ?? null, params: { job: job.name, bossId } });
  if (!claim.claimed) return { skipped: `job #${claim.job.id} of this kind was running` };
  const ended = await runJob(db, claim.job, (jc) => job.run({ ...context, progress: jc.progress }));
  await pruneRuns(db, job).catch(() => undefined);
  return { jobId: ended.id, state: ended.state };
}

/** How long a scheduled job's finished runs are kept (a minute's job leaves 1,440 rows a day). */
export const KEEP_RUNS_DAYS = 14;

/** Deletes `job`'s runs that finished more than KEEP_RUNS_DAYS ago, a batch at a time (oldest first). */
export async function pruneRuns(db: QueryExecutorProvider, job: ScheduledJob): Promise<number> {
  const r = await sql`
    delete from kontor.jobs where id in (
      select id from kontor.jobs where kind = ${job.kind} and params->>'job' = ${job.name} and state <> 'running'
         and finished_at < clock_timestamp() - make_interval(days => ${KEEP_RUNS_DAYS}) order by id limit 500)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Runs `job` in this process without the queue (`kontor jobs run`): the same claim and record as a
 * scheduled run, so it never overlaps one; resolves with the run as it ended, or the one that runs.
 */
export async function runHere(db: QueryExecutorProvider, job: ScheduledJob, by: string, context: Omit<RunContext, 'progress'>) {
  const claim = await claimJob(db, job.kind, { startedBy: by, params: { job: job.name } });
  if (!claim.claimed) return { ran: false as const, job: claim.job };
  return { ran: true as const, job: await runJob(db, claim.job, (jc) => job.run({ ...context, progress: jc.progress })) };
}

async function ranSince(db: QueryExecutorProvider, name: string, since: Date): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from kontor.jobs where params->>'job' = ${name} and state in ('running', 'succeeded') and started_at >= ${since}`.execute(db);
  return rows[0].n > 0;
}

/** Queues one run of `job` now; null when one is waiting already (the queue holds one). */
export function sendRun(boss: PgBoss, job: ScheduledJob, data: JobData, options: PgBoss.ConnectionOptions = {}): Promise<string | null> {
  return boss.send(job.name, data, { ...options, ...runOptions(job) });
}

/** pg-boss's statements run on `trx` (a guarded edit's transaction): the run is queued with its audit row or not at all. */
export function onTransaction(trx: Transaction<unknown> | QueryExecutorProvider): PgBoss.Db {
  const exec = trx as unknown as { executeQuery: (q: CompiledQuery) => Promise<{ rows: unknown[] }> };
  return { executeSql: async (text: string, values: unknown[]) => ({ rows: (await exec.executeQuery(CompiledQuery.raw(text, values))).rows }) };
}

/**
 * Asks for a run of the job named `name` soon (within a poll of whichever instance is free), e.g. right
 * after an event that it handles; on `db`, which may be a transaction. Null when one is waiting already.
 */
export function requestRun(db: QueryExecutorProvider, job: ScheduledJob, by = 'schedule'): Promise<string | null> {
  return sendRun(sender(), job, { by }, { db: onTransaction(db) });
}

/** A pg-boss that only sends (never started: no pool, no polling), for queuing a run inside a transaction. */
export function sender(): PgBoss {
  const g = globalThis as unknown as { kontorScheduleSender?: PgBoss };
  g.kontorScheduleSender ??= new PgBoss({ schema: 'kontor', migrate: false, db: { executeSql: () => Promise.reject(new Error('pass { db } to send')) } });
  return g.kontorScheduleSender;
}
