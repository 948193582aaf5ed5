import type { Metadata } from 'next';
import Link from 'next/link';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { listWorkers, WORKER_SORTS, type WorkerHours, type WorkerSort } from '@/lib/domain/workers';
import { SNAPSHOTS } from '@/lib/domain/tasks/snapshot';
import { storedFigure } from '@/app/(console)/_lib/stored-figure';
import { SnapshotNote } from '@/app/(console)/_components/snapshot-note';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { AutoRefresh } from '@/components/auto-refresh';
import { attempt } from '@/app/(console)/_lib/attempt';
import { ReadProblem } from '@/app/(console)/_components/section';
import { missingIndexes } from '@/app/(console)/_lib/speed-hints';
import { parseThresholds, queueContext } from '@/app/(console)/_lib/queue';
import { WorkersTable } from '@/app/(console)/workers/_components/workers-table';

export const metadata: Metadata = { title: 'Workers' };

const SPEC: TableSpec<WorkerSort> = { sortable: WORKER_SORTS, defaultSort: { id: 'attention', desc: true }, pageSizes: [50, 100] };

export default async function WorkersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('tasks.read');
  const { staff } = ctx;
  const params = await searchParams;
  const queue = await queueContext(ctx.check);
  if (!queue.ok || !queue.hasWorkers) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Workers</h1>
        <Notice title="Not available for this database">{queue.ok ? 'The table mapping has no workers for this database.' : queue.message}</Notice>
      </>
    );
  }
  const { staleMinutes } = parseThresholds(params);
  const query = parseTableQuery(params, SPEC);
  // Each worker's last hour needs every task finished in it, which no index finds: a stored answer
  // (lib/domain/tasks/snapshot.ts); until there is one, its columns are blank and the note says why.
  const hours = await attempt(() => storedFigure<WorkerHours>(SNAPSHOTS.workers, queue.mapping, queue.now));
  const r = await attempt(() =>
    read((trx) => listWorkers(trx, queue.mapping, {
      now: queue.now, staleMinutes, sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset, filter: query.q,
      hours: hours.ok ? hours.value.snapshot?.value ?? null : null,
    })),
    { whenSlow: missingIndexes([{ table: queue.mapping.tasks?.table, column: queue.mapping.tasks?.columns.workerId, why: "it counts each worker's tasks in flight" }]) },
  );
  const silent = r.ok ? r.value.rows.filter((w) => w.stale).length : 0;
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Workers</h1>
        <AutoRefresh />
        <p className="text-sm text-ink-muted">
          Each worker&apos;s heartbeat, tasks in flight against its concurrency, version, and the last hour. An active worker silent for more
          than {staleMinutes} min is flagged. <Link href="/tasks/queue" className="text-accent underline underline-offset-4">Queue health</Link>
        </p>
      </div>
      {hours.ok ? (
        <SnapshotNote figure={hours.value} what="The last hour's completed and failed tasks per worker (every task finished in it; tasks in flight are live)" />
      ) : (
        <Notice tone="warn" title="The last hour unavailable">{hours.message}</Notice>
      )}
      {silent ? <Notice tone="warn" title={`${silent} silent worker${silent === 1 ? '' : 's'}`}>Active, but no heartbeat for more than {staleMinutes} min: mark it offline once you know it is gone.</Notice> : null}
      {r.ok ? (
        <WorkersTable
          rows={r.value.rows.map((w) => ({ ...w, canMarkOffline: w.stale && staff.can('tasks.cancel') }))}
          total={r.value.total}
          query={query}
          sortable={WORKER_SORTS}
        />
      ) : (
        <ReadProblem title="Workers unavailable" problem={r} />
      )}
    </>
  );
}
