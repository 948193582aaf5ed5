import type { Metadata } from 'next';
import Link from 'next/link';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { listTaskTypes, listTasks, parseTaskSearch, TASK_SORTS, type TaskFilter } from '@/lib/domain/tasks/list';
import { csvHref, taskFilterOf, TASKS_SPEC, utcInput as utc } from '@/lib/domain/list-csv';
import { parseTableQuery, type SearchParams } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { ReadProblem } from '@/app/(console)/_components/section';
import { queueContext } from '@/app/(console)/_lib/queue';
import { TasksTable } from '@/app/(console)/tasks/_components/tasks-table';
import { BulkTaskEdit } from '@/app/(console)/tasks/_components/task-edit';

export const metadata: Metadata = { title: 'Tasks' };

const SPEC = TASKS_SPEC;
const STATUS_LABELS = { queued: 'Queued', inProgress: 'In progress', complete: 'Complete', failed: 'Failed', cancelled: 'Cancelled' } as const;
const field = 'rounded-md border border-line bg-surface px-2 py-1.5 text-sm';

function Filters({ filter, types }: { filter: TaskFilter; types: string[] }) {
  return (
    <form method="get" aria-label="Filters" className="flex flex-wrap items-end gap-3 text-sm">
      <label className="flex flex-col gap-1">
        <span className="font-medium">Status</span>
        <select name="status" defaultValue={filter.status ?? ''} className={field}>
          <option value="">any</option>
          {Object.entries(STATUS_LABELS).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Type</span>
        <select name="type" defaultValue={filter.type ?? ''} className={field}>
          <option value="">any</option>
          {types.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Worker</span>
        <input name="worker" defaultValue={filter.worker ?? ''} className={`${field} w-40`} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">User id</span>
        <input name="user" defaultValue={filter.user ?? ''} className={`${field} w-72`} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Created from (UTC)</span>
        <input type="datetime-local" name="from" defaultValue={filter.from?.slice(0, 16) ?? ''} className={field} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">to</span>
        <input type="datetime-local" name="to" defaultValue={filter.to?.slice(0, 16) ?? ''} className={field} />
      </label>
      <button type="submit" className="rounded-md border border-line bg-surface px-3 py-1.5 font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-focus">
        Apply filters
      </button>
      <Link href="/tasks" className="py-1.5 text-accent underline underline-offset-4">Clear</Link>
    </form>
  );
}


export default async function TasksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('tasks.read');
  const { staff } = ctx;
  const params = await searchParams;
  const queue = await queueContext(ctx.check);
  if (!queue.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Tasks</h1>
        <Notice title="Not available for this database">{queue.message}</Notice>
      </>
    );
  }
  const query = parseTableQuery(params, SPEC);
  const { filter, dropped } = taskFilterOf(params);
  const search = parseTaskSearch(query.q);
  const r = await attempt(() =>
    read(async (trx) => ({
      types: await listTaskTypes(trx, queue.mapping),
      page: await listTasks(trx, queue.mapping, { filter: { ...filter, from: utc(filter.from), to: utc(filter.to) }, search, sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset }),
    })),
  );
  const bulkKind = filter.status === 'failed' ? 'bulkRequeue' : filter.status === 'queued' ? 'bulkCancel' : filter.status === 'inProgress' ? 'bulkCancel' : null;
  const canBulk = bulkKind && staff.can(bulkKind === 'bulkRequeue' ? 'tasks.requeue' : 'tasks.cancel') && search.kind === 'none';
  const bulkInput = Object.fromEntries(
    Object.entries({ status: filter.status, taskType: filter.type, workerId: filter.worker, userId: filter.user, createdAfter: utc(filter.from), createdBefore: utc(filter.to) })
      .filter(([, v]) => v) as [string, string][],
  );
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Tasks</h1>
        <p className="text-sm text-ink-muted">
          Every task, newest first. Filter, then search by id or by a value inside params (<code>model=flux-dev</code>,{' '}
          <code>seed=1001</code>). <Link href="/tasks/queue" className="text-accent underline underline-offset-4">Queue health</Link>.{' '}
          <a href={csvHref('tasks', params)} className="text-accent underline underline-offset-4" download>Download CSV</a> (every task these filters match)
        </p>
      </div>
      <Filters filter={filter} types={r.ok ? r.value.types : []} />
      {dropped.length ? <Notice tone="warn">Ignored filter{dropped.length === 1 ? '' : 's'} that did not parse: {dropped.join(', ')}.</Notice> : null}
      {search.kind === 'invalid' ? <Notice tone="warn" live>{search.message}</Notice> : null}
      {canBulk ? (
        <div className="flex flex-wrap items-center gap-3 rounded-lg border border-line bg-surface p-3 text-sm">
          <span>
            Bulk: {bulkKind === 'bulkRequeue' ? 'requeue' : 'cancel'} every {STATUS_LABELS[filter.status!].toLowerCase()} task matching these filters
            {filter.status === 'inProgress' ? ' whose worker is dead' : ''} (at most 500 per edit).
          </span>
          <BulkTaskEdit kind={bulkKind} input={bulkInput} summary={`Filters: ${Object.entries(bulkInput).map(([k, v]) => `${k} ${v}`).join(', ')}.`} />
        </div>
      ) : null}
      {r.ok && r.value.page.indexHint ? (
        <Notice title="An index would spare a sort">
          Newest first, this list sorts every task on each view: no index is led by the creation time (nor by status, then creation time).
          Kontor runs no DDL; run <code className="font-mono">{r.value.page.indexHint}</code> yourself.
        </Notice>
      ) : null}
      {r.ok ? (
        <TasksTable rows={r.value.page.rows} hasMore={r.value.page.hasMore} query={query} sortable={TASK_SORTS} can={{ requeue: staff.can('tasks.requeue'), cancel: staff.can('tasks.cancel') }} />
      ) : (
        <ReadProblem title="Tasks unavailable" problem={r} />
      )}
    </>
  );
}
