import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { getTask } from '@/lib/domain/tasks/list';
import { actionsFor } from '@/lib/domain/tasks/actions';
import { auditHistoryHref } from '@/lib/guard/audit';
import { Notice } from '@/components/ui/notice';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { queueContext } from '@/app/(console)/_lib/queue';
import { formatSeconds, formatCount } from '@/lib/format';
import { TaskEdit } from '@/app/(console)/tasks/_components/task-edit';
import { anyRowKey, keyCanHold } from '@/lib/mapping/keys';
import { resolveIdPrefix, WhichId } from '@/app/(console)/_components/by-id-prefix';
import { formatCredits } from '@/lib/money';
import { attempt } from '@/app/(console)/_lib/attempt';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Task' };

const link = 'text-accent underline underline-offset-4';
const when = (iso: string | null) => <When at={iso} none="–" />;

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await pageContext('tasks.read');
  const { staff } = ctx;
  const id = anyRowKey.safeParse((await params).id);
  if (!id.success) notFound();
  const queue = await queueContext(ctx.check);
  if (!queue.ok) return <Notice title="Not available for this database">{queue.message}</Notice>;
  if (!keyCanHold(queue.mapping.tasks!, id.data)) return <WhichId concept="tasks" prefix={id.data} found={await resolveIdPrefix(ctx, 'tasks', id.data)} />;
  const r = await attempt(() => read((trx) => getTask(trx, queue.mapping, id.data)));
  if (!r.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Task</h1>
        <p className="font-mono text-sm text-ink-muted">{id.data}</p>
        <ReadProblem title="The task could not be read" problem={r} />
      </>
    );
  }
  const task = r.value;
  if (!task) return <WhichId concept="tasks" prefix={id.data} found={await resolveIdPrefix(ctx, 'tasks', id.data)} />; // the start of an id, or not found
  const actions = actionsFor(staff, task.actions);
  const settled = task.state === 'failed' || task.state === 'cancelled';
  const moneyNote =
    settled && Number(task.charged) < 0
      ? `This task ${task.state} and was charged ${formatCredits(task.charged)} credits: the user should get them back (a new ledger record, in finance).`
      : task.state === 'complete' && task.billable && Number(task.cost ?? 0) > 0 && Number(task.charged) >= 0
        ? `This task completed and its type is billable, but it was never charged (${formatCredits(task.cost)} credits).`
        : null;
  return (
    <>
      <div className="space-y-2">
        <p className="text-sm"><Link href="/tasks" className={link}>Tasks</Link> /</p>
        <h1 className="text-2xl font-semibold tracking-tight">
          Task <span className="font-mono text-xl">{task.id}</span>
        </h1>
        <p className="text-sm text-ink-muted">
          <span className="font-mono">{task.taskType ?? 'untyped'}</span> · {task.status} · attempts {task.attempts ?? '–'} · cost {formatCredits(task.cost)}
          {task.userId ? <> · user <Link href={`/users/${task.userId}`} className={`font-mono ${link}`}>{task.userId}</Link></> : null}
          {' · '}<Link href={auditHistoryHref({ type: 'task', id: task.id })} className={link}>Audit log</Link>
        </p>
        <div className="flex flex-wrap gap-2">
          {actions.requeue ? <TaskEdit kind="requeue" taskId={task.id} /> : null}
          {actions.cancel ? <TaskEdit kind="cancel" taskId={task.id} /> : null}
        </div>
      </div>
      {moneyNote ? (
        <Notice tone="warn" title="Money on the queue">
          {moneyNote}{' '}
          {task.userId && staff.can('credits.adjust') ? <Link href={`/finance/accounts/${encodeURIComponent(task.userId)}`} className={link}>Fix in finance</Link> : null}
        </Notice>
      ) : null}
      {task.errorMessage ? <Notice tone="danger" title="Last error">{task.errorMessage}</Notice> : null}
      <Section id="timeline" title="Timeline">
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="text-ink-muted">Created</dt><dd>{when(task.createdAt)}</dd>
          <dt className="text-ink-muted">Started</dt><dd>{when(task.startedAt)} {task.waitSeconds !== null ? <span className="text-ink-muted">(waited {formatSeconds(task.waitSeconds)})</span> : null}</dd>
          <dt className="text-ink-muted">Finished</dt><dd>{when(task.processedAt)} {task.runSeconds !== null ? <span className="text-ink-muted">(ran {formatSeconds(task.runSeconds)})</span> : null}</dd>
          <dt className="text-ink-muted">Last updated</dt><dd>{when(task.updatedAt)}</dd>
          <dt className="text-ink-muted">Worker</dt><dd className="font-mono">{task.workerId ? <Link href={`/workers?q=${encodeURIComponent(task.workerId)}`} className={link}>{task.workerId}</Link> : '–'}</dd>
        </dl>
      </Section>
      <Section id="params" title="Params">
        <pre tabIndex={0} className="overflow-x-auto rounded-lg border border-line bg-surface p-4 text-xs focus-visible:outline-2 focus-visible:outline-focus">{JSON.stringify(task.params, null, 2)}</pre>
      </Section>
      <Section id="ledger" title="Ledger entries" description={`What this task moved in the user's credits: net ${formatCredits(task.charged)}.`}>
        {task.ledgerHint ? (
          <Notice title="Only this task's user's entries were searched">
            {task.ledgerHint.table} has no index on {task.ledgerHint.column}: finding every entry that names this task reads all of it
            (~{formatCount(task.ledgerHint.rows)} rows), so the entries listed are those of the task&apos;s user ({task.userId ?? 'none'}) that name it.
            An entry naming it under another user is not shown. Kontor runs no DDL; run <code className="font-mono">{task.ledgerHint.sql}</code> yourself.
          </Notice>
        ) : null}
        {task.ledger.length ? (
          <table className="w-full text-sm">
            <caption className="sr-only">Ledger entries of this task</caption>
            <thead className="text-xs uppercase tracking-wide text-ink-muted">
              <tr><th scope="col" className="py-1 text-start">When</th><th scope="col" className="py-1 text-start">Type</th><th scope="col" className="py-1 text-end">Amount</th><th scope="col" className="py-1 ps-4 text-start">Description</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {task.ledger.map((e) => (
                <tr key={e.id}>
                  <td className="py-1">{when(e.createdAt)}</td><td className="py-1">{e.type ?? '–'}</td>
                  <td className="py-1 text-end tabular-nums">{formatCredits(e.amount)}</td><td className="py-1 ps-4">{e.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-ink-muted">No ledger entry names this task.</p>
        )}
      </Section>
    </>
  );
}
