'use client';
/** The queue's edit controls: each opens the shared confirm dialog bound to one task edit. */
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import { shortId } from '@/lib/format';

export function TaskEdit({ kind, taskId }: { kind: 'requeue' | 'cancel'; taskId: string }) {
  const requeue = kind === 'requeue';
  return (
    <ConfirmDialog
      label={requeue ? 'Requeue' : 'Cancel task'}
      triggerLabel={`${requeue ? 'Requeue' : 'Cancel'} task ${taskId}`}
      variant={requeue ? 'secondary' : 'ghost'}
      title={`${requeue ? 'Requeue' : 'Cancel'} task ${shortId(taskId)}…`}
      description={
        requeue
          ? 'It goes back to the queue with its run cleared (worker, times, error); a worker will pick it up and, if its type is billable, charge it when it completes.'
          : 'It stops here: no worker will take it. A task that was already charged shows under "Money on the queue".'
      }
      input={{ taskId }}
      edit={`tasks.${kind}`}
    />
  );
}

export function BulkTaskEdit({ kind, input, summary }: { kind: 'bulkRequeue' | 'bulkCancel'; input: Record<string, string>; summary: string }) {
  const requeue = kind === 'bulkRequeue';
  return (
    <ConfirmDialog
      label={requeue ? 'Requeue all matching' : 'Cancel all matching'}
      variant="secondary"
      title={requeue ? 'Requeue the tasks matching this filter' : 'Cancel the tasks matching this filter'}
      description={`${summary} The preview counts them exactly${requeue ? ' and shows the credits rerunning them will cost' : ''}; the audit row lists every task id.`}
      input={input}
      edit={`tasks.${kind}`}
    />
  );
}

/** The tasks ticked on the list, in one edit; the preview lists each and which are skipped. */
export function SelectedTasksEdit({ kind, taskIds }: { kind: 'requeue' | 'cancel'; taskIds: string[] }) {
  const requeue = kind === 'requeue';
  const n = taskIds.length;
  return (
    <ConfirmDialog
      label={requeue ? `Requeue ${n} ticked` : `Cancel ${n} ticked`}
      variant="secondary"
      title={requeue ? `Requeue ${n} ticked task${n === 1 ? '' : 's'}` : `Cancel ${n} ticked task${n === 1 ? '' : 's'}`}
      description={`The preview lists each task; ticked tasks that cannot be ${requeue ? 'requeued (only failed ones, or ones left on a dead worker)' : 'cancelled (only queued ones, or ones left on a dead worker)'} are listed as skipped and left as they are. One audit row names every task.`}
      input={{ taskIds }}
      edit={requeue ? 'tasks.requeueSelected' : 'tasks.cancelSelected'}
    />
  );
}

export function MarkWorkerOffline({ workerId }: { workerId: string }) {
  return (
    <ConfirmDialog
      label="Mark offline"
      triggerLabel={`Mark worker ${workerId} offline`}
      variant="secondary"
      title={`Mark worker ${workerId} offline`}
      description="Its status becomes inactive, so nothing expects it to take work. Tasks it still holds can then be requeued or cancelled."
      input={{ workerId }}
      edit="workers.markOffline"
    />
  );
}
