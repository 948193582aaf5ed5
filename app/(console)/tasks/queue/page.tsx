import { Suspense } from 'react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { read } from '@/db/index';
import { type StaffContext } from '@/lib/auth';
import { pageContext } from '@/app/(console)/_lib/context';
import { getQueueHealth, type QueueTypeHealth, type WindowRow } from '@/lib/domain/tasks/health';
import { findSilentWorkers, findStuckTasks, P95_DAYS, type UsualWaits } from '@/lib/domain/tasks/stuck';
import { actionsFor } from '@/lib/domain/tasks/actions';
import { RUN_DEFAULT_MINUTES, RUN_FLOOR_MINUTES, RUN_P95_FACTOR } from '@/lib/domain/tasks/running-long';
import { SNAPSHOTS, windowSnapshot, type ThroughputSnapshot } from '@/lib/domain/tasks/snapshot';
import { storedFigure } from '@/app/(console)/_lib/stored-figure';
import { SnapshotNote } from '@/app/(console)/_components/snapshot-note';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { AutoRefresh } from '@/components/auto-refresh';
import { ReadProblem, Section, SectionSkeleton } from '@/app/(console)/_components/section';
import { lastHourOf, missingIndexes, slowHints } from '@/app/(console)/_lib/speed-hints';
import { attempt } from '@/app/(console)/_lib/attempt';
import { queueContext, parseThresholds, STALE_CHOICES, WINDOW_CHOICES } from '@/app/(console)/_lib/queue';
import { formatSeconds, formatCount } from '@/lib/format';
import { QueueTable } from '@/app/(console)/tasks/_components/queue-table';
import { StuckTable } from '@/app/(console)/tasks/_components/stuck-table';
import { MONEY_DESCRIPTION, MoneyOnQueue } from '@/app/(console)/tasks/_components/money-on-queue';
import { ThroughputChart } from '@/app/(console)/tasks/_components/throughput-chart';
import { MarkWorkerOffline } from '@/app/(console)/tasks/_components/task-edit';
import type { Mapping } from '@/lib/mapping';
import { sharedRead } from '@/lib/shared-read';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Queue' };

const QUEUE_SORTS = ['type', 'queued', 'oldest', 'running', 'throughput', 'wait', 'run', 'failures', 'retries'] as const;
type QueueSort = (typeof QUEUE_SORTS)[number];
const QUEUE_SPEC: TableSpec<QueueSort> = { sortable: QUEUE_SORTS, defaultSort: { id: 'queued', desc: true }, pageSizes: [100], prefix: 'q_' };
const STUCK_SPEC: TableSpec<'age'> = { sortable: ['age'], defaultSort: { id: 'age', desc: true }, pageSizes: [50], prefix: 's_' };

const STUCK_DESCRIPTION =
  `Running on a worker that is gone; running far past its type's usual time (${RUN_P95_FACTOR} x its p95 run, at least ` +
  `${RUN_FLOOR_MINUTES} min; ${RUN_DEFAULT_MINUTES / 60} h for a type with little history); queued far longer than its type's p95 wait; retried again and again.`;

const SORT_VALUE: Record<QueueSort, (r: QueueTypeHealth) => number | string | null> = {
  type: (r) => r.taskType, queued: (r) => r.queued, oldest: (r) => r.oldestQueuedSeconds, running: (r) => r.inProgress,
  throughput: (r) => r.perHour, wait: (r) => r.wait.p95, run: (r) => r.run.p95, failures: (r) => r.failureRate, retries: (r) => r.retries,
};

function sortRows<T>(rows: T[], value: (r: T) => number | string | null, desc: boolean): T[] {
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * (desc ? -1 : 1);
  });
}

async function Health({ mapping, now, params }: { mapping: Mapping; now: Date; params: SearchParams }) {
  const { staleMinutes, windowHours } = parseThresholds(params);
  const query = parseTableQuery(params, QUEUE_SPEC);
  // A window of a day or more is ~240k+ finished tasks at the benchmark size: its figures are stored
  // (lib/domain/tasks/snapshot.ts); what waits and runs now is always read live.
  const stored = windowSnapshot(windowHours);
  const win = stored ? await attempt(() => storedFigure<WindowRow[]>(stored, mapping, now)) : null;
  if (win && !win.ok) return <ReadProblem title="Queue health unavailable" problem={win} />;
  // None stored yet (the first view ever): read live this once, while the job stores it.
  const windowRows = win?.ok ? win.value.snapshot?.value : undefined;
  const key = `queue-health:${JSON.stringify([now, windowHours, staleMinutes, win?.ok ? win.value.snapshot?.computedAt ?? null : 'live'])}`;
  const r = await attempt(() => sharedRead(key, () => read((trx) => getQueueHealth(trx, mapping, { now, windowHours, staleMinutes, window: windowRows }))), {
    whenSlow: slowHints(lastHourOf('/tasks/queue', windowHours), missingIndexes([
      { table: mapping.tasks?.table, column: mapping.tasks?.columns.createdAt, why: "it finds the window's tasks by their creation time" },
    ])),
  });
  if (!r.ok) return <ReadProblem title="Queue health unavailable" problem={r} />;
  const h = r.value;
  const queued = h.types.reduce((n, t) => n + t.queued, 0);
  const running = h.types.reduce((n, t) => n + t.inProgress, 0);
  const oldest = Math.max(0, ...h.types.map((t) => t.oldestQueuedSeconds ?? 0));
  return (
    <div className="space-y-4">
      {win?.ok && win.value.snapshot ? <SnapshotNote figure={win.value} what={`Throughput, failures and wait and run times over the last ${windowHours} h`} /> : null}
      {h.alerts.map((a) => (
        <Notice key={a.taskType} tone="danger" title={`No live worker for ${a.taskType}`} live>{a.message}</Notice>
      ))}
      <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {[
          ['Queued now', formatCount(queued)],
          ['Oldest queued', formatSeconds(oldest || null)],
          ['Running now', formatCount(running)],
          ['Live workers', h.liveWorkers === null ? 'no heartbeats' : formatCount(h.liveWorkers)],
        ].map(([label, value]) => (
          <div key={label} className="rounded-lg border border-line bg-surface p-4">
            <dt className="text-sm text-ink-muted">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {/* The table pages on the server (manual pagination): only this page's rows go to the browser. */}
      <QueueTable
        rows={sortRows(h.types, SORT_VALUE[query.sort.id], query.sort.desc).slice(query.offset, query.offset + query.pageSize)}
        rowCount={h.types.length}
        query={query}
        sortable={QUEUE_SORTS}
        windowHours={windowHours}
      />
    </div>
  );
}

async function Charts({ mapping, now }: { mapping: Mapping; now: Date }) {
  // Two weeks of finished tasks (1.2M rows at the benchmark size): a stored answer, refreshed in the background.
  const r = await attempt(() => storedFigure<ThroughputSnapshot>(SNAPSHOTS.throughput, mapping, now));
  if (!r.ok) return <ReadProblem title="Throughput unavailable" problem={r} />;
  const points = r.value.snapshot?.value;
  return (
    <div className="space-y-3">
      <SnapshotNote figure={r.value} what="Throughput (two weeks of finished tasks)" />
      {points ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <ThroughputChart title="Finished per hour, last 24 hours (UTC)" points={points.hours} bucket="hour" />
          <ThroughputChart title="Finished per day, last 14 days" points={points.days} bucket="day" />
        </div>
      ) : null}
    </div>
  );
}

async function Stuck({ staff, mapping, now, params }: { staff: StaffContext; mapping: Mapping; now: Date; params: SearchParams }) {
  const { staleMinutes } = parseThresholds(params);
  const query = parseTableQuery(params, STUCK_SPEC);
  // The types' usual waits (a week of started tasks) come from the stored snapshot; the tasks are read live.
  const waits = await attempt(() => storedFigure<UsualWaits>(SNAPSHOTS.waits, mapping, now));
  const usualWaits = waits.ok ? waits.value.snapshot?.value ?? null : null;
  const r = await attempt(() =>
    sharedRead(`queue-stuck:${JSON.stringify([now, staleMinutes, usualWaits])}`, () => read(async (trx) => ({
      stuck: await findStuckTasks(trx, mapping, { now, staleMinutes, usualWaits }),
      silent: await findSilentWorkers(trx, mapping, { now, staleMinutes }),
    }))),
  );
  if (!r.ok) return <ReadProblem title="Stuck tasks unavailable" problem={r} />;
  const waitsNote = waits.ok ? (
    <SnapshotNote figure={waits.value} what={`Each type's usual wait (the p95 over ${P95_DAYS} days of started tasks), which "queued far longer than usual" needs,`} />
  ) : (
    <Notice tone="warn" title="Usual waits unavailable">{waits.message} Tasks queued far longer than usual are not listed.</Notice>
  );
  const rows = sortRows(r.value.stuck, (t) => t.ageSeconds, query.sort.desc).map((t) => ({ ...t, actions: actionsFor(staff, t.actions) }));
  return (
    <div className="space-y-4">
      {waitsNote}
      {r.value.silent.length ? (
        <Notice tone="warn" title={`${r.value.silent.length} silent worker${r.value.silent.length === 1 ? '' : 's'}`}>
          <ul className="space-y-2">
            {r.value.silent.map((w) => (
              <li key={w.id} className="flex flex-wrap items-center gap-3">
                <span>
                  <span className="font-mono">{w.id}</span> is {w.status} but silent for {formatSeconds(w.silentSeconds)} (v{w.version ?? '?'}
                  {w.inFlight === null ? '' : `, ${w.inFlight} task${w.inFlight === 1 ? '' : 's'} in flight`}).
                </span>
                {staff.can('tasks.cancel') ? <MarkWorkerOffline workerId={w.id} /> : null}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <StuckTable rows={rows.slice(query.offset, query.offset + query.pageSize)} rowCount={rows.length} query={query} sortable={STUCK_SPEC.sortable} />
    </div>
  );
}

function Thresholds({ params }: { params: SearchParams }) {
  const { staleMinutes, windowHours } = parseThresholds(params);
  const select = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';
  return (
    <form method="get" className="flex flex-wrap items-end gap-3 text-sm" aria-label="Thresholds">
      <label className="flex flex-col gap-1">
        <span className="font-medium">A worker is dead after</span>
        <select name="stale" defaultValue={staleMinutes} className={select}>
          {STALE_CHOICES.map((n) => <option key={n} value={n}>{n} min without a heartbeat</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Window</span>
        <select name="window" defaultValue={windowHours} className={select}>
          {WINDOW_CHOICES.map((n) => <option key={n} value={n}>last {n < 48 ? `${n} h` : `${n / 24} days`}</option>)}
        </select>
      </label>
      <button type="submit" className="rounded-md border border-line bg-surface px-3 py-1.5 font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-focus">
        Apply
      </button>
    </form>
  );
}

export default async function QueuePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('tasks.read');
  const { staff } = ctx;
  const params = await searchParams;
  const queue = await queueContext(ctx.check);
  if (!queue.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Queue</h1>
        <Notice title="Not available for this database">{queue.message}</Notice>
      </>
    );
  }
  const { mapping, now } = queue;
  return (
    <>
      <div className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight">Queue</h1>
        <AutoRefresh />
        <p className="text-sm text-ink-muted">
          As of <When at={now} />
          {queue.snapshot ? ' (the demo snapshot\u2019s clock)' : ''}. Slow is not stuck: a running task is listed only
          when its worker is gone or it runs far past its type’s usual time. <Link href="/tasks" className="text-accent underline underline-offset-4">All tasks</Link> ·{' '}
          <Link href="/workers" className="text-accent underline underline-offset-4">Workers</Link>
        </p>
        <Thresholds params={params} />
      </div>
      <Section id="health" title="Queue health" description="Depth and oldest wait now; throughput, wait (created → started) and run (started → finished) times, failures and retries over the window.">
        <Suspense fallback={<SectionSkeleton label="Reading the queue…" />}>
          <Health mapping={mapping} now={now} params={params} />
        </Suspense>
      </Section>
      <Section id="throughput" title="Throughput">
        <Suspense fallback={<SectionSkeleton label="Counting finished tasks…" />}>
          <Charts mapping={mapping} now={now} />
        </Suspense>
      </Section>
      <Section id="stuck" title="Stuck and orphaned" description={STUCK_DESCRIPTION}>
        <Suspense fallback={<SectionSkeleton label="Looking for stuck tasks…" />}>
          <Stuck staff={staff} mapping={mapping} now={now} params={params} />
        </Suspense>
      </Section>
      {queue.hasLedger ? (
        <Section id="money" title="Money on the queue" description={MONEY_DESCRIPTION}>
          <Suspense fallback={<SectionSkeleton label="Checking charges…" />}>
            <MoneyOnQueue staff={staff} mapping={mapping} now={now} params={params} />
          </Suspense>
        </Section>
      ) : null}
    </>
  );
}
