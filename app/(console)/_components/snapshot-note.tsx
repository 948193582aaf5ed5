import { Notice } from '@/components/ui/notice';
import { SNAPSHOT_MAX_AGE_MS, type Snapshot } from '@/lib/domain/tasks/snapshot';
import { formatSeconds } from '@/lib/format';
import { RefreshWhile } from '@/components/refresh-while';
import type { StoredFigure } from '@/app/(console)/_lib/stored-figure';
import { When } from '@/components/ui/when';

/**
 * How fresh a stored operations figure is (lib/domain/tasks/snapshot.ts), a failed refresh, and while
 * none is stored yet, that it is being computed (the page then refreshes itself until it is).
 */
export function SnapshotNote({ figure, what }: { figure: StoredFigure<unknown>; what: string }) {
  const { snapshot, refreshing, failed, live } = figure;
  if (live) return null;
  const status = failed ? <Notice tone="warn" title="The last refresh failed">{failed}</Notice> : null;
  if (!snapshot) {
    return (
      <>
        {status}
        {refreshing ? (
          <>
            <Notice title="Being computed">{what} is read in the background; it appears here when the computation is done.</Notice>
            <RefreshWhile ms={2000} />
          </>
        ) : null}
      </>
    );
  }
  return (
    <>
      {status}
      <FreshnessLine snapshot={snapshot} refreshing={refreshing} />
    </>
  );
}

function FreshnessLine({ snapshot, refreshing }: { snapshot: Snapshot<unknown>; refreshing: boolean }) {
  return (
    <p className="text-sm text-ink-muted">
      Computed {formatSeconds(snapshot.ageSeconds)} ago (in {formatSeconds(snapshot.ms / 1000)}), for the queue as of{' '}
      <When at={snapshot.asOf} />; recomputed in the background when older than{' '}
      {SNAPSHOT_MAX_AGE_MS / 60_000} min{refreshing ? ' (under way now)' : ''}.
    </p>
  );
}
