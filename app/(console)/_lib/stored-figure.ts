/**
 * A stored operations figure for a page (lib/domain/tasks/snapshot.ts): the stored answer, and a refresh
 * started in the background when it is stale (after the response: the page never waits for it). On a
 * small queue the figure is computed in the request instead, as it always was (`live`).
 */
import { after } from 'next/server';
import { getDb, getLongReadPool, read } from '@/db/index';
import { latestJob, type JobView } from '@/lib/jobs';
import { computeFigure, isStale, OPS_SNAPSHOT_JOB, queueIsSmall, readSnapshot, startOpsSnapshot, type Snapshot, type SnapshotName } from '@/lib/domain/tasks/snapshot';
import { sharedRead } from '@/lib/shared-read';
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
  /** Computed in this request (a small queue): nothing to say about freshness. */
  live: boolean;
}

export async function storedFigure<T>(name: SnapshotName, mapping: Mapping, now: Date): Promise<StoredFigure<T>> {
  const r = await sharedRead(`ops-figure:${name}:${now.toISOString()}`, () => read(async (trx) => {
    if (!(await queueIsSmall(trx, mapping))) return { snapshot: await readSnapshot<T>(trx, name), job: await latestJob(trx, OPS_SNAPSHOT_JOB), live: false };
    const t0 = performance.now();
    const value = (await computeFigure(trx, name, mapping, now)) as T;
    const snapshot: Snapshot<T> = { asOf: now.toISOString(), computedAt: new Date().toISOString(), ageSeconds: 0, ms: performance.now() - t0, value };
    return { snapshot, job: null, live: true };
  }));
  if (r.live) return { snapshot: r.snapshot, refreshing: false, failed: null, live: true };
  const { snapshot, job } = r;
  const failed = job && (job.state === 'failed' || job.state === 'abandoned') ? job.error : null;
  if (!isStale(snapshot, now)) return { snapshot, refreshing: false, failed: null, live: false };
  if (job?.state === 'running' && !job.lost) return { snapshot, refreshing: true, failed: null, live: false };
  if (failed && job && secondsSince(job) < RETRY_AFTER_S) return { snapshot, refreshing: false, failed, live: false };
  const started = await startOpsSnapshot(
    getDb(), (fn) => read(fn, { statementTimeoutMs: REFRESH_TIMEOUT_MS }, getLongReadPool().db), mapping, now, 'console',
  );
  after(() => started.done);
  return { snapshot, refreshing: true, failed: null, live: false };
}

const secondsSince = (job: JobView) => (Date.now() - new Date(job.finishedAt ?? job.startedAt).getTime()) / 1000;
