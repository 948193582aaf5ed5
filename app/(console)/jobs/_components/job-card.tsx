import { When } from '@/components/ui/when';
import { Tag } from '@/components/ui/tag';
import { formatMs } from '@/lib/format';
import type { RunView, ScheduledJobView } from '@/lib/schedule/read';
import { RunNow } from '@/app/(console)/jobs/_components/run-now';

const STATE_TONE = { running: 'ok', succeeded: 'muted', failed: 'danger', abandoned: 'warn' } as const;

function RunState({ run }: { run: RunView }) {
  if (run.lost) return <Tag tone="warn">lost</Tag>;
  return <Tag tone={STATE_TONE[run.state]}>{run.state}</Tag>;
}

/** One scheduled job: when it runs, what it is doing, its recent runs and "Run now". */
export function JobCard({ job, canRun }: { job: ScheduledJobView; canRun: boolean }) {
  const headingId = `job-${job.name}`;
  return (
    <article aria-labelledby={headingId} className="min-w-0 space-y-3 rounded-lg border border-line bg-surface p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 space-y-1">
          <h3 id={headingId} className="font-semibold">{job.title}</h3>
          <p className="text-sm text-ink-muted">
            <span className="font-mono text-xs">{job.name}</span> · {job.every}
            {job.cron ? <> · next <When at={job.nextAt} /></> : null}
          </p>
          <p className="text-sm" aria-live="polite">
            {job.running ? <>Running since <When at={job.running.startedAt} /> ({job.running.startedBy}).</>
              : job.waiting ? 'Waiting for a console instance to take it.'
                : job.lastRun ? <>Last run <When at={job.lastRun.startedAt} />: {job.lastRun.state}.</> : 'Not run yet.'}
          </p>
        </div>
        {canRun ? <RunNow name={job.name} title={job.title} busy={Boolean(job.running || job.waiting)} /> : null}
      </div>
      {job.runs.length ? (
        <div role="group" aria-label={`Recent runs of ${job.title}`} tabIndex={0} className="overflow-x-auto rounded border border-line focus-visible:outline-2 focus-visible:outline-focus">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">Recent runs of {job.title}</caption>
            <thead className="bg-surface-muted text-xs uppercase tracking-wide text-ink-muted">
              <tr>
                {['Run', 'Started', 'By', 'Took', 'Outcome'].map((h) => <th key={h} scope="col" className="px-3 py-1.5 text-start font-semibold">{h}</th>)}
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {job.runs.map((run) => (
                <tr key={run.id}>
                  <td className="whitespace-nowrap px-3 py-1.5 align-top font-mono text-xs">#{run.id}</td>
                  <td className="whitespace-nowrap px-3 py-1.5 align-top"><When at={run.startedAt} /></td>
                  <td className="max-w-40 break-words px-3 py-1.5 align-top">{run.startedBy}</td>
                  <td className="whitespace-nowrap px-3 py-1.5 align-top">{run.durationMs === null ? '—' : formatMs(run.durationMs)}</td>
                  <td className="min-w-48 px-3 py-1.5 align-top">
                    <RunState run={run} /> <span className="break-words">{run.error ?? run.summary ?? ''}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </article>
  );
}
