/**
 * A reconciliation as a background job (lib/jobs.ts): the console starts it and returns at once; the run
 * goes on in this process on the long-read pool, its step and heartbeat in kontor.jobs, and the page
 * polls that row. One at a time across every console instance (the job's slot) and with `kontor
 * reconcile` (the run's own table lock: a CLI run in progress makes the job fail with RUNNING_MESSAGE).
 */
import 'server-only';
import type { Kysely, QueryExecutorProvider } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { latestJob, startJob, type JobView } from '@/lib/jobs';
import { runReconciliation, type RunOptions } from '@/lib/domain/reconcile/run';

export const RECONCILE_JOB = 'reconcile';

export interface ReconcileOutcome {
  runId: string;
  mode: 'full' | 'incremental';
  found: number;
  entriesRead: number;
  ms: number;
}

/**
 * Starts a run unless one is running (then returns that one). `jobs` writes the job's row (the pages'
 * pool), `runs` carries the run and its lanes (the long-read pool).
 */
export async function startReconcileJob(
  jobs: QueryExecutorProvider,
  runs: Kysely<KontorDatabase>,
  opts: Pick<RunOptions, 'mode' | 'startedBy' | 'staffId' | 'lanes' | 'mapping'>,
): Promise<{ started: boolean; job: JobView; done: Promise<JobView<ReconcileOutcome> | null> }> {
  return startJob<ReconcileOutcome>(jobs, RECONCILE_JOB, { startedBy: opts.startedBy, staffId: opts.staffId, params: { mode: opts.mode } }, async (ctx) => {
    // Progress writes are not awaited by the run: a slow write never holds its SQL back, and they land in order.
    let last = Promise.resolve();
    const r = await runReconciliation(runs, {
      ...opts,
      onProgress: (step, done, total) => { last = last.then(() => ctx.progress(step, done, total)); },
    });
    await last;
    return { runId: r.runId, mode: r.mode, found: r.findings.length, entriesRead: r.entriesRead, ms: r.ms };
  });
}

export function latestReconcileJob(db: QueryExecutorProvider): Promise<JobView<ReconcileOutcome> | null> {
  return latestJob<ReconcileOutcome>(db, RECONCILE_JOB);
}
