/**
 * A stored operations figure for a page (lib/domain/tasks/snapshot.ts): the stored answer, and a refresh
 * started in the background when it is stale (after the response: the page never waits for it).
 */
import { after } from 'next/server';
import { getDb, getLongReadPool, read } from '@/db/index';
import { latestJob, type JobView } from '@/lib/jobs';
import { isStale, OPS_SNAPSHOT_JOB, readSnapshot, startOpsSnapshot, type Snapshot } from '@/lib/domain/tasks/snapshot';
import type { Mapping } from '@/lib/mapping';

/** The refresh's reads may take minutes on a huge queue: its own timeout, on the long-read pool. */
const REFRESH_TIMEOUT_MS = 300_000;
/** A refresh that failed is not retried on every view: once a minute at most. */
const RETRY_AFTER_S = 60;

export interface StoredFigure<T> {
  snapshot: Snapshot<T> | null;
  /** A refresh is under way (started by this view or another). */
  refreshing: boolean;
  /** The last refresh failed, and why. */
  failed: string | null;
}

export async function storedFigure<T>(name: string, mapping: Mapping, now: Date): Promise<StoredFigure<T>> {
  const { snapshot, job } = await read(async (trx) => ({
    snapshot: await readSnapshot<T>(trx, name),
    job: await latestJob(trx, OPS_SNAPSHOT_JOB),
  }));
  const failed = job && (job.state === 'failed' || job.state === 'abandoned') ? job.error : null;
  if (!isStale(snapshot, now)) return { snapshot, refreshing: false, failed: null };
  if (job?.state === 'running' && !job.lost) return { snapshot, refreshing: true, failed: null };
  if (failed && job && secondsSince(job) < RETRY_AFTER_S) return { snapshot, refreshing: false, failed };
  const started = await startOpsSnapshot(
    getDb(), (fn) => read(fn, { statementTimeoutMs: REFRESH_TIMEOUT_MS }, getLongReadPool().db), mapping, now, 'console',
  );
  after(() => started.done);
  return { snapshot, refreshing: true, failed: null };
}

const secondsSince = (job: JobView) => (Date.now() - new Date(job.finishedAt ?? job.startedAt).getTime()) / 1000;
