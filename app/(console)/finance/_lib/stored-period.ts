/**
 * Figures of a day or a custom period that the finance pages do not sum themselves (the statement's
 * per-user lines, usage costs of a custom period: lib/domain/statement-periods.ts, usage-periods.ts):
 * when they are missing or stale, a background job computes them (after the response: the page never
 * waits for it), one at a time per period across console instances, and the page says so until they
 * are stored.
 */
import 'server-only';
import { after } from 'next/server';
import { getDb } from '@/db/index';
import { latestJob, startJob } from '@/lib/jobs';
import type { StaffContext } from '@/lib/auth';
import type { Period } from '@/lib/domain/statement';

/** A failed job is not retried on every view: once a minute at most. */
const RETRY_AFTER_S = 60;

export interface PeriodJob {
  /** A job is computing them now (started by this view or another). */
  computing: boolean;
  /** The last job failed, and why. */
  failed: string | null;
  /** Seconds the running job has been at it. */
  runningFor: number;
}

/** Starts `compute` as job `kind` when `needed` and none runs or failed within the minute; says where it stands. */
export async function keepStoredPeriod(
  staff: StaffContext, kind: string, period: Period, needed: boolean, compute: () => Promise<unknown>,
): Promise<PeriodJob> {
  if (!needed) return { computing: false, failed: null, runningFor: 0 };
  const job = await latestJob(getDb(), kind);
  const age = (at: string) => Math.max(0, Math.round((Date.now() - new Date(at).getTime()) / 1000));
  if (job?.state === 'running' && !job.lost) return { computing: true, failed: null, runningFor: age(job.startedAt) };
  const failed = job && (job.state === 'failed' || job.state === 'abandoned') ? job.error : null;
  if (failed && job && age(job.finishedAt ?? job.startedAt) < RETRY_AFTER_S) return { computing: false, failed, runningFor: 0 };
  const started = await startJob(getDb(), kind, {
    startedBy: staff.email, staffId: staff.userId, params: { from: period.from.toISOString(), to: period.to.toISOString() },
  }, compute);
  after(() => started.done);
  return { computing: true, failed: null, runningFor: age(started.job.startedAt) };
}
