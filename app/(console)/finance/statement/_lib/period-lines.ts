/**
 * The per-user lines of a day or a custom period that the page does not sum itself (lib/domain/
 * statement-periods.ts): when they are missing or stale, a background job computes them (after the
 * response: the page never waits for it), and the page says so until they are stored.
 */
import 'server-only';
import { after } from 'next/server';
import { getDb, getLongReadPool } from '@/db/index';
import { latestJob, startJob } from '@/lib/jobs';
import type { StaffContext } from '@/lib/auth';
import type { Mapping } from '@/lib/mapping';
import { computeStatementPeriod, periodJobKind, type PeriodLines, type Period } from '@/lib/domain/statement';

/** The job sums millions of entries at the benchmark size: its own timeout, on the long-read pool. */
const JOB_TIMEOUT_MS = 600_000;
/** A failed job is not retried on every view: once a minute at most. */
const RETRY_AFTER_S = 60;

export interface PeriodLinesJob {
  /** A job is computing them now (started by this view or another). */
  computing: boolean;
  /** The last job failed, and why. */
  failed: string | null;
  /** Seconds the running job has been at it. */
  runningFor: number;
}

export async function keepPeriodLines(staff: StaffContext, mapping: Mapping, period: Period, lines: PeriodLines): Promise<PeriodLinesJob> {
  const idle = { computing: false, failed: null, runningFor: 0 };
  if (lines.kind === 'live' || (lines.kind === 'stored' && !lines.stale)) return idle;
  const kind = periodJobKind(period);
  const job = await latestJob(getDb(), kind);
  const age = (at: string) => Math.max(0, Math.round((Date.now() - new Date(at).getTime()) / 1000));
  if (job?.state === 'running' && !job.lost) return { computing: true, failed: null, runningFor: age(job.startedAt) };
  const failed = job && (job.state === 'failed' || job.state === 'abandoned') ? job.error : null;
  if (failed && job && age(job.finishedAt ?? job.startedAt) < RETRY_AFTER_S) return { computing: false, failed, runningFor: 0 };
  const started = await startJob(getDb(), kind, { startedBy: staff.email, staffId: staff.userId, params: { from: period.from.toISOString(), to: period.to.toISOString() } },
    () => computeStatementPeriod(getLongReadPool().db, mapping, period, { timeoutMs: JOB_TIMEOUT_MS }));
  after(() => started.done);
  return { computing: true, failed: null, runningFor: age(started.job.startedAt) };
}
