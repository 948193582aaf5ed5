'use client';
import { useActionState, useId } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { REASON_MAX_CHARS } from '@/lib/guard/text-limits';
import { decideApprovalAction } from '@/app/(console)/approvals/actions';

/** Approve or reject one request, with the approver's own reason. Submits once (disabled in flight). */
export function DecisionForm({ id, label }: { id: string; label: string }) {
  const [state, action, pending] = useActionState(decideApprovalAction, null);
  const reasonId = useId();
  const errorId = useId();
  const reasonError = state && !state.ok ? state.fieldErrors?.reason?.[0] : undefined;
  return (
    <form action={action} className="space-y-2" aria-label={`Decide request ${id}: ${label}`}>
      <input type="hidden" name="id" value={id} />
      <label htmlFor={reasonId} className="block text-sm font-medium">Your reason</label>
      <textarea
        id={reasonId}
        name="reason"
        required
        rows={2}
        maxLength={REASON_MAX_CHARS}
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError ? errorId : undefined}
        className="w-full min-w-56 rounded-md border border-line bg-surface px-3 py-1.5 text-sm"
      />
      {reasonError ? <p id={errorId} className="text-sm text-danger">{reasonError}</p> : null}
      {state && !state.ok && !reasonError ? <Notice tone="danger" live>{state.error}</Notice> : null}
      {state?.ok ? <Notice live>Request {state.data.status}.</Notice> : null}
      <div className="flex gap-2">
        <Button type="submit" name="decision" value="approve" disabled={pending}>Approve</Button>
        <Button type="submit" name="decision" value="reject" variant="secondary" disabled={pending}>Reject</Button>
      </div>
    </form>
  );
}
