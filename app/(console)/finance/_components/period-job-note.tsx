import type { ReactNode } from 'react';
import { Notice } from '@/components/ui/notice';
import { formatCount } from '@/lib/format';
import { RefreshWhile } from '@/components/refresh-while';
import type { Attempt } from '@/app/(console)/_lib/attempt';
import type { PeriodJob } from '@/app/(console)/finance/_lib/stored-period';

/**
 * While a period's figures are being computed in the background: what is computed and why, then the
 * page refreshes itself until they are stored. A failed job says why (it is retried a minute later).
 */
export function ComputingNote({ job, children }: { job: Attempt<PeriodJob> | null; children: ReactNode }) {
  const state = job?.ok ? job.value : null;
  const failed = state?.failed ?? (job && !job.ok ? job.message : null);
  return (
    <>
      {failed ? <Notice tone="warn" title="Computing them failed">{failed} Kontor tries again a minute after the failure.</Notice> : null}
      {!failed || state?.computing ? (
        <>
          <Notice title="Being computed">
            {children}{state?.runningFor ? ` Started ${formatCount(state.runningFor)} s ago.` : ''}
          </Notice>
          <RefreshWhile ms={3000} />
        </>
      ) : <RefreshWhile ms={30_000} />}
    </>
  );
}

/** A failed recomputation of figures still shown (the stored ones): said, not hidden. */
export function RecomputeProblem({ job }: { job: Attempt<PeriodJob> | null }) {
  const failed = job?.ok ? job.value.failed : job ? job.message : null;
  return failed ? <Notice tone="warn" title="Computing them again failed">{failed}</Notice> : null;
}
