'use client';
import { useEffect, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import type { JobView } from '@/lib/jobs';
import type { ReconcileOutcome } from '@/lib/domain/reconcile/job';
import { startReconciliationAction } from '@/app/(console)/finance/reconciliation/actions';

const POLL_MS = 1500;

/**
 * Starts a run in the background and follows the newest reconciliation job the page read: while one
 * runs, the page refreshes every POLL_MS to show its step; the run this tab started opens when it ends.
 */
export function RunButtons({ job, canRun }: { job: JobView<ReconcileOutcome> | null; canRun: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [watching, setWatching] = useState<string | null>(null);
  const running = job?.state === 'running' && !job.lost;
  // The run this tab started has ended once the page's newest job is that one, no longer running.
  const watchedEnded = job !== null && job.id === watching && job.state !== 'running';
  const waiting = watching !== null && !watchedEnded;

  useEffect(() => {
    if (!running && !waiting) return;
    const timer = setInterval(() => router.refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, waiting, router]);

  const runId = watchedEnded && job.state === 'succeeded' ? job.outcome?.runId : undefined;
  useEffect(() => {
    if (runId) router.push(`/finance/reconciliation?run=${runId}`);
  }, [runId, router]);

  const run = (mode: 'incremental' | 'full') =>
    start(async () => {
      setError(null);
      const r = await startReconciliationAction(mode);
      if (!r.ok) return setError(r.error);
      setWatching(r.data.jobId);
      router.refresh();
    });
  const busy = pending || running || waiting;
  return (
    <div className="space-y-2">
      {canRun ? (
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => run('incremental')} disabled={busy}>{busy ? 'Reconciling…' : 'Run reconciliation'}</Button>
          <Button variant="secondary" onClick={() => run('full')} disabled={busy}>Full run (whole ledger)</Button>
        </div>
      ) : null}
      <JobStatus job={job} />
      {error ? <Notice tone="danger" title="The run did not start" live>{error}</Notice> : null}
    </div>
  );
}

function JobStatus({ job }: { job: JobView<ReconcileOutcome> | null }) {
  if (!job) return null;
  const mode = job.params.mode === 'full' ? 'full' : 'incremental';
  const started = new Date(job.startedAt).toISOString().slice(11, 19);
  if (job.state === 'running' && job.lost) {
    return (
      <Notice tone="warn" title="A reconciliation stopped without finishing">
        The {mode} run {job.startedBy} started at {started} UTC sent no heartbeat for {job.heartbeatAgeSeconds} s: the console instance
        running it stopped. Nothing it did was kept; start another run.
      </Notice>
    );
  }
  if (job.state === 'running') {
    const p = job.progress;
    return (
      <div role="status" aria-live="polite" className="space-y-1 rounded-lg border border-line bg-surface p-3 text-sm">
        <p>
          A {mode} run by {job.startedBy} is under way since {started} UTC
          {p ? `: step ${p.done + 1} of ${p.total}, ${p.step.toLowerCase()}…` : ': starting…'}
        </p>
        <progress className="w-full" max={p?.total ?? 1} value={p?.done ?? 0} aria-label="Reconciliation progress" />
        <p className="text-ink-muted">It runs on the server: you may leave this page. Last heartbeat {job.heartbeatAgeSeconds} s ago.</p>
      </div>
    );
  }
  if (job.state === 'failed' || job.state === 'abandoned') {
    return <Notice tone="danger" title={`The last run (${mode}, by ${job.startedBy}) ${job.state === 'failed' ? 'failed' : 'was abandoned'}`}>{job.error}</Notice>;
  }
  return null;
}
