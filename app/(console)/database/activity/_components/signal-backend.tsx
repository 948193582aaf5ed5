'use client';
/** Cancel a session's query or terminate the session, through the shared confirm dialog. */
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';

export function SignalBackend({ pid, state }: { pid: number; state: string }) {
  return (
    <div className="flex flex-wrap gap-1">
      {state === 'active' ? (
        <ConfirmDialog
          label="Cancel query"
          triggerLabel={`Cancel the query of session ${pid}`}
          variant="secondary"
          title={`Cancel the running query of session ${pid}`}
          description="The query stops with an error; the session and its connection stay."
          input={{ pid, mode: 'cancel' }}
          edit="database.signalBackend"
        />
      ) : null}
      <ConfirmDialog
        label="Terminate"
        triggerLabel={`Terminate session ${pid}`}
        variant="ghost"
        title={`Terminate session ${pid}`}
        description="Its connection is closed and any open transaction rolled back. The application may reconnect."
        input={{ pid, mode: 'terminate' }}
        edit="database.signalBackend"
      />
    </div>
  );
}

/** On the root of a lock tree: ends the session every waiter in the tree is queued behind. */
export function TerminateBlocker({ pid, blocks }: { pid: number; blocks: number }) {
  return (
    <ConfirmDialog
      label="Terminate blocker"
      triggerLabel={`Terminate session ${pid}, which blocks ${blocks} session${blocks === 1 ? '' : 's'}`}
      variant="secondary"
      title={`Terminate session ${pid}, the blocker`}
      description={`Its connection is closed and its open transaction rolled back, releasing its locks: the ${blocks === 1 ? 'session' : `${blocks} sessions`} waiting for it can go on. The application may reconnect.`}
      input={{ pid, mode: 'terminate' }}
      edit="database.signalBackend"
    />
  );
}
