'use client';
/**
 * The dialog every guarded edit shares, given the edit's name: asks the server for a preview, shows
 * its before/after, asks for the reason, and commits once (previewEditAction / commitEditAction).
 * Field names and the approval rule come from the edit's entry in lib/edits/catalog.ts. The idempotency key is made when the dialog opens and kept across
 * retries, so a double click or a resubmit after a timeout cannot apply the edit twice.
 */
import { useEffect, useId, useRef, useState, useTransition, type ReactNode } from 'react';
import Link from 'next/link';
import { Button, type ButtonProps } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { DiffView } from '@/components/confirm/diff-view';
import { announceEdit } from '@/components/confirm/edit-status';
import { TargetLabel } from '@/components/confirm/target-label';
import { PendingRequestNote } from '@/components/confirm/pending-requests';
import type { PendingRequest } from '@/lib/guard/pending';
import { EDIT_CATALOG, type EditMeta, type EditName } from '@/lib/edits/catalog';
import { commitEditAction, previewEditAction } from '@/lib/edits/actions';
import type { CommitView, PreviewView } from '@/lib/edits/views';
import { REASON_MAX_CHARS } from '@/lib/guard/text-limits';
import type { EditLink } from '@/lib/guard/note';

type Phase =
  | { step: 'loading' }
  | { step: 'ready'; preview: PreviewView; token: string }
  | { step: 'refused'; error: string; fieldErrors?: Record<string, string[] | undefined>; next?: EditLink };

export interface ConfirmDialogProps {
  /** The guarded edit, by its catalog name: 'credits.adjust'. */
  edit: EditName;
  /** The trigger's text, e.g. "Change role". */
  label: string;
  /** An accessible name for the trigger when `label` is not enough ("Remove ada@example.com"). */
  triggerLabel?: string;
  variant?: ButtonProps['variant'];
  title: string;
  description?: ReactNode;
  /** The edit's fields, as the page has them now. */
  input: Record<string, unknown>;
  onDone?: (result: CommitView) => void;
  disabled?: boolean;
  /**
   * A request of this edit for this target that waits for approval: another one cannot be filed
   * (the kernel refuses an identical one), so the dialog says so and offers no "Request approval".
   */
  pendingRequest?: PendingRequest | null;
}

function newKey() {
  return crypto.randomUUID();
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const reasonId = useId();
  const reasonErrorId = useId();
  const waitingId = useId();
  const [phase, setPhase] = useState<Phase>({ step: 'loading' });
  const [reason, setReason] = useState('');
  const [refreshing, startTransition] = useTransition();
  const [committed, setCommitted] = useState(false);
  const submitting = refreshing || committed;
  const [commitError, setCommitError] = useState<{ error: string; stale: boolean; reason?: string[] } | null>(null);
  const key = useRef(newKey());
  const meta: EditMeta = EDIT_CATALOG[props.edit];

  async function loadPreview() {
    setPhase({ step: 'loading' });
    const r = await previewEditAction(props.edit, props.input);
    setPhase(r.ok ? { step: 'ready', ...r.data } : { step: 'refused', error: r.error, fieldErrors: r.fieldErrors, next: r.next });
  }

  function open() {
    key.current = newKey();
    setCommitted(false);
    setReason('');
    setCommitError(null);
    ref.current?.showModal();
    void loadPreview();
  }

  /**
   * Commits, then closes on the new state: the action's response carries the refreshed page (refresh()
   * in lib/edits/actions.ts) and the transition stays pending until the router has rendered it, so the
   * page behind the dialog never shows the old state after the dialog closes.
   */
  function submit() {
    if (phase.step !== 'ready' || submitting) return;
    setCommitError(null);
    const token = phase.token;
    startTransition(async () => {
      const r = await commitEditAction(props.edit, { input: props.input, reason, token, idempotencyKey: key.current });
      if (r.ok) {
        // Told at once, outside the dialog: this control may be gone from the refreshed page.
        announceEdit(r.data.outcome);
        props.onDone?.(r.data);
        startTransition(() => setCommitted(true));
        return;
      }
      startTransition(() => setCommitError({ error: r.error, stale: r.kind === 'stale' || r.kind === 'token', reason: r.fieldErrors?.reason }));
    });
  }

  // Closes once the refreshed page is rendered (`committed` is reset when the dialog opens again).
  useEffect(() => {
    if (committed && !refreshing) ref.current?.close();
  }, [committed, refreshing]);

  const fieldErrors = phase.step === 'refused' ? Object.entries(phase.fieldErrors ?? {}).filter(([, v]) => v?.length) : [];

  return (
    <>
      <Button
        variant={props.variant ?? 'secondary'}
        onClick={open}
        disabled={props.disabled}
        aria-label={props.triggerLabel}
        aria-describedby={props.disabled && props.pendingRequest ? waitingId : undefined}
      >
        {props.label}
      </Button>
      {props.disabled && props.pendingRequest ? (
        <span id={waitingId} className="self-center text-sm text-ink-muted">
          Request <span className="whitespace-nowrap">#{props.pendingRequest.id}</span> is waiting for approval.
        </span>
      ) : null}
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        className="m-auto w-[min(40rem,calc(100vw-2rem))] rounded-xl border border-line bg-surface p-0 text-ink shadow-xl backdrop:bg-black/50"
      >
        <form
          method="dialog"
          className="space-y-4 p-6"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h2 id={titleId} className="text-lg font-semibold">
            {props.title}
          </h2>
          {props.description ? <div className="text-sm text-ink-muted">{props.description}</div> : null}
          {meta.approval ? <p className="text-sm text-ink-muted">{meta.approval}</p> : null}

          {phase.step === 'loading' ? (
            <p role="status" className="text-sm text-ink-muted">Computing what this edit would change…</p>
          ) : phase.step === 'refused' ? (
            <Notice tone="danger" title="This edit cannot be made" live>
              {fieldErrors.length ? (
                <ul className="list-disc ps-5">
                  {fieldErrors.map(([field, messages]) => (
                    <li key={field}>
                      <span className="font-medium">{meta.fields[field] ?? field}:</span> {messages![0]}
                    </li>
                  ))}
                </ul>
              ) : (
                phase.error
              )}
              {phase.next ? <p className="mt-2"><NextLink link={phase.next} /></p> : null}
            </Notice>
          ) : (
            <div className="space-y-3">
              {phase.preview.notes?.map((n) => (
                <Notice key={n.text} tone={n.tone}>
                  {n.text}
                  {n.link ? <> <NextLink link={n.link} /></> : null}
                </Notice>
              ))}
              <section aria-label="Preview" className="rounded-lg border border-line p-3">
                <h3 className="mb-2 text-sm font-semibold">
                  Preview of <span className="font-normal"><TargetLabel target={phase.preview.target} name={phase.preview.targetName} /></span>
                </h3>
                <DiffView changes={phase.preview.changes} />
              </section>
              {phase.preview.needsApproval ? (
                props.pendingRequest ? (
                  <PendingRequestNote request={props.pendingRequest} what="A request for this" tone="warn" />
                ) : (
                  <Notice tone="warn">This is above the limit for one person: it becomes a request that another staff member approves.</Notice>
                )
              ) : null}
              <div className="space-y-1">
                <label htmlFor={reasonId} className="block text-sm font-medium">
                  Reason <span className="font-normal text-ink-muted">(kept in the audit log; a sentence, at least 3 words)</span>
                </label>
                <textarea
                  id={reasonId}
                  name="reason"
                  required
                  rows={3}
                  maxLength={REASON_MAX_CHARS}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  aria-invalid={commitError?.reason ? true : undefined}
                  aria-describedby={commitError?.reason ? reasonErrorId : undefined}
                  className="w-full rounded-md border border-line bg-surface px-3 py-2 text-sm"
                />
                {commitError?.reason ? (
                  <p id={reasonErrorId} className="text-sm text-danger">{commitError.reason[0]}</p>
                ) : null}
              </div>
            </div>
          )}

          {commitError && !commitError.reason ? (
            <Notice tone="danger" title={commitError.stale ? 'Changed since you looked' : 'Not saved'} live>
              {commitError.error}
            </Notice>
          ) : null}

          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="ghost" onClick={() => ref.current?.close()}>
              Cancel
            </Button>
            {commitError?.stale ? (
              <Button variant="secondary" onClick={() => { setCommitError(null); void loadPreview(); }}>
                Preview again
              </Button>
            ) : null}
            {phase.step === 'ready' ? (
              <Button
                type="submit"
                disabled={submitting || commitError?.stale || (phase.preview.needsApproval && Boolean(props.pendingRequest))}
                aria-disabled={submitting || undefined}
              >
                {submitting ? 'Saving…' : phase.preview.needsApproval ? 'Request approval' : 'Confirm'}
              </Button>
            ) : null}
          </div>
        </form>
      </dialog>
    </>
  );
}

/** A link out of the dialog to what the person may mean instead (the page's own action there). */
function NextLink({ link }: { link: EditLink }) {
  return <Link href={link.href} className="font-medium text-accent underline underline-offset-4">{link.label}</Link>;
}
